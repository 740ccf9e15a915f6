import type { Db } from './db';
import type { CodeCount } from '../domain/codeCounts';
import { caseStages } from '../domain/cases';
import { splitByMonths, type FiledRange, type MonthSplit } from './statisticsAggregates';

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
 * activities, in one transaction (a savepoint inside one already open). The rows of cases purged by
 * retention (case_id NULL) are kept as they are. The triggers keep the tables as cases change; this
 * is for a bulk load that went around them, or a repair, and gives what the triggers would have.
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
    return { cases, stageVisits, activities };
  })();
}

/**
 * Counts of cases for the statistics page (migration 0022): closed by outcome, plan activities by
 * LK3 function, and the time spent in each stage. From the anonymised rows only, which outlive
 * retention, so a past period's numbers never change. Cases opened and closed, and activities, are
 * counted from their rows by index on the day (a city's LK3 has hundreds to a few thousand cases a
 * year); the time in each stage from a monthly histogram, as the reports' times (migration 0013).
 */
export function createCaseStatisticsRepository(db: Db) {
  const opened = db.prepare('SELECT count(*) FROM case_statistics WHERE opened_on BETWEEN @from AND @to').pluck();
  const byOutcome = db.prepare(
    `SELECT outcome AS code, count(*) AS count FROM case_statistics
      WHERE closed_on IS NOT NULL AND closed_on BETWEEN @from AND @to GROUP BY outcome ORDER BY outcome`,
  );
  const byFunction = db.prepare(
    `SELECT lk3_function AS code, count(*) AS count, sum(status = 'done') AS done FROM case_activity_statistics
      WHERE planned_on BETWEEN @from AND @to GROUP BY lk3_function ORDER BY lk3_function`,
  );
  // Time in each stage: the whole months of the range from the monthly histogram, the days of the
  // months it cuts from the stays themselves (by index on (stage, left_on, hours)).
  const monthly = db.prepare<MonthSplit, { stage: string; bucket: number; count: number; hours: number }>(
    `SELECT stage, bucket, sum(count) AS count, sum(hours) AS hours FROM case_stage_durations_monthly
      WHERE month BETWEEN @firstMonth AND @lastMonth GROUP BY stage, bucket HAVING sum(count) > 0`,
  );
  const partMonths = db.prepare<MonthSplit & { stage: string }, { bucket: number; count: number; hours: number }>(
    `SELECT bucket, count(*) AS count, sum(hours) AS hours FROM (
       SELECT bucket, hours FROM case_stage_durations WHERE stage = @stage AND left_on BETWEEN @from AND @to AND left_on < @daysBefore
       UNION ALL
       SELECT bucket, hours FROM case_stage_durations WHERE stage = @stage AND left_on BETWEEN @from AND @to AND left_on > @daysAfter)
     GROUP BY bucket`,
  );
  // The median's last step: only the times of one bucket, on each day of the range (as the reports' median, statisticsAggregates.ts).
  const nthBetween = db
    .prepare<FiledRange & { stage: string; lower: number; upper: number; offset: number }, number>(
      `WITH RECURSIVE day (left_on) AS (
         SELECT @from UNION ALL SELECT date(left_on, '+1 day') FROM day WHERE date(left_on, '+1 day') <= @to
       )
       SELECT hours FROM case_stage_durations
        WHERE stage = @stage AND left_on IN (SELECT left_on FROM day) AND hours >= @lower AND hours < @upper
        ORDER BY hours LIMIT 1 OFFSET @offset`,
    )
    .pluck();

  /** Each stage left in the range: how many times, the median and the average of the hours spent. */
  function stageTimes(range: FiledRange): StageTime[] {
    const split = splitByMonths(range);
    const histograms = new Map<string, Map<number, { count: number; hours: number }>>();
    const add = (stage: string, bucket: number, count: number, hours: number) => {
      const buckets = histograms.get(stage) ?? new Map<number, { count: number; hours: number }>();
      const was = buckets.get(bucket) ?? { count: 0, hours: 0 };
      buckets.set(bucket, { count: was.count + count, hours: was.hours + hours });
      histograms.set(stage, buckets);
    };
    for (const r of monthly.all(split)) add(r.stage, r.bucket, r.count, r.hours);
    for (const stage of caseStages) for (const r of partMonths.all({ ...split, stage })) add(stage, r.bucket, r.count, r.hours);

    const times: StageTime[] = [];
    for (const [stage, byBucket] of [...histograms].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const buckets = [...byBucket].filter(([, b]) => b.count > 0).sort(([a], [b]) => a - b);
      const count = buckets.reduce((sum, [, b]) => sum + b.count, 0);
      if (count === 0) continue;
      /** The time ranked `rank` (from 0) in increasing order. */
      const nth = (rank: number): number => {
        let below = 0;
        for (let i = 0; i < buckets.length; i += 1) {
          const n = buckets[i]![1].count;
          if (rank < below + n) {
            const lower = i === 0 ? -Number.MAX_VALUE : buckets[i]![0];
            const upper = i + 1 < buckets.length ? buckets[i + 1]![0] : Number.MAX_VALUE;
            const hours = nthBetween.get({ from: range.from, to: range.to, stage, lower, upper, offset: rank - below });
            if (hours !== undefined) return hours;
            break;
          }
          below += n;
        }
        // Only if the histogram was changed by hand: rebuildCaseStatistics puts it right.
        throw new Error(`The stage histogram (${stage}) does not match case_stage_durations.`);
      };
      const middle = Math.floor((count - 1) / 2);
      times.push({
        stage,
        count,
        medianHours: count % 2 === 1 ? nth(middle) : (nth(middle) + nth(middle + 1)) / 2,
        averageHours: buckets.reduce((sum, [, b]) => sum + b.hours, 0) / count,
      });
    }
    return times;
  }

  return {
    counts(range: FiledRange): CaseCounts {
      return {
        opened: opened.get(range) as number,
        closedByOutcome: byOutcome.all(range) as CodeCount[],
        activitiesByFunction: byFunction.all(range) as FunctionCount[],
        stageTimes: stageTimes(range),
      };
    },
  };
}

export type CaseStatisticsRepository = ReturnType<typeof createCaseStatisticsRepository>;
