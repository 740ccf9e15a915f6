import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/data/db';
import { migrate } from '../../src/data/migrate';
import { createCaseStatisticsRepository, rebuildCaseStatistics } from '../../src/data/caseStatisticsRepository';
import { migrationsDir } from '../../src/paths';

type Range = { from: string; to: string };

const stages = ['intake', 'initial_assessment', 'in_depth_assessment', 'intervention_plan', 'intervention', 'monitoring'];
const outcomes = ['goals_met', 'family_declined', 'lost_contact', 'referred_out'];

/** What the page shows, read from every row one by one (no aggregate): the figures 0023 must keep. */
function everyRow(db: Db, range: Range) {
  const stageTimes = (
    db
      .prepare(
        `SELECT stage, count(*) AS count, sum(CAST(round(hours * 100) AS INTEGER)) AS hundredths FROM case_stage_durations
          WHERE left_on BETWEEN @from AND @to GROUP BY stage ORDER BY stage`,
      )
      .all(range) as { stage: string; count: number; hundredths: number }[]
  ).map(({ stage, count, hundredths }) => {
    const sorted = db
      .prepare('SELECT hours FROM case_stage_durations WHERE stage = @stage AND left_on BETWEEN @from AND @to ORDER BY hours')
      .pluck()
      .all({ ...range, stage }) as number[];
    const middle = Math.floor((count - 1) / 2);
    return {
      stage,
      count,
      medianHours: count % 2 === 1 ? sorted[middle]! : (sorted[middle]! + sorted[middle + 1]!) / 2,
      averageHours: hundredths / (100 * count),
    };
  });
  return {
    opened: db.prepare('SELECT count(*) FROM case_statistics WHERE opened_on BETWEEN @from AND @to').pluck().get(range) as number,
    closedByOutcome: db
      .prepare(
        `SELECT outcome AS code, count(*) AS count FROM case_statistics WHERE closed_on BETWEEN @from AND @to
          GROUP BY outcome ORDER BY outcome`,
      )
      .all(range),
    stageTimes,
  };
}

/** The aggregates of 0023 hold what a recount of the rows gives (rows counted down to 0 left out). */
function expectAggregatesAsRecounted(db: Db) {
  for (const [table, order] of [
    ['case_stage_durations_monthly', 'month, stage, bucket'],
    ['case_stage_durations_daily', 'left_on, stage, bucket'],
  ] as const) {
    const kept = db.prepare(`SELECT * FROM ${table} WHERE count > 0 ORDER BY ${order}`).all();
    expect(kept).toEqual(db.prepare(`SELECT * FROM ${table}_recount ORDER BY ${order}`).all());
    // A bucket counted down to nothing sums to nothing.
    expect(db.prepare(`SELECT count(*) FROM ${table} WHERE count = 0 AND hundredths <> 0`).pluck().get()).toBe(0);
  }
  expect(db.prepare('SELECT * FROM case_statistics_daily WHERE count > 0 ORDER BY measure, day, code').all()).toEqual(
    db.prepare('SELECT * FROM case_statistics_daily_recount ORDER BY measure, day, code').all(),
  );
}

/** A day from 2021-01-01 on, `n` days later. */
const dayOf = (n: number) => new Date(Date.UTC(2021, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Fills a database with anonymised case rows and stays, as retention leaves them (no case behind
 * them): short and long stays, times exactly on the edges of the buckets, equal times, negative
 * ones (a clock set back), cases closed without an outcome.
 */
function fill(db: Db, seed: number, cases: number) {
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const edges = [0, 0.99, 1, 15.99, 16, 17.99, 18, 63.99, 64, 1024, 8192, 65536, 70000.5];
  const row = db.prepare('INSERT INTO case_statistics (opened_on, closed_on, outcome) VALUES (?, ?, ?)');
  const stay = db.prepare('INSERT INTO case_stage_durations (case_statistics_id, stage, left_on, hours) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < cases; i += 1) {
      const opened = Math.floor(random() * 2100);
      const closed = random() < 0.8 ? opened + Math.floor(random() * 200) : null;
      const outcome = closed === null ? null : random() < 0.05 ? null : outcomes[Math.floor(random() * outcomes.length)]!;
      const id = Number(row.run(dayOf(opened), closed === null ? null : dayOf(closed), outcome).lastInsertRowid);
      // Some rows have no stay (a case still at intake).
      for (let s = 0, left = opened; s < Math.floor(random() * 5); s += 1) {
        left += Math.floor(random() * 40);
        const pick = random();
        const hours =
          pick < 0.1
            ? edges[Math.floor(random() * edges.length)]!
            : pick < 0.13
              ? -Math.round(random() * 300) / 100
              : Math.round(random() ** 3 * 4000 * 100) / 100;
        stay.run(id, stages[Math.floor(random() * stages.length)], dayOf(left), hours);
      }
    }
  })();
}

const ranges: [string, string, string][] = [
  ['a calendar year', '2022-01-01', '2022-12-31'],
  ['a year cut mid-month', '2022-03-15', '2023-03-14'],
  ['a year from the second of a month to the first', '2022-05-02', '2023-05-01'],
  ['a year from the last day of a month', '2022-11-30', '2023-11-29'],
  ['five years', '2021-11-30', '2026-11-29'],
  ['a month', '2023-02-01', '2023-02-28'],
  ['two part-months and no whole one', '2022-07-04', '2022-08-10'],
  ['days within one month', '2022-07-04', '2022-07-19'],
  ['one day', '2022-05-31', '2022-05-31'],
  ['every day there is', '2020-01-01', '2030-12-31'],
  ['none', '2035-01-01', '2035-12-31'],
];

/**
 * The case statistics read per day and by histogram (migration 0023): cases opened and closed by
 * outcome from daily counts, the time in each stage from a monthly and a daily histogram with the
 * median from one bucket's times — the same figures as counting every row, kept by the triggers
 * through inserts, changes, deletions and retention.
 */
describe('case statistics per day and by histogram (0023)', () => {
  let dir: string;
  let db: Db;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-0023-'));
    db = openDatabase(path.join(dir, 'lentera.db'));
    migrate(db, migrationsDir);
    fill(db, 11, 2500);
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const expectSameFigures = () => {
    const repo = createCaseStatisticsRepository(db);
    for (const [, from, to] of ranges) {
      const got = repo.counts({ from, to });
      const expected = everyRow(db, { from, to });
      expect({ range: [from, to], opened: got.opened, closedByOutcome: got.closedByOutcome, stageTimes: got.stageTimes }).toEqual({
        range: [from, to],
        ...expected,
      });
    }
  };

  it('keeps the aggregates as a recount gives them, as rows are added', () => {
    expectAggregatesAsRecounted(db);
    expect(db.prepare('SELECT count(*) FROM case_stage_durations_daily').pluck().get()).toBeGreaterThan(1000);
    expect(db.prepare("SELECT count(*) FROM case_statistics_daily WHERE measure = 'closed' AND code = ''").pluck().get()).toBeGreaterThan(
      0,
    );
  });

  it.each(ranges)('gives exactly what counting every row gives: %s', (_name, from, to) => {
    const got = createCaseStatisticsRepository(db).counts({ from, to });
    const expected = everyRow(db, { from, to });
    expect(got.opened).toBe(expected.opened);
    expect(got.closedByOutcome).toEqual(expected.closedByOutcome);
    // Counts and medians to the last bit; the average from the hours summed exactly, divided once.
    expect(got.stageTimes).toEqual(expected.stageTimes);
    if (from < '2030' && from !== to) expect(got.stageTimes.length).toBeGreaterThan(0);
  });

  it('finds the median across the edge of two buckets, and from either end of a bucket', () => {
    const id = Number(db.prepare("INSERT INTO case_statistics (opened_on) VALUES ('2031-01-01')").run().lastInsertRowid);
    const stay = db.prepare("INSERT INTO case_stage_durations (case_statistics_id, stage, left_on, hours) VALUES (?, 'intake', ?, ?)");
    // 15.99 is the highest time of bucket 15 and 16 the lowest of bucket 16: an even count puts the middle between them.
    for (const [day, hours] of [
      ['2031-01-30', 15.99],
      ['2031-02-01', 16],
      ['2031-02-02', 3],
      ['2031-03-05', 400],
    ] as const)
      stay.run(id, day, hours);
    const intake = (from: string, to: string) => createCaseStatisticsRepository(db).counts({ from, to }).stageTimes[0]!;
    expect(intake('2031-01-15', '2031-03-20')).toEqual({
      stage: 'intake',
      count: 4,
      medianHours: (15.99 + 16) / 2,
      averageHours: 434.99 / 4,
    });
    // Many equal times and a few apart in one bucket, the middle near its top: read from the top.
    for (let i = 0; i < 9; i += 1) stay.run(id, '2031-04-10', 20 + i / 100);
    stay.run(id, '2031-04-11', 21.5);
    stay.run(id, '2031-04-11', 21.5);
    stay.run(id, '2031-04-12', 10);
    for (const [from, to] of [
      ['2031-04-01', '2031-04-30'],
      ['2031-04-11', '2031-04-12'],
      ['2031-01-01', '2031-12-31'],
    ] as const) {
      expect(createCaseStatisticsRepository(db).counts({ from, to }).stageTimes).toEqual(everyRow(db, { from, to }).stageTimes);
    }
  });

  it('keeps them as rows are changed and deleted by hand, and as a rebuild counts them again', () => {
    const ids = db.prepare('SELECT id FROM case_stage_durations ORDER BY id').pluck().all() as number[];
    const change = db.prepare('UPDATE case_stage_durations SET hours = ?, left_on = ?, stage = ? WHERE id = ?');
    const remove = db.prepare('DELETE FROM case_stage_durations WHERE id = ?');
    db.transaction(() => {
      ids.forEach((id, i) => {
        if (i % 13 === 0) change.run((i % 500) + 0.25, dayOf(i % 1900), stages[i % stages.length], id);
        else if (i % 17 === 0) remove.run(id);
      });
      db.prepare("UPDATE case_stage_durations SET hours = 16 WHERE hours = 15.99 AND left_on = '2031-01-30'").run();
      db.prepare("UPDATE case_statistics SET closed_on = date(opened_on, '+3 days'), outcome = 'goals_met' WHERE id % 7 = 0").run();
      db.prepare('UPDATE case_statistics SET outcome = NULL WHERE id % 11 = 0 AND closed_on IS NOT NULL').run();
      db.prepare("UPDATE case_statistics SET opened_on = '2022-06-15' WHERE id % 19 = 0").run();
      db.prepare('UPDATE case_statistics SET closed_on = NULL, outcome = NULL WHERE id % 23 = 0').run();
      db.prepare(
        'DELETE FROM case_statistics WHERE id % 29 = 0 AND id NOT IN (SELECT case_statistics_id FROM case_stage_durations) AND id NOT IN (SELECT case_statistics_id FROM case_activity_statistics WHERE case_statistics_id IS NOT NULL)',
      ).run();
    })();
    expectAggregatesAsRecounted(db);
    expectSameFigures();

    // These rows have no case behind them (as after retention): a rebuild keeps them, and the figures.
    const before = createCaseStatisticsRepository(db).counts({ from: '2021-11-30', to: '2026-11-29' });
    rebuildCaseStatistics(db);
    expectAggregatesAsRecounted(db);
    expect(createCaseStatisticsRepository(db).counts({ from: '2021-11-30', to: '2026-11-29' })).toEqual(before);
  });

  it('keeps the figures when retention unlinks the rows from their cases', () => {
    const before = ranges.map(([, from, to]) => createCaseStatisticsRepository(db).counts({ from, to }));
    db.prepare('UPDATE case_statistics SET case_id = id + 100000').run();
    db.prepare('UPDATE case_statistics SET case_id = NULL').run();
    expectAggregatesAsRecounted(db);
    expect(ranges.map(([, from, to]) => createCaseStatisticsRepository(db).counts({ from, to }))).toEqual(before);
  });
});

/** An existing database: 0023 fills its aggregates from the rows already there. */
describe('migration 0023 on an existing database', () => {
  let dir: string;
  let db: Db;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-0023-existing-'));
    const before = path.join(dir, 'migrations');
    fs.mkdirSync(before);
    for (const file of fs.readdirSync(migrationsDir).filter((f) => /^\d{4}_/.test(f) && f < '0023')) {
      fs.copyFileSync(path.join(migrationsDir, file), path.join(before, file));
    }
    db = openDatabase(path.join(dir, 'lentera.db'));
    migrate(db, before);
    fill(db, 5, 800);
    migrate(db, migrationsDir);
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fills the daily counts and both histograms from the rows there', () => {
    expectAggregatesAsRecounted(db);
    expect(db.prepare('SELECT count(*) FROM case_stage_durations_monthly').pluck().get()).toBeGreaterThan(100);
    expect(db.prepare('SELECT count(*) FROM case_statistics_daily').pluck().get()).toBeGreaterThan(500);
  });

  it.each(ranges)('gives exactly what counting every row gives: %s', (_name, from, to) => {
    expect(createCaseStatisticsRepository(db).counts({ from, to })).toEqual({
      ...everyRow(db, { from, to }),
      activitiesByFunction: [],
    });
  });
});
