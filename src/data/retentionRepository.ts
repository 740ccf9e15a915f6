import type { Db } from './db';
import { purgeableStatuses, type RetentionCounts } from '../domain/retention';
import type { OutboxStatus } from '../domain/outbox';

/**
 * The SQL of retention (rules in domain/retention.ts). Every method takes the cutoff as stored
 * timestamps are written (ISO 8601 UTC), so comparisons are plain string comparisons. Deletes run
 * inside the caller's transaction; `secure_delete` (db.ts) overwrites what they remove.
 */

/** A report `r` that may be purged: decided before the cutoff, and its case (if any) closed before it. */
const reportIsPurgeable = `r.status IN (SELECT value FROM json_each(@statuses))
  AND r.decided_at IS NOT NULL AND r.decided_at < @cutoff
  AND (r.case_id IS NULL OR EXISTS (
    SELECT 1 FROM cases pc WHERE pc.id = r.case_id AND pc.closed_at IS NOT NULL AND pc.closed_at < @cutoff))`;

/** A case `c` closed before the cutoff. */
const caseClosedBefore = 'c.closed_at IS NOT NULL AND c.closed_at < @cutoff';

/** Outbox rows done with: sent, or given up on, before the cutoff. Pending ones are left to the worker. */
const emailIsOld = `(status = 'sent' AND sent_at < @cutoff) OR (status = 'failed' AND created_at < @cutoff)`;

const ids = 'SELECT value FROM json_each(@ids)';

/** An outbox row as retention needs it to judge the email's file. */
export interface EmailFileFacts {
  id: number;
  messageId: string;
  status: OutboxStatus;
  sentAt: string | null;
  /** The row itself is past retention (and goes in this run). */
  purgeable: boolean;
}

/** What the database part of a run would purge (files are counted by the service). */
export type DatabaseCounts = Omit<RetentionCounts, 'mailFiles'>;

export interface CheckpointResult {
  /** 1 when another connection kept the checkpoint from finishing (the WAL was not emptied). */
  busy: number;
  log: number;
  checkpointed: number;
}

export function createRetentionRepository(db: Db) {
  const statuses = JSON.stringify(purgeableStatuses);

  const reportIds = db.prepare(`SELECT r.id FROM reports r WHERE ${reportIsPurgeable} ORDER BY r.id LIMIT @limit`).pluck();
  const caseIds = db
    .prepare(
      `SELECT c.id FROM cases c WHERE ${caseClosedBefore} AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.case_id = c.id) ORDER BY c.id LIMIT @limit`,
    )
    .pluck();

  const countReportContent = db.prepare(
    `SELECT (SELECT count(*) FROM messages WHERE report_id IN (${ids})) AS messages,
            (SELECT count(*) FROM attachments WHERE report_id IN (${ids})) AS attachments,
            (SELECT count(*) FROM redirects WHERE report_id IN (${ids})) AS redirects,
            (SELECT count(*) FROM referrals WHERE report_id IN (${ids})) AS referrals`,
  );
  const unlinkDuplicates = db.prepare(`UPDATE reports SET duplicate_of = NULL WHERE duplicate_of IN (${ids})`);
  const deleteRedirects = db.prepare(`DELETE FROM redirects WHERE report_id IN (${ids})`);
  const deleteReferrals = db.prepare(`DELETE FROM referrals WHERE report_id IN (${ids})`);
  // report_affected_groups, report_events, messages and attachments go with the row (ON DELETE CASCADE).
  const deleteReports = db.prepare(`DELETE FROM reports WHERE id IN (${ids})`);

  const countCaseEvents = db.prepare(`SELECT count(*) FROM case_events WHERE case_id IN (${ids})`).pluck();
  const deleteCaseEvents = db.prepare(`DELETE FROM case_events WHERE case_id IN (${ids})`);
  const deleteCases = db.prepare(`DELETE FROM cases WHERE id IN (${ids})`);

  const deleteEmails = db.prepare(`DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE ${emailIsOld} ORDER BY id LIMIT @limit)`);
  const emailsByIds = db.prepare(
    `SELECT id, message_id AS messageId, status, sent_at AS sentAt, (${emailIsOld}) AS purgeable FROM outbox WHERE id IN (${ids})`,
  );

  const deleteKeys = db.prepare(
    'DELETE FROM api_idempotency_keys WHERE rowid IN (SELECT rowid FROM api_idempotency_keys WHERE created_at < @keyCutoff ORDER BY created_at LIMIT @limit)',
  );

  // What a run would purge, without deleting: for --dry-run. A case counts when all its reports
  // would go in the same run (a case's reports are purged first, then the case).
  const preview = db.prepare(
    `WITH p AS (SELECT r.id FROM reports r WHERE ${reportIsPurgeable}),
          pcase AS (SELECT c.id FROM cases c WHERE ${caseClosedBefore}
                    AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.case_id = c.id AND NOT (${reportIsPurgeable})))
     SELECT (SELECT count(*) FROM p) AS reports,
            (SELECT count(*) FROM messages WHERE report_id IN (SELECT id FROM p)) AS messages,
            (SELECT count(*) FROM attachments WHERE report_id IN (SELECT id FROM p)) AS attachments,
            (SELECT count(*) FROM redirects WHERE report_id IN (SELECT id FROM p)) AS redirects,
            (SELECT count(*) FROM referrals WHERE report_id IN (SELECT id FROM p)) AS referrals,
            (SELECT count(*) FROM pcase) AS cases,
            (SELECT count(*) FROM case_events WHERE case_id IN (SELECT id FROM pcase)) AS caseEvents,
            (SELECT count(*) FROM outbox WHERE ${emailIsOld}) AS emails,
            (SELECT count(*) FROM api_idempotency_keys WHERE created_at < @keyCutoff) AS idempotencyKeys`,
  );

  return {
    /** Up to `limit` reports that may be purged now. Call inside the purging transaction, so none is reopened in between. */
    purgeableReportIds(cutoff: string, limit: number): number[] {
      return reportIds.all({ statuses, cutoff, limit }) as number[];
    },

    /** Deletes these reports and everything holding their content; survivors marked duplicate of one lose the pointer. */
    purgeReports(reportIdList: number[]): Pick<RetentionCounts, 'reports' | 'messages' | 'attachments' | 'redirects' | 'referrals'> {
      const p = { ids: JSON.stringify(reportIdList) };
      const counts = countReportContent.get(p) as { messages: number; attachments: number; redirects: number; referrals: number };
      unlinkDuplicates.run(p);
      deleteRedirects.run(p);
      deleteReferrals.run(p);
      const reports = deleteReports.run(p).changes;
      return { reports, ...counts };
    },

    /** Up to `limit` cases closed before the cutoff with no report left. */
    purgeableCaseIds(cutoff: string, limit: number): number[] {
      return caseIds.all({ cutoff, limit }) as number[];
    },

    purgeCases(caseIdList: number[]): Pick<RetentionCounts, 'cases' | 'caseEvents'> {
      const p = { ids: JSON.stringify(caseIdList) };
      const caseEvents = countCaseEvents.get(p) as number;
      deleteCaseEvents.run(p);
      return { cases: deleteCases.run(p).changes, caseEvents };
    },

    /**
     * Deletes up to `limit` outbox rows sent (or failed for good) before the cutoff. Their parameters
     * are encrypted, so which report an email was about cannot be found cheaply; instead every email
     * done with for longer than the retention period goes.
     */
    purgeOldEmails(cutoff: string, limit: number): number {
      return deleteEmails.run({ cutoff, limit }).changes;
    },

    /** The outbox rows with these ids (those left), to judge the email files named after them. */
    emailsForFiles(outboxIds: number[], cutoff: string): EmailFileFacts[] {
      const rows = emailsByIds.all({ ids: JSON.stringify(outboxIds), cutoff }) as (Omit<EmailFileFacts, 'purgeable'> & {
        purgeable: number;
      })[];
      return rows.map((r) => ({ ...r, purgeable: r.purgeable === 1 }));
    },

    /** Deletes up to `limit` Idempotency-Keys of the referral API stored before `keyCutoff`. */
    purgeOldIdempotencyKeys(keyCutoff: string, limit: number): number {
      return deleteKeys.run({ keyCutoff, limit }).changes;
    },

    /** What purging the database now would delete. */
    preview(cutoff: string, keyCutoff: string): DatabaseCounts {
      return preview.get({ statuses, cutoff, keyCutoff }) as DatabaseCounts;
    },

    /** Copies the WAL into the database file and empties it, so deleted content leaves the WAL too. */
    checkpoint(): CheckpointResult {
      return (db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointResult[])[0]!;
    },
  };
}

export type RetentionRepository = ReturnType<typeof createRetentionRepository>;
