import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AreaDirectory } from '../../domain/areas';
import type { CurrentAccount } from '../../domain/roles';
import type { Locale } from '../../domain/locales';
import { affectedGroups, categories, contactChannels, intakeChannels, reporterRelations, urgencies } from '../../domain/reference';
import { formatReceipt, RECEIPT_VIEWABLE_MINUTES } from '../../domain/receipt';
import { requireRole } from '../../middleware/currentAccount';
import type { Csrf } from '../../middleware/setUpCsrf';
import { HttpError, isDatabaseUnavailable } from '../../errors';
import type { ReceiptHandoff } from '../../services/receiptHandoff';
import type { StaffIntakeService } from '../../services/staffIntakeService';
import type { AttachmentService } from '../../services/attachmentService';
import { attachmentFieldView, formAttachments } from '../attachmentFields';
import { errorsByField, type FormError } from '../formErrors';
import { intakeFieldAnchors, intakeFormErrors, intakeFormValues, parseIntakeForm, type IntakeFormValues } from './intakeForm';

export const INTAKE_PATH = '/staff/intake';
export const INTAKE_RECEIPT_PATH = `${INTAKE_PATH}/receipt`;
export const INTAKE_SLIP_PATH = `${INTAKE_RECEIPT_PATH}/slip`;
export const INTAKE_RECEIPT_DONE_PATH = `${INTAKE_RECEIPT_PATH}/done`;
/** The key to the sealed receipt in the officer's session row; sent only to the receipt pages. */
export const INTAKE_RECEIPT_COOKIE = 'lentera.intake-receipt';

declare module 'express-session' {
  interface SessionData {
    /**
     * The receipt of a report just recorded at the office, sealed (receiptHandoff.ts): its key is in
     * the INTAKE_RECEIPT_COOKIE cookie. `shown` once its page has shown the code; the slip can still
     * be printed until the hand-off ends.
     */
    intakeReceipt?: { sealed: string; reference: string; language: Locale; shown: boolean };
  }
}

export interface IntakeRouteDeps {
  staffIntakeService: StaffIntakeService;
  /** Files attached at intake (a multipart form: setUpMultipart reads it before this route). */
  attachmentService: Pick<AttachmentService, 'prepare' | 'limits'>;
  receiptHandoff: ReceiptHandoff;
  areas: AreaDirectory;
  csrf: Csrf;
  /** Shows the slip in the reporter's language (middleware/setUpLocals.ts, setUpPageLocale). */
  slipLocale: RequestHandler;
  secureCookies: boolean;
  /** The site's address, printed on the slip with where to check the report. */
  baseUrl: string;
  defaultLocale: Locale;
  now: () => Date;
}

const options = { categories, affectedGroups, urgencies, reporterRelations, contactChannels, intakeChannels };

/**
 * /staff/intake — a report received at the office, by phone, WhatsApp, letter or outreach, recorded
 * by a triage officer or supervisor; and the receipt the reporter may be given: its code shown once
 * on the page that follows (to read out), and a printable slip while the short hand-off lasts.
 */
export function intakeRoutes(deps: IntakeRouteDeps): Router {
  const { staffIntakeService, attachmentService, receiptHandoff, areas, csrf, slipLocale, secureCookies, now } = deps;
  const router = Router();
  const recorders = requireRole('triage', 'supervisor');
  const statusUrl = new URL('/status', deps.baseUrl).href;
  const keyCookie = { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: INTAKE_RECEIPT_PATH } as const;

  function renderForm(
    req: Request,
    res: Response,
    values: IntakeFormValues,
    errors: FormError[],
    status = errors.length > 0 ? 400 : 200,
  ): void {
    res.status(status).render('staff/intake', {
      ...attachmentFieldView(attachmentService.limits, req),
      values,
      errors,
      fieldErrors: errorsByField(errors),
      kecamatan: areas.kecamatan,
      takers: staffIntakeService.takers(),
      options,
    });
  }

  const formTop = `#${intakeFieldAnchors.channel}`;

  /** Drops a kept receipt: the sealed half from the session and the key cookie. */
  function discard(req: Request, res: Response): void {
    delete req.session.intakeReceipt;
    if (req.cookies?.[INTAKE_RECEIPT_COOKIE] !== undefined) res.clearCookie(INTAKE_RECEIPT_COOKIE, keyCookie);
  }

  /** The receipt this officer may still see, or undefined (a pair that no longer opens is discarded on the spot). */
  function kept(req: Request, res: Response): { receipt: string; reference: string } | undefined {
    const entry = req.session.intakeReceipt;
    const opened = entry ? receiptHandoff.open(entry.sealed, req.cookies?.[INTAKE_RECEIPT_COOKIE]) : undefined;
    if (!entry || !opened) {
      discard(req, res);
      return undefined;
    }
    return { receipt: opened.receipt, reference: entry.reference };
  }

  router.get(INTAKE_PATH, recorders, (req, res) => {
    const who = req.account as CurrentAccount;
    renderForm(req, res, intakeFormValues(undefined, { now: now(), accountId: who.id, language: deps.defaultLocale }), []);
  });

  router.post(INTAKE_PATH, recorders, async (req, res) => {
    const who = req.account as CurrentAccount;
    const values = intakeFormValues(req.body ?? {}, { now: now(), accountId: who.id, language: deps.defaultLocale });
    // The language switch of this page posts the form: the same form again, nothing checked or stored.
    if (req.languageSwitch) return renderForm(req, res, values, []);
    const t = res.locals.t;
    // A form open longer than its token holds: keep everything and ask to send again (setUpCsrf, recoverablePaths).
    if (!csrf.isTokenValid(req)) return renderForm(req, res, values, [{ field: 'form', text: t('intake.errors.expired'), href: formTop }]);
    const parsed = parseIntakeForm(values, areas, now());
    // Files are checked even when a field is wrong, so that every error shows at once.
    const files = await formAttachments(attachmentService, req, t);
    if (!parsed.ok || !files.prepared.ok) {
      const errors = parsed.ok ? [] : intakeFormErrors(parsed.issues, t);
      return renderForm(req, res, values, files.error ? [...errors, files.error] : errors);
    }
    let result: ReturnType<StaffIntakeService['record']>;
    try {
      result = staffIntakeService.record(who, parsed.input, files.prepared.files);
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      return renderForm(req, res, values, [{ field: 'form', text: t('intake.errors.unavailable'), href: formTop }], 503);
    }
    if (!result.ok) {
      if (result.problem === 'not_allowed') throw new HttpError(403, 'May not record reports');
      const field = result.problem === 'unknown_taker' ? 'taken_by' : 'received_at';
      return renderForm(req, res, values, intakeFormErrors([{ path: [field], message: result.problem }], t));
    }
    // A receipt from an earlier intake that was not finished goes now: one at a time.
    discard(req, res);
    if (result.receipt === null) {
      req.session.notice = 'intake.recorded';
      return res.redirect(303, `/staff/reports/${encodeURIComponent(result.reference)}`);
    }
    const sealed = receiptHandoff.seal({ receipt: result.receipt, urgency: result.urgency });
    req.session.intakeReceipt = {
      sealed: sealed.sealed,
      reference: result.reference,
      language: parsed.input.report.language,
      shown: false,
    };
    res.cookie(INTAKE_RECEIPT_COOKIE, sealed.key, keyCookie);
    res.redirect(303, INTAKE_RECEIPT_PATH);
  });

  // The code once, to read out; after that only the slip, until the hand-off ends.
  router.get(INTAKE_RECEIPT_PATH, recorders, (req, res) => {
    const pending = kept(req, res);
    const entry = req.session.intakeReceipt;
    if (!pending || !entry) return res.render('staff/intakeReceipt', { receipt: null, reference: null, shownBefore: false });
    const shownBefore = entry.shown;
    entry.shown = true;
    res.render('staff/intakeReceipt', {
      receipt: shownBefore ? null : formatReceipt(pending.receipt),
      reference: pending.reference,
      shownBefore,
      minutes: RECEIPT_VIEWABLE_MINUTES,
    });
  });

  // The printable slip, in the reporter's language; every printing is audited.
  router.get(INTAKE_SLIP_PATH, recorders, slipLocale, (req, res) => {
    const pending = kept(req, res);
    if (!pending) return res.status(404).render('staff/intakeReceipt', { receipt: null, reference: null, shownBefore: false });
    const audited = staffIntakeService.slipPrinted(req.account as CurrentAccount, pending.reference);
    if (!audited.ok) {
      discard(req, res);
      throw new HttpError(404, 'No such report');
    }
    res.render('staff/intakeSlip', { receipt: formatReceipt(pending.receipt), reference: pending.reference, statusUrl });
  });

  router.post(INTAKE_RECEIPT_DONE_PATH, recorders, (req, res) => {
    const reference = req.session.intakeReceipt?.reference;
    discard(req, res);
    res.redirect(303, reference ? `/staff/reports/${encodeURIComponent(reference)}` : INTAKE_PATH);
  });

  return router;
}
