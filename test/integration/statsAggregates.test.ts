import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/data/db';
import { migrate } from '../../src/data/migrate';
import { migrationsDir } from '../../src/paths';
import { createAuditRepository } from '../../src/data/auditRepository';
import { createTransactor } from '../../src/data/transaction';
import { loadAreaDirectory } from '../../src/data/areaReference';
import { rebuildStatisticsAggregates } from '../../src/data/statisticsAggregates';
import { createStatsRepository, type FiledRange, type StatsCounts, type StatsRepository } from '../../src/data/statsRepository';
import { createCaseStatisticsRepository } from '../../src/data/caseStatisticsRepository';
import {
  createPublicSummaryRepository,
  type MonthRange,
  type PeriodCounts,
  type PublicSummaryRepository,
} from '../../src/data/publicSummaryRepository';
import { createStatsService, type StatsViewer } from '../../src/services/statsService';
import { createPublicSummaryService } from '../../src/services/publicSummaryService';
import { categories, urgencies, type Category, type Urgency } from '../../src/domain/reference';
import { reportStatuses } from '../../src/domain/reportStatus';
import { partnerTypes } from '../../src/domain/partners';
import type { ReferralInput } from '../../src/domain/referrals';
import type { CurrentAccount } from '../../src/domain/roles';
import type { Decision } from '../../src/services/triageService';
import { loadTranslator } from '../../src/i18n';
import { createTestApp, TEST_DATA_KEY, type TestApp } from '../helpers/testApp';
import { createStaffAccount } from '../helpers/staff';
import { validReferral } from '../helpers/referrals';

/**
 * The statistics read aggregates kept by triggers (migration 0013) instead of counting the
 * per-report rows of report_statistics on each request. These tests hold them to the figures the
 * row-by-row counting gave (its queries are kept below, as they were before 0013), on reports
 * filed, decided, reopened and purged through the real services, after an upgrade, and after any
 * change of the statistics rows.
 */

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** A small deterministic random source, so a failure can be replayed. */
function randomSource(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

// ---------------------------------------------------------------------------------------------
// The figures counted row by row, with the SQL of statsRepository and publicSummaryRepository
// before 0013 (the public summary's monthly counts were report_statistics counted by month).

function statsCountedRowByRow(db: Db): StatsRepository {
  const inRange = 'filed_on BETWEEN @from AND @to';
  const grouped = (expression: string) =>
    db.prepare<FiledRange, { code: string; count: number }>(
      `SELECT ${expression} AS code, count(*) AS count FROM report_statistics WHERE ${inRange} GROUP BY code ORDER BY code`,
    );
  const byDimension = {
    month: grouped('substr(filed_on, 1, 7)'),
    category: grouped('category'),
    kecamatan: grouped('kecamatan_code'),
    source: grouped('source'),
    status: grouped('status'),
    urgency: grouped('urgency'),
  };
  const total = db.prepare<FiledRange, number>(`SELECT count(*) FROM report_statistics WHERE ${inRange}`).pluck();
  const decisions = db.prepare<FiledRange, { decided: number; late: number | null }>(
    `SELECT count(*) AS decided, sum(decided_late) AS late FROM report_statistics WHERE ${inRange} AND hours_to_decision IS NOT NULL`,
  );
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
      const d = decisions.get(range)!;
      return {
        total: total.get(range) ?? 0,
        byDimension: {
          month: byDimension.month.all(range),
          category: byDimension.category.all(range),
          kecamatan: byDimension.kecamatan.all(range),
          source: byDimension.source.all(range),
          status: byDimension.status.all(range),
          urgency: byDimension.urgency.all(range),
        },
        decided: d.decided,
        decidedLate: d.late ?? 0,
        medianHoursToDecision: median.get(range) ?? null,
      };
    },
    // The case figures are read from their own rows either way (migration 0022; prepared when asked, for databases made before it).
    caseCounts: (range: FiledRange) => createCaseStatisticsRepository(db).counts(range),
  };
}

function publicSummaryCountedRowByRow(db: Db): PublicSummaryRepository {
  const inDays = "filed_on BETWEEN @from || '-01' AND @to || '-31'";
  const byYear = db.prepare<{ to: string }, { code: string; count: number }>(
    `SELECT substr(filed_on, 1, 4) AS code, count(*) AS count FROM report_statistics WHERE substr(filed_on, 1, 7) <= @to GROUP BY code ORDER BY code`,
  );
  const grouped = (expression: string) =>
    db.prepare<MonthRange, { code: string; count: number }>(
      `SELECT ${expression} AS code, count(*) AS count FROM report_statistics WHERE ${inDays} GROUP BY code ORDER BY code`,
    );
  const byMonth = grouped('substr(filed_on, 1, 7)');
  const byCategory = grouped('category');
  const byStatus = grouped('status');
  const byKecamatan = grouped('kecamatan_code');
  const firstDecisions = db
    .prepare<MonthRange, number>(`SELECT count(*) FROM report_statistics WHERE ${inDays} AND hours_to_first_decision IS NOT NULL`)
    .pluck();
  const middleHours = db
    .prepare<MonthRange & { offset: number }, number>(
      `SELECT hours_to_first_decision FROM report_statistics WHERE ${inDays} AND hours_to_first_decision IS NOT NULL
        ORDER BY hours_to_first_decision LIMIT 2 OFFSET @offset`,
    )
    .pluck();
  return {
    years: (to: string) => byYear.all({ to }),
    period(range: MonthRange): PeriodCounts {
      const months = byMonth.all(range);
      const decided = firstDecisions.get(range) ?? 0;
      let median: number | null = null;
      if (decided > 0) {
        const middle = middleHours.all({ ...range, offset: Math.floor((decided - 1) / 2) });
        median = decided % 2 === 1 ? middle[0]! : (middle[0]! + middle[1]!) / 2;
      }
      return {
        total: months.reduce((sum, r) => sum + r.count, 0),
        byMonth: months,
        byCategory: byCategory.all(range),
        byStatus: byStatus.all(range),
        byKecamatan: byKecamatan.all(range),
        firstDecisions: decided,
        medianHoursToFirstDecision: median,
      };
    },
  };
}

/** What the triggers keep, without the counts that fell to 0, and the same recounted from report_statistics. */
function aggregatesAndRecount(db: Db) {
  const rows = (sql: string) => db.prepare(sql).all();
  return {
    kept: {
      daily: rows('SELECT dimension, filed_on, code, count FROM report_statistics_daily WHERE count <> 0 ORDER BY 1, 2, 3'),
      hours: rows('SELECT measure, filed_on, bucket, count FROM report_statistics_hours WHERE count <> 0 ORDER BY 1, 2, 3'),
      hoursByMonth: rows('SELECT measure, month, bucket, count FROM report_statistics_hours_monthly WHERE count <> 0 ORDER BY 1, 2, 3'),
    },
    recounted: {
      daily: rows('SELECT * FROM report_statistics_daily_recount ORDER BY 1, 2, 3'),
      hours: rows('SELECT * FROM report_statistics_hours_recount ORDER BY 1, 2, 3'),
      hoursByMonth: rows('SELECT * FROM report_statistics_hours_monthly_recount ORDER BY 1, 2, 3'),
    },
  };
}

/** Every YYYY-MM-DD from `from` to `to`. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Ranges of filing days: whole years and months, ranges starting and ending mid-month, single days, and random ones. */
function rangesOver(from: string, to: string, random: () => number): FiledRange[] {
  const days = daysBetween(from, to);
  const pick = () => days[Math.floor(random() * days.length)]!;
  const ranges: FiledRange[] = [
    { from, to },
    { from: '2025-01-01', to: '2025-12-31' },
    { from: '2025-02-01', to: '2025-02-28' },
    { from: '2025-03-15', to: '2025-04-14' },
    { from: '2025-03-01', to: '2025-03-15' },
    { from: '2025-03-10', to: '2025-04-30' },
    { from: '2024-11-30', to: '2025-03-01' },
    { from: '2025-05-31', to: '2025-06-01' },
    { from: '2024-12-31', to: '2025-01-01' },
    { from: '2025-06-16', to: '2026-06-15' },
    { from: '2021-07-01', to: '2026-06-30' },
    { from: '2019-01-01', to: '2019-12-31' }, // nothing filed
  ];
  // The first and last day of every month: reports filed around midnight WIB fall on them.
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  for (const day of days.filter((d) => d.endsWith('-01') || nextDay(d).endsWith('-01'))) ranges.push({ from: day, to: day });
  for (let i = 0; i < 60; i += 1) {
    const [a, b] = [pick(), pick()].sort();
    ranges.push({ from: a!, to: b! });
  }
  return ranges;
}

// ---------------------------------------------------------------------------------------------

describe('statistics from aggregates: the same figures as counting every report', () => {
  // Reports filed from October 2024 to June 2026; "now" in July 2026.
  const END = new Date('2026-07-10T03:00:00Z');
  let clock = new Date('2024-10-01T03:00:00Z');
  let lentera: TestApp;
  let viewer: StatsViewer;
  let kecamatanCodes: string[];
  let oldStats: ReturnType<typeof createStatsService>;
  const random = randomSource(11);

  /** The statistics page (service) as it is, and as it was, on the same database. */
  const both = (range: FiledRange) => ({
    now: lentera.services.statsService.summary(viewer, range),
    before: oldStats.summary(viewer, range),
  });

  /** The public summary with every published year in detail, as it is and as it was, at `at`. */
  function publicSummaries(at: Date) {
    const make = (summaries: PublicSummaryRepository) => createPublicSummaryService({ summaries, now: () => at, cacheMs: 0 });
    const now = make(createPublicSummaryRepository(lentera.db));
    const before = make(publicSummaryCountedRowByRow(lentera.db));
    const years = [null, 2023, 2024, 2025, 2026, 2027];
    return {
      now: years.map((y) => now.summary(y, kecamatanCodes)),
      before: years.map((y) => before.summary(y, kecamatanCodes)),
    };
  }

  beforeAll(async () => {
    lentera = createTestApp({ RETENTION_DAYS: '90' }, { now: () => clock });
    const { reportService, referralService, triageService, partnerService } = lentera.services;
    const areas = loadAreaDirectory(lentera.config.areasCsv);
    kecamatanCodes = areas.kecamatan.map((k) => k.code);
    const accountOf = async (
      role: 'triage' | 'supervisor' | 'admin' | 'department',
    ): Promise<CurrentAccount & { departmentId: number | null }> => {
      const a = await createStaffAccount(lentera, { role });
      return { id: a.id, email: a.email, name: a.name, role: a.role, departmentId: a.departmentId };
    };
    const triage = await accountOf('triage');
    const supervisor = await accountOf('supervisor');
    const admin = await accountOf('admin');
    const officer = await accountOf('department');
    viewer = { accountId: supervisor.id, locale: 'en', t: loadTranslator().forLocale('en'), areas };
    oldStats = createStatsService({
      transaction: createTransactor(lentera.db),
      stats: statsCountedRowByRow(lentera.db),
      audit: createAuditRepository(lentera.db, Buffer.from(TEST_DATA_KEY, 'hex')),
      now: () => clock,
    });
    const partner = partnerService.create(admin.id, {
      name: 'LBH Uji',
      type: partnerTypes[0],
      phone: '0751-000',
      email: 'mitra@lbh.test',
      address: 'Jl. Uji',
      areasServed: [],
    });
    if (!partner.ok) throw new Error('partner');

    // What happens, in the order it happens: filings, decisions, reopenings, second decisions.
    const events: { at: number; run: () => void }[] = [];
    const references: string[] = [];
    const first = Date.parse('2024-10-01T00:00:00Z');
    const last = Date.parse('2026-06-20T00:00:00Z');
    // Times to decide around the histogram's bucket edges (1 h below 48, 6 h below 336, 24 h beyond), and any.
    const hoursToDecide = [0.25, 0.99, 1, 5.5, 23.99, 24, 47.99, 48, 53.99, 54, 100, 335.99, 336, 359.99, 360, 1000];
    const takeHours = () =>
      random() < 0.6 ? hoursToDecide[Math.floor(random() * hoursToDecide.length)]! : Math.round(random() * 30000) / 100;
    // Filing times in order (a duplicate points at a report filed before it). A quarter around
    // midnight WIB (17:00 UTC) on a month's last day: the day and month they count in.
    const filingTimes = Array.from({ length: 140 }, () => {
      const at = first + Math.floor(random() * (last - first));
      if (random() >= 0.25) return at;
      const d = new Date(at);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0, 17, 0, 0) + Math.floor((random() - 0.5) * 80) * 60 * 1000;
    }).sort((a, b) => a - b);
    for (let i = 0; i < filingTimes.length; i += 1) {
      const filedAt = filingTimes[i]!;
      const category = categories[Math.floor(random() * categories.length)] as Category;
      const urgency = urgencies[Math.floor(random() * urgencies.length)] as Urgency;
      const kecamatanCode = kecamatanCodes[Math.floor(random() * 4)]!;
      const byDepartment = random() < 0.15;
      events.push({
        at: filedAt,
        run: () => {
          if (byDepartment) {
            const filed = referralService.submit(
              { via: 'form', accountId: officer.id, departmentId: officer.departmentId! },
              validReferral({ category, urgency, kecamatanCode, kelurahanCode: null }) as unknown as ReferralInput,
            );
            if (!filed.ok) throw new Error(`referral: ${filed.problem}`);
            references[i] = filed.reference;
          } else {
            references[i] = reportService.submitPublicReport({
              category,
              affectedGroups: ['child'],
              kecamatanCode,
              kelurahanCode: null,
              locationDetail: null,
              narrative: 'Anak tetangga sering ditinggal sendirian berhari-hari tanpa makanan.',
              urgency,
              reporterRelation: 'neighbour',
              contact: null,
              language: 'id',
            }).reference;
          }
        },
      });
      if (random() < 0.15) continue; // never decided
      const earlier = Math.floor(random() * i);
      const decisionOf = (n: number): Decision => {
        const kind = i > 0 ? n % 4 : 3;
        if (kind === 0) return { kind: 'accept', existingCaseNumber: null, assigneeId: null, riskLevel: null, note: '' };
        if (kind === 1)
          return { kind: 'redirect', partnerId: partner.id, reason: 'legal_aid_needed', summary: 'Ringkasan', explanation: 'Penjelasan' };
        if (kind === 2) return { kind: 'duplicate', duplicateOfReference: references[earlier]!, note: '' };
        return { kind: 'close', reason: 'not_actionable', note: '' };
      };
      const firstKind = Math.floor(random() * 4);
      const decidedAt = filedAt + takeHours() * HOUR;
      events.push({
        at: decidedAt,
        run: () => expect(triageService.decide(triage, references[i]!, decisionOf(firstKind))).toEqual({ ok: true }),
      });
      if (random() < 0.25) {
        const reopenedAt = decidedAt + (1 + random() * 200) * HOUR;
        events.push({ at: reopenedAt, run: () => expect(triageService.reopen(supervisor, references[i]!)).toEqual({ ok: true }) });
        if (random() < 0.7) {
          const secondKind = Math.floor(random() * 4);
          events.push({
            at: reopenedAt + takeHours() * HOUR,
            run: () => expect(triageService.decide(supervisor, references[i]!, decisionOf(secondKind))).toEqual({ ok: true }),
          });
        }
      }
    }
    events.sort((a, b) => a.at - b.at);
    for (const e of events) {
      if (e.at > END.getTime()) continue;
      clock = new Date(e.at);
      e.run();
    }
    clock = END;
  });
  afterAll(() => lentera.cleanup());

  it('holds what was filed: every status, both sources, reopened reports, first decisions kept', () => {
    const count = (sql: string) => lentera.db.prepare(sql).pluck().get() as number;
    expect(count('SELECT count(*) FROM report_statistics')).toBe(140);
    expect(count("SELECT count(*) FROM report_statistics WHERE source = 'department'")).toBeGreaterThan(5);
    expect(count('SELECT count(DISTINCT status) FROM report_statistics')).toBeGreaterThanOrEqual(5);
    expect(count('SELECT count(*) FROM report_statistics WHERE hours_to_first_decision IS NOT hours_to_decision')).toBeGreaterThan(5);
    expect(count('SELECT count(*) FROM report_statistics WHERE decided_late = 1')).toBeGreaterThan(5);
    expect(count('SELECT count(*) FROM report_statistics WHERE hours_to_decision >= 336')).toBeGreaterThan(3);
  });

  it('the statistics page: the same totals, tables, median and CSV for every range, whole or cut mid-month', () => {
    const ranges = rangesOver('2024-09-30', '2026-07-10', randomSource(5));
    expect(ranges.length).toBeGreaterThan(100);
    for (const range of ranges) {
      const { now, before } = both(range);
      expect({ range, figures: now }).toEqual({ range, figures: before });
      expect(lentera.services.statsService.csv(viewer, range)).toBe(oldStats.csv(viewer, range));
    }
    // Not all empty: the comparisons above saw real figures.
    expect(both({ from: '2025-01-01', to: '2025-12-31' }).now.total).toBeGreaterThan(50);
    expect(both({ from: '2025-01-01', to: '2025-12-31' }).now.medianHoursToDecision).not.toBeNull();
  });

  it('the public summary: the same years, tables and medians, with the current year withheld until it is over', () => {
    for (const at of [
      '2025-01-15T03:00:00Z',
      '2025-07-01T03:00:00Z',
      '2025-12-31T16:59:00Z',
      '2026-01-02T03:00:00Z',
      '2026-07-10T03:00:00Z',
    ]) {
      const { now, before } = publicSummaries(new Date(at));
      expect({ at, summaries: now }).toEqual({ at, summaries: before });
    }
    const { now } = publicSummaries(END);
    // 2026 is running: its breakdowns wait for its end; 2025 is over and published in full.
    expect(now[4]!.tables.find((t) => t.dimension === 'category')).toMatchObject({ withheld: 'year_not_over' });
    expect(now[3]!.tables.find((t) => t.dimension === 'category')?.rows).not.toBeNull();
    expect(now[5]).toBeUndefined();
  });

  it('keeps the same figures through retention, which deletes the reports but not their statistics', () => {
    const ranges = rangesOver('2024-09-30', '2026-07-10', randomSource(7));
    const before = ranges.map((range) => lentera.services.statsService.csv(viewer, range));
    const summariesBefore = publicSummaries(END).now;
    const reportsBefore = lentera.db.prepare('SELECT count(*) FROM reports').pluck().get() as number;

    const run = lentera.services.retentionService.run({ dryRun: false });
    expect(run).toBeDefined();
    const reportsAfter = lentera.db.prepare('SELECT count(*) FROM reports').pluck().get() as number;
    expect(reportsAfter).toBeLessThan(reportsBefore - 30);
    expect(lentera.db.prepare('SELECT count(*) FROM report_statistics WHERE report_id IS NULL').pluck().get()).toBe(
      reportsBefore - reportsAfter,
    );

    expect(ranges.map((range) => lentera.services.statsService.csv(viewer, range))).toEqual(before);
    for (const range of ranges) {
      const { now, before: counted } = both(range);
      expect({ range, figures: now }).toEqual({ range, figures: counted });
    }
    expect(publicSummaries(END).now).toEqual(summariesBefore);
  });

  it('what the triggers kept is what a recount from report_statistics gives, and a rebuild changes nothing', () => {
    const { kept, recounted } = aggregatesAndRecount(lentera.db);
    expect(kept).toEqual(recounted);
    const figures = both({ from: '2024-10-01', to: '2026-07-10' }).now;
    rebuildStatisticsAggregates(lentera.db);
    expect(aggregatesAndRecount(lentera.db).kept).toEqual(kept);
    expect(both({ from: '2024-10-01', to: '2026-07-10' }).now).toEqual(figures);
  });
});

// ---------------------------------------------------------------------------------------------

interface StatisticsRow {
  filed_on: string;
  category: string;
  kecamatan_code: string;
  source: string;
  status: string;
  urgency: string;
  hours_to_decision: number | null;
  decided_late: number | null;
}

/** A random statistics row as the triggers on reports would write it (no report behind it). */
function randomRow(random: () => number, days: string[], hours: readonly number[]): StatisticsRow {
  const decided = random() < 0.75;
  const h = random() < 0.5 ? hours[Math.floor(random() * hours.length)]! : Math.round(random() * 100000) / 100;
  return {
    filed_on: days[Math.floor(random() * days.length)]!,
    category: categories[Math.floor(random() * categories.length)]!,
    kecamatan_code: `13.71.0${1 + Math.floor(random() * 4)}`,
    source: random() < 0.8 ? 'public' : 'department',
    status: decided ? reportStatuses[3 + Math.floor(random() * 4)]! : reportStatuses[Math.floor(random() * 3)]!,
    urgency: urgencies[Math.floor(random() * urgencies.length)]!,
    hours_to_decision: decided ? h : null,
    decided_late: decided ? (random() < 0.3 ? 1 : 0) : null,
  };
}

// Every bucket edge, just below and on it, and a negative time (a clock set back).
const edgeHours = [-0.5, 0, 0.01, 0.99, 1, 1.5, 23.99, 47.99, 48, 53.99, 54, 59.99, 60, 335.99, 336, 359.99, 360, 383.99, 384, 9999.99];

describe('statistics aggregates under any change of the statistics rows', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-aggregates-'));
    db = openDatabase(path.join(dir, 'lentera.db'));
    migrate(db, migrationsDir);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('follow inserts, updates of every column, and deletes; and give the exact median at every bucket edge', () => {
    const random = randomSource(3);
    const days = daysBetween('2025-01-25', '2025-03-05');
    const insert = db.prepare(
      `INSERT INTO report_statistics (report_id, filed_on, category, kecamatan_code, source, status, urgency, hours_to_decision, decided_late)
       VALUES (NULL, @filed_on, @category, @kecamatan_code, @source, @status, @urgency, @hours_to_decision, @decided_late)`,
    );
    const ids = () => db.prepare('SELECT id FROM report_statistics').pluck().all() as number[];
    const columns = ['filed_on', 'category', 'kecamatan_code', 'source', 'status', 'urgency', 'hours_to_decision', 'decided_late'] as const;
    const stats = createStatsRepository(db);
    const before = statsCountedRowByRow(db);
    const summaries = createPublicSummaryRepository(db);
    const summariesBefore = publicSummaryCountedRowByRow(db);
    const compare = () => {
      const { kept, recounted } = aggregatesAndRecount(db);
      expect(kept).toEqual(recounted);
      for (const range of rangesOver(days[0]!, days[days.length - 1]!, random)) {
        expect({ range, counts: stats.counts(range) }).toEqual({ range, counts: before.counts(range) });
      }
      for (const months of [
        { from: '2025-01', to: '2025-03' },
        { from: '2025-02', to: '2025-02' },
      ])
        expect(summaries.period(months)).toEqual(summariesBefore.period(months));
      expect(summaries.years('2025-12')).toEqual(summariesBefore.years('2025-12'));
    };

    for (let round = 0; round < 6; round += 1) {
      db.transaction(() => {
        for (let i = 0; i < 150; i += 1) insert.run(randomRow(random, days, edgeHours));
        const all = ids();
        for (let i = 0; i < 120; i += 1) {
          const id = all[Math.floor(random() * all.length)]!;
          const change = randomRow(random, days, edgeHours);
          // One column, several, or the decision alone (decided, reopened, decided again).
          const which = random() < 0.5 ? [columns[Math.floor(random() * columns.length)]!] : columns.filter(() => random() < 0.4);
          if (which.length === 0) continue;
          db.prepare(`UPDATE report_statistics SET ${which.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({
            ...Object.fromEntries(which.map((c) => [c, change[c]])),
            id,
          });
        }
        for (let i = 0; i < 20; i += 1)
          db.prepare('DELETE FROM report_statistics WHERE id = ?').run(all[Math.floor(random() * all.length)]!);
      })();
      compare();
    }
    // Unlinking (what retention does to a row) moves no count.
    const kept = aggregatesAndRecount(db).kept;
    db.prepare('UPDATE report_statistics SET report_id = NULL').run();
    expect(aggregatesAndRecount(db).kept).toEqual(kept);

    // The rebuild gives the same counts (and puts right counts changed by hand).
    db.prepare("UPDATE report_statistics_daily SET count = count + 5 WHERE dimension = 'status'").run();
    db.prepare('DELETE FROM report_statistics_hours WHERE bucket = 48').run();
    rebuildStatisticsAggregates(db);
    expect(aggregatesAndRecount(db).kept).toEqual(kept);
  });

  it('the median of two middle times in different buckets, of one time, of none', () => {
    const insert = db.prepare(
      `INSERT INTO report_statistics (report_id, filed_on, category, kecamatan_code, source, status, urgency, hours_to_decision, decided_late)
       VALUES (NULL, ?, 'neglect', '13.71.01', 'public', 'closed', 'normal', ?, 0)`,
    );
    const stats = createStatsRepository(db);
    const median = (from: string, to: string) => stats.counts({ from, to }).medianHoursToDecision;
    insert.run('2025-04-01', 47.99);
    insert.run('2025-04-02', 48);
    insert.run('2025-04-03', 336);
    insert.run('2025-04-04', -0.5);
    expect(median('2025-04-01', '2025-04-01')).toBe(47.99);
    expect(median('2025-04-01', '2025-04-02')).toBe((47.99 + 48) / 2);
    expect(median('2025-04-01', '2025-04-03')).toBe(48);
    expect(median('2025-04-01', '2025-04-04')).toBe((47.99 + 48) / 2);
    expect(median('2025-04-04', '2025-04-04')).toBe(-0.5);
    expect(median('2025-04-05', '2025-04-30')).toBeNull();
    // The hours to a first decision follow the first decision only.
    db.prepare("UPDATE report_statistics SET hours_to_decision = 500 WHERE filed_on = '2025-04-01'").run();
    expect(median('2025-04-01', '2025-04-01')).toBe(500);
    expect(createPublicSummaryRepository(db).period({ from: '2025-04', to: '2025-04' })).toMatchObject({
      firstDecisions: 4,
      medianHoursToFirstDecision: (47.99 + 48) / 2,
    });
  });

  it('reads a year from its days in the aggregates, and the median from one bucket of times in an index, never scanning report_statistics', () => {
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join('\n');
    expect(
      plan(
        "SELECT code, sum(count) FROM report_statistics_daily WHERE dimension = 'status' AND filed_on BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY code",
      ),
    ).toContain('SEARCH report_statistics_daily USING PRIMARY KEY (dimension=? AND filed_on>? AND filed_on<?)');
    expect(
      plan(
        "SELECT bucket, sum(count) FROM report_statistics_hours WHERE measure = 'decision' AND filed_on BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY bucket",
      ),
    ).toContain('SEARCH report_statistics_hours USING PRIMARY KEY (measure=? AND filed_on>? AND filed_on<?)');
    // The median's last step: one bucket's hours on each day of the range, from the index on (day, hours).
    const median = plan(
      `WITH RECURSIVE day (filed_on) AS (
         SELECT '2025-01-01' UNION ALL SELECT date(filed_on, '+1 day') FROM day WHERE date(filed_on, '+1 day') <= '2025-12-31'
       )
       SELECT hours_to_first_decision FROM report_statistics
        WHERE filed_on IN (SELECT filed_on FROM day) AND hours_to_first_decision >= 48 AND hours_to_first_decision < 54
        ORDER BY hours_to_first_decision LIMIT 1 OFFSET 3`,
    );
    expect(median).toContain(
      'SEARCH report_statistics USING COVERING INDEX report_statistics_first_decisions (filed_on=? AND hours_to_first_decision>? AND hours_to_first_decision<?)',
    );
    expect(median).not.toMatch(/SCAN report_statistics\b/);
  });
});

describe('migration 0013 on a database that already holds statistics', () => {
  it('fills the aggregates so the upgraded database shows the same figures', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-aggregates-upgrade-'));
    try {
      const earlier = path.join(dir, 'migrations');
      fs.mkdirSync(earlier);
      for (const f of fs.readdirSync(migrationsDir).filter((f) => f < '0013'))
        fs.copyFileSync(path.join(migrationsDir, f), path.join(earlier, f));
      const db = openDatabase(path.join(dir, 'lentera.db'));
      migrate(db, earlier);
      // A report still there (its statistics through the triggers), and rows whose reports were purged.
      db.prepare(
        `INSERT INTO reports (reference, source, category, kecamatan_code, narrative_enc, urgency, reporter_relation, status, sla_due_at, created_at, updated_at, decided_at)
         VALUES ('LAP-2025-000001', 'public', 'neglect', '13.71.01', 'x', 'normal', 'neighbour', 'closed', '2025-05-06T10:00:00.000Z', '2025-04-30T18:00:00.000Z', '2025-05-07T00:00:00.000Z', '2025-05-07T00:00:00.000Z')`,
      ).run();
      const random = randomSource(9);
      const days = daysBetween('2024-11-20', '2025-06-10');
      const insert = db.prepare(
        `INSERT INTO report_statistics (report_id, filed_on, category, kecamatan_code, source, status, urgency, hours_to_decision, decided_late)
         VALUES (NULL, @filed_on, @category, @kecamatan_code, @source, @status, @urgency, @hours_to_decision, @decided_late)`,
      );
      db.transaction(() => {
        for (let i = 0; i < 400; i += 1) insert.run(randomRow(random, days, edgeHours));
      })();
      // Reopened and decided again: the first decision stays.
      db.prepare(
        'UPDATE report_statistics SET hours_to_decision = hours_to_decision + 30 WHERE id % 7 = 0 AND hours_to_decision IS NOT NULL',
      ).run();
      const ranges = rangesOver('2024-11-20', '2025-06-10', random);
      const months = [
        { from: '2024-11', to: '2024-12' },
        { from: '2025-01', to: '2025-06' },
        { from: '2025-05', to: '2025-05' },
      ];
      const figuresBefore = ranges.map((r) => statsCountedRowByRow(db).counts(r));
      const summaryBefore = months.map((m) => publicSummaryCountedRowByRow(db).period(m));
      const yearsBefore = publicSummaryCountedRowByRow(db).years('2025-12');

      expect(migrate(db, migrationsDir)).toContain('0013_statistics_aggregates');
      expect(ranges.map((r) => createStatsRepository(db).counts(r))).toEqual(figuresBefore);
      expect(months.map((m) => createPublicSummaryRepository(db).period(m))).toEqual(summaryBefore);
      expect(createPublicSummaryRepository(db).years('2025-12')).toEqual(yearsBefore);
      const { kept, recounted } = aggregatesAndRecount(db);
      expect(kept).toEqual(recounted);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'report_statistics_monthly%'").pluck().get()).toBe(0);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
