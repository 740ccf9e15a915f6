import type { Db } from './db';
import type { CodeCount } from '../domain/codeCounts';

/** Filing days on the Asia/Jakarta calendar (YYYY-MM-DD), both included. */
export interface FiledRange {
  from: string;
  to: string;
}

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

// Every count is read from report_statistics (0010): codes only, one row per report filed, kept
// when retention deletes the report, so a past period's numbers never change. Every query names
// filed_on in a range, so SQLite answers it from report_statistics_filed.
const inRange = 'filed_on BETWEEN @from AND @to';

// Columns are fixed here, never taken from input.
const groupColumns: Record<Exclude<StatsDimension, 'month'>, string> = {
  category: 'category',
  kecamatan: 'kecamatan_code',
  source: 'source',
  status: 'status',
  urgency: 'urgency',
};

/** Counts of reports by code, for the statistics page. Codes only, never content. */
export function createStatsRepository(db: Db) {
  const total = db.prepare<FiledRange, number>(`SELECT count(*) FROM report_statistics WHERE ${inRange}`).pluck();
  // filed_on is already a Jakarta calendar day, so its first seven characters are the month.
  const byMonth = db.prepare<FiledRange, CodeCount>(
    `SELECT substr(filed_on, 1, 7) AS code, count(*) AS count
       FROM report_statistics WHERE ${inRange} GROUP BY code ORDER BY code`,
  );
  const byColumn = Object.fromEntries(
    Object.entries(groupColumns).map(([dimension, column]) => [
      dimension,
      db.prepare<FiledRange, CodeCount>(
        `SELECT ${column} AS code, count(*) AS count FROM report_statistics WHERE ${inRange} GROUP BY ${column} ORDER BY ${column}`,
      ),
    ]),
  ) as Record<keyof typeof groupColumns, ReturnType<typeof db.prepare<FiledRange, CodeCount>>>;
  const decisions = db.prepare<FiledRange, { decided: number; late: number | null }>(
    `SELECT count(*) AS decided, sum(decided_late) AS late
       FROM report_statistics WHERE ${inRange} AND hours_to_decision IS NOT NULL`,
  );
  // The median: the middle row (odd count) or the mean of the two middle rows (even count).
  const median = db
    .prepare<FiledRange, number | null>(
      `WITH ranked AS (
         SELECT hours_to_decision AS h, row_number() OVER (ORDER BY hours_to_decision) AS rn, count(*) OVER () AS n
           FROM report_statistics WHERE ${inRange} AND hours_to_decision IS NOT NULL
       )
       SELECT avg(h) FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2)`,
    )
    .pluck();

  return {
    counts(range: FiledRange): StatsCounts {
      const params = { from: range.from, to: range.to };
      const d = decisions.get(params)!;
      return {
        total: total.get(params) ?? 0,
        byDimension: {
          month: byMonth.all(params),
          category: byColumn.category.all(params),
          kecamatan: byColumn.kecamatan.all(params),
          source: byColumn.source.all(params),
          status: byColumn.status.all(params),
          urgency: byColumn.urgency.all(params),
        },
        decided: d.decided,
        decidedLate: d.late ?? 0,
        medianHoursToDecision: median.get(params) ?? null,
      };
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
