/**
 * The triage queue on a large table (`npm run bench:queue`; BENCH_QUEUE_ROWS, default 1,000,000).
 *
 * Works on a copy of a database filled by the bench seeder (bench/seed.ts, what `npm run
 * seed:bench` runs: most reports decided long ago, a few thousand open, as in a service that has
 * run for years; seeded once a day for all the benches, see seededCopy), then times what
 * /staff/queue does per request through the real queue repository: the first page, a page deep in
 * the list (keyset cursor), the common filters, and the status counts.
 * Prints the median and 95th percentile of each and the query plan, and fails if a plan scans the
 * table or sorts in a temporary B-tree. Information, not a test: no timing is asserted.
 */
import { openMigratedDatabase } from '../src/lentera';
import { createQueueRepository } from '../src/data/queueRepository';
import type { QueueCursor, QueueFilters } from '../src/domain/queue';
import { accountFor, seededCopy } from './seed';

const ROWS = Number(process.env.BENCH_QUEUE_ROWS ?? 1_000_000);
const RUNS = 200;
const PAGE = 26; // the route asks for one more row than it shows

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const copy = await seededCopy({ reports: ROWS });
  try {
    const { seeded } = copy;
    const { db, close } = openMigratedDatabase(copy.env, { create: false });
    db.exec('ANALYZE');
    const open = seeded.byStatus.new + seeded.byStatus.in_review + seeded.byStatus.awaiting_info;
    console.log(
      `${ROWS.toLocaleString('en')} reports (${open.toLocaleString('en')} open), filled by npm run seed:bench's seeder in ${seeded.seconds.toFixed(1)} s.`,
    );
    const triage = accountFor(seeded, 'triage').id;

    const queue = createQueueRepository(db);
    // A cursor deep in the open list: the 1000th open report in queue order.
    const deep = (() => {
      let cursor: QueueCursor | null = null;
      for (let p = 0; p < 40; p += 1) {
        const rows = queue.page({ status: 'open' }, cursor, 25);
        if (rows.length === 0) break;
        cursor = rows[rows.length - 1]!.cursor;
      }
      return cursor;
    })();
    const now = new Date();
    const scenarios: [string, QueueFilters, QueueCursor | null][] = [
      ['open, first page', { status: 'open' }, null],
      ['open, page 41 (keyset)', { status: 'open' }, deep],
      ['open, category', { status: 'open', category: 'neglect' }, null],
      ['open, kecamatan + urgency', { status: 'open', kecamatan: '13.71.05', urgency: 'immediate' }, null],
      ['open, claimed by me', { status: 'open', claimedBy: triage }, null],
      ['open, overdue', { status: 'open', overdueAt: now }, null],
      ['closed (large status), first page', { status: 'closed' }, null],
      ['closed, category + kecamatan', { status: 'closed', category: 'trafficking', kecamatan: '13.71.11' }, null],
    ];
    let problems = 0;
    console.log('\n| query | median ms | p95 ms | rows |');
    console.log('|---|---:|---:|---:|');
    for (const [name, filters, cursor] of scenarios) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i += 1) {
        const t = process.hrtime.bigint();
        rows = queue.page(filters, cursor, PAGE).length;
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      times.sort((a, b) => a - b);
      console.log(`| ${name} | ${percentile(times, 50).toFixed(2)} | ${percentile(times, 95).toFixed(2)} | ${rows} |`);
    }
    const countTimes: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const t = process.hrtime.bigint();
      queue.statusCounts();
      countTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    countTimes.sort((a, b) => a - b);
    console.log(
      `| status counts (trigger-kept table) | ${percentile(countTimes, 50).toFixed(3)} | ${percentile(countTimes, 95).toFixed(3)} | 7 |`,
    );

    // The plans: no full scan of reports, no sort of the result.
    for (const [status, extra] of [
      ["r.status IN ('new', 'in_review', 'awaiting_info')", 'reports_open_queue'],
      ["r.status = 'closed'", 'reports_status_queue'],
    ] as const) {
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT r.id FROM reports r INDEXED BY ${extra} WHERE ${status} AND r.category = 'neglect'
           AND (r.urgency_rank, r.sla_due_at, r.id) > (0, '', 0) ORDER BY r.urgency_rank, r.sla_due_at, r.id LIMIT 26`,
        )
        .all() as { detail: string }[];
      const details = plan.map((p) => p.detail);
      console.log(`\nplan (${extra}): ${details.join(' / ')}`);
      if (details.some((d) => /^SCAN reports\b(?! USING)/.test(d) || /TEMP B-TREE/.test(d))) {
        console.error('  ✗ the queue query scans the table or sorts in memory');
        problems += 1;
      }
    }
    close();
    if (problems > 0) process.exitCode = 1;
  } finally {
    copy.remove();
  }
}

void main();
