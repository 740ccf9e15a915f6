import type { Transactor } from '../data/transaction';
import type { AuditRepository } from '../data/auditRepository';
import type { CheckpointResult, RetentionRepository } from '../data/retentionRepository';
import { RETENTION_BATCH, addCounts, noCounts, retentionCutoff, type RetentionCounts } from '../domain/retention';

export interface RetentionServiceDeps {
  transaction: Transactor;
  retention: RetentionRepository;
  audit: AuditRepository;
  /** RETENTION_DAYS. */
  retentionDays: number;
  now: () => Date;
  batchSize?: number;
}

export interface RetentionRun {
  /** Decisions and closures before this instant are past the retention period. */
  cutoff: string;
  counts: RetentionCounts;
  dryRun: boolean;
  /** The WAL checkpoint after purging; null in a dry run. */
  checkpoint: CheckpointResult | null;
}

/**
 * `npm run retention`: deletes finished reports older than RETENTION_DAYS, then the closed cases
 * left without reports, then old emails, in transactions of `batchSize`; records one audit event
 * (counts only) and checkpoints the WAL so the deleted content leaves it.
 */
export function createRetentionService(deps: RetentionServiceDeps) {
  const { transaction, retention, audit, retentionDays, now } = deps;
  const batch = deps.batchSize ?? RETENTION_BATCH;

  /** Runs `step` in one transaction per batch until a batch comes back short. */
  function inBatches(step: () => { done: number; counts: Partial<RetentionCounts> }, into: RetentionCounts): RetentionCounts {
    let total = into;
    for (;;) {
      const { done, counts } = transaction(step);
      total = addCounts(total, counts);
      if (done < batch) return total;
    }
  }

  return {
    run(options: { dryRun: boolean }): RetentionRun {
      const at = now();
      const cutoff = retentionCutoff(at, retentionDays);
      if (options.dryRun) return { cutoff, counts: retention.preview(cutoff), dryRun: true, checkpoint: null };

      let counts = noCounts();
      // Reports first (ids re-read inside each transaction, so a report reopened meanwhile stays),
      // then the cases they leave empty, then old emails.
      counts = inBatches(() => {
        const ids = retention.purgeableReportIds(cutoff, batch);
        return { done: ids.length, counts: ids.length > 0 ? retention.purgeReports(ids) : {} };
      }, counts);
      counts = inBatches(() => {
        const ids = retention.purgeableCaseIds(cutoff, batch);
        return { done: ids.length, counts: ids.length > 0 ? retention.purgeCases(ids) : {} };
      }, counts);
      counts = inBatches(() => {
        const emails = retention.purgeOldEmails(cutoff, batch);
        return { done: emails, counts: { emails } };
      }, counts);

      // The audit log is never purged: it holds codes, never content. One event per run.
      transaction(() => audit.append({ actorAccountId: null, action: 'retention.purged', detail: { ...counts } }, at));
      return { cutoff, counts, dryRun: false, checkpoint: retention.checkpoint() };
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
