/**
 * Retention (DESIGN.md, RETENTION_DAYS; the privacy page's promise): a finished report is kept at
 * most RETENTION_DAYS days after its decision, then deleted with everything that holds its content.
 * A report that belongs to a case stays while the case is open, and until the case has been closed
 * for as long. The audit log is never purged: it holds codes, never content.
 */
import { openStatuses, reportStatuses, type ReportStatus } from './reportStatus';
import type { OutboxStatus } from './outbox';
import { IDEMPOTENCY_KEY_DAYS } from './idempotency';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How many reports, cases, emails, email files or keys one transaction deletes (with its own audit event). */
export const RETENTION_BATCH = 500;

/** Statuses a report may be purged in: decided ones. Open reports (new, in_review, awaiting_info) never are. */
export const purgeableStatuses: readonly ReportStatus[] = reportStatuses.filter((s) => !openStatuses.includes(s));

/** The instant before which a decision or a closure is "more than `days` days ago", as stored (ISO 8601 UTC). */
export function retentionCutoff(now: Date, days: number, setting = 'RETENTION_DAYS'): string {
  if (!Number.isInteger(days) || days < 1) throw new Error(`${setting} must be a positive whole number, not ${days}`);
  return new Date(now.getTime() - days * DAY_MS).toISOString();
}

/**
 * Idempotency-Keys of the referral API are kept IDEMPOTENCY_KEY_DAYS, and never longer than the
 * reports themselves (a key is older than the decision on its report, so it goes no later).
 */
export function idempotencyKeyCutoff(now: Date, retentionDays: number): string {
  return retentionCutoff(now, Math.min(IDEMPOTENCY_KEY_DAYS, retentionDays));
}

/** Stored timestamps are ISO 8601 UTC from toISOString(), so they compare as strings. */
const before = (at: string | null, cutoff: string): boolean => at !== null && at < cutoff;

export interface ReportRetentionFacts {
  status: ReportStatus;
  decidedAt: string | null;
  /** null when the report belongs to no case. */
  caseId: number | null;
  /** When its case was closed; null while the case is open (or when there is no case). */
  caseClosedAt: string | null;
}

/** The rule for a report; retentionRepository's SQL says the same thing. */
export function isReportPurgeable(r: ReportRetentionFacts, cutoff: string): boolean {
  if (!purgeableStatuses.includes(r.status) || !before(r.decidedAt, cutoff)) return false;
  return r.caseId === null || before(r.caseClosedAt, cutoff);
}

/** The rule for a case: closed long enough, and none of its reports remain. */
export function isCasePurgeable(c: { closedAt: string | null; remainingReports: number }, cutoff: string): boolean {
  return before(c.closedAt, cutoff) && c.remainingReports === 0;
}

/**
 * An email file (SMTP_URL unset: `<data directory>/mail/`) goes when its outbox row is gone (or,
 * in a dry run, would go), when it was sent before `keepCutoff` (MAIL_FILES_KEEP_DAYS), or when it
 * is a temporary file no send is writing (its email is not waiting). `email` is the row whose file
 * name it has, or null; its file is kept while it waits, since the next attempt rewrites it.
 */
export function isMailFilePurgeable(
  file: { temporary: boolean },
  email: { status: OutboxStatus; sentAt: string | null; purgeable: boolean } | null,
  keepCutoff: string,
): boolean {
  if (email === null || email.purgeable) return true;
  if (file.temporary) return email.status !== 'pending';
  return email.status === 'sent' && before(email.sentAt, keepCutoff);
}

/** What one run purged (or, in a dry run, would purge). Counts only: this goes into the audit log. */
export interface RetentionCounts {
  reports: number;
  messages: number;
  /** Files attached to the purged reports and their messages (0017). */
  attachments: number;
  redirects: number;
  referrals: number;
  cases: number;
  caseEvents: number;
  emails: number;
  /** `.eml` (and leftover `.eml.tmp`) files deleted from the mail folder. */
  mailFiles: number;
  /** Idempotency-Keys of the referral API past their time. */
  idempotencyKeys: number;
}

export const noCounts = (): RetentionCounts => ({
  reports: 0,
  messages: 0,
  attachments: 0,
  redirects: 0,
  referrals: 0,
  cases: 0,
  caseEvents: 0,
  emails: 0,
  mailFiles: 0,
  idempotencyKeys: 0,
});

export function addCounts(a: RetentionCounts, b: Partial<RetentionCounts>): RetentionCounts {
  const sum = { ...a };
  for (const k of Object.keys(sum) as (keyof RetentionCounts)[]) sum[k] += b[k] ?? 0;
  return sum;
}

/** The lines the command prints. */
export function describeCounts(c: RetentionCounts, dryRun: boolean): string {
  const verb = dryRun ? 'Would purge' : 'Purged';
  return (
    `${verb} ${c.reports} report(s) (with ${c.messages} message(s), ${c.redirects} redirect(s), ${c.referrals} referral(s)), ` +
    `${c.cases} case(s) (with ${c.caseEvents} case event(s)) and ${c.emails} old email(s) from the outbox.\n` +
    `${verb} ${c.attachments} attachment(s) with their reports.\n` +
    `${verb} ${c.mailFiles} email file(s) from the mail folder and ${c.idempotencyKeys} expired API Idempotency-Key(s).`
  );
}
