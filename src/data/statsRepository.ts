import type { Db } from './db';

/** A half-open range of created_at instants (ISO 8601 UTC): fromAt <= created_at < toAt. */
export interface CreatedRange {
  fromAt: string;
  toAt: string;
}

export interface CodeCount {
  code: string;
  count: number;
}

export const statsDimensions = ['month', 'category', 'kecamatan', 'source', 'status', 'urgency'] as const;
export type StatsDimension = (typeof statsDimensions)[number];

export interface StatsCounts {
  total: number;
  byDimension: Record<StatsDimension, CodeCount[]>;
  /** Reports in the range that have a decision. */
  decided: number;
  /** Of those, decided after their triage due time (sla_due_at). */
  decidedLate: number;
  /** The median of the hours from created_at to decided_at over decided reports; null when none. */
  medianHoursToDecision: number | null;
}

// Every query names created_at in a range, so SQLite answers it from reports_created (0007).
const inRange = 'created_at >= @fromAt AND created_at < @toAt';

// Columns are fixed here, never taken from input. Codes only: no content column is read.
const groupColumns: Record<Exclude<StatsDimension, 'month'>, string> = {
  category: 'category',
  kecamatan: 'kecamatan_code',
  source: 'source',
  status: 'status',
  urgency: 'urgency',
};

/** Counts of reports by code, for the statistics page. Codes only, never content. */
export function createStatsRepository(db: Db) {
  const total = db.prepare<CreatedRange, number>(`SELECT count(*) FROM reports WHERE ${inRange}`).pluck();
  // Months on the Asia/Jakarta calendar (UTC+7, no DST).
  const byMonth = db.prepare<CreatedRange, CodeCount>(
    `SELECT strftime('%Y-%m', created_at, '+7 hours') AS code, count(*) AS count
       FROM reports WHERE ${inRange} GROUP BY code ORDER BY code`,
  );
  const byColumn = Object.fromEntries(
    Object.entries(groupColumns).map(([dimension, column]) => [
      dimension,
      db.prepare<CreatedRange, CodeCount>(`SELECT ${column} AS code, count(*) AS count FROM reports WHERE ${inRange} GROUP BY ${column} ORDER BY ${column}`),
    ]),
  ) as Record<keyof typeof groupColumns, ReturnType<typeof db.prepare<CreatedRange, CodeCount>>>;
  const decisions = db.prepare<CreatedRange, { decided: number; late: number | null }>(
    `SELECT count(*) AS decided, sum(decided_at > sla_due_at) AS late
       FROM reports WHERE ${inRange} AND decided_at IS NOT NULL`,
  );
  // The median: the middle row (odd count) or the mean of the two middle rows (even count).
  const median = db
    .prepare<CreatedRange, number | null>(
      `WITH hours AS (
         SELECT (julianday(decided_at) - julianday(created_at)) * 24 AS h
           FROM reports WHERE ${inRange} AND decided_at IS NOT NULL
       ), ranked AS (
         SELECT h, row_number() OVER (ORDER BY h) AS rn, count(*) OVER () AS n FROM hours
       )
       SELECT avg(h) FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2)`,
    )
    .pluck();

  return {
    counts(range: CreatedRange): StatsCounts {
      const params = { fromAt: range.fromAt, toAt: range.toAt };
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
