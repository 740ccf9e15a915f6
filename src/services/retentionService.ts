import type { Transactor } from '../data/transaction';
import type { AuditRepository } from '../data/auditRepository';
import type { CheckpointResult, RetentionRepository } from '../data/retentionRepository';
import { emlFileName, type MailFile, type MailFiles } from '../mail/transport';
import {
  RETENTION_BATCH,
  addCounts,
  idempotencyKeyCutoff,
  isMailFilePurgeable,
  noCounts,
  retentionCutoff,
  type RetentionCounts,
} from '../domain/retention';

export interface RetentionServiceDeps {
  transaction: Transactor;
  retention: RetentionRepository;
  audit: AuditRepository;
  /** The `.eml` files of the file transport (SMTP_URL unset) under `<data directory>/mail/`. */
  mailFiles: MailFiles;
  /** RETENTION_DAYS. */
  retentionDays: number;
  /** MAIL_FILES_KEEP_DAYS: a sent email's file goes after this many days, its outbox row after RETENTION_DAYS. */
  mailFilesKeepDays: number;
  now: () => Date;
  batchSize?: number;
}

export interface RetentionRun {
  /** Decisions and closures before this instant are past the retention period. */
  cutoff: string;
  counts: RetentionCounts;
  dryRun: boolean;
  /** Email files that should have gone but could not be deleted (permissions); the next run tries again. */
  mailFilesLeft: number;
  /** The WAL checkpoint after purging; null in a dry run. */
  checkpoint: CheckpointResult | null;
}

type Batch = { done: number; counts: Partial<RetentionCounts> };

/** `items` in slices of `size`. */
function slices<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `npm run retention`: deletes finished reports older than RETENTION_DAYS, then the closed cases
 * left without reports, old emails, old Idempotency-Keys, and the email files no longer needed.
 *
 * Each batch is one short transaction holding its deletions AND the `retention.purged` audit event
 * that records exactly them (counts only): they commit together or not at all, so no deletion is
 * ever without its event, and the write lock is never held long enough to keep residents from
 * filing reports. A run that finds nothing to purge still records one event (all zeros). Then the
 * WAL is checkpointed so the deleted content leaves it too.
 */
export function createRetentionService(deps: RetentionServiceDeps) {
  const { transaction, retention, audit, mailFiles, retentionDays, mailFilesKeepDays, now } = deps;
  const batch = deps.batchSize ?? RETENTION_BATCH;

  /** The files among `files` that go now, judged against their outbox rows (read in the caller's transaction). */
  function filesToPurge(files: MailFile[], cutoff: string, keepCutoff: string): MailFile[] {
    const emails = new Map(retention.emailsForFiles([...new Set(files.map((f) => f.outboxId))], cutoff).map((e) => [e.id, e]));
    return files.filter((file) => {
      const email = emails.get(file.outboxId);
      // A file named after another Message-ID is not this row's (say, a database restored from a backup).
      const own = email && emlFileName(email.id, email.messageId) === file.emlName ? email : null;
      return isMailFilePurgeable(file, own, keepCutoff);
    });
  }

  return {
    run(options: { dryRun: boolean }): RetentionRun {
      const at = now();
      const cutoff = retentionCutoff(at, retentionDays);
      const keyCutoff = idempotencyKeyCutoff(at, retentionDays);
      const keepCutoff = retentionCutoff(at, mailFilesKeepDays, 'MAIL_FILES_KEEP_DAYS');

      if (options.dryRun) {
        const database = retention.preview(cutoff, keyCutoff);
        const files = slices(mailFiles.list(), batch).reduce((n, some) => n + filesToPurge(some, cutoff, keepCutoff).length, 0);
        return { cutoff, counts: { ...database, mailFiles: files }, dryRun: true, mailFilesLeft: 0, checkpoint: null };
      }

      let counts = noCounts();
      let events = 0;
      /** One transaction: `step`'s deletions and, when it deleted anything, the audit event of exactly those. */
      const commit = (step: () => Batch): Batch =>
        transaction(() => {
          const done = step();
          if (done.done > 0) {
            audit.append({ actorAccountId: null, action: 'retention.purged', detail: { ...addCounts(noCounts(), done.counts) } }, at);
            events += 1;
          }
          return done;
        });
      /** Runs `step` batch after batch until one comes back short. */
      const inBatches = (step: () => Batch): void => {
        for (;;) {
          const done = commit(step);
          counts = addCounts(counts, done.counts);
          if (done.done < batch) return;
        }
      };

      // Reports first (ids re-read inside each transaction, so a report reopened meanwhile stays),
      // then the cases they leave empty, then old emails and keys.
      inBatches(() => {
        const ids = retention.purgeableReportIds(cutoff, batch);
        return { done: ids.length, counts: ids.length > 0 ? retention.purgeReports(ids) : {} };
      });
      inBatches(() => {
        const ids = retention.purgeableCaseIds(cutoff, batch);
        return { done: ids.length, counts: ids.length > 0 ? retention.purgeCases(ids) : {} };
      });
      inBatches(() => {
        const emails = retention.purgeOldEmails(cutoff, batch);
        return { done: emails, counts: { emails } };
      });
      inBatches(() => {
        const idempotencyKeys = retention.purgeOldIdempotencyKeys(keyCutoff, batch);
        return { done: idempotencyKeys, counts: { idempotencyKeys } };
      });

      // Email files last, once their outbox rows are gone. A file cannot join a database transaction;
      // it is deleted while the batch's transaction holds the write lock, and the event counts the
      // files actually deleted. (Only a failed commit after that could leave deletions unrecorded.)
      let mailFilesLeft = 0;
      for (const some of slices(mailFiles.list(), batch)) {
        const done = commit(() => {
          const doomed = filesToPurge(some, cutoff, keepCutoff);
          const removed = doomed.filter((f) => mailFiles.remove(f.name)).length;
          mailFilesLeft += doomed.length - removed;
          return { done: removed, counts: { mailFiles: removed } };
        });
        counts = addCounts(counts, done.counts);
      }

      // The audit log is never purged: it holds codes, never content. A run that purged nothing says so too.
      if (events === 0)
        transaction(() => audit.append({ actorAccountId: null, action: 'retention.purged', detail: { ...noCounts() } }, at));
      return { cutoff, counts, dryRun: false, mailFilesLeft, checkpoint: retention.checkpoint() };
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
