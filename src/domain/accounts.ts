import { PASSWORD_MAX, PASSWORD_MIN } from './limits';
import type { CurrentAccount, Role } from './roles';

/** Length in characters as a person counts them (an emoji is one), not UTF-16 units. */
export function passwordLength(password: string): number {
  return [...password].length;
}

export function isPasswordLengthAllowed(password: string): boolean {
  const n = passwordLength(password);
  return n >= PASSWORD_MIN && n <= PASSWORD_MAX;
}

/**
 * Roles that read report or case content. An administrator sees no content (DESIGN.md), so an
 * administrator cannot grant one of these alone: the account waits for a supervisor's approval,
 * and only then is an invitation link made — and sent to the person's email, never shown.
 */
export const contentRoles: readonly Role[] = ['triage', 'caseworker', 'supervisor'];

export function grantsContent(role: Role): boolean {
  return contentRoles.includes(role);
}

/** An account's approval: null when none was needed (administrators, department officers, the shell). */
export type Approval = 'pending' | 'approved' | 'refused';

/** An account can be used — sign in, be assigned, be told things — only once nothing waits on a supervisor. */
export function isApprovalSettled(approval: Approval | null): boolean {
  return approval === null || approval === 'approved';
}

/** Who may approve or refuse a request: a supervisor, never the account that asked for it nor the one it is for. */
export function mayDecideApproval(who: { id: number; role: Role }, request: { accountId: number; requestedBy: number | null }): boolean {
  return who.role === 'supervisor' && who.id !== request.requestedBy && who.id !== request.accountId;
}

/** Only department officers belong to a department; everyone else belongs to none. */
export function needsDepartment(role: Role): boolean {
  return role === 'department';
}

/** One-time links. */
export const SETUP_LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const INVITE_LINK_TTL_MS = 72 * 60 * 60 * 1000;
export type AccountTokenPurpose = 'setup' | 'invite';

/** Between the password and the code: the half-signed-in state lasts this long. */
export const PENDING_LOGIN_MS = 10 * 60 * 1000;

/**
 * Failed sign-ins, counted per (email, client address) so that nobody can lock another person out
 * from elsewhere; and per client address over all emails, against trying one password on many accounts.
 */
export const loginLimits = {
  windowMs: 15 * 60 * 1000,
  lockMs: 15 * 60 * 1000,
  failuresPerAccountAndClient: 5,
  failuresPerClient: 30,
  /** Failures that add no delay; each one after them slows every later answer by another step. */
  freeFailures: 2,
  delayStepMs: 250,
} as const;

/**
 * A `next` path is followed after sign-in only when it stays on this site: one leading slash,
 * no scheme or host, no backslash (browsers read `/\evil` as `//evil`), no control characters.
 */
export function safeNextPath(next: unknown): string | null {
  if (typeof next !== 'string' || next.length === 0 || next.length > 500) return null;
  if (!next.startsWith('/') || next.startsWith('//')) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return null;
  if (next.startsWith('/login') || next.startsWith('/logout')) return null;
  return next;
}

/** Who may deactivate whom: an administrator anyone but themself (so one administrator always remains). */
export function mayDeactivate(actorId: number, targetId: number): boolean {
  return actorId !== targetId;
}

/** One line of the administrator's list of accounts. */
export interface AccountListItem extends CurrentAccount {
  departmentName: string | null;
  active: boolean;
  hasPassword: boolean;
  totpEnrolled: boolean;
  createdAt: Date;
  approval: Approval | null;
  approvalRequestedByName: string | null;
  approvalDecidedByName: string | null;
  approvalDecidedAt: Date | null;
}

/** A content role waiting for a supervisor (the approvals page). */
export interface PendingApproval {
  accountId: number;
  name: string;
  email: string;
  role: Role;
  requestedBy: number | null;
  requestedByName: string | null;
  requestedAt: Date;
}
