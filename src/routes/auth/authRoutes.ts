import { Router, type Request, type Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import type { AccountService } from '../../services/accountService';
import type { AuthService, CodeOutcome } from '../../services/authService';
import { roles } from '../../domain/roles';
import { homeFor } from '../../domain/staffNavigation';
import { safeNextPath } from '../../domain/accounts';
import { CREDENTIAL_FIELD_MAX } from '../../domain/limits';
import { requireRole } from '../../middleware/currentAccount';
import { errorsByField, formErrors, textValue, type FieldIssue, type FormError } from '../formErrors';
import { completeLogin, pendingLogin, regenerateSession, startPendingLogin } from './authSession';
import { confirmationIssues, emailField, nameField, newPasswordField } from '../../validation/accountFields';

/** The client, as a key for counting failed sign-ins in memory (IPv6 grouped by network). Never stored. */
const clientOf = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

export const loginSchema = z.object({
  email: z.string().trim().min(1, 'email_missing').max(CREDENTIAL_FIELD_MAX, 'credentials'),
  password: z.string().min(1, 'password_missing').max(CREDENTIAL_FIELD_MAX, 'credentials'),
});

export const codeSchema = z.object({
  code: z
    .string()
    .transform((c) => c.replace(/\s+/g, ''))
    .pipe(
      z
        .string()
        .min(1, 'code_missing')
        .regex(/^\d{6}$/, 'code_format'),
    ),
});

export const setupSchema = z.object({ name: nameField, email: emailField, password: newPasswordField, password_confirm: z.string() });
export const passwordSchema = z.object({ password: newPasswordField, password_confirm: z.string() });
export const changePasswordSchema = z.object({
  current_password: z.string().min(1, 'current_missing').max(CREDENTIAL_FIELD_MAX, 'current_wrong'),
  password: newPasswordField,
  password_confirm: z.string(),
});

const setupFields = ['name', 'email', 'password', 'password_confirm'] as const;
const passwordFields = ['password', 'password_confirm'] as const;
const changeFields = ['current_password', 'password', 'password_confirm'] as const;

/** Groups a TOTP secret in fours so it can be typed into an app by hand. */
const groupSecret = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

/**
 * Signing in and out, the first administrator's setup link, invitation links, and the account page.
 * Sign-in is two steps: the password starts a pending login in a fresh session, and only the
 * second factor (or, with REQUIRE_2FA=false, the password alone) sets `accountId`.
 */
export function authRoutes({
  authService,
  accountService,
  now,
}: {
  authService: AuthService;
  accountService: AccountService;
  now: () => Date;
}): Router {
  const nowMs = () => now().getTime();
  const router = Router();

  function issuesOf(result: { success: boolean; error?: { issues: readonly FieldIssue[] } }, extra: FieldIssue[] = []): FieldIssue[] {
    return [...(result.success ? [] : (result.error?.issues ?? [])), ...extra];
  }

  const formError = (res: Response, key: string, field: string): FormError => ({ field, text: res.locals.t(key), href: `#${field}` });

  // ---- password ----

  function renderLogin(res: Response, values: { email: string; next: string }, errors: FormError[], status?: number): void {
    res.status(status ?? (errors.length > 0 ? 400 : 200)).render('auth/login', { values, errors, fieldErrors: errorsByField(errors) });
  }

  router.get('/login', (req, res) => {
    if (req.account) return res.redirect(303, safeNextPath(req.query.next) ?? homeFor(req.account.role));
    renderLogin(res, { email: '', next: safeNextPath(req.query.next) ?? '' }, []);
  });

  router.post('/login', async (req, res) => {
    const values = { email: textValue(req.body.email), next: safeNextPath(req.body.next) ?? '' };
    const parsed = loginSchema.safeParse({ email: values.email, password: textValue(req.body.password) });
    if (!parsed.success)
      return renderLogin(res, values, formErrors(parsed.error.issues, res.locals.t, 'auth.errors', ['email', 'password']));
    const outcome = await authService.checkPassword(parsed.data.email, parsed.data.password, clientOf(req));
    if (!outcome.ok) {
      // One answer for an unknown email, a wrong password and a deactivated account.
      if (outcome.problem === 'refused') return renderLogin(res, values, [formError(res, 'auth.errors.credentials', 'email')]);
      return renderLogin(res, values, [formError(res, 'auth.errors.locked', 'email')], 429);
    }
    switch (outcome.next) {
      case 'signed_in':
        await completeLogin(req, outcome.account.id, nowMs());
        return res.redirect(303, values.next || homeFor(outcome.account.role));
      case 'needs_code':
      case 'needs_enrolment': {
        const stage = outcome.next === 'needs_code' ? 'code' : 'enrol';
        await startPendingLogin(req, { accountId: outcome.accountId, stage, since: nowMs(), next: values.next || null });
        return res.redirect(303, stage === 'code' ? '/login/code' : '/login/enrol');
      }
    }
  });

  // ---- second factor: a code ----

  function renderCode(res: Response, errors: FormError[], status?: number): void {
    res.status(status ?? (errors.length > 0 ? 400 : 200)).render('auth/code', { errors, fieldErrors: errorsByField(errors) });
  }

  router.get('/login/code', (req, res) => {
    if (!pendingLogin(req, 'code', nowMs())) return res.redirect(303, '/login');
    renderCode(res, []);
  });

  router.post('/login/code', async (req, res) => {
    const pending = pendingLogin(req, 'code', nowMs());
    if (!pending) return res.redirect(303, '/login');
    const parsed = codeSchema.safeParse({ code: textValue(req.body.code) });
    if (!parsed.success) return renderCode(res, formErrors(parsed.error.issues, res.locals.t, 'auth.errors', ['code']));
    const outcome = await authService.checkCode(pending.accountId, parsed.data.code, clientOf(req));
    return finishSecondFactor(req, res, outcome, pending.next, null, (errors, status) => renderCode(res, errors, status));
  });

  // ---- second factor: enrolment at the first sign-in ----

  async function renderEnrol(req: Request, res: Response, errors: FormError[], status?: number): Promise<void> {
    const pending = pendingLogin(req, 'enrol', nowMs());
    const view = pending?.sealedSecret ? await authService.enrolmentView(pending.accountId, pending.sealedSecret) : undefined;
    if (!view) return res.redirect(303, '/login');
    res.status(status ?? (errors.length > 0 ? 400 : 200)).render('auth/enrol', {
      secret: groupSecret(view.secret),
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  router.get('/login/enrol', async (req, res) => {
    const pending = pendingLogin(req, 'enrol', nowMs());
    if (!pending || !authService.needsEnrolment(pending.accountId)) return res.redirect(303, '/login');
    pending.sealedSecret ??= authService.startEnrolment(pending.accountId);
    await renderEnrol(req, res, []);
  });

  // The QR code as an SVG from our own origin: the CSP allows images from 'self' only (no data: URLs).
  router.get('/login/enrol/qr.svg', async (req, res) => {
    const pending = pendingLogin(req, 'enrol', nowMs());
    const view = pending?.sealedSecret ? await authService.enrolmentView(pending.accountId, pending.sealedSecret) : undefined;
    if (!view) return res.status(404).type('text/plain').send('Not found');
    res.type('image/svg+xml').send(view.qrSvg);
  });

  router.post('/login/enrol', async (req, res) => {
    const pending = pendingLogin(req, 'enrol', nowMs());
    if (!pending?.sealedSecret) return res.redirect(303, '/login');
    const parsed = codeSchema.safeParse({ code: textValue(req.body.code) });
    if (!parsed.success) return renderEnrol(req, res, formErrors(parsed.error.issues, res.locals.t, 'auth.errors', ['code']));
    const outcome = await authService.confirmEnrolment(pending.accountId, pending.sealedSecret, parsed.data.code, clientOf(req));
    return finishSecondFactor(req, res, outcome, pending.next, 'auth.enrol.done', (errors, status) =>
      renderEnrol(req, res, errors, status),
    );
  });

  async function finishSecondFactor(
    req: Request,
    res: Response,
    outcome: CodeOutcome,
    next: string | null,
    doneNotice: string | null,
    again: (errors: FormError[], status?: number) => void | Promise<void>,
  ): Promise<void> {
    if (outcome.ok) {
      await completeLogin(req, outcome.account.id, nowMs());
      if (doneNotice) req.session.notice = doneNotice;
      return res.redirect(303, next ?? homeFor(outcome.account.role));
    }
    switch (outcome.problem) {
      case 'refused':
        return again([formError(res, 'auth.errors.code', 'code')]);
      case 'locked':
        // Start again from the password once the lock has passed.
        delete req.session.pendingLogin;
        return renderLogin(res, { email: '', next: next ?? '' }, [formError(res, 'auth.errors.locked', 'email')], 429);
      case 'restart':
        delete req.session.pendingLogin;
        return res.redirect(303, '/login');
    }
  }

  // ---- signing out ----

  router.post('/logout', async (req, res) => {
    if (req.account) authService.recordLogout(req.account.id);
    // A fresh, empty session: the old one is gone from the store, and the next page can say so.
    await regenerateSession(req);
    req.session.notice = 'auth.signedOut';
    res.redirect(303, '/login');
  });

  // ---- the first administrator ----

  function renderSetup(res: Response, token: string, values: { name: string; email: string }, errors: FormError[]): void {
    res.status(errors.length > 0 ? 400 : 200).render('auth/setup', { token, values, errors, fieldErrors: errorsByField(errors) });
  }

  const linkGone = (res: Response) => res.status(404).render('auth/linkInvalid');

  router.get('/setup/:token', (req, res) => {
    if (!accountService.isSetupLinkUsable(req.params.token)) return linkGone(res);
    renderSetup(res, req.params.token, { name: '', email: '' }, []);
  });

  router.post('/setup/:token', async (req, res) => {
    const token = req.params.token;
    if (!accountService.isSetupLinkUsable(token)) return linkGone(res);
    const raw = {
      name: textValue(req.body.name),
      email: textValue(req.body.email),
      password: textValue(req.body.password),
      password_confirm: textValue(req.body.password_confirm),
    };
    // The language switch posts the form: the same page in the other language, name and email kept, nothing checked or stored.
    if (req.languageSwitch) return renderSetup(res, token, { name: raw.name, email: raw.email }, []);
    const parsed = setupSchema.safeParse(raw);
    const issues = issuesOf(parsed, confirmationIssues(raw.password, raw.password_confirm));
    if (!parsed.success || issues.length > 0) {
      return renderSetup(res, token, { name: raw.name, email: raw.email }, formErrors(issues, res.locals.t, 'auth.errors', setupFields));
    }
    const created = await accountService.completeSetup(token, parsed.data);
    if (!created.ok) return linkGone(res);
    req.session.notice = 'setup.done';
    res.redirect(303, '/login');
  });

  // ---- invitations ----

  function renderInvite(res: Response, token: string, invitee: { name: string; email: string }, errors: FormError[]): void {
    res.status(errors.length > 0 ? 400 : 200).render('auth/invite', { token, invitee, errors, fieldErrors: errorsByField(errors) });
  }

  router.get('/invite/:token', (req, res) => {
    const invitee = accountService.invitationFor(req.params.token);
    if (!invitee) return linkGone(res);
    renderInvite(res, req.params.token, invitee, []);
  });

  router.post('/invite/:token', async (req, res) => {
    const token = req.params.token;
    const invitee = accountService.invitationFor(token);
    if (!invitee) return linkGone(res);
    // The language switch posts the form: the same page in the other language (a password is never shown again).
    if (req.languageSwitch) return renderInvite(res, token, invitee, []);
    const raw = { password: textValue(req.body.password), password_confirm: textValue(req.body.password_confirm) };
    const parsed = passwordSchema.safeParse(raw);
    const issues = issuesOf(parsed, confirmationIssues(raw.password, raw.password_confirm));
    if (!parsed.success || issues.length > 0)
      return renderInvite(res, token, invitee, formErrors(issues, res.locals.t, 'auth.errors', passwordFields));
    const accepted = await accountService.acceptInvitation(token, parsed.data.password);
    if (!accepted.ok) return linkGone(res);
    // Signed in straight away (or on to enrol the second factor), as /login would after this password.
    const outcome = await authService.afterInvitationAccepted(accepted.id, clientOf(req));
    if (!outcome.ok) {
      req.session.notice = 'auth.invite.done';
      return res.redirect(303, '/login');
    }
    switch (outcome.next) {
      case 'signed_in':
        await completeLogin(req, outcome.account.id, nowMs());
        req.session.notice = 'auth.invite.signedIn';
        return res.redirect(303, homeFor(outcome.account.role));
      case 'needs_code':
      case 'needs_enrolment': {
        const stage = outcome.next === 'needs_code' ? 'code' : 'enrol';
        await startPendingLogin(req, { accountId: outcome.accountId, stage, since: nowMs(), next: null });
        req.session.notice = 'auth.invite.saved';
        return res.redirect(303, stage === 'code' ? '/login/code' : '/login/enrol');
      }
    }
  });

  // ---- the signed-in person's own account ----

  const signedIn = requireRole(...roles);

  function renderAccount(req: Request, res: Response, errors: FormError[], status?: number): void {
    const account = req.account!;
    res.status(status ?? (errors.length > 0 ? 400 : 200)).render('auth/account', {
      totpEnrolled: authService.twoFactorEnrolled(account.id),
      require2fa: authService.require2fa,
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  router.get('/account', signedIn, (req, res) => renderAccount(req, res, []));

  router.post('/account/password', signedIn, async (req, res) => {
    const account = req.account!;
    const raw = {
      current_password: textValue(req.body.current_password),
      password: textValue(req.body.password),
      password_confirm: textValue(req.body.password_confirm),
    };
    const parsed = changePasswordSchema.safeParse(raw);
    const issues = issuesOf(parsed, confirmationIssues(raw.password, raw.password_confirm));
    if (!parsed.success || issues.length > 0) return renderAccount(req, res, formErrors(issues, res.locals.t, 'auth.errors', changeFields));
    const changed = await authService.changePassword(account.id, parsed.data.current_password, parsed.data.password, clientOf(req));
    if (!changed.ok && changed.problem === 'locked') {
      // 429 as at sign-in: the same throttle said no, and nothing about the form was wrong.
      return renderAccount(req, res, [formError(res, 'auth.errors.current_locked', 'current_password')], 429);
    }
    if (!changed.ok) return renderAccount(req, res, [formError(res, 'auth.errors.current_wrong', 'current_password')]);
    // Whoever may know the old password is signed out everywhere (the service ended every session of
    // the account); this one continues under a new id, keeping its original start (the 8-hour limit does not restart).
    const startedAt = req.session.startedAt ?? nowMs();
    await regenerateSession(req);
    req.session.accountId = account.id;
    req.session.startedAt = startedAt;
    req.session.notice = 'account.passwordChanged';
    res.redirect(303, '/account');
  });

  return router;
}
