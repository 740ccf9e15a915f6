import crypto from 'node:crypto';
import type { Transactor } from '../data/transaction';
import type { AccountListItem, AccountRepository } from '../data/accountRepository';
import type { AccountTokenRepository } from '../data/accountTokenRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { FieldCipher, KeyedHasher } from '../data/fieldCipher';
import {
  INVITE_LINK_TTL_MS,
  SETUP_LINK_TTL_MS,
  mayDeactivate,
  needsDepartment,
  normalizeEmail,
  type AccountTokenPurpose,
} from '../domain/accounts';
import type { Role } from '../domain/roles';
import { hashPassword, verifyPassword } from './passwords';
import { checkTotp } from './totp';
import type { Notifications } from './notifications';

export interface AccountServiceDeps {
  transaction: Transactor;
  accounts: AccountRepository;
  tokens: AccountTokenRepository;
  audit: AuditRepository;
  cipher: FieldCipher;
  tokenHasher: KeyedHasher;
  baseUrl: string;
  now: () => Date;
  /** Invitation links and second-factor resets are also emailed to the person. */
  notify: Notifications;
}

export interface NewAccountInput {
  email: string;
  name: string;
  role: Role;
  departmentId: number | null;
}

export type AccountProblem = 'email_taken' | 'department_required' | 'department_unknown';

export type CreateResult =
  | { ok: true; id: number; invitationLink: string | null }
  | { ok: false; problem: AccountProblem };

export type ActionResult = { ok: true } | { ok: false; problem: 'not_found' | 'self' | 'not_invited' };

export interface AccountDetail extends AccountListItem {
  invitationExpiresAt: string | null;
}

/** The context a TOTP secret is encrypted under: bound to its row, so it cannot be moved. */
export const totpSecretContext = (accountId: number) => `accounts.totp_secret:${accountId}`;

const newToken = () => crypto.randomBytes(32).toString('base64url');

/**
 * Accounts: the first administrator, invitations, passwords, second factors, deactivation. Every
 * change is audited in the same transaction; the audit never holds a password, token or secret.
 */
export function createAccountService(deps: AccountServiceDeps) {
  const { transaction, accounts, tokens, audit, cipher, tokenHasher, baseUrl, now, notify } = deps;

  /** Stores a new one-time link's hash; the link itself is returned once and kept nowhere. */
  function issueToken(purpose: AccountTokenPurpose, accountId: number | null, ttlMs: number, at: Date): string {
    const token = newToken();
    tokens.insert({ accountId, purpose, tokenHash: tokenHasher.hash(token), expiresAt: new Date(at.getTime() + ttlMs) }, at);
    return token;
  }

  const usableToken = (token: string, purpose: AccountTokenPurpose, at: Date) =>
    token.length > 0 && token.length <= 100 ? tokens.findUsable(tokenHasher.hash(token), purpose, at) : undefined;

  function problemWith(input: NewAccountInput): AccountProblem | null {
    if (accounts.isEmailTaken(normalizeEmail(input.email))) return 'email_taken';
    if (needsDepartment(input.role)) {
      if (input.departmentId === null) return 'department_required';
      if (!accounts.isActiveDepartment(input.departmentId)) return 'department_unknown';
    }
    return null;
  }

  /** Creates the account, with a password or with an invitation link to set one. */
  async function create(input: NewAccountInput, password: string | null, actorAccountId: number | null, via: 'cli' | 'admin'): Promise<CreateResult> {
    const early = problemWith(input);
    if (early) return { ok: false, problem: early };
    const passwordHash = password === null ? null : await hashPassword(password);
    const at = now();
    return transaction((): CreateResult => {
      // Checked again inside the transaction: the hash took a while.
      const problem = problemWith(input);
      if (problem) return { ok: false, problem };
      const id = accounts.insert(
        {
          email: normalizeEmail(input.email),
          name: input.name.trim(),
          role: input.role,
          departmentId: needsDepartment(input.role) ? input.departmentId : null,
          passwordHash,
        },
        at,
      );
      let invitationLink: string | null = null;
      if (passwordHash === null) {
        invitationLink = `${baseUrl}/invite/${issueToken('invite', id, INVITE_LINK_TTL_MS, at)}`;
        notify.invitation({ email: normalizeEmail(input.email), name: input.name.trim(), role: input.role }, invitationLink, new Date(at.getTime() + INVITE_LINK_TTL_MS), at);
        audit.append({ actorAccountId, action: 'account.invited', subjectType: 'account', subjectId: id, detail: { role: input.role, via } }, at);
      } else {
        audit.append({ actorAccountId, action: 'account.created', subjectType: 'account', subjectId: id, detail: { role: input.role, via } }, at);
      }
      return { ok: true, id, invitationLink };
    });
  }

  return {
    hasAnyAccount(): boolean {
      return accounts.count() > 0;
    },

    /**
     * While there is no account at all, a fresh setup link for the first administrator (replacing
     * any earlier one); null once someone has an account.
     */
    issueSetupLinkIfNoAccounts(): string | null {
      const at = now();
      return transaction(() => {
        if (accounts.count() > 0) return null;
        tokens.deleteUnused('setup');
        return `${baseUrl}/setup/${issueToken('setup', null, SETUP_LINK_TTL_MS, at)}`;
      });
    },

    isSetupLinkUsable(token: string): boolean {
      return accounts.count() === 0 && usableToken(token, 'setup', now()) !== undefined;
    },

    /** The first administrator, from the setup link. False when the link is no longer usable. */
    async completeSetup(token: string, input: { email: string; name: string; password: string }): Promise<{ ok: true; id: number } | { ok: false }> {
      const passwordHash = await hashPassword(input.password);
      const at = now();
      return transaction(() => {
        const found = usableToken(token, 'setup', at);
        if (!found || accounts.count() > 0 || !tokens.markUsed(found.id, at)) return { ok: false as const };
        const id = accounts.insert({ email: normalizeEmail(input.email), name: input.name.trim(), role: 'admin', departmentId: null, passwordHash }, at);
        audit.append({ actorAccountId: id, action: 'account.created', subjectType: 'account', subjectId: id, detail: { role: 'admin', via: 'setup' } }, at);
        return { ok: true as const, id };
      });
    },

    /** `npm run user -- create`: with a password, or (password null) with an invitation link. */
    createFromCommandLine(input: NewAccountInput, password: string | null): Promise<CreateResult> {
      return create(input, password, null, 'cli');
    },

    /** An administrator invites someone; the link is shown to the administrator once. */
    invite(actorAccountId: number, input: NewAccountInput): Promise<CreateResult> {
      return create(input, null, actorAccountId, 'admin');
    },

    /** A new invitation link for someone who has not set a password yet; earlier links stop working. */
    reissueInvitation(actorAccountId: number, accountId: number): { ok: true; invitationLink: string } | { ok: false; problem: 'not_found' | 'not_invited' } {
      const at = now();
      return transaction(() => {
        const account = accounts.findCredentials(accountId);
        if (!account) return { ok: false as const, problem: 'not_found' as const };
        if (account.passwordHash !== null || !account.active) return { ok: false as const, problem: 'not_invited' as const };
        tokens.deleteUnusedForAccount(accountId, 'invite');
        const link = `${baseUrl}/invite/${issueToken('invite', accountId, INVITE_LINK_TTL_MS, at)}`;
        notify.invitation(account, link, new Date(at.getTime() + INVITE_LINK_TTL_MS), at);
        audit.append({ actorAccountId, action: 'account.invited', subjectType: 'account', subjectId: accountId, detail: { role: account.role, via: 'admin', reissued: true } }, at);
        return { ok: true as const, invitationLink: link };
      });
    },

    /** Who an invitation link is for, while it is usable. */
    invitationFor(token: string): { name: string; email: string } | null {
      const found = usableToken(token, 'invite', now());
      const account = found?.accountId != null ? accounts.findCredentials(found.accountId) : undefined;
      return account && account.active && account.passwordHash === null ? { name: account.name, email: account.email } : null;
    },

    /** Sets the password from an invitation link; the link then stops working. */
    async acceptInvitation(token: string, password: string): Promise<{ ok: true; id: number } | { ok: false }> {
      const passwordHash = await hashPassword(password);
      const at = now();
      return transaction(() => {
        const found = usableToken(token, 'invite', at);
        const account = found?.accountId != null ? accounts.findCredentials(found.accountId) : undefined;
        if (!found || !account || !account.active || account.passwordHash !== null || !tokens.markUsed(found.id, at)) return { ok: false as const };
        accounts.setPasswordHash(account.id, passwordHash, at);
        audit.append({ actorAccountId: account.id, action: 'account.invitation_accepted', subjectType: 'account', subjectId: account.id }, at);
        return { ok: true as const, id: account.id };
      });
    },

    async changePassword(accountId: number, currentPassword: string, newPassword: string): Promise<{ ok: true } | { ok: false; problem: 'current_wrong' }> {
      const account = accounts.findCredentials(accountId);
      if (!account || !(await verifyPassword(account.passwordHash, currentPassword))) return { ok: false, problem: 'current_wrong' };
      const passwordHash = await hashPassword(newPassword);
      const at = now();
      transaction(() => {
        accounts.setPasswordHash(accountId, passwordHash, at);
        audit.append({ actorAccountId: accountId, action: 'account.password_changed', subjectType: 'account', subjectId: accountId }, at);
      });
      return { ok: true };
    },

    /**
     * Enrols a second factor once a code from it has been checked. Stores the secret encrypted and
     * the code's step, so that the code cannot be used again to sign in.
     */
    async enrolTotp(accountId: number, secret: string, code: string): Promise<{ ok: true } | { ok: false; reason: 'code' | 'code_reused' }> {
      const at = now();
      const check = await checkTotp(secret, code, at, null);
      if (!check.ok) return check;
      transaction(() => {
        accounts.setTotp(accountId, cipher.encrypt(secret, totpSecretContext(accountId)), check.step, at);
        audit.append({ actorAccountId: accountId, action: 'account.totp_enrolled', subjectType: 'account', subjectId: accountId }, at);
      });
      return { ok: true };
    },

    /** Deactivation; the caller ends the person's sessions (the session store is not a service's business). */
    deactivate(actorAccountId: number, accountId: number): ActionResult {
      if (!mayDeactivate(actorAccountId, accountId)) return { ok: false, problem: 'self' };
      const at = now();
      return transaction((): ActionResult => {
        const account = accounts.findCredentials(accountId);
        if (!account) return { ok: false, problem: 'not_found' };
        if (!account.active) return { ok: true };
        accounts.setActive(accountId, false, at);
        audit.append({ actorAccountId, action: 'account.deactivated', subjectType: 'account', subjectId: accountId }, at);
        return { ok: true };
      });
    },

    reactivate(actorAccountId: number, accountId: number): ActionResult {
      const at = now();
      return transaction((): ActionResult => {
        const account = accounts.findCredentials(accountId);
        if (!account) return { ok: false, problem: 'not_found' };
        if (account.active) return { ok: true };
        accounts.setActive(accountId, true, at);
        audit.append({ actorAccountId, action: 'account.reactivated', subjectType: 'account', subjectId: accountId }, at);
        return { ok: true };
      });
    },

    /** Clears the second factor: the person enrols again at their next sign-in. The caller ends their sessions. */
    resetTotp(actorAccountId: number, accountId: number): ActionResult {
      const at = now();
      return transaction((): ActionResult => {
        const account = accounts.findCredentials(accountId);
        if (!account) return { ok: false, problem: 'not_found' };
        accounts.clearTotp(accountId, at);
        notify.totpReset(account, at);
        audit.append({ actorAccountId, action: 'account.totp_reset', subjectType: 'account', subjectId: accountId }, at);
        return { ok: true };
      });
    },

    list(): AccountListItem[] {
      return accounts.listAll();
    },

    detail(accountId: number): AccountDetail | undefined {
      const item = accounts.findListItem(accountId);
      return item && { ...item, invitationExpiresAt: item.hasPassword ? null : tokens.pendingExpiry(accountId, 'invite', now()) };
    },

    departmentChoices(): { id: number; name: string }[] {
      return accounts.listDepartmentChoices();
    },

    /** A department named on the command line, by id or by name. */
    findDepartment(idOrName: string): number | undefined {
      if (/^\d+$/.test(idOrName) && accounts.isActiveDepartment(Number(idOrName))) return Number(idOrName);
      return accounts.activeDepartmentIdByName(idOrName.trim());
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
