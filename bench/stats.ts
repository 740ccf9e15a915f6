/**
 * Statistics for staff (/staff/stats) on a million reports (`npm run bench:stats`;
 * BENCH_STATS_ROWS, default 1,000,000).
 *
 * Opens Lentera the one way (src/lentera.ts) on a copy of a database filled by the bench seeder
 * (bench/seed.ts, what `npm run seed:bench` runs; seeded once a day for all the benches): reports
 * over six years (≈ 167,000 a year, decided for most, a few reopened and decided again), their
 * statistics rows through the app's triggers and the aggregates recounted. It times the real statistics service: one calendar year, a year from mid-month to
 * mid-month, the longest range allowed (five years), the CSV export of one year, the figures alone
 * (without the audit event each view commits), and the public summary's figures of one year
 * (uncached); and the rebuild of the aggregates from scratch (what a bulk seed runs once). Prints
 * the median and 95th percentile, how many aggregate rows a year holds, and the query plans, and
 * fails if a plan scans a table. Information, not a test: no timing is asserted.
 *
 * BENCH_STATS_DATABASE=path: a database of your own instead — an existing one (e.g. made by
 * `npm run seed:bench`, with its DATA_KEY in the environment or its data.key beside it) is used as
 * it is (each timed view adds an audit event to it); a path where none exists yet is filled by the
 * seeder and kept. The year timed is the last complete one in the data.
 */
import fs from 'node:fs';
import { openLentera } from '../src/lentera';
import { loadAreaDirectory } from '../src/data/areaReference';
import { createPublicSummaryRepository } from '../src/data/publicSummaryRepository';
import { rebuildStatisticsAggregates } from '../src/data/statisticsAggregates';
import { createStatsRepository } from '../src/data/statsRepository';
import { loadTranslator } from '../src/i18n';
import type { StatsViewer } from '../src/services/statsService';
import { accountFor, seedBench, seededCopy, type SeededCopy } from './seed';

const ROWS = Number(process.env.BENCH_STATS_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_STATS_RUNS ?? 30);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function time(runs: number, work: () => unknown): { median: number; p95: number } {
  work(); // warm: statements prepared, pages in the cache
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

async function main(): Promise<void> {
  const own = process.env.BENCH_STATS_DATABASE;
  let copy: SeededCopy | undefined;
  let env: NodeJS.ProcessEnv;
  let viewerId = 1;
  if (own) {
    // Without DATA_KEY, the key file beside the database: made with a new one, read with an existing one.
    env = { DATABASE_PATH: own, ...(process.env.DATA_KEY ? { DATA_KEY: process.env.DATA_KEY } : {}) };
    if (!fs.existsSync(own)) {
      console.log(`Filling ${own} with ${ROWS.toLocaleString('en')} reports (kept, with its data.key beside it unless DATA_KEY is set).`);
      viewerId = accountFor(await seedBench({ reports: ROWS, databasePath: own, env }), 'supervisor').id;
    }
  } else {
    copy = await seededCopy({ reports: ROWS });
    env = copy.env;
    viewerId = accountFor(copy.seeded, 'supervisor').id;
    console.log(`${ROWS.toLocaleString('en')} reports, filled by npm run seed:bench's seeder in ${copy.seeded.seconds.toFixed(1)} s.`);
  }
  const lentera = openLentera(env, { create: false, log: () => undefined });
  const { db, services, config } = lentera;
  try {
    const count = (sql: string, params: Record<string, string> = {}) => db.prepare(sql).pluck().get(params) as number;
    const lastDay = db.prepare('SELECT max(filed_on) FROM report_statistics').pluck().get() as string | null;
    if (lastDay === null) throw new Error('No statistics rows to time.');
    const year = Number(lastDay.slice(0, 4)) - 1;
    const oneYear = { from: `${year}-01-01`, to: `${year}-12-31` };
    const inYear = count('SELECT count(*) FROM report_statistics WHERE filed_on BETWEEN @from AND @to', oneYear);
    console.log(
      `${count('SELECT count(*) FROM report_statistics').toLocaleString('en')} statistics rows, ` +
        `${count('SELECT count(*) FROM report_statistics WHERE report_id IS NOT NULL').toLocaleString('en')} of reports still there; ` +
        `${inYear.toLocaleString('en')} filed in ${year}.`,
    );

    const viewer: StatsViewer = {
      accountId: viewerId,
      locale: 'id',
      t: loadTranslator().forLocale('id'),
      areas: loadAreaDirectory(config.areasCsv),
    };
    const stats = services.statsService;
    console.log(`\n| what | median ms | p95 ms |`);
    console.log('|---|---:|---:|');
    const line = (name: string, t: { median: number; p95: number }) =>
      console.log(`| ${name} | ${t.median.toFixed(2)} | ${t.p95.toFixed(2)} |`);
    line(
      `/staff/stats, one year (${year}, ${inYear.toLocaleString('en')} reports)`,
      time(RUNS, () => stats.summary(viewer, oneYear)),
    );
    line(
      `/staff/stats, 15 March ${year} to 14 March ${year + 1}`,
      time(RUNS, () => stats.summary(viewer, { from: `${year}-03-15`, to: `${year + 1}-03-14` })),
    );
    line(
      '/staff/stats, five years (the longest range)',
      time(RUNS, () => stats.summary(viewer, { from: `${year - 4}-07-01`, to: `${year + 1}-06-30` })),
    );
    line(
      '/staff/stats.csv, one year',
      time(RUNS, () => stats.csv(viewer, oneYear)),
    );
    // The service commits an audit event with each view (synchronous=FULL): the figures alone.
    const repository = createStatsRepository(db);
    line(
      'the figures of one year alone (no audit event)',
      time(RUNS, () => repository.counts(oneYear)),
    );
    const summaries = createPublicSummaryRepository(db);
    line(
      '/transparency, one year uncached (every table and the median)',
      time(RUNS, () => summaries.period({ from: `${year}-01`, to: `${year}-12` })),
    );
    line(
      '/transparency, the years',
      time(RUNS, () => summaries.years(lastDay.slice(0, 7))),
    );
    const rebuildStarted = process.hrtime.bigint();
    const rebuilt = rebuildStatisticsAggregates(db);
    const rebuildMs = Number(process.hrtime.bigint() - rebuildStarted) / 1e6;
    console.log(
      `| rebuildStatisticsAggregates over ${count('SELECT count(*) FROM report_statistics').toLocaleString('en')} rows (once) | ${rebuildMs.toFixed(0)} | |`,
    );

    console.log(
      `\nOne year is ${count('SELECT count(*) FROM report_statistics_daily WHERE filed_on BETWEEN @from AND @to', oneYear).toLocaleString('en')} ` +
        `daily counts and ${count("SELECT count(*) FROM report_statistics_hours_monthly WHERE measure = 'decision' AND month BETWEEN substr(@from, 1, 7) AND substr(@to, 1, 7)", oneYear).toLocaleString('en')} ` +
        `histogram rows by month (${count("SELECT count(*) FROM report_statistics_hours WHERE measure = 'decision' AND filed_on BETWEEN @from AND @to", oneYear).toLocaleString('en')} by day) ` +
        `(of ${rebuilt.dailyRows.toLocaleString('en')}, ${rebuilt.hourRows.toLocaleString('en')} and ${rebuilt.monthlyHourRows.toLocaleString('en')} in all).`,
    );
    const decided = count(
      'SELECT count(*) FROM report_statistics WHERE filed_on BETWEEN @from AND @to AND hours_to_decision IS NOT NULL',
      oneYear,
    );
    if (decided > 0) {
      const middle = db
        .prepare(
          `SELECT decision_hours_bucket FROM report_statistics WHERE filed_on BETWEEN @from AND @to AND hours_to_decision IS NOT NULL
            ORDER BY hours_to_decision LIMIT 1 OFFSET @offset`,
        )
        .pluck()
        .get({ ...oneYear, offset: Math.floor((decided - 1) / 2) }) as number;
      const inBucket = count(
        `SELECT count(*) FROM report_statistics WHERE decision_hours_bucket = ${middle} AND filed_on BETWEEN @from AND @to AND hours_to_decision IS NOT NULL`,
        oneYear,
      );
      console.log(
        `The median's bucket (from ${middle} h) holds ${inBucket.toLocaleString('en')} of the year's ${decided.toLocaleString('en')} ` +
          'decisions: the only per-report times read.',
      );
    }

    let problems = 0;
    const plans: [string, string, RegExp][] = [
      [
        'counts by code',
        "SELECT code, sum(count) FROM report_statistics_daily WHERE dimension = 'category' AND filed_on BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY code",
        /SEARCH report_statistics_daily USING (PRIMARY KEY|INDEX \S+) \(dimension=\? AND filed_on>\? AND filed_on<\?\)/,
      ],
      [
        'histogram, whole months',
        "SELECT bucket, sum(count) FROM report_statistics_hours_monthly WHERE measure = 'decision' AND month BETWEEN '2025-01' AND '2025-12' GROUP BY bucket",
        /SEARCH report_statistics_hours_monthly USING PRIMARY KEY \(measure=\? AND month>\? AND month<\?\)/,
      ],
      [
        'histogram, the days of a month cut by the range',
        "SELECT bucket, sum(count) FROM report_statistics_hours WHERE measure = 'decision' AND filed_on BETWEEN '2025-03-15' AND '2025-03-31' GROUP BY bucket",
        /SEARCH report_statistics_hours USING PRIMARY KEY \(measure=\? AND filed_on>\? AND filed_on<\?\)/,
      ],
      [
        "the median's last step",
        `WITH RECURSIVE day (filed_on) AS (
           SELECT '2025-01-01' UNION ALL SELECT date(filed_on, '+1 day') FROM day WHERE date(filed_on, '+1 day') <= '2025-12-31'
         )
         SELECT hours_to_decision FROM report_statistics
          WHERE filed_on IN (SELECT filed_on FROM day) AND hours_to_decision >= 30 AND hours_to_decision < 31
          ORDER BY hours_to_decision LIMIT 1 OFFSET 100`,
        /SEARCH report_statistics USING COVERING INDEX report_statistics_decisions \(filed_on=\? AND hours_to_decision>\? AND hours_to_decision<\?\)/,
      ],
    ];
    for (const [name, sql, expected] of plans) {
      const details = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail);
      console.log(`\nplan (${name}): ${details.join(' / ')}`);
      if (details.some((d) => /^SCAN report_statistics/.test(d)) || !details.some((d) => expected.test(d))) {
        console.error(`  ✗ expected ${String(expected)}`);
        problems += 1;
      }
    }
    if (problems > 0) process.exitCode = 1;
  } finally {
    lentera.close();
    copy?.remove();
  }
}

void main();
