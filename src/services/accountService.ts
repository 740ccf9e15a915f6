import crypto from 'node:crypto';
import type { Transactor } from '../data/transaction';
import type { AccountRepository } from '../data/accountRepository';
import type { AccountTokenRepository } from '../data/accountTokenRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { FieldCipher, KeyedHasher } from '../data/fieldCipher';
import {
  INVITE_LINK_TTL_MS,
  SETUP_LINK_TTL_MS,
  grantsContent,
  isApprovalSettled,
  mayDeactivate,
  mayDecideApproval,
  needsDepartment,
  type AccountListItem,
  type AccountTokenPurpose,
  type PendingApproval,
} from '../domain/accounts';
import { normalizeEmail } from '../domain/email';
import type { CurrentAccount, Role } from '../domain/roles';
import { done, refuse, type Outcome } from '../domain/outcome';
import { hashPassword, verifyPassword } from '../security/passwords';
import { checkTotp } from '../security/totp';
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
  /**
   * Ends every session of an account (the session store's, wired in the composition). Deactivation,
   * a second-factor reset and a password change call it inside their own transaction: with the
   * sessions in the same database, the change and the end of its sessions commit together.
   */
  endSessions: (accountId: number) => void;
}

export interface NewAccountInput {
  email: string;
  name: string;
  role: Role;
  departmentId: number | null;
}

export type AccountProblem = 'email_taken' | 'department_required' | 'department_unknown' | 'no_supervisor';

/**
 * `invitationLink` is for whoever made the account to pass on (null when a password was given, and
 * when the account waits for a supervisor's approval: then no link exists yet).
 */
export type CreateResult = Outcome<{ id: number; invitationLink: string | null; awaitingApproval: boolean }, AccountProblem>;

/** A setup or invitation link that no longer works (used, expired, replaced, or its account changed). */
export type LinkResult = Outcome<{ id: number }, 'link_unusable'>;

/** A new invitation: its link for an administrator's or department officer's account; null for a content role, whose link is emailed only. */
export type ReissueResult = Outcome<{ invitationLink: string | null }, 'not_found' | 'not_invited' | 'awaiting_approval'>;

export type ApprovalResult = Outcome<object, 'not_pending' | 'not_allowed'>;

export interface ApprovalRequest extends PendingApproval {
  /** False for the account that asked (a supervisor cannot approve a request of their own). */
  mayDecide: boolean;
}

export interface AccountDetail extends AccountListItem {
  invitationExpiresAt: Date | null;
}

/** The context a TOTP secret is encrypted under: bound to its row, so it cannot be moved. */
export const totpSecretContext = (accountId: number) => `accounts.totp_secret:${accountId}`;

const newToken = () => crypto.randomBytes(32).toString('base64url');

/**
 * Accounts: the first administrator, invitations, passwords, second factors, deactivation. Every
 * change is audited in the same transaction; the audit never holds a password, token or secret.
 */
export function createAccountService(deps: AccountServiceDeps) {
  const { transaction, accounts, tokens, audit, cipher, tokenHasher, baseUrl, now, notify, endSessions } = deps;

  /** Stores a new one-time link's hash; the link itself is returned once and kept nowhere. */
  function issueToken(purpose: AccountTokenPurpose, accountId: number | null, ttlMs: number, at: Date): string {
    const token = newToken();
    tokens.insert({ accountId, purpose, tokenHash: tokenHasher.hash(token), expiresAt: new Date(at.getTime() + ttlMs) }, at);
    return token;
  }

  const usableToken = (token: string, purpose: AccountTokenPurpose, at: Date) =>
    token.length > 0 && token.length <= 100 ? tokens.findUsable(tokenHasher.hash(token), purpose, at) : undefined;

  /** A fresh invitation link for the account (earlier unused ones stop working), and when it expires. */
  function newInvitation(accountId: number, at: Date): { link: string; expiresAt: Date } {
    tokens.deleteUnusedForAccount(accountId, 'invite');
    return {
      link: `${baseUrl}/invite/${issueToken('invite', accountId, INVITE_LINK_TTL_MS, at)}`,
      expiresAt: new Date(at.getTime() + INVITE_LINK_TTL_MS),
    };
  }

  /** The supervisors who are told about content roles: every active one, but the account the news is about. */
  const supervisorsBut = (accountId: number) => accounts.listActiveByRole('supervisor').filter((s) => s.id !== accountId);

  function problemWith(input: NewAccountInput, needsApproval = false): AccountProblem | null {
    if (accounts.isEmailTaken(normalizeEmail(input.email))) return 'email_taken';
    // Nobody could approve it: the first supervisor is made from the server's shell.
    if (needsApproval && accounts.listActiveByRole('supervisor').length === 0) return 'no_supervisor';
    if (needsDepartment(input.role)) {
      if (input.departmentId === null) return 'department_required';
      if (!accounts.isActiveDepartment(input.departmentId)) return 'department_unknown';
    }
    return null;
  }

  /**
   * Creates the account, with a password or with an invitation link to set one. An administrator's
   * request for a content role only asks: the account waits, without any link, for a supervisor's
   * approval, and every supervisor is told. From the shell it is direct, and every supervisor is told.
   */
  async function create(
    input: NewAccountInput,
    password: string | null,
    actorAccountId: number | null,
    via: 'cli' | 'admin',
  ): Promise<CreateResult> {
    const needsApproval = via === 'admin' && grantsContent(input.role);
    const early = problemWith(input, needsApproval);
    if (early) return refuse(early);
    const passwordHash = password === null ? null : await hashPassword(password);
    const at = now();
    return transaction((): CreateResult => {
      // Checked again inside the transaction: the hash took a while.
      const problem = problemWith(input, needsApproval);
      if (problem) return refuse(problem);
      const person = { email: normalizeEmail(input.email), name: input.name.trim(), role: input.role };
      const id = accounts.insert(
        {
          ...person,
          departmentId: needsDepartment(input.role) ? input.departmentId : null,
          passwordHash,
          approvalRequestedBy: needsApproval && actorAccountId !== null ? actorAccountId : undefined,
        },
        at,
      );
      if (needsApproval) {
        const requester = actorAccountId === null ? undefined : accounts.findActive(actorAccountId);
        notify.approvalRequested(
          supervisorsBut(id),
          { requester: requester?.name ?? '', invitee: person.name, inviteeEmail: person.email, role: person.role },
          at,
        );
        audit.append(
          { actorAccountId, action: 'account.approval_requested', subjectType: 'account', subjectId: id, detail: { role: input.role } },
          at,
        );
        return done({ id, invitationLink: null, awaitingApproval: true });
      }
      let invitationLink: string | null = null;
      if (passwordHash === null) {
        const invitation = newInvitation(id, at);
        invitationLink = invitation.link;
        notify.invitation(person, invitation.link, invitation.expiresAt, at);
        audit.append(
          { actorAccountId, action: 'account.invited', subjectType: 'account', subjectId: id, detail: { role: input.role, via } },
          at,
        );
      } else {
        audit.append(
          { actorAccountId, action: 'account.created', subjectType: 'account', subjectId: id, detail: { role: input.role, via } },
          at,
        );
      }
      // Whoever holds the server's shell holds the data key anyway; the supervisors still hear of it.
      if (grantsContent(input.role))
        notify.contentRoleGranted(
          supervisorsBut(id),
          { grantedBy: null, invitee: person.name, inviteeEmail: person.email, role: person.role },
          at,
        );
      return done({ id, invitationLink, awaitingApproval: false });
    });
  }

  /**
   * A supervisor's decision on a waiting request, once (a second decision, or one by someone who may
   * not decide, changes nothing), with what follows from it and its audit event in one transaction.
   */
  function decideRequest(
    who: CurrentAccount,
    accountId: number,
    decision: 'approved' | 'refused',
    then: (request: NonNullable<ReturnType<typeof accounts.findPendingApproval>>, at: Date) => void,
  ): ApprovalResult {
    const at = now();
    return transaction((): ApprovalResult => {
      const request = accounts.findPendingApproval(accountId);
      if (!request) return refuse('not_pending');
      if (!mayDecideApproval(who, request)) return refuse('not_allowed');
      if (!accounts.decideApproval(accountId, decision, who.id, at)) return refuse('not_pending');
      then(request, at);
      const action = decision === 'approved' ? 'account.approved' : 'account.refused';
      audit.append(
        {
          actorAccountId: who.id,
          action,
          subjectType: 'account',
          subjectId: accountId,
          detail: { role: request.role, requestedBy: request.requestedBy },
        },
        at,
      );
      return done();
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

    /** The first administrator, from the setup link; refused once the link is no longer usable. */
    async completeSetup(token: string, input: { email: string; name: string; password: string }): Promise<LinkResult> {
      const passwordHash = await hashPassword(input.password);
      const at = now();
      return transaction((): LinkResult => {
        const found = usableToken(token, 'setup', at);
        if (!found || accounts.count() > 0 || !tokens.markUsed(found.id, at)) return refuse('link_unusable');
        const id = accounts.insert(
          { email: normalizeEmail(input.email), name: input.name.trim(), role: 'admin', departmentId: null, passwordHash },
          at,
        );
        audit.append(
          { actorAccountId: id, action: 'account.created', subjectType: 'account', subjectId: id, detail: { role: 'admin', via: 'setup' } },
          at,
        );
        return done({ id });
      });
    },

    /** `npm run user -- create`: with a password, or (password null) with an invitation link. */
    createFromCommandLine(input: NewAccountInput, password: string | null): Promise<CreateResult> {
      return create(input, password, null, 'cli');
    },

    /**
     * An administrator invites someone. For an administrator or a department officer the link is
     * shown to them once (and emailed); a content role only becomes a request for a supervisor.
     */
    invite(actorAccountId: number, input: NewAccountInput): Promise<CreateResult> {
      return create(input, null, actorAccountId, 'admin');
    },

    /** Whether anyone could approve a request for a content role. */
    hasActiveSupervisor(): boolean {
      return accounts.listActiveByRole('supervisor').length > 0;
    },

    /**
     * A new invitation link for someone who has not set a password yet; earlier links stop working.
     * A content role's link is emailed to the person only, never returned; none while approval waits.
     */
    reissueInvitation(actorAccountId: number, accountId: number): ReissueResult {
      const at = now();
      return transaction((): ReissueResult => {
        const account = accounts.findCredentials(accountId);
        if (!account) return refuse('not_found');
        if (account.approval === 'pending' && account.active) return refuse('awaiting_approval');
        if (account.passwordHash !== null || !account.active || !isApprovalSettled(account.approval)) return refuse('not_invited');
        const invitation = newInvitation(accountId, at);
        notify.invitation(account, invitation.link, invitation.expiresAt, at);
        const emailedOnly = grantsContent(account.role);
        audit.append(
          {
            actorAccountId,
            action: 'account.invited',
            subjectType: 'account',
            subjectId: accountId,
            detail: { role: account.role, via: 'admin', reissued: true, ...(emailedOnly ? { emailedOnly } : {}) },
          },
          at,
        );
        return done({ invitationLink: emailedOnly ? null : invitation.link });
      });
    },

    /** The content-role requests waiting for a supervisor, oldest first. */
    pendingApprovals(who: CurrentAccount): ApprovalRequest[] {
      return accounts.listPendingApprovals().map((r) => ({ ...r, mayDecide: mayDecideApproval(who, r) }));
    },

    /**
     * A supervisor approves a request: the one-time invitation link is made and emailed to the
     * person only (it is returned to nobody), and every supervisor hears who granted which role.
     */
    approve(who: CurrentAccount, accountId: number): ApprovalResult {
      return decideRequest(who, accountId, 'approved', (request, at) => {
        const invitee = { email: request.email, name: request.name, role: request.role };
        const invitation = newInvitation(accountId, at);
        notify.invitation(invitee, invitation.link, invitation.expiresAt, at);
        notify.contentRoleGranted(
          supervisorsBut(accountId),
          { grantedBy: who.name, invitee: invitee.name, inviteeEmail: invitee.email, role: invitee.role },
          at,
        );
      });
    },

    /** A supervisor refuses a request: the account is deactivated for good, with no link ever made. */
    refuse(who: CurrentAccount, accountId: number): ApprovalResult {
      return decideRequest(who, accountId, 'refused', () => undefined);
    },

    /** Who an invitation link is for, while it is usable. */
    invitationFor(token: string): { name: string; email: string } | undefined {
      const found = usableToken(token, 'invite', now());
      const account = found?.accountId != null ? accounts.findCredentials(found.accountId) : undefined;
      return account && account.active && isApprovalSettled(account.approval) && account.passwordHash === null
        ? { name: account.name, email: account.email }
        : undefined;
    },

    /** Sets the password from an invitation link; the link then stops working. */
    async acceptInvitation(token: string, password: string): Promise<LinkResult> {
      const passwordHash = await hashPassword(password);
      const at = now();
      return transaction((): LinkResult => {
        const found = usableToken(token, 'invite', at);
        const account = found?.accountId != null ? accounts.findCredentials(found.accountId) : undefined;
        if (
          !found ||
          !account ||
          !account.active ||
          !isApprovalSettled(account.approval) ||
          account.passwordHash !== null ||
          !tokens.markUsed(found.id, at)
        ) {
          return refuse('link_unusable');
        }
        accounts.setPasswordHash(account.id, passwordHash, at);
        audit.append(
          { actorAccountId: account.id, action: 'account.invitation_accepted', subjectType: 'account', subjectId: account.id },
          at,
        );
        return done({ id: account.id });
      });
    },

    /** A new password; every session of the account ends (the route carries its own on under a new id). */
    async changePassword(accountId: number, currentPassword: string, newPassword: string): Promise<Outcome<object, 'current_wrong'>> {
      const account = accounts.findCredentials(accountId);
      if (!account || !(await verifyPassword(account.passwordHash, currentPassword))) return refuse('current_wrong');
      const passwordHash = await hashPassword(newPassword);
      const at = now();
      transaction(() => {
        accounts.setPasswordHash(accountId, passwordHash, at);
        audit.append({ actorAccountId: accountId, action: 'account.password_changed', subjectType: 'account', subjectId: accountId }, at);
        // Whoever may know the old password is signed out everywhere.
        endSessions(accountId);
      });
      return done();
    },

    /**
     * Enrols a second factor once a code from it has been checked. Stores the secret encrypted and
     * the code's step, so that the code cannot be used again to sign in.
     */
    async enrolTotp(accountId: number, secret: string, code: string): Promise<Outcome<object, 'code' | 'code_reused'>> {
      const at = now();
      const check = await checkTotp(secret, code, at, null);
      if (!check.ok) return refuse(check.reason);
      transaction(() => {
        accounts.setTotp(accountId, cipher.encrypt(secret, totpSecretContext(accountId)), check.step, at);
        audit.append({ actorAccountId: accountId, action: 'account.totp_enrolled', subjectType: 'account', subjectId: accountId }, at);
      });
      return done();
    },

    /** Deactivation; the person's sessions end with it (already inactive: they are ended again, harmlessly). */
    deactivate(actorAccountId: number, accountId: number): Outcome<object, 'self' | 'not_found'> {
      if (!mayDeactivate(actorAccountId, accountId)) return refuse('self');
      const at = now();
      return transaction((): Outcome<object, 'not_found'> => {
        const account = accounts.findCredentials(accountId);
        if (!account) return refuse('not_found');
        if (account.active) {
          accounts.setActive(accountId, false, at);
          audit.append({ actorAccountId, action: 'account.deactivated', subjectType: 'account', subjectId: accountId }, at);
        }
        endSessions(accountId);
        return done();
      });
    },

    reactivate(actorAccountId: number, accountId: number): Outcome<object, 'not_found' | 'refused'> {
      const at = now();
      return transaction((): Outcome<object, 'not_found' | 'refused'> => {
        const account = accounts.findCredentials(accountId);
        if (!account) return refuse('not_found');
        // A supervisor's refusal stands: reactivating cannot turn it into access.
        if (account.approval === 'refused') return refuse('refused');
        if (account.active) return done();
        accounts.setActive(accountId, true, at);
        audit.append({ actorAccountId, action: 'account.reactivated', subjectType: 'account', subjectId: accountId }, at);
        return done();
      });
    },

    /** Clears the second factor: the person enrols again at their next sign-in; their sessions end with it. */
    resetTotp(actorAccountId: number, accountId: number): Outcome<object, 'not_found'> {
      const at = now();
      return transaction((): Outcome<object, 'not_found'> => {
        const account = accounts.findCredentials(accountId);
        if (!account) return refuse('not_found');
        accounts.clearTotp(accountId, at);
        notify.totpReset(account, at);
        audit.append({ actorAccountId, action: 'account.totp_reset', subjectType: 'account', subjectId: accountId }, at);
        endSessions(accountId);
        return done();
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

    /** A department's name (a department officer's pages show it); null when there is none. */
    departmentName(departmentId: number | null): string | null {
      return departmentId === null ? null : accounts.departmentName(departmentId);
    },

    /** A department named on the command line, by id or by name. */
    findDepartment(idOrName: string): number | undefined {
      if (/^\d+$/.test(idOrName) && accounts.isActiveDepartment(Number(idOrName))) return Number(idOrName);
      return accounts.activeDepartmentIdByName(idOrName.trim());
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
