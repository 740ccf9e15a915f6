import type { Db } from './db';
import type { CodeCount } from '../domain/codeCounts';
import { createStatisticsAggregates, type FiledRange } from './statisticsAggregates';
import { createCaseStatisticsRepository, type CaseCounts } from './caseStatisticsRepository';

export type { FiledRange } from './statisticsAggregates';
export type { CaseCounts, FunctionCount, StageTime } from './caseStatisticsRepository';

export const statsDimensions = ['month', 'category', 'kecamatan', 'source', 'status', 'urgency'] as const;
export type StatsDimension = (typeof statsDimensions)[number];

export interface StatsCounts {
  total: number;
  byDimension: Record<StatsDimension, CodeCount[]>;
  /** Reports in the range that have a decision. */
  decided: number;
  /** Of those, decided after their triage due time. */
  decidedLate: number;
  /** The median of the hours from filing to decision over decided reports; null when none. */
  medianHoursToDecision: number | null;
}

/**
 * Counts of reports by code, for the statistics page. Codes only, never content. Everything comes
 * from the aggregates kept by filing day (statisticsAggregates.ts, migration 0013), so a year costs
 * a few thousand small rows however many reports it holds; they outlive retention like
 * report_statistics, so a past period's numbers never change.
 */
export function createStatsRepository(db: Db) {
  const aggregates = createStatisticsAggregates(db);
  const caseStatistics = createCaseStatisticsRepository(db);

  return {
    counts(range: FiledRange): StatsCounts {
      const byMonth = aggregates.byMonth(range);
      const decided = aggregates.byCode('decided', range);
      const hours = aggregates.hours('decision', range);
      return {
        total: byMonth.reduce((sum, r) => sum + r.count, 0),
        byDimension: {
          month: byMonth,
          category: aggregates.byCode('category', range),
          kecamatan: aggregates.byCode('kecamatan', range),
          source: aggregates.byCode('source', range),
          status: aggregates.byCode('status', range),
          urgency: aggregates.byCode('urgency', range),
        },
        decided: decided.reduce((sum, r) => sum + r.count, 0),
        decidedLate: decided.find((r) => r.code === 'late')?.count ?? 0,
        medianHoursToDecision: hours.median,
      };
    },

    /** Cases of the range: closed by outcome, plan activities by LK3 function, time in each stage (migration 0022). */
    caseCounts(range: FiledRange): CaseCounts {
      return caseStatistics.counts(range);
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
