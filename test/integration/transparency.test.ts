import request from 'supertest';
import { createTestApp, fileReport, formBody, tokenFrom, validReport, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent } from '../helpers/staff';

/** Sunday 15 March 2026, 10:00 WIB: February is the last complete month. */
const NOW = new Date('2026-03-15T03:00:00Z');
const MINUTE = 60 * 1000;

interface Row {
  filed_on: string;
  category?: string;
  kecamatan_code?: string;
  status?: string;
  hours?: number | null;
}

/** Rows of the anonymised statistics table, as the triggers would leave them (no report behind them). */
function addStatistics(lentera: TestApp, rows: Row[]): void {
  const insert = lentera.db.prepare(
    `INSERT INTO report_statistics (report_id, filed_on, category, kecamatan_code, source, status, urgency, hours_to_decision, decided_late)
     VALUES (NULL, @filed_on, @category, @kecamatan_code, 'public', @status, 'normal', @hours, CASE WHEN @hours IS NULL THEN NULL ELSE 0 END)`,
  );
  lentera.db.transaction(() => {
    for (const r of rows) insert.run({ category: 'neglect', kecamatan_code: '13.71.01', status: 'closed', hours: 24, ...r });
  })();
}

const times = (n: number, row: Row): Row[] => Array.from({ length: n }, () => ({ ...row }));

/** The published cells of one table on the page: code → text as shown ("< 5" for a small count). */
function tableOf(html: string, table: string): Record<string, string> {
  const start = html.indexOf(`data-table="${table}"`);
  if (start === -1) throw new Error(`no table ${table}`);
  const body = html.slice(start, html.indexOf('</table>', start));
  return Object.fromEntries(
    [...body.matchAll(/<tr data-(?:code|year)="([^"]+)">[\s\S]*?<td class="numeric" data-cell="(\w+)">([\s\S]*?)<\/td>/g)].map((m) => [
      m[1]!,
      m[2] === 'small' ? '< 5' : m[3]!.trim(),
    ]),
  );
}

describe('/transparency, the public summary', () => {
  let lentera: TestApp;
  let clock = NOW;

  beforeAll(() => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' }, { now: () => clock });
  });
  afterAll(() => lentera.cleanup());

  it('before any report: says there is nothing yet', async () => {
    // Twenty minutes earlier, so that what this page computes is no longer kept when the others ask.
    clock = new Date(NOW.getTime() - 20 * MINUTE);
    try {
      const page = await request(lentera.app).get('/transparency').expect(200);
      expect(page.text).toContain('Belum ada angka yang dapat ditampilkan.');
    } finally {
      clock = NOW;
    }
  });

  describe('with a year and a bit of reports', () => {
    beforeAll(() => {
      addStatistics(lentera, [
        // 2025: 45 reports. By category: neglect 30, sexual violence 12, physical violence 3.
        ...times(30, { filed_on: '2025-01-10' }),
        ...times(12, { filed_on: '2025-06-03', category: 'sexual_violence', kecamatan_code: '13.71.02', status: 'accepted', hours: 48 }),
        ...times(3, { filed_on: '2025-06-20', category: 'physical_violence', kecamatan_code: '13.71.02', status: 'redirected', hours: 12 }),
        // 2026 so far: 8 in January (2 still in review), 6 in February, and 7 this month (not published yet).
        ...times(6, { filed_on: '2026-01-05', status: 'duplicate', hours: 30 }),
        ...times(2, { filed_on: '2026-01-06', status: 'in_review', hours: null }),
        ...times(6, { filed_on: '2026-02-10', category: 'family_conflict', status: 'awaiting_info', hours: null }),
        ...times(7, { filed_on: '2026-03-02', category: 'trafficking' }),
      ]);
    });

    it('shows every year, the current one up to the end of last month, and the latest year in detail', async () => {
      const res = await request(lentera.app).get('/transparency').expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(tableOf(res.text, 'years')).toEqual({ '2026': '14', '2025': '45' });
      expect(res.text).toContain('<span class="tag tag-muted">tahun berjalan</span>');
      expect(res.text).toContain('Angka sampai 28 Februari 2026.');
      expect(res.text).toContain('Tahun 2026, sampai 28 Februari 2026');
      // March is not over: none of its 7 trafficking reports is counted yet.
      expect(tableOf(res.text, 'month')).toEqual({ '2026-01': '8', '2026-02': '6' });
      // The year is not over: its breakdowns wait for its end (month after month they would give a
      // single month's small counts away), with a sentence saying so.
      for (const dimension of ['category', 'outcome', 'kecamatan']) {
        expect(() => tableOf(res.text, dimension)).toThrow(`no table ${dimension}`);
        expect(res.text).toContain(`data-withheld="${dimension}">Rincian ini terbit setelah tahun 2026 berakhir.`);
      }
      expect(res.text).toMatch(/data-total="reports">14</);
      // Six first decisions: the median is shown (30 hours).
      expect(res.text).toMatch(/data-total="median_days">1,3 hari</);
    });

    it('counts of 1 to 4 read "< 5", 0 reads 0, and a count that would give a "< 5" away by subtraction is hidden', async () => {
      const res = await request(lentera.app).get('/transparency?year=2025').expect(200);
      expect(res.text).toContain('<h2 id="year-title">Tahun 2025</h2>');
      const categories = tableOf(res.text, 'category');
      expect(categories.physical_violence).toBe('< 5');
      expect(categories.trafficking).toBe('0');
      expect(categories.neglect).toBe('30');
      // 45 − 30 − 0… = 15 would be 3 + 12: the 12 is hidden, so the 3 is any of 1–4 to a reader.
      expect(categories.sexual_violence).toBe('disembunyikan');
      expect(res.text).toContain('<span aria-hidden="true">&lt; 5</span><span class="visually-hidden">kurang dari 5</span>');
      expect(tableOf(res.text, 'outcome')).toEqual({ case: 'disembunyikan', redirected: '< 5', merged: '0', closed: '30', in_review: '0' });
      // By kecamatan: 30 and 15, nothing small.
      expect(tableOf(res.text, 'kecamatan')).toMatchObject({ '13.71.01': '30', '13.71.02': '15', '13.71.03': '0' });
      expect(res.text).toMatch(/<tr data-code="13.71.02">\s*<th scope="row">[A-Za-z ]+<\/th>/);
      // By month: January 30, June 15; each other month 0.
      expect(tableOf(res.text, 'month')).toMatchObject({ '2025-01': '30', '2025-06': '15', '2025-12': '0' });
    });

    it('in English too', async () => {
      const res = await request(lentera.app).get('/transparency?year=2025&lang=en').expect(200);
      expect(res.text).toContain('<html lang="en">');
      expect(res.text).toContain('<h1>Reports in numbers</h1>');
      expect(tableOf(res.text, 'category')).toMatchObject({ physical_violence: '< 5', sexual_violence: 'hidden' });
      expect(res.text).toContain('<span class="visually-hidden">fewer than 5</span>');
      expect(res.text).toMatch(/data-total="median_days">1 day</);
    });

    it('a breakdown too small to protect is not shown at all, nor a median over fewer than 5 decisions', async () => {
      addStatistics(lentera, [
        ...times(2, { filed_on: '2024-04-01', hours: 5 }),
        ...times(5, { filed_on: '2024-05-01', category: 'other', hours: null }),
      ]);
      clock = new Date(NOW.getTime() + 11 * MINUTE);
      try {
        const res = await request(lentera.app).get('/transparency?year=2024').expect(200);
        expect(tableOf(res.text, 'years')['2024']).toBe('7');
        // Months: 2 and 5 of 7 — the 2 would be 7 − 5. Categories: the same.
        expect(res.text).toContain('data-withheld="month"');
        expect(res.text).toContain('data-withheld="category"');
        expect(res.text).toContain('Rincian ini tidak ditampilkan');
        expect(res.text).toMatch(/data-total="median_days">Belum ditampilkan: kurang dari 5 laporan sudah diputuskan</);
      } finally {
        clock = NOW;
      }
    });

    it('a year with nothing published, or not a year, is a 404', async () => {
      await request(lentera.app).get('/transparency?year=1999').expect(404);
      await request(lentera.app).get('/transparency?year=2027').expect(404);
      await request(lentera.app).get('/transparency?year=abcd').expect(404);
      await request(lentera.app).get('/transparency?year=2025&year=2026').expect(404);
    });

    it('figures are computed again at most every ten minutes', async () => {
      clock = new Date(NOW.getTime() + 30 * MINUTE);
      try {
        const first = tableOf((await request(lentera.app).get('/transparency?year=2025').expect(200)).text, 'years');
        addStatistics(lentera, times(10, { filed_on: '2025-02-01' }));
        clock = new Date(NOW.getTime() + 39 * MINUTE);
        expect(tableOf((await request(lentera.app).get('/transparency?year=2025').expect(200)).text, 'years')).toEqual(first);
        clock = new Date(NOW.getTime() + 41 * MINUTE);
        expect(tableOf((await request(lentera.app).get('/transparency?year=2025').expect(200)).text, 'years')['2025']).toBe('55');
      } finally {
        clock = NOW;
      }
    });

    it('nothing about a visitor is stored: viewing writes nothing and sets no cookie', async () => {
      const changes = () => lentera.db.prepare('SELECT total_changes()').pluck().get() as number;
      const before = changes();
      const res = await request(lentera.app).get('/transparency?year=2025').set('User-Agent', 'canary-agent/1.0').expect(200);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(changes()).toBe(before);
      expect(lentera.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
    });
  });

  it('counts from the daily aggregates the triggers keep, by their key (statsAggregates.test.ts holds them to the per-report rows)', () => {
    const plan = (sql: string) =>
      (lentera.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join('\n');
    expect(
      plan(
        "SELECT code, sum(count) FROM report_statistics_daily WHERE dimension = 'category' AND filed_on BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY code",
      ),
    ).toContain('SEARCH report_statistics_daily USING PRIMARY KEY (dimension=? AND filed_on>? AND filed_on<?)');
    expect(
      plan(
        "SELECT bucket, sum(count) FROM report_statistics_hours WHERE measure = 'first_decision' AND filed_on BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY bucket",
      ),
    ).toContain('SEARCH report_statistics_hours USING PRIMARY KEY (measure=? AND filed_on>? AND filed_on<?)');
  });

  it('the daily counts follow every change of the statistics rows', () => {
    const kept = () =>
      lentera.db
        .prepare(
          "SELECT dimension, filed_on, code, count FROM report_statistics_daily WHERE count <> 0 AND filed_on LIKE '2023-%' ORDER BY 1, 2, 3",
        )
        .all();
    const truth = () =>
      lentera.db.prepare("SELECT * FROM report_statistics_daily_recount WHERE filed_on LIKE '2023-%' ORDER BY 1, 2, 3").all();
    addStatistics(lentera, [
      { filed_on: '2023-05-01', status: 'new', hours: null },
      { filed_on: '2023-05-02', status: 'new', hours: null },
    ]);
    lentera.db.prepare("UPDATE report_statistics SET status = 'closed', hours_to_decision = 3 WHERE filed_on = '2023-05-01'").run();
    lentera.db
      .prepare("UPDATE report_statistics SET category = 'trafficking', kecamatan_code = '13.71.05' WHERE filed_on = '2023-05-02'")
      .run();
    lentera.db.prepare("UPDATE report_statistics SET filed_on = '2023-06-30' WHERE filed_on = '2023-05-02'").run();
    expect(kept()).toEqual(truth());
    expect(kept()).toContainEqual({ dimension: 'category', filed_on: '2023-06-30', code: 'trafficking', count: 1 });
    lentera.db.prepare("DELETE FROM report_statistics WHERE filed_on LIKE '2023-%'").run();
    expect(kept()).toEqual([]);
  });
});

describe('the time to a first decision', () => {
  it('stays that of the first decision when a supervisor reopens a report and it is decided again', async () => {
    let clock = new Date('2026-03-02T03:00:00Z');
    const lentera = createTestApp({}, { now: () => clock });
    try {
      const triage = await createStaffAccount(lentera, { role: 'triage' });
      const supervisor = await createStaffAccount(lentera, { role: 'supervisor' });
      await fileReport(request.agent(lentera.app), validReport());
      const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
      const post = async (account: typeof triage, action: string, fields: Record<string, string>) => {
        const agent = await signedInAgent(lentera, account);
        const token = await tokenFrom(agent, `/staff/reports/${reference}`);
        expect(
          (
            await agent
              .post(`/staff/reports/${reference}/${action}`)
              .type('form')
              .send(formBody({ ...fields, _csrf: token }))
          ).status,
        ).toBe(303);
      };
      const stats = () => lentera.db.prepare('SELECT hours_to_decision, hours_to_first_decision FROM report_statistics').get();
      clock = new Date(clock.getTime() + 6 * 60 * MINUTE);
      await post(triage, 'close', { 'close-reason': 'not_actionable', 'close-note': '' });
      expect(stats()).toEqual({ hours_to_decision: 6, hours_to_first_decision: 6 });
      clock = new Date(clock.getTime() + 24 * 60 * MINUTE);
      await post(supervisor, 'reopen', {});
      expect(stats()).toEqual({ hours_to_decision: null, hours_to_first_decision: 6 });
      clock = new Date(clock.getTime() + 24 * 60 * MINUTE);
      await post(supervisor, 'close', { 'close-reason': 'spam', 'close-note': '' });
      expect(stats()).toEqual({ hours_to_decision: 54, hours_to_first_decision: 6 });
    } finally {
      lentera.cleanup();
    }
  });
});

describe('the link in the footer', () => {
  it('is on every public page', async () => {
    const lentera = createTestApp();
    try {
      const pages: [string, number][] = [
        ['/', 200],
        ['/report', 200],
        ['/report/receipt', 200],
        ['/status', 200],
        ['/privacy', 200],
        ['/transparency', 200],
        ['/does-not-exist', 404],
        ['/ack/forged', 404],
      ];
      for (const [path, status] of pages) {
        for (const lang of ['id', 'en']) {
          const res = await request(lentera.app).get(`${path}?lang=${lang}`);
          expect({ path, status: res.status }).toEqual({ path, status });
          const footer = res.text.slice(res.text.indexOf('<footer'));
          expect({ path, lang, link: /<a href="\/transparency">([^<]+)<\/a>/.exec(footer)?.[1] }).toEqual({
            path,
            lang,
            link: lang === 'id' ? 'Angka laporan' : 'Reports in numbers',
          });
        }
      }
    } finally {
      lentera.cleanup();
    }
  });
});
