import type { Db } from './db';
import type { CodeCount } from '../domain/codeCounts';
import { lastDayOfMonth, splitByMonths, type FiledRange } from './statisticsAggregates';

/** Time spent in one stage, over the times cases left it in a range. */
export interface StageTime {
  stage: string;
  /** How many times a case left the stage in the range. */
  count: number;
  medianHours: number;
  averageHours: number;
}

/** Plan activities of one LK3 function planned in a range, and how many of them are done. */
export interface FunctionCount extends CodeCount {
  done: number;
}

export interface CaseCounts {
  /** Cases opened in the range (by their opening day). */
  opened: number;
  /** Cases closed in the range, by outcome. */
  closedByOutcome: CodeCount[];
  /** Intervention plan activities planned in the range, by LK3 function. */
  activitiesByFunction: FunctionCount[];
  /** For each stage, the times a case left it in the range. */
  stageTimes: StageTime[];
}

/**
 * Rebuilds the case statistics of the cases that still exist (case_statistics, case_stage_durations,
 * case_activity_statistics; migration 0022) from the cases, their timelines and their plan
 * activities, in one transaction (a savepoint inside one already open), then their daily counts
 * and histograms (0023) from all the rows in one pass. The rows of cases purged by retention
 * (case_id NULL) are kept as they are. The triggers keep the tables as cases change; this is for a
 * bulk load that went around them, or a repair, and gives what the triggers would have. (A bulk
 * load may suspend the triggers of case_statistics and case_stage_durations while this runs: they
 * only keep the counts recounted at the end, and cost a tenth of a minute per million stays.)
 */
export function rebuildCaseStatistics(db: Db): { cases: number; stageVisits: number; activities: number } {
  return db.transaction(() => {
    // A case's row is updated in place (its id stays, for the rows that point at it); its stage visits and activities are counted again.
    db.prepare(
      `DELETE FROM case_stage_durations WHERE case_statistics_id IN (SELECT id FROM case_statistics WHERE case_id IS NOT NULL)`,
    ).run();
    db.prepare('DELETE FROM case_activity_statistics WHERE activity_id IS NOT NULL').run();
    const cases = db
      .prepare(
        `INSERT INTO case_statistics (case_id, opened_on, category, kecamatan_code, closed_on, outcome)
         SELECT case_id, opened_on, category, kecamatan_code, closed_on, outcome FROM case_statistics_recount WHERE true
         ON CONFLICT (case_id) DO UPDATE SET opened_on = excluded.opened_on, category = excluded.category,
           kecamatan_code = excluded.kecamatan_code, closed_on = excluded.closed_on, outcome = excluded.outcome`,
      )
      .run().changes;
    const stageVisits = db
      .prepare(
        `INSERT INTO case_stage_durations (case_statistics_id, stage, left_on, hours)
         SELECT s.id, d.stage, d.left_on, d.hours FROM case_stage_durations_recount d JOIN case_statistics s ON s.case_id = d.case_id`,
      )
      .run().changes;
    const activities = db
      .prepare(
        `INSERT INTO case_activity_statistics (activity_id, case_statistics_id, planned_on, lk3_function, status)
         SELECT a.activity_id, s.id, a.planned_on, a.lk3_function, a.status
           FROM case_activity_statistics_recount a LEFT JOIN case_statistics s ON s.case_id = a.case_id ORDER BY a.activity_id`,
      )
      .run().changes;
    for (const [table, recount] of [
      ['case_statistics_daily', 'case_statistics_daily_recount'],
      ['case_stage_durations_monthly', 'case_stage_durations_monthly_recount'],
      ['case_stage_durations_daily', 'case_stage_durations_daily_recount'],
    ]) {
      db.prepare(`DELETE FROM ${table}`).run();
      db.prepare(`INSERT INTO ${table} SELECT * FROM ${recount}`).run();
    }
    return { cases, stageVisits, activities };
  })();
}

/** The day before or after a day (YYYY-MM-DD). */
function dayAfter(day: string, step = 1): string {
  return new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + step))
    .toISOString()
    .slice(0, 10);
}

/**
 * Counts of cases for the statistics page (migrations 0022 and 0023): opened, closed by outcome,
 * plan activities by LK3 function, and the time spent in each stage. From the anonymised rows only,
 * which outlive retention, so a past period's numbers never change. Cases opened and closed are
 * counted per day (case_statistics_daily); activities from their rows by index on the day (a
 * city's LK3 plans a few thousand a year); the time in each stage from a monthly and a daily
 * histogram, the median exactly from its bucket's times alone. A year is a few thousand rows read,
 * however many cases it holds.
 */
export function createCaseStatisticsRepository(db: Db) {
  const opened = db
    .prepare<FiledRange, number | null>(
      `SELECT sum(count) FROM case_statistics_daily WHERE measure = 'opened' AND day BETWEEN @from AND @to`,
    )
    .pluck();
  // A case closed without an outcome is counted under '' (0023), and listed as null, as its row says.
  const byOutcome = db.prepare<FiledRange, CodeCount>(
    `SELECT nullif(code, '') AS code, sum(count) AS count FROM case_statistics_daily
      WHERE measure = 'closed' AND day BETWEEN @from AND @to GROUP BY code HAVING sum(count) > 0 ORDER BY code`,
  );
  const byFunction = db.prepare(
    `SELECT lk3_function AS code, count(*) AS count, sum(status = 'done') AS done FROM case_activity_statistics
      WHERE planned_on BETWEEN @from AND @to GROUP BY lk3_function ORDER BY lk3_function`,
  );
  // Time in each stage: the whole months of the range from the monthly histogram, the days of the
  // months it cuts from the daily one. Each part is one range of its primary key, from one lower to
  // one upper bound (given two upper bounds on a column, SQLite uses one: 0022 read every stay of a
  // five-year range to find the days of one part-month).
  const histogram = db.prepare<
    { from: string; beforeTo: string; firstMonth: string; lastMonth: string; afterFrom: string; to: string },
    { stage: string; bucket: number; count: number; hundredths: number }
  >(
    `SELECT stage, bucket, sum(count) AS count, sum(hundredths) AS hundredths FROM (
       SELECT stage, bucket, count, hundredths FROM case_stage_durations_daily WHERE left_on BETWEEN @from AND @beforeTo
       UNION ALL
       SELECT stage, bucket, count, hundredths FROM case_stage_durations_monthly WHERE month BETWEEN @firstMonth AND @lastMonth
       UNION ALL
       SELECT stage, bucket, count, hundredths FROM case_stage_durations_daily WHERE left_on BETWEEN @afterFrom AND @to)
     GROUP BY stage, bucket HAVING sum(count) > 0 ORDER BY stage, bucket`,
  );
  // The median's last step: the times of one stage's bucket left in the range, in one range scan of
  // the index on (stage, histogram_bucket, left_on, hours), sorted from the nearer end of the bucket.
  const inBucket = (order: 'ASC' | 'DESC') =>
    db
      .prepare<FiledRange & { stage: string; bucket: number; offset: number; limit: number }, number>(
        `SELECT hours FROM case_stage_durations INDEXED BY case_stage_durations_bucket
          WHERE stage = @stage AND histogram_bucket = @bucket AND left_on BETWEEN @from AND @to
          ORDER BY hours ${order} LIMIT @limit OFFSET @offset`,
      )
      .pluck();
  const fromBottom = inBucket('ASC');
  const fromTop = inBucket('DESC');

  /** Each stage left in the range: how many times, the median and the average of the hours spent. */
  function stageTimes(range: FiledRange): StageTime[] {
    const split = splitByMonths(range);
    // The days before the whole months, and after them: each none when its bounds cross.
    const beforeWhole = dayAfter(split.daysBefore, -1);
    const afterWhole = dayAfter(lastDayOfMonth(split.lastMonth));
    const byStage = new Map<string, { bucket: number; count: number; hundredths: number }[]>();
    for (const r of histogram.all({
      ...split,
      beforeTo: beforeWhole < range.to ? beforeWhole : range.to,
      afterFrom: afterWhole > range.from ? afterWhole : range.from,
    })) {
      const buckets = byStage.get(r.stage) ?? [];
      buckets.push(r);
      byStage.set(r.stage, buckets);
    }

    const times: StageTime[] = [];
    for (const [stage, buckets] of byStage) {
      const count = buckets.reduce((sum, b) => sum + b.count, 0);
      /** The time ranked `rank` (from 0) in increasing order, and the next one too if `both`. */
      const ranked = (rank: number, both: boolean): number[] => {
        let below = 0;
        for (const { bucket, count: n } of buckets) {
          if (rank < below + n) {
            const first = rank - below;
            const last = both ? Math.min(first + 1, n - 1) : first;
            const limit = last - first + 1;
            const hours =
              first <= n - 1 - last
                ? fromBottom.all({ from: range.from, to: range.to, stage, bucket, offset: first, limit })
                : fromTop.all({ from: range.from, to: range.to, stage, bucket, offset: n - 1 - last, limit }).reverse();
            if (hours.length < limit) break;
            // The next time after the last of a bucket is the lowest of the next one.
            return both && limit === 1 ? [hours[0]!, ...ranked(rank + 1, false)] : hours;
          }
          below += n;
        }
        // Only if the histogram was changed by hand: rebuildCaseStatistics puts it right.
        throw new Error(`The stage histogram (${stage}) does not match case_stage_durations.`);
      };
      const middle = Math.floor((count - 1) / 2);
      const [lower, upper] = ranked(middle, count % 2 === 0);
      times.push({
        stage,
        count,
        medianHours: count % 2 === 1 ? lower! : (lower! + upper!) / 2,
        // The hours summed exactly, in hundredths (0023), and divided once.
        averageHours: buckets.reduce((sum, b) => sum + b.hundredths, 0) / (100 * count),
      });
    }
    return times;
  }

  return {
    counts(range: FiledRange): CaseCounts {
      return {
        opened: opened.get(range) ?? 0,
        closedByOutcome: byOutcome.all(range),
        activitiesByFunction: byFunction.all(range) as FunctionCount[],
        stageTimes: stageTimes(range),
      };
    },
  };
}

export type CaseStatisticsRepository = ReturnType<typeof createCaseStatisticsRepository>;
