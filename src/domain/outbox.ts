/**
 * Rules of the email outbox (DESIGN.md, "Nothing lost"): when a failed email is tried again, when
 * it is given up, and how a reporter's address is shown (what an address is: domain/email.ts). No I/O.
 */

export const outboxStatuses = ['pending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/** The wait after the 1st, 2nd, 3rd… failed attempt; past the end, the last wait repeats. */
export const retryDelaysMs = [1 * MINUTE, 5 * MINUTE, 15 * MINUTE, 1 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR] as const;

export const DEFAULT_MAX_ATTEMPTS = 8;

export function retryDelayMs(failedAttempts: number): number {
  const index = Math.min(Math.max(failedAttempts, 1), retryDelaysMs.length) - 1;
  return retryDelaysMs[index]!;
}

export type AfterFailure = { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };

/**
 * What a failed attempt leads to. A permanent refusal (the server answered 5xx to this recipient
 * or this message) fails at once: sending the same email again would get the same answer, and an
 * administrator can retry it from /staff/outbox once the address is fixed. Anything else (no
 * connection, a timeout, 4xx) is tried again later, up to `maxAttempts` attempts in all.
 */
export function afterFailure(attemptsSoFar: number, permanent: boolean, maxAttempts: number, at: Date): AfterFailure {
  if (permanent || attemptsSoFar >= maxAttempts) return { status: 'failed' };
  return { status: 'pending', nextAttemptAt: new Date(at.getTime() + retryDelayMs(attemptsSoFar)) };
}

/**
 * Any control character (C0 with CR and LF, DEL, C1): none may reach a header. (U+2028 and U+2029
 * need not be refused: outside ASCII, a header is sent as an encoded word, which cannot break a line.)
 */
export const anyControlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

/** A parameter name as templates use them: `reference`, `partnerName`, `ack_link`. */
export const paramNamePattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * A reporter's address is a contact detail: the outbox page shows only its first character and
 * its domain (`r•••@gmail.com`), enough to tell two emails apart, not to write to the person.
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${address[0]}•••${address.slice(at)}`;
}

/**
 * Emails that say only "something happened, come and look" (a reporter's "there is news") are
 * coalesced: the first waits `quietMs` before it is due, and each later cause while it still waits
 * adds nothing but moves it to `quietMs` after that cause — never beyond `maxWaitMs` after the
 * first. So the actions of one sitting send one email, and a long sitting still sends it.
 */
export interface Coalescing {
  quietMs: number;
  maxWaitMs: number;
}

/** A reporter's "there is news": 10 minutes after the last action of a sitting, 1 hour at most after the first. */
export const reporterUpdateCoalescing: Coalescing = { quietMs: 10 * MINUTE, maxWaitMs: 1 * HOUR };

/** When an email still waiting should now be due, given one more cause at `at` (never earlier than it already is). */
export function coalescedDueAt(rule: Coalescing, queuedAt: Date, dueAt: Date, at: Date): Date {
  const wanted = Math.min(at.getTime() + rule.quietMs, queuedAt.getTime() + rule.maxWaitMs);
  return new Date(Math.max(wanted, dueAt.getTime()));
}
