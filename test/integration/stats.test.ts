import request from 'supertest';
import type { Role } from '../../src/domain/roles';
import { csvCell } from '../../src/services/statsService';
import { createTestApp, fileReport, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { agentPerRole } from '../helpers/staff';
import { loadTranslator } from '../../src/i18n';
import { localesDir } from '../../src/paths';

const idText = loadTranslator(localesDir).forLocale('id');

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
  for (const m of table[1]!.matchAll(/<tr data-code="([^"]+)">[\s\S]*?<td class="numeric">([\d.]+)<\/td>/g)) counts[m[1]!] = Number(m[2]!.replace(/\./g, ''));
  return counts;
}
const total = (html: string, name: string) => /<dd data-total="([a-z_]+)">([^<]*)<\/dd>/g.exec(html.slice(html.indexOf(`data-total="${name}"`) - 9))![2];

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
    const april = await file('2026-04-10T03:00:00Z', { category: 'physical_violence', urgency: 'urgent', kecamatan: '13.71.02', kelurahan: '' });
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
    expect(tableCounts(html, 'source')).toEqual({ public: 3, department: 0 });
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
    const row = lentera.db.prepare("SELECT * FROM audit_events WHERE action = 'stats.viewed' ORDER BY id DESC LIMIT 1").get() as Record<string, unknown>;
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
    const after = lentera.db.prepare("SELECT detail FROM audit_events WHERE action = 'stats.exported' ORDER BY id DESC").pluck().all() as string[];
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

  it('uses the created_at index for its counts', () => {
    const plan = lentera.db
      .prepare("EXPLAIN QUERY PLAN SELECT category, count(*) FROM reports WHERE created_at >= ? AND created_at < ? GROUP BY category")
      .all('2026-01-01', '2026-02-01') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toContain('reports_created');
  });
});

function labelOf(html: string, dimension: string, code: string): string {
  const table = new RegExp(`<table data-dimension="${dimension}">([\\s\\S]*?)</table>`).exec(html)![1]!;
  return new RegExp(`<tr data-code="${code}">\\s*<th scope="row">([^<]*)</th>`).exec(table)![1]!;
}
