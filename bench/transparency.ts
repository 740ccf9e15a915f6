/**
 * The public summary (/transparency) on a large statistics table (`npm run bench:transparency`;
 * BENCH_TRANSPARENCY_ROWS, default 1,000,000).
 *
 * Works on a copy of a database of ROWS reports over six years filled by the bench seeder
 * (bench/seed.ts, what `npm run seed:bench` runs; seeded once a day for all the benches): their
 * statistics rows come through the app's triggers and the aggregates of migration 0013 are
 * recounted. It times, for the last whole year, through
 * the real repository and service: the years, one year's figures uncached (every table and the
 * median), and the page's figures with the cache lapsed and warm. Prints the median and 95th
 * percentile and the query plans, and fails if a plan scans the statistics table. (`npm run
 * bench:stats` times the same aggregates for /staff/stats.)
 * Information, not a test: no timing is asserted.
 */
import { openMigratedDatabase } from '../src/lentera';
import { createPublicSummaryRepository } from '../src/data/publicSummaryRepository';
import { createPublicSummaryService } from '../src/services/publicSummaryService';
import { seededCopy } from './seed';

const ROWS = Number(process.env.BENCH_TRANSPARENCY_ROWS ?? 1_000_000);
const RUNS = 20;
const CACHED_RUNS = 2000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function time(runs: number, work: () => unknown): { median: number; p95: number } {
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
  const copy = await seededCopy({ reports: ROWS });
  const { db, close } = openMigratedDatabase(copy.env, { create: false });
  try {
    const kecamatan = Array.from({ length: 11 }, (_, i) => `13.71.${String(i + 1).padStart(2, '0')}`);
    db.exec('ANALYZE');
    // The last whole year of the history, which ends today.
    const today = new Date();
    const year = today.getUTCFullYear() - 1;
    const lastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    console.log(
      `${ROWS.toLocaleString('en')} reports and their statistics rows, filled by npm run seed:bench's seeder in ${copy.seeded.seconds.toFixed(1)} s.`,
    );

    const repository = createPublicSummaryRepository(db);
    const oneYear = { from: `${year}-01`, to: `${year}-12` };
    const rowsInYear = db
      .prepare('SELECT count(*) FROM report_statistics WHERE filed_on BETWEEN ? AND ?')
      .pluck()
      .get(`${year}-01-01`, `${year}-12-31`) as number;
    const dailyRows = db.prepare('SELECT count(*) FROM report_statistics_daily').pluck().get() as number;
    const hourRows = db.prepare('SELECT count(*) FROM report_statistics_hours_monthly').pluck().get() as number;
    console.log(
      `report_statistics_daily holds ${dailyRows.toLocaleString('en')} rows, report_statistics_hours_monthly ${hourRows.toLocaleString('en')}.`,
    );
    let clock = today;
    const service = createPublicSummaryService({ summaries: repository, now: () => clock, cacheMs: 10 * 60 * 1000 });

    console.log(`\n| what | median ms | p95 ms |`);
    console.log('|---|---:|---:|');
    const line = (name: string, t: { median: number; p95: number }) =>
      console.log(`| ${name} | ${t.median.toFixed(2)} | ${t.p95.toFixed(2)} |`);
    line(
      'years (every year to the end of last month)',
      time(RUNS, () => repository.years(lastMonth)),
    );
    line(
      `one year (${year}), every table and the median, uncached (${rowsInYear.toLocaleString('en')} rows)`,
      time(RUNS, () => repository.period(oneYear)),
    );
    line(
      'the whole page, first view after the cache lapsed',
      time(RUNS, () => {
        clock = new Date(clock.getTime() + 11 * 60 * 1000);
        service.summary(year, kecamatan);
      }),
    );
    line(
      'the whole page, cache warm',
      time(CACHED_RUNS, () => service.summary(year, kecamatan)),
    );

    let problems = 0;
    for (const [name, sql] of [
      [
        'by category',
        `SELECT code, sum(count) FROM report_statistics_daily WHERE dimension = 'category' AND filed_on BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY code`,
      ],
      [
        'years',
        `SELECT substr(filed_on, 1, 4), sum(count) FROM report_statistics_daily WHERE dimension = 'category' AND filed_on <= '2026-06-30' GROUP BY 1`,
      ],
      [
        'first decisions by bucket',
        `SELECT bucket, sum(count) FROM report_statistics_hours_monthly WHERE measure = 'first_decision' AND month BETWEEN '2025-01' AND '2025-12' GROUP BY bucket`,
      ],
      [
        "the median's last step",
        `WITH RECURSIVE day (filed_on) AS (
           SELECT '2025-01-01' UNION ALL SELECT date(filed_on, '+1 day') FROM day WHERE date(filed_on, '+1 day') <= '2025-12-31'
         )
         SELECT hours_to_first_decision FROM report_statistics
          WHERE filed_on IN (SELECT filed_on FROM day) AND hours_to_first_decision >= 96 AND hours_to_first_decision < 102
          ORDER BY hours_to_first_decision LIMIT 1 OFFSET 100`,
      ],
    ] as const) {
      const details = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail);
      console.log(`\nplan (${name}): ${details.join(' / ')}`);
      // Counts read the aggregates (by their key); the median, one bucket of report_statistics_first_decisions.
      if (
        details.some((d) => /^SCAN report_statistics\b/.test(d)) ||
        !details.some((d) =>
          /report_statistics_(daily|hours_monthly) USING PRIMARY KEY|COVERING INDEX report_statistics_first_decisions \(filed_on=\? AND/.test(
            d,
          ),
        )
      ) {
        console.error('  ✗ the query reads the statistics table instead of the aggregates or its index');
        problems += 1;
      }
    }
    if (problems > 0) process.exitCode = 1;
  } finally {
    close();
    copy.remove();
  }
}

void main();
