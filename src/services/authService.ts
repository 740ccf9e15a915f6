import QRCode from 'qrcode';
import type { Transactor } from '../data/transaction';
import type { AccountCredentials, AccountRepository } from '../data/accountRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { FieldCipher } from '../data/fieldCipher';
import { isApprovalSettled } from '../domain/accounts';
import { normalizeEmail } from '../domain/email';
import type { CurrentAccount } from '../domain/roles';
import { done, refuse, type Done, type Outcome, type Refused } from '../domain/outcome';
import type { AccountService } from './accountService';
import { totpSecretContext } from './accountService';
import type { SharedLoginThrottle } from '../security/clientLimits';
import { verifyPassword } from '../security/passwords';
import { checkTotp, newTotpSecret, totpUri } from '../security/totp';

export interface AuthServiceDeps {
  transaction: Transactor;
  accounts: AccountRepository;
  accountService: AccountService;
  audit: AuditRepository;
  cipher: FieldCipher;
  /** In memory only, shared by every server process (security/clientLimits.ts). */
  throttle: SharedLoginThrottle;
  require2fa: boolean;
  /** The name authenticator apps show next to the code. */
  issuer: string;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** Every factor checked: the person is signed in. */
export type SignedIn = { next: 'signed_in'; account: CurrentAccount };

/** What follows the password: signed in, a code to ask for, or a second factor to enrol first. */
export type AfterPassword = SignedIn | { next: 'needs_code'; accountId: number } | { next: 'needs_enrolment'; accountId: number };

/**
 * `refused`: one answer for an unknown email, a wrong password or code and an inactive account;
 * `locked`: too many failures from this client (security/loginThrottle.ts).
 */
export type PasswordOutcome = Outcome<AfterPassword, 'refused' | 'locked'>;

/** `restart`: the half-signed-in state no longer holds (account deactivated, factor reset): start again from the password. */
export type CodeOutcome = Outcome<SignedIn, 'refused' | 'locked' | 'restart'>;

/** A secret being enrolled travels in the session only encrypted, bound to the account. */
const pendingSecretContext = (accountId: number) => `sessions.pending_totp:${accountId}`;

const toCurrent = (a: AccountCredentials): CurrentAccount => ({
  id: a.id,
  email: a.email,
  name: a.name,
  role: a.role,
  departmentId: a.departmentId,
});

/**
 * Signing in: password, then a TOTP code (enrolled at the first sign-in). Failures slow down, then
 * lock per (email, client); the client address is only a key in memory (security/loginThrottle.ts). Each
 * success and failure is audited, a failure for an unknown email without anything that was typed.
 */
export function createAuthService(deps: AuthServiceDeps) {
  const { transaction, accounts, accountService, audit, cipher, throttle, require2fa, issuer, now } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** Counts and audits a failure; the answer is `locked` when this one locked the pair or the client. */
  async function recordFailure(
    email: string,
    client: string,
    accountId: number | null,
    reason: string,
  ): Promise<Refused<'refused' | 'locked'>> {
    const lockedNow = await throttle.recordFailure(email, client);
    const at = now();
    transaction(() => {
      audit.append(
        {
          actorAccountId: null,
          action: 'auth.login_failed',
          subjectType: accountId === null ? null : 'account',
          subjectId: accountId,
          detail: { reason },
        },
        at,
      );
      if (lockedNow)
        audit.append(
          { actorAccountId: null, action: 'auth.login_locked', subjectType: accountId === null ? null : 'account', subjectId: accountId },
          at,
        );
    });
    return refuse(lockedNow ? 'locked' : 'refused');
  }

  async function signedIn(account: AccountCredentials, client: string, factor: string, step: number | null): Promise<boolean> {
    const at = now();
    const ok = transaction(() => {
      if (step !== null && !accounts.advanceTotpStep(account.id, step)) return false;
      audit.append(
        { actorAccountId: account.id, action: 'auth.login', subjectType: 'account', subjectId: account.id, detail: { factor } },
        at,
      );
      return true;
    });
    if (ok) await throttle.recordSuccess(account.email, client);
    return ok;
  }

  /** The password was right (or an invitation link stood for it): signed in, or on to the second factor. */
  async function afterPassword(
    account: AccountCredentials,
    client: string,
    factor: 'password' | 'invitation',
  ): Promise<Done<AfterPassword>> {
    if (!require2fa) {
      await signedIn(account, client, factor, null);
      return done({ next: 'signed_in', account: toCurrent(account) });
    }
    return account.totpSecretEnc === null
      ? done({ next: 'needs_enrolment', accountId: account.id })
      : done({ next: 'needs_code', accountId: account.id });
  }

  /** Waits as the throttle asks; true when the (email, client) pair or the client is locked. */
  async function throttled(email: string, client: string): Promise<boolean> {
    const state = await throttle.state(email, client);
    if (state.locked) return true;
    if (state.delayMs > 0) await sleep(state.delayMs);
    return false;
  }

  return {
    require2fa,

    /** The signed-in account of a session, while it may act (active, and not awaiting or refused approval). */
    currentAccount(accountId: number): CurrentAccount | undefined {
      return accounts.findActive(accountId);
    },

    async checkPassword(emailTyped: string, password: string, client: string): Promise<PasswordOutcome> {
      const email = normalizeEmail(emailTyped);
      if (await throttled(email, client)) return refuse('locked');
      const account = accounts.findCredentialsByEmail(email);
      const matches = await verifyPasswordFor(account, password);
      if (!account) return recordFailure(email, client, null, 'credentials');
      if (!matches) return recordFailure(email, client, account.id, 'password');
      // An account still waiting for a supervisor (or refused) has no password to match; and if it had, it could not sign in.
      if (!account.active || !isApprovalSettled(account.approval)) return recordFailure(email, client, account.id, 'inactive');
      return afterPassword(account, client, 'password');
    },

    /**
     * Someone who has just set their password with their invitation link goes on as if they had
     * typed it at /login: signed in, or on to enrol the second factor (their account has none yet).
     * The link was the proof; asking for the same password again a moment later adds nothing.
     */
    async afterInvitationAccepted(accountId: number, client: string): Promise<Outcome<AfterPassword, 'refused'>> {
      const account = accounts.findCredentials(accountId);
      if (!account || !account.active || !isApprovalSettled(account.approval) || account.passwordHash === null) return refuse('refused');
      return afterPassword(account, client, 'invitation');
    },

    async checkCode(accountId: number, code: string, client: string): Promise<CodeOutcome> {
      const account = accounts.findCredentials(accountId);
      if (!account || !account.active || account.totpSecretEnc === null) return refuse('restart');
      if (await throttled(account.email, client)) return refuse('locked');
      const secret = cipher.decrypt(account.totpSecretEnc, totpSecretContext(account.id));
      const check = await checkTotp(secret, code, now(), account.totpLastStep);
      if (check.ok && (await signedIn(account, client, 'totp', check.step)))
        return done({ next: 'signed_in', account: toCurrent(account) });
      return recordFailure(account.email, client, account.id, check.ok ? 'code_reused' : check.reason);
    },

    /** A new secret to enrol, sealed for the session. */
    startEnrolment(accountId: number): string {
      return cipher.encrypt(newTotpSecret(), pendingSecretContext(accountId));
    },

    /** The secret as text and as a QR code (SVG, served from our own origin: the CSP allows no data: images). */
    async enrolmentView(accountId: number, sealedSecret: string): Promise<{ secret: string; qrSvg: string } | undefined> {
      const account = accounts.findCredentials(accountId);
      if (!account) return undefined;
      const secret = cipher.decrypt(sealedSecret, pendingSecretContext(accountId));
      const qrSvg = await QRCode.toString(totpUri(secret, account.email, issuer), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { secret, qrSvg };
    },

    /** Confirms the first code from a new secret, enrols it, and signs in. */
    async confirmEnrolment(accountId: number, sealedSecret: string, code: string, client: string): Promise<CodeOutcome> {
      const account = accounts.findCredentials(accountId);
      if (!account || !account.active || account.totpSecretEnc !== null) return refuse('restart');
      if (await throttled(account.email, client)) return refuse('locked');
      const secret = cipher.decrypt(sealedSecret, pendingSecretContext(accountId));
      const enrolled = await accountService.enrolTotp(accountId, secret, code);
      if (!enrolled.ok) return recordFailure(account.email, client, account.id, enrolled.problem);
      await signedIn(account, client, 'totp_enrolment', null);
      return done({ next: 'signed_in', account: toCurrent(account) });
    },

    /**
     * A signed-in person changes their password. The current password is a password guess like any
     * other, so it is throttled with sign-in's own counters for (email, client) and client: once
     * locked, it is not even checked, and the lock is audited as sign-in's is. Every session of the
     * account ends with the change (accountService.changePassword).
     */
    async changePassword(
      accountId: number,
      currentPassword: string,
      newPassword: string,
      client: string,
    ): Promise<Outcome<object, 'current_wrong' | 'locked'>> {
      const account = accounts.findCredentials(accountId);
      if (!account) return refuse('current_wrong');
      if (await throttled(account.email, client)) return refuse('locked');
      const changed = await accountService.changePassword(accountId, currentPassword, newPassword);
      if (changed.ok) {
        await throttle.recordSuccess(account.email, client);
        return changed;
      }
      if (!(await throttle.recordFailure(account.email, client))) return changed;
      const at = now();
      transaction(() =>
        audit.append(
          { actorAccountId: account.id, action: 'account.password_change_locked', subjectType: 'account', subjectId: account.id },
          at,
        ),
      );
      return refuse('locked');
    },

    /** Whether this account is still waiting to enrol (the pending session's stage is not trusted alone). */
    needsEnrolment(accountId: number): boolean {
      const account = accounts.findCredentials(accountId);
      return account !== undefined && account.active && account.totpSecretEnc === null;
    },

    twoFactorEnrolled(accountId: number): boolean {
      return accounts.findCredentials(accountId)?.totpSecretEnc != null;
    },

    recordLogout(accountId: number): void {
      const at = now();
      transaction(() =>
        audit.append({ actorAccountId: accountId, action: 'auth.logout', subjectType: 'account', subjectId: accountId }, at),
      );
    },
  };
}

/** Always runs a verification (against a decoy when there is no account) so timing does not tell. */
function verifyPasswordFor(account: AccountCredentials | undefined, password: string): Promise<boolean> {
  return verifyPassword(account?.passwordHash ?? null, password);
}

export type AuthService = ReturnType<typeof createAuthService>;
