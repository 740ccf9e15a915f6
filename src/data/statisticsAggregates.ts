import type { Db } from './db';
import type { CodeCount } from '../domain/codeCounts';

/** Filing days on the Asia/Jakarta calendar (YYYY-MM-DD), both included. */
export interface FiledRange {
  from: string;
  to: string;
}

/** The codes counted by filing day in report_statistics_daily (0013). */
export const countedDimensions = ['category', 'kecamatan', 'source', 'status', 'urgency'] as const;
export type CountedDimension = (typeof countedDimensions)[number];

/** The times kept as histograms in report_statistics_hours: to the latest decision, to the first. */
export type DecisionMeasure = 'decision' | 'first_decision';

/**
 * Rebuilds the statistics aggregates (report_statistics_daily, report_statistics_hours and
 * report_statistics_hours_monthly, migration 0013) from report_statistics alone, in one
 * transaction (a savepoint inside one already open). The triggers keep them as rows come and go;
 * this is for a bulk load that went around them, or a repair, and gives what the triggers would
 * have (the tests compare both).
 */
export function rebuildStatisticsAggregates(db: Db): { dailyRows: number; hourRows: number; monthlyHourRows: number } {
  return db.transaction(() => {
    const refill = (table: string, columns: string) => {
      db.prepare(`DELETE FROM ${table}`).run();
      return db.prepare(`INSERT INTO ${table} (${columns}) SELECT * FROM ${table}_recount`).run().changes;
    };
    return {
      dailyRows: refill('report_statistics_daily', 'dimension, filed_on, code, count'),
      hourRows: refill('report_statistics_hours', 'measure, filed_on, bucket, count'),
      monthlyHourRows: refill('report_statistics_hours_monthly', 'measure, month, bucket, count'),
    };
  })();
}

/** The last day of a month (YYYY-MM → YYYY-MM-DD). */
export function lastDayOfMonth(month: string): string {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
}

/** The month after (or before, with -1) a month, YYYY-MM. */
function monthAfter(month: string, step = 1): string {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + step, 1)).toISOString().slice(0, 7);
}

/** A range of days as the histograms read it (splitByMonths). */
export interface MonthSplit extends FiledRange {
  /** The whole months of the range, YYYY-MM, both included; none when firstMonth comes after lastMonth. */
  firstMonth: string;
  lastMonth: string;
  /** The days of the range before `daysBefore` and after `daysAfter` are read day by day. */
  daysBefore: string;
  daysAfter: string;
}

/**
 * The months a range holds whole (read from the monthly histograms) and the days before and after
 * them (from the daily ones): a calendar year is twelve months' buckets, a year from mid-month to
 * mid-month eleven months and the days of two part-months. Without a whole month, every day of
 * the range comes before `daysBefore`.
 */
export function splitByMonths(range: FiledRange): MonthSplit {
  let firstMonth = range.from.endsWith('-01') ? range.from.slice(0, 7) : monthAfter(range.from.slice(0, 7));
  let lastMonth = range.to === lastDayOfMonth(range.to.slice(0, 7)) ? range.to.slice(0, 7) : monthAfter(range.to.slice(0, 7), -1);
  if (firstMonth > lastMonth) [firstMonth, lastMonth] = [monthAfter(range.to.slice(0, 7)), range.to.slice(0, 7)];
  // As text: every day of the range before firstMonth-01, and after lastMonth-31 (which sorts after its last day).
  return { from: range.from, to: range.to, firstMonth, lastMonth, daysBefore: `${firstMonth}-01`, daysAfter: `${lastMonth}-31` };
}

// Every read is a range of one dimension's (or measure's) days in the primary key: a year is
// ≈ 365 rows per code, whatever the number of reports. A code whose count fell to 0 in every day
// of the range is not listed, exactly as if its rows were counted one by one.
const inRange = 'filed_on BETWEEN @from AND @to';

// The median's last step reads per-report times, but only those of one histogram bucket: on each
// day of the range (a recursive list of days), the times from the bucket's lower edge to the next
// bucket's, from the index on (filed_on, time) (report_statistics_decisions, 0013, and
// report_statistics_first_decisions, 0012). The edges come from the histogram itself: the range
// holds no time between one bucket it lists and the next. Columns are fixed here.
const timeColumns: Record<DecisionMeasure, string> = { decision: 'hours_to_decision', first_decision: 'hours_to_first_decision' };

/** Counts and times of reports by filing day, from the aggregates: codes and numbers only, never content. */
export function createStatisticsAggregates(db: Db) {
  const byCode = db.prepare<FiledRange & { dimension: string }, CodeCount>(
    `SELECT code, sum(count) AS count FROM report_statistics_daily WHERE dimension = @dimension AND ${inRange}
      GROUP BY code HAVING sum(count) > 0 ORDER BY code`,
  );
  // Every report has one category, so the categories of a day add up to its reports. (GROUP BY 1:
  // `code` alone would name the table's column, not the month.)
  const byMonth = db.prepare<FiledRange, CodeCount>(
    `SELECT substr(filed_on, 1, 7) AS code, sum(count) AS count FROM report_statistics_daily WHERE dimension = 'category' AND ${inRange}
      GROUP BY 1 HAVING sum(count) > 0 ORDER BY 1`,
  );
  const byYear = db.prepare<{ to: string }, CodeCount>(
    `SELECT substr(filed_on, 1, 4) AS code, sum(count) AS count FROM report_statistics_daily WHERE dimension = 'category' AND filed_on <= @to
      GROUP BY 1 HAVING sum(count) > 0 ORDER BY 1`,
  );
  const histogram = db.prepare<MonthSplit & { measure: DecisionMeasure }, { bucket: number; count: number }>(
    `SELECT bucket, sum(count) AS count FROM (
       SELECT bucket, count FROM report_statistics_hours WHERE measure = @measure AND ${inRange} AND filed_on < @daysBefore
       UNION ALL
       SELECT bucket, count FROM report_statistics_hours_monthly WHERE measure = @measure AND month BETWEEN @firstMonth AND @lastMonth
       UNION ALL
       SELECT bucket, count FROM report_statistics_hours WHERE measure = @measure AND ${inRange} AND filed_on > @daysAfter
     )
     GROUP BY bucket HAVING sum(count) > 0 ORDER BY bucket`,
  );
  const nthBetween = Object.fromEntries(
    Object.entries(timeColumns).map(([measure, hours]) => [
      measure,
      db
        .prepare<FiledRange & { lower: number; upper: number; offset: number }, number>(
          `WITH RECURSIVE day (filed_on) AS (
             SELECT @from UNION ALL SELECT date(filed_on, '+1 day') FROM day WHERE date(filed_on, '+1 day') <= @to
           )
           SELECT ${hours} FROM report_statistics
            WHERE filed_on IN (SELECT filed_on FROM day) AND ${hours} >= @lower AND ${hours} < @upper
            ORDER BY ${hours} LIMIT 1 OFFSET @offset`,
        )
        .pluck(),
    ]),
  ) as Record<DecisionMeasure, ReturnType<typeof db.prepare<FiledRange & { lower: number; upper: number; offset: number }, number>>>;

  return {
    /** Reports filed in the range by code of one dimension, by code; only codes with reports. */
    byCode(dimension: CountedDimension | 'decided', range: FiledRange): CodeCount[] {
      return byCode.all({ dimension, from: range.from, to: range.to });
    },

    /** Reports filed in the range by month (YYYY-MM); only months with reports. */
    byMonth(range: FiledRange): CodeCount[] {
      return byMonth.all({ from: range.from, to: range.to });
    },

    /** Reports filed up to the day `to`, by year (YYYY); only years with reports. */
    byYear(to: string): CodeCount[] {
      return byYear.all({ to });
    },

    /**
     * How many reports filed in the range have a time of this measure, and the median of those
     * times: the middle one, or the mean of the two middle ones (null when none). Exact: the
     * histogram says which bucket holds the middle, and only that bucket's times are read.
     */
    hours(measure: DecisionMeasure, range: FiledRange): { count: number; median: number | null } {
      const buckets = histogram.all({ measure, ...splitByMonths(range) });
      const count = buckets.reduce((sum, b) => sum + b.count, 0);
      if (count === 0) return { count, median: null };
      /** The time ranked `rank` (from 0) in increasing order. */
      const nth = (rank: number): number => {
        let below = 0;
        for (let i = 0; i < buckets.length; i += 1) {
          const n = buckets[i]!.count;
          if (rank < below + n) {
            // The lowest bucket (perhaps that of negative times) has nothing below it, the highest nothing above.
            const lower = i === 0 ? -Number.MAX_VALUE : buckets[i]!.bucket;
            const upper = i + 1 < buckets.length ? buckets[i + 1]!.bucket : Number.MAX_VALUE;
            const hours = nthBetween[measure].get({ from: range.from, to: range.to, lower, upper, offset: rank - below });
            if (hours !== undefined) return hours;
            break;
          }
          below += n;
        }
        // Only if the aggregates were changed by hand: rebuildStatisticsAggregates puts them right.
        throw new Error(`The statistics histogram (${measure}) does not match report_statistics.`);
      };
      const middle = Math.floor((count - 1) / 2);
      return { count, median: count % 2 === 1 ? nth(middle) : (nth(middle) + nth(middle + 1)) / 2 };
    },
  };
}

export type StatisticsAggregates = ReturnType<typeof createStatisticsAggregates>;
