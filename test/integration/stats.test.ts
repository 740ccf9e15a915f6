import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { openDatabase } from '../../src/data/db';
import { migrate } from '../../src/data/migrate';
import { migrationsDir } from '../../src/paths';
import type { CurrentAccount, Role } from '../../src/domain/roles';
import { runRetention } from '../../src/cli/retention';
import { csvCell } from '../../src/services/statsService';
import { createTestApp, fileReport, validReport, TEST_DATA_KEY, type Agent, type TestApp } from '../helpers/testApp';
import { agentPerRole, createStaffAccount, signedInAgent } from '../helpers/staff';
import { loadTranslator } from '../../src/i18n';

const idText = loadTranslator().forLocale('id');

// Today: Friday 27 November 2026, 09:00 WIB.
const today = new Date('2026-11-27T02:00:00Z');
let clock = today;

const HOUR = 60 * 60 * 1000;
const RELAXED = { RATE_REPORTS_PER_IP: '1000', RATE_REPORTS_GLOBAL: '1000' };

/** The counts of a table on the page, by code. */
function tableCounts(html: string, dimension: string): Record<string, number> {
  const table = new RegExp(`<table data-dimension="${dimension}">([\\s\\S]*?)</table>`).exec(html);
  if (!table) throw new Error(`No table for ${dimension}`);
  const counts: Record<string, number> = {};
  for (const m of table[1]!.matchAll(/<tr data-code="([^"]+)">[\s\S]*?<td class="numeric">([\d.]+)<\/td>/g))
    counts[m[1]!] = Number(m[2]!.replace(/\./g, ''));
  return counts;
}
const total = (html: string, name: string) =>
  /<dd data-total="([a-z_]+)">([^<]*)<\/dd>/g.exec(html.slice(html.indexOf(`data-total="${name}"`) - 9))![2];

describe('statistics (/staff/stats)', () => {
  let lentera: TestApp;
  const as = agentPerRole(() => lentera);
  let supervisor: Agent;
  let admin: Agent;

  beforeAll(async () => {
    lentera = createTestApp(RELAXED, { now: () => clock });
    const resident = request.agent(lentera.app);
    const file = async (at: string, overrides: Record<string, string> = {}) => {
      clock = new Date(at);
      await fileReport(resident, validReport(overrides));
      return lentera.db.prepare('SELECT max(id) FROM reports').pluck().get() as number;
    };
    // 23:30 WIB on 31 March: a March report on the Jakarta calendar, although 16:30 UTC.
    const march = await file('2026-03-31T16:30:00Z');
    // 00:30 WIB on 1 April (still 31 March in UTC).
    await file('2026-03-31T17:30:00Z', { urgency: 'urgent' });
    const april = await file('2026-04-10T03:00:00Z', {
      category: 'physical_violence',
      urgency: 'urgent',
      kecamatan: '13.71.02',
      kelurahan: '',
    });
    // Outside the range tested below, on either side.
    const december = await file('2025-12-15T03:00:00Z', { category: 'trafficking' });
    await file('2026-06-30T17:00:00Z', { category: 'trafficking' }); // 1 July WIB
    clock = today;

    const decide = (id: number, hours: number, dueHours: number) => {
      const created = new Date(lentera.db.prepare('SELECT created_at FROM reports WHERE id = ?').pluck().get(id) as string);
      lentera.db
        .prepare("UPDATE reports SET status = 'accepted', decided_at = ?, sla_due_at = ? WHERE id = ?")
        .run(new Date(created.getTime() + hours * HOUR).toISOString(), new Date(created.getTime() + dueHours * HOUR).toISOString(), id);
    };
    decide(march, 10, 24); // on time
    decide(april, 30, 24); // late
    decide(december, 1000, 24); // outside the range: counted nowhere

    supervisor = await as('supervisor');
    admin = await as('admin');
  });
  afterAll(() => lentera.cleanup());

  it('opens for supervisors and administrators, with a menu item', async () => {
    const page = await supervisor.get('/staff/stats').expect(200);
    expect(page.text).toContain('<h1>Statistik</h1>');
    expect(page.text).toContain('href="/staff/stats"');
    const adminPage = await admin.get('/staff/stats?lang=en').expect(200);
    expect(adminPage.text).toContain('<h1>Statistics</h1>');
  });

  it.each(['triage', 'caseworker', 'department'] as Role[])('refuses %s', async (role) => {
    const agent = await as(role);
    await agent.get('/staff/stats').expect(403);
    await agent.get('/staff/stats.csv').expect(403);
  });

  it('sends a visitor who is not signed in to the login page', async () => {
    await request(lentera.app).get('/staff/stats').expect(303).expect('Location', '/login?next=%2Fstaff%2Fstats');
    await request(lentera.app).get('/staff/stats.csv').expect(303);
  });

  it('defaults to twelve calendar months up to today (Jakarta)', async () => {
    const page = await supervisor.get('/staff/stats').expect(200);
    expect(page.text).toContain('id="from" name="from" value="2025-12-01"');
    expect(page.text).toContain('id="to" name="to" value="2026-11-27"');
    // December 2025 to today: all five reports.
    expect(total(page.text, 'reports')).toBe('5');
  });

  it('counts the reports of the range by month (WIB), code, and decisions; none outside it', async () => {
    const page = await supervisor.get('/staff/stats?from=2026-03-01&to=2026-06-30').expect(200);
    const html = page.text;
    expect(total(html, 'reports')).toBe('3');
    expect(total(html, 'decided')).toBe('2');
    expect(total(html, 'decided_late')).toBe('1');
    expect(total(html, 'median_hours')).toBe('20'); // the median of 10 and 30 hours
    expect(tableCounts(html, 'month')).toEqual({ '2026-03': 1, '2026-04': 2, '2026-05': 0, '2026-06': 0 });
    expect(tableCounts(html, 'category')).toMatchObject({ neglect: 2, physical_violence: 1, trafficking: 0 });
    expect(tableCounts(html, 'kecamatan')).toMatchObject({ '13.71.01': 2, '13.71.02': 1 });
    expect(tableCounts(html, 'urgency')).toEqual({ immediate: 0, urgent: 2, normal: 1 });
    expect(tableCounts(html, 'source')).toEqual({ public: 3, department: 0, intake: 0 });
    expect(tableCounts(html, 'status')).toMatchObject({ new: 1, accepted: 2 });
    expect(html).toContain('<th scope="row">Padang Selatan</th>');
    expect(labelOf(html, 'category', 'physical_violence')).toBe(idText('category.physical_violence'));
    expect(labelOf(html, 'status', 'accepted')).toBe(idText('reportStatus.accepted'));
    expect(html).toMatch(/<svg class="stats-chart" role="img" aria-labelledby="stats-category-chart"/);
    expect(html).not.toMatch(/style=/);
    // One WIB day: 1 April holds only the report of 00:30 WIB.
    const oneDay = await supervisor.get('/staff/stats?from=2026-04-01&to=2026-04-01').expect(200);
    expect(total(oneDay.text, 'reports')).toBe('1');
    expect(tableCounts(oneDay.text, 'month')).toEqual({ '2026-04': 1 });
    expect(total(oneDay.text, 'median_hours')).toBe('belum ada');
  });

  it('records each view with the range', async () => {
    await admin.get('/staff/stats?from=2026-01-01&to=2026-02-01').expect(200);
    const row = lentera.db.prepare("SELECT * FROM audit_events WHERE action = 'stats.viewed' ORDER BY id DESC LIMIT 1").get() as Record<
      string,
      unknown
    >;
    expect(JSON.parse(row.detail as string)).toEqual({ from: '2026-01-01', to: '2026-02-01' });
    expect(row.at).toBe(today.toISOString());
  });

  it('exports CSV: headers, BOM, labels in the viewer language, audited', async () => {
    const before = lentera.db.prepare("SELECT count(*) FROM audit_events WHERE action = 'stats.exported'").pluck().get() as number;
    const res = await supervisor
      .get('/staff/stats.csv?from=2026-03-01&to=2026-06-30&lang=en')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="lentera-statistik-2026-03-01-2026-06-30.csv"');
    expect(res.headers['cache-control']).toBe('no-store');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('dimension,code,label,count');
    expect(lines).toContain('total,reports,Reports filed,3');
    expect(lines).toContain('total,decided_late,Decided after the triage target,1');
    expect(lines).toContain('month,2026-03,March 2026,1');
    expect(lines).toContain('month,2026-04,April 2026,2');
    expect(lines).toContain('kecamatan,13.71.01,Padang Selatan,2');
    expect(lines).toContain('source,public,Resident report,3');
    expect(lines).not.toContain('category,trafficking,Trafficking,1');
    const after = lentera.db
      .prepare("SELECT detail FROM audit_events WHERE action = 'stats.exported' ORDER BY id DESC")
      .pluck()
      .all() as string[];
    expect(after).toHaveLength(before + 1);
    expect(JSON.parse(after[0]!)).toEqual({ from: '2026-03-01', to: '2026-06-30' });
    // The page links to the same range.
    const page = await supervisor.get('/staff/stats?from=2026-03-01&to=2026-06-30').expect(200);
    expect(page.text).toContain('href="/staff/stats.csv?from=2026-03-01&amp;to=2026-06-30"');
  });

  it('never writes a cell a spreadsheet could run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('Padang, Selatan')).toBe('"Padang, Selatan"');
    expect(csvCell(12)).toBe('12');
  });

  it.each([
    ['from=2026-02-30&to=2026-03-01', '#from', '2026-02-30'],
    ['from=kemarin&to=2026-03-01', '#from', 'kemarin'],
    ['from=2026-03-01&to=2026-13-01', '#to', '2026-13-01'],
    ['from=2026-05-01&to=2026-04-30', '#to', '2026-04-30'],
    ['from=2020-01-01&to=2025-01-01', '#to', '2025-01-01'],
  ])('refuses %s with an error summary linking to the field, values kept', async (query, href, kept) => {
    const page = await supervisor.get(`/staff/stats?${query}`).expect(400);
    expect(page.text).toContain('class="error-summary"');
    expect(page.text).toContain(`<a href="${href}">`);
    expect(page.text).toContain(`value="${kept}"`);
    expect(page.text).not.toContain('data-dimension');
    await supervisor.get(`/staff/stats.csv?${query}`).expect(400);
  });

  it('allows a range of just under five years', async () => {
    await supervisor.get('/staff/stats?from=2020-01-01&to=2024-12-31').expect(200);
  });

  it('counts from the daily aggregates, by their key (statsAggregates.test.ts holds them to the per-report rows)', () => {
    const plan = lentera.db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT code, sum(count) FROM report_statistics_daily WHERE dimension = 'category' AND filed_on BETWEEN ? AND ? GROUP BY code",
      )
      .all('2026-01-01', '2026-02-01') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toContain(
      'SEARCH report_statistics_daily USING PRIMARY KEY (dimension=? AND filed_on>? AND filed_on<?)',
    );
  });
});

describe('statistics kept apart from content', () => {
  const DAY = 24 * HOUR;
  let lentera: TestApp;

  afterEach(() => lentera.cleanup());

  /** Everything the page says about a range: each total and each table, by code. */
  function figures(html: string) {
    const totals = Object.fromEntries(['reports', 'decided', 'decided_late', 'median_hours'].map((name) => [name, total(html, name)]));
    const tables = Object.fromEntries(
      ['month', 'category', 'kecamatan', 'source', 'status', 'urgency'].map((d) => [d, tableCounts(html, d)]),
    );
    return { totals, tables };
  }

  it('gives the same numbers for a past period before and after retention deletes its reports', async () => {
    clock = new Date('2026-05-04T02:00:00Z'); // Monday 4 May 2026, 09:00 WIB
    lentera = createTestApp({ ...RELAXED, RETENTION_DAYS: '30' }, { now: () => clock });
    const t = await createStaffAccount(lentera, { role: 'triage' });
    const triage: CurrentAccount = { id: t.id, email: t.email, name: t.name, role: t.role, departmentId: null };
    const resident = request.agent(lentera.app);
    const file = async (at: Date, overrides: Record<string, string> = {}) => {
      clock = at;
      await fileReport(resident, validReport(overrides));
      return lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    };
    const decide = (reference: string, at: Date, decision: Parameters<typeof lentera.services.triageService.decide>[2]) => {
      clock = at;
      expect(lentera.services.triageService.decide(triage, reference, decision)).toMatchObject({ ok: true });
    };
    const close = { kind: 'close', reason: 'not_actionable', note: 'Catatan' } as const;

    // May 2026: five reports, four decided (one late, one a duplicate), one never decided.
    const start = clock.getTime();
    const a = await file(new Date(start), { urgency: 'immediate' });
    const b = await file(new Date(start + 3 * HOUR), { category: 'physical_violence', kecamatan: '13.71.02', kelurahan: '' });
    const c = await file(new Date(start + 2 * DAY), { urgency: 'urgent' });
    const d = await file(new Date(start + 9 * DAY), { category: 'family_conflict' });
    await file(new Date(start + 20 * DAY), { category: 'neglect' });
    decide(a, new Date(start + 1 * HOUR), close); // on time (2 hours)
    decide(b, new Date(start + 13 * DAY), close); // late (3 working days)
    decide(c, new Date(start + 2 * DAY + 5 * HOUR), { kind: 'duplicate', duplicateOfReference: a, note: '' });
    decide(d, new Date(start + 10 * DAY), close);

    clock = today; // November: everything decided in May is past RETENTION_DAYS
    const supervisor = await signedInAgent(lentera, await createStaffAccount(lentera, { role: 'supervisor' }));
    const range = 'from=2026-05-01&to=2026-05-31';
    const csv = async () => (await supervisor.get(`/staff/stats.csv?${range}`).expect(200)).text;
    const before = figures((await supervisor.get(`/staff/stats?${range}`).expect(200)).text);
    const csvBefore = await csv();
    expect(before.totals).toEqual({ reports: '5', decided: '4', decided_late: '1', median_hours: expect.any(String) });

    const out: string[] = [];
    const env = { DATABASE_PATH: path.join(lentera.dir, 'lentera.db'), DATA_KEY: TEST_DATA_KEY, RETENTION_DAYS: '30' };
    expect(
      runRetention(
        [],
        env,
        (l) => out.push(l),
        (l) => out.push(l),
        () => clock,
      ),
    ).toBe(0);
    expect(out.join('\n')).toContain('Purged 4 report(s)');
    expect(lentera.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(1);

    expect(figures((await supervisor.get(`/staff/stats?${range}`).expect(200)).text)).toEqual(before);
    expect(await csv()).toBe(csvBefore);
    // What stays holds codes only: nothing links it back to a report that is gone.
    const kept = lentera.db.prepare('SELECT * FROM report_statistics WHERE report_id IS NULL').all() as Record<string, unknown>[];
    expect(kept).toHaveLength(4);
    expect(Object.keys(kept[0]!).sort()).toEqual([
      'category',
      'decided',
      'decided_late',
      'decision_hours_bucket',
      'filed_on',
      'first_decision_hours_bucket',
      'hours_to_decision',
      'hours_to_first_decision',
      'id',
      'kecamatan_code',
      'report_id',
      'source',
      'status',
      'urgency',
    ]);
  });

  it('fills the statistics from the reports already there when the migration runs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-stats-'));
    try {
      // The migrations before the statistics table, then a decided report, then the rest.
      const earlier = path.join(dir, 'migrations');
      fs.mkdirSync(earlier);
      for (const f of fs.readdirSync(migrationsDir).filter((f) => f < '0010'))
        fs.copyFileSync(path.join(migrationsDir, f), path.join(earlier, f));
      const db = openDatabase(path.join(dir, 'lentera.db'));
      migrate(db, earlier);
      db.prepare(
        `INSERT INTO reports (reference, source, category, kecamatan_code, narrative_enc, urgency, reporter_relation, status, sla_due_at, created_at, updated_at, decided_at)
         VALUES ('LAP-2026-000001', 'public', 'neglect', '13.71.01', 'x', 'normal', 'neighbour', 'closed', '2026-05-06T10:00:00.000Z', '2026-04-30T18:00:00.000Z', '2026-05-07T00:00:00.000Z', '2026-05-07T00:00:00.000Z')`,
      ).run();
      migrate(db, migrationsDir);
      expect(
        db
          .prepare(
            'SELECT report_id, filed_on, category, kecamatan_code, source, status, urgency, hours_to_decision, decided_late FROM report_statistics',
          )
          .all(),
      ).toEqual([
        // 18:00 UTC on 30 April is 1 May in Jakarta; decided 150 hours later, after its due time.
        {
          report_id: 1,
          filed_on: '2026-05-01',
          category: 'neglect',
          kecamatan_code: '13.71.01',
          source: 'public',
          status: 'closed',
          urgency: 'normal',
          hours_to_decision: 150,
          decided_late: 1,
        },
      ]);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function labelOf(html: string, dimension: string, code: string): string {
  const table = new RegExp(`<table data-dimension="${dimension}">([\\s\\S]*?)</table>`).exec(html)![1]!;
  return new RegExp(`<tr data-code="${code}">\\s*<th scope="row">([^<]*)</th>`).exec(table)![1]!;
}
