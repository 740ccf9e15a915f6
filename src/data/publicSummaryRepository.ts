import type { Db } from './db';
import type { CodeCount } from '../domain/codeCounts';
import { createStatisticsAggregates, lastDayOfMonth } from './statisticsAggregates';

/** Whole months (YYYY-MM), both included: every period the public summary publishes is made of them. */
export interface MonthRange {
  from: string;
  to: string;
}

/** What the public summary reads of one period: counts by code, and the first decisions. */
export interface PeriodCounts {
  total: number;
  byMonth: CodeCount[];
  byCategory: CodeCount[];
  byStatus: CodeCount[];
  byKecamatan: CodeCount[];
  /** Reports of the period that have had a first decision. */
  firstDecisions: number;
  /** The median of their hours from filing to that first decision; null when none. */
  medianHoursToFirstDecision: number | null;
}

// Everything comes from the aggregates kept by filing day (statisticsAggregates.ts, migration 0013),
// the same that /staff/stats reads: a year is a few thousand small rows however many reports it
// holds; whole months read the histograms by month.
const days = (range: MonthRange) => ({ from: `${range.from}-01`, to: lastDayOfMonth(range.to) });

/** Counts for /transparency. Codes and numbers only, never content, never anything about a visitor. */
export function createPublicSummaryRepository(db: Db) {
  const aggregates = createStatisticsAggregates(db);

  return {
    /** Reports filed each year up to the month `to` (YYYY-MM), by year: the years that have any. */
    years(to: string): CodeCount[] {
      return aggregates.byYear(lastDayOfMonth(to));
    },

    period(range: MonthRange): PeriodCounts {
      const filed = days(range);
      const byMonth = aggregates.byMonth(filed);
      const firstDecisions = aggregates.hours('first_decision', filed);
      return {
        total: byMonth.reduce((sum, r) => sum + r.count, 0),
        byMonth,
        byCategory: aggregates.byCode('category', filed),
        byStatus: aggregates.byCode('status', filed),
        byKecamatan: aggregates.byCode('kecamatan', filed),
        firstDecisions: firstDecisions.count,
        medianHoursToFirstDecision: firstDecisions.median,
      };
    },
  };
}

export type PublicSummaryRepository = ReturnType<typeof createPublicSummaryRepository>;
