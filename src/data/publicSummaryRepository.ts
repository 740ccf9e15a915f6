import type { Db } from './db';
import type { CodeCount } from '../domain/codeCounts';

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

// Counts come from report_statistics_monthly (0012): report_statistics counted by month, category,
// status and kecamatan by triggers, a few thousand rows however large the table. The median needs
// the hours themselves: report_statistics_first_decisions holds them by filing day, in order.
const inMonths = 'month BETWEEN @from AND @to';
const inDays = "filed_on BETWEEN @from || '-01' AND @to || '-31' AND hours_to_first_decision IS NOT NULL";

/** Counts for /transparency. Codes and numbers only, never content, never anything about a visitor. */
export function createPublicSummaryRepository(db: Db) {
  const byYear = db.prepare<{ to: string }, CodeCount>(
    `SELECT substr(month, 1, 4) AS code, sum(count) AS count FROM report_statistics_monthly WHERE month <= @to
      GROUP BY code HAVING sum(count) > 0 ORDER BY code`,
  );
  // The column is fixed here, never taken from input.
  const grouped = (column: string) =>
    db.prepare<MonthRange, CodeCount>(
      `SELECT ${column} AS code, sum(count) AS count FROM report_statistics_monthly WHERE ${inMonths}
        GROUP BY code HAVING sum(count) > 0 ORDER BY code`,
    );
  const byMonth = grouped('month');
  const byCategory = grouped('category');
  const byStatus = grouped('status');
  const byKecamatan = grouped('kecamatan_code');
  const firstDecisions = db.prepare<MonthRange, number>(`SELECT count(*) FROM report_statistics WHERE ${inDays}`).pluck();
  // The k-th and (k+1)-th smallest first-decision times (from 0): the median is one or the mean of both.
  const middleHours = db
    .prepare<MonthRange & { offset: number }, number>(
      `SELECT hours_to_first_decision FROM report_statistics WHERE ${inDays} ORDER BY hours_to_first_decision LIMIT 2 OFFSET @offset`,
    )
    .pluck();

  return {
    /** Reports filed each year up to the month `to` (YYYY-MM), by year: the years that have any. */
    years(to: string): CodeCount[] {
      return byYear.all({ to });
    },

    period(range: MonthRange): PeriodCounts {
      const params = { from: range.from, to: range.to };
      const byMonthRows = byMonth.all(params);
      const decided = firstDecisions.get(params) ?? 0;
      let median: number | null = null;
      if (decided > 0) {
        const middle = middleHours.all({ ...params, offset: Math.floor((decided - 1) / 2) });
        median = decided % 2 === 1 ? middle[0]! : (middle[0]! + middle[1]!) / 2;
      }
      return {
        total: byMonthRows.reduce((sum, r) => sum + r.count, 0),
        byMonth: byMonthRows,
        byCategory: byCategory.all(params),
        byStatus: byStatus.all(params),
        byKecamatan: byKecamatan.all(params),
        firstDecisions: decided,
        medianHoursToFirstDecision: median,
      };
    },
  };
}

export type PublicSummaryRepository = ReturnType<typeof createPublicSummaryRepository>;
