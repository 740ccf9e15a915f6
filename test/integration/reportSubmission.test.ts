import request from 'supertest';
import { createTestApp, fileReport, formBody, tokenFrom, validReport, type Agent, type TestApp } from '../helpers/testApp';

describe('filing a report', () => {
  let lentera: TestApp;
  let agent: Agent;
  beforeAll(() => {
    // Rate limits have their own tests; here one client files many reports.
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' });
  });
  afterAll(() => lentera.cleanup());
  beforeEach(() => {
    agent = request.agent(lentera.app);
  });

  const reportCount = () => lentera.db.prepare('SELECT count(*) FROM reports').pluck().get() as number;

  async function post(fields: Record<string, string | string[]>, status: number) {
    const token = await tokenFrom(agent, '/report');
    return agent
      .post('/report')
      .type('form')
      .send(formBody({ ...fields, _csrf: token }))
      .expect(status);
  }

  it('stores the report, then shows the 16-digit receipt, grouped, never in a URL, on reload and in the other language too', async () => {
    const before = reportCount();
    const token = await tokenFrom(agent, '/report');
    const posted = await agent
      .post('/report')
      .type('form')
      .send(formBody({ ...validReport(), _csrf: token }))
      .expect(303);
    expect(posted.headers.location).toBe('/report/receipt');
    expect(reportCount()).toBe(before + 1);

    const shown = await agent.get('/report/receipt').expect(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    const code = /data-receipt>(\d{4} \d{4} \d{4} \d{4})</.exec(shown.text)?.[1];
    expect(code).toBeDefined();
    // A reload, or the language link, shows the same code (receiptLifetime.test.ts: until when).
    expect(shown.text).toContain('href="?lang=en"');
    const again = await agent.get('/report/receipt?lang=en').expect(200);
    expect(again.text).toContain('<html lang="en">');
    expect(again.text).toContain(`data-receipt>${code}<`);
  });

  it("gives each visitor the blank form, kept once rendered, with her own CSRF token, which files her report and no one else's", async () => {
    const [first, second] = [request.agent(lentera.app), request.agent(lentera.app)];
    const pages = [await first.get('/report').expect(200), await second.get('/report').expect(200)];
    const tokens = pages.map((p) => /name="_csrf" value="([^"]+)"/.exec(p.text)![1]!);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(pages[1]!.headers['content-type']).toBe('text/html; charset=utf-8');
    // The kept copy is the page as rendered for the request (here afresh: another address), but for the token.
    const fresh = await request.agent(lentera.app).get('/report?lang=id').expect(200);
    const withoutToken = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""');
    expect(withoutToken(pages[1]!.text)).toBe(withoutToken(fresh.text));
    expect(withoutToken(pages[0]!.text)).toBe(withoutToken(fresh.text));
    // Another's token does not go with her cookie: the form comes back, everything kept, nothing stored.
    const before = reportCount();
    await first
      .post('/report')
      .type('form')
      .send(formBody({ ...validReport(), _csrf: tokens[1]! }))
      .expect(400);
    expect(reportCount()).toBe(before);
    for (const [i, visitor] of [first, second].entries()) {
      await visitor
        .post('/report')
        .type('form')
        .send(formBody({ ...validReport(), _csrf: tokens[i]! }))
        .expect(303);
    }
    expect(reportCount()).toBe(before + 2);
    // In English too, once the language is chosen.
    const english = request.agent(lentera.app);
    await english.get('/report?lang=en').expect(200);
    const kept = await english.get('/report').expect(200);
    expect(kept.text).toContain('<html lang="en">');
    expect(withoutToken(kept.text)).toBe(withoutToken((await english.get('/report?lang=en').expect(200)).text));
  });

  it('stores what the form said, with a reference, due date and first timeline event', async () => {
    await fileReport(agent, validReport({ affected_groups: ['child', 'woman'], urgency: 'urgent' }));
    const row = lentera.db
      .prepare(
        'SELECT id, reference, source, category, kecamatan_code, kelurahan_code, urgency, status, sla_due_at, wants_contact FROM reports ORDER BY id DESC LIMIT 1',
      )
      .get() as Record<string, unknown>;
    expect(row).toMatchObject({
      source: 'public',
      category: 'neglect',
      kecamatan_code: '13.71.01',
      kelurahan_code: '13.71.01.1001',
      urgency: 'urgent',
      status: 'new',
      wants_contact: 0,
    });
    expect(row.reference).toMatch(/^LAP-\d{4}-\d{6}$/);
    expect(Date.parse(row.sla_due_at as string)).toBeGreaterThan(Date.now());
    const groups = lentera.db
      .prepare('SELECT group_code FROM report_affected_groups WHERE report_id = ? ORDER BY group_code')
      .pluck()
      .all(row.id);
    expect(groups).toEqual(['child', 'woman']);
    const events = lentera.db.prepare('SELECT kind, status FROM report_events WHERE report_id = ?').all(row.id);
    expect(events).toEqual([{ kind: 'submitted', status: 'new' }]);
  });

  it('numbers references in sequence within the year', async () => {
    await fileReport(agent);
    await fileReport(agent);
    const refs = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 2').pluck().all() as string[];
    const [last, previous] = refs.map((r) => Number(r.slice(-6)));
    expect(last).toBe(previous! + 1);
  });

  it('keeps contact details with the safe-to-contact preferences when asked to be contacted', async () => {
    await fileReport(
      agent,
      validReport({
        wants_contact: 'yes',
        contact_phone: '0812 3456 7890',
        contact_channel: 'whatsapp',
        contact_hours: 'Pagi',
        contact_leave_message: 'no',
      }),
    );
    const row = lentera.db.prepare('SELECT wants_contact, contact_enc FROM reports ORDER BY id DESC LIMIT 1').get() as {
      wants_contact: number;
      contact_enc: string;
    };
    expect(row.wants_contact).toBe(1);
    expect(row.contact_enc).toMatch(/^v1:/);
  });

  it('puts the emergency numbers first on the receipt page when someone is in danger now', async () => {
    const token = await tokenFrom(agent, '/report');
    await agent
      .post('/report')
      .type('form')
      .send(formBody({ ...validReport({ urgency: 'immediate' }), _csrf: token }))
      .expect(303);
    const page = (await agent.get('/report/receipt').expect(200)).text;
    expect(page.indexOf('safety-urgent')).toBeGreaterThan(-1);
    expect(page.indexOf('safety-urgent')).toBeLessThan(page.indexOf('data-receipt'));
    expect(page.indexOf('href="tel:112"')).toBeLessThan(page.indexOf('data-receipt'));
  });

  it('shows the other pages without emergency numbers first for a normal report', async () => {
    await tokenFrom(agent, '/report');
    const token = await tokenFrom(agent, '/report');
    await agent
      .post('/report')
      .type('form')
      .send(formBody({ ...validReport(), _csrf: token }))
      .expect(303);
    const page = (await agent.get('/report/receipt').expect(200)).text;
    expect(page).not.toContain('safety-urgent');
  });

  describe('every bad input gets a clear answer and loses nothing', () => {
    it('an empty form: 400, an error summary linking to each required field', async () => {
      const before = reportCount();
      const res = await post({}, 400);
      expect(reportCount()).toBe(before);
      for (const href of [
        '#category-physical_violence',
        '#affected_groups-child',
        '#narrative',
        '#kecamatan',
        '#urgency-immediate',
        '#relation',
        '#wants_contact-no',
      ]) {
        expect(res.text).toContain(`<a href="${href}">`);
      }
      expect(res.text).toContain('Ada yang perlu diperbaiki');
      expect(res.text).toMatch(/<title>Ada kesalahan:/);
    });

    it.each<[string, Record<string, string | string[]>, string, string]>([
      ['an unknown category', { category: 'gossip' }, '#category-physical_violence', 'Pilih jenis masalah'],
      ['no affected group', { affected_groups: [] }, '#affected_groups-child', 'Pilih setidaknya satu kelompok'],
      ['an unknown affected group', { affected_groups: ['aliens'] }, '#affected_groups-child', 'Pilih setidaknya satu kelompok'],
      ['an unknown kecamatan', { kecamatan: '99.99.99' }, '#kecamatan', 'Pilih kecamatan'],
      ['a kelurahan of another kecamatan', { kecamatan: '13.71.02' }, '#kelurahan', 'Pilih kelurahan yang berada di kecamatan'],
      ['a location detail too long', { location_detail: 'x'.repeat(501) }, '#location_detail', 'Keterangan lokasi paling banyak 500'],
      ['a narrative too short', { narrative: 'Tolong' }, '#narrative', 'Ceritakan apa yang terjadi, paling sedikit 20 huruf'],
      ['a narrative too long', { narrative: 'a'.repeat(8001) }, '#narrative', 'Cerita terlalu panjang'],
      ['an unknown urgency', { urgency: 'whenever' }, '#urgency-immediate', 'Pilih seberapa mendesak'],
      ['no relation', { relation: '' }, '#relation', 'Pilih hubungan Anda'],
      ['an unknown contact choice', { wants_contact: 'maybe' }, '#wants_contact-no', 'Pilih apakah Anda ingin dihubungi'],
      [
        'contact wanted but no phone or email',
        { wants_contact: 'yes', contact_channel: 'phone', contact_leave_message: 'no' },
        '#contact_phone',
        'Isi nomor telepon atau email',
      ],
      [
        'a phone number with letters',
        { wants_contact: 'yes', contact_phone: 'call me maybe', contact_channel: 'phone', contact_leave_message: 'no' },
        '#contact_phone',
        'Tulis nomor telepon yang benar, misalnya 0812 3456 7890',
      ],
      [
        'a malformed email',
        { wants_contact: 'yes', contact_email: 'nama@', contact_channel: 'email', contact_leave_message: 'no' },
        '#contact_email',
        'Tulis alamat email dengan benar',
      ],
      [
        'no contact channel',
        { wants_contact: 'yes', contact_phone: '081234567890', contact_leave_message: 'no' },
        '#contact_channel-phone',
        'Pilih cara menghubungi',
      ],
      [
        'email chosen without an email',
        { wants_contact: 'yes', contact_phone: '081234567890', contact_channel: 'email', contact_leave_message: 'no' },
        '#contact_channel-phone',
        'Cara yang Anda pilih membutuhkan',
      ],
      [
        'no answer on leaving a message',
        { wants_contact: 'yes', contact_phone: '081234567890', contact_channel: 'sms' },
        '#contact_leave_message-no',
        'Pilih apakah kami boleh meninggalkan pesan',
      ],
      [
        'a name too long',
        {
          wants_contact: 'yes',
          contact_name: 'n'.repeat(101),
          contact_phone: '081234567890',
          contact_channel: 'sms',
          contact_leave_message: 'no',
        },
        '#contact_name',
        'Nama paling banyak 100',
      ],
    ])('%s', async (_name, change, href, message) => {
      const before = reportCount();
      const fields = validReport(change);
      const res = await post(fields, 400);
      expect(reportCount()).toBe(before);
      expect(res.text).toContain(`<a href="${href}">${message}`);
      expect(res.text).toContain('has-error');
      // What was typed is still there.
      expect(res.text).toContain(`>${String(fields.narrative)}</textarea>`);
      expect(res.text).toContain(`value="${String(fields.location_detail)}"`);
    });

    it('ignores contact fields when the person does not want to be contacted', async () => {
      await fileReport(agent, validReport({ wants_contact: 'no', contact_phone: 'not a phone', contact_email: 'bad@' }));
      const row = lentera.db.prepare('SELECT contact_enc FROM reports ORDER BY id DESC LIMIT 1').get() as { contact_enc: string | null };
      expect(row.contact_enc).toBeNull();
    });

    it('ignores fields it does not know', async () => {
      await fileReport(agent, validReport({ status: 'accepted', source: 'department', is_admin: 'yes' }));
      const row = lentera.db.prepare('SELECT status, source FROM reports ORDER BY id DESC LIMIT 1').get();
      expect(row).toEqual({ status: 'new', source: 'public' });
    });

    it('renders what was typed escaped, never as markup', async () => {
      const attack = '<script>alert("x")</script><img src=x onerror=alert(1)> "quoted" & more';
      const res = await post(
        validReport({ narrative: 'short', location_detail: `"><script>alert(1)</script>`, contact_name: attack }),
        400,
      );
      expect(res.text).not.toContain('<script>alert');
      expect(res.text).not.toContain('<img src=x');
      expect(res.text).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;');
      expect(res.text).toContain('value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    });

    it('keeps checked boxes, chosen radios and selected options', async () => {
      const res = await post(
        validReport({
          narrative: 'pendek',
          affected_groups: ['woman', 'family'],
          urgency: 'urgent',
          relation: 'friend',
          wants_contact: 'yes',
          contact_phone: '0812',
          contact_channel: 'sms',
          contact_leave_message: 'yes',
        }),
        400,
      );
      expect(res.text).toMatch(/id="affected_groups-woman"[^>]*checked/);
      expect(res.text).toMatch(/id="affected_groups-family"[^>]*checked/);
      expect(res.text).not.toMatch(/id="affected_groups-child"[^>]*checked/);
      expect(res.text).toMatch(/id="urgency-urgent"[^>]*checked/);
      expect(res.text).toMatch(/<option value="friend" selected>/);
      expect(res.text).toMatch(/id="wants_contact-yes"[^>]*checked/);
      expect(res.text).toMatch(/id="contact_channel-sms"[^>]*checked/);
      expect(res.text).toMatch(/id="contact_leave_message-yes"[^>]*checked/);
      expect(res.text).toContain('value="0812"');
      expect(res.text).toMatch(/<option value="13\.71\.01\.1001" selected>/);
    });
  });

  describe('CSRF', () => {
    it('a stale or missing token on the report form keeps everything typed and stores nothing', async () => {
      const before = reportCount();
      const fresh = request.agent(lentera.app);
      const res = await fresh
        .post('/report')
        .type('form')
        .send(formBody({ ...validReport(), _csrf: 'forged' }))
        .expect(400);
      expect(reportCount()).toBe(before);
      expect(res.text).toContain('Halaman ini sudah terlalu lama terbuka');
      expect(res.text).toContain(String(validReport().narrative));
      // …and the page it returns carries a fresh token that works.
      const token = /name="_csrf" value="([^"]+)"/.exec(res.text)![1]!;
      await fresh
        .post('/report')
        .type('form')
        .send(formBody({ ...validReport(), _csrf: token }))
        .expect(303);
      expect(reportCount()).toBe(before + 1);
    });

    it('refuses a post from another site, even with a valid token', async () => {
      const token = await tokenFrom(agent, '/report');
      const before = reportCount();
      const res = await agent
        .post('/report')
        .set('Origin', 'https://evil.example')
        .type('form')
        .send(formBody({ ...validReport(), _csrf: token }))
        .expect(403);
      expect(res.text).toContain('Halaman kedaluwarsa');
      await agent
        .post('/report')
        .set('Sec-Fetch-Site', 'cross-site')
        .type('form')
        .send(formBody({ ...validReport(), _csrf: token }))
        .expect(403);
      expect(reportCount()).toBe(before);
    });

    it('accepts the null Origin that browsers send under no-referrer, with the same-origin fetch site', async () => {
      const token = await tokenFrom(agent, '/report');
      await agent
        .post('/report')
        .set('Origin', 'null')
        .set('Sec-Fetch-Site', 'same-origin')
        .type('form')
        .send(formBody({ ...validReport(), _csrf: token }))
        .expect(303);
    });
  });
});
