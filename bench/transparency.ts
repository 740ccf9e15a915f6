/**
 * The public summary (/transparency) on a large statistics table (`npm run bench:transparency`;
 * BENCH_TRANSPARENCY_ROWS, default 1,000,000).
 *
 * Builds a real database with the real migrations in a temporary folder and fills
 * report_statistics with synthetic rows over six and a half years (through its triggers, which keep
 * the aggregates of migration 0013: codes, a filing day, first-decision hours for most), then times through
 * the real repository and service: the years, one year's figures uncached (every table and the
 * median), and the page's figures with the cache lapsed and warm. Prints the median and 95th
 * percentile and the query plans, and fails if a plan scans the statistics table. (`npm run
 * bench:stats` times the same aggregates for /staff/stats.)
 * Information, not a test: no timing is asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/data/db';
import { migrate } from '../src/data/migrate';
import { migrationsDir } from '../src/paths';
import { categories, urgencies } from '../src/domain/reference';
import { reportStatuses } from '../src/domain/reportStatus';
import { createPublicSummaryRepository } from '../src/data/publicSummaryRepository';
import { createPublicSummaryService } from '../src/services/publicSummaryService';

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

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-bench-transparency-'));
  const db = openDatabase(path.join(dir, 'bench.db'));
  try {
    migrate(db, migrationsDir);
    const kecamatan = Array.from({ length: 11 }, (_, i) => `13.71.${String(i + 1).padStart(2, '0')}`);
    const insert = db.prepare(
      `INSERT INTO report_statistics (report_id, filed_on, category, kecamatan_code, source, status, urgency, hours_to_decision, decided_late)
       VALUES (NULL, ?, ?, ?, 'public', ?, ?, ?, ?)`,
    );
    const started = Date.now();
    const base = Date.parse('2020-01-01T00:00:00Z');
    const span = Date.parse('2026-06-30T00:00:00Z') - base;
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const fill = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i += 1) {
        const filedOn = new Date(base + Math.floor((i / ROWS) * span)).toISOString().slice(0, 10);
        const status = reportStatuses[Math.floor(random() * reportStatuses.length)]!;
        const decided = !['new', 'in_review', 'awaiting_info'].includes(status);
        const hours = decided ? Math.round(random() * 200 * 100) / 100 : null;
        insert.run(
          filedOn,
          categories[Math.floor(random() * random() * categories.length)],
          kecamatan[Math.floor(random() * kecamatan.length)],
          status,
          urgencies[Math.floor(random() * 3)],
          hours,
          hours === null ? null : random() < 0.2 ? 1 : 0,
        );
      }
    });
    for (let i = 0; i < ROWS; i += 50_000) fill(i, Math.min(ROWS, i + 50_000));
    db.exec('ANALYZE');
    console.log(`Filled ${ROWS.toLocaleString('en')} statistics rows in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

    const repository = createPublicSummaryRepository(db);
    const year2025 = { from: '2025-01', to: '2025-12' };
    const rowsIn2025 = db
      .prepare("SELECT count(*) FROM report_statistics WHERE filed_on BETWEEN '2025-01-01' AND '2025-12-31'")
      .pluck()
      .get() as number;
    const dailyRows = db.prepare('SELECT count(*) FROM report_statistics_daily').pluck().get() as number;
    const hourRows = db.prepare('SELECT count(*) FROM report_statistics_hours_monthly').pluck().get() as number;
    console.log(
      `report_statistics_daily holds ${dailyRows.toLocaleString('en')} rows, report_statistics_hours_monthly ${hourRows.toLocaleString('en')}.`,
    );
    let clock = new Date('2026-07-15T03:00:00Z');
    const service = createPublicSummaryService({ summaries: repository, now: () => clock, cacheMs: 10 * 60 * 1000 });

    console.log(`\n| what | median ms | p95 ms |`);
    console.log('|---|---:|---:|');
    const line = (name: string, t: { median: number; p95: number }) =>
      console.log(`| ${name} | ${t.median.toFixed(2)} | ${t.p95.toFixed(2)} |`);
    line(
      'years (every year to the end of last month)',
      time(RUNS, () => repository.years('2026-06')),
    );
    line(
      `one year, every table and the median, uncached (${rowsIn2025.toLocaleString('en')} rows)`,
      time(RUNS, () => repository.period(year2025)),
    );
    line(
      'the whole page, first view after the cache lapsed',
      time(RUNS, () => {
        clock = new Date(clock.getTime() + 11 * 60 * 1000);
        service.summary(2025, kecamatan);
      }),
    );
    line(
      'the whole page, cache warm',
      time(CACHED_RUNS, () => service.summary(2025, kecamatan)),
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
    db.close();
    if (problems > 0) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
