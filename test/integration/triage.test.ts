import request from 'supertest';
import { createTestApp, fileReport, formBody, openStatus, tokenFrom, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { validReferral } from '../helpers/referrals';

describe('triage: the queue, the report page and decisions', () => {
  let lentera: TestApp;
  let triage: StaffAccount;
  let triage2: StaffAccount;
  let supervisor: StaffAccount;
  let caseworker: StaffAccount;
  let admin: StaffAccount;
  let partnerId: number;

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000', RATE_RECEIPT_CHECKS_PER_IP: '1000' });
    triage = await createStaffAccount(lentera, { role: 'triage', name: 'Tari Triase' });
    triage2 = await createStaffAccount(lentera, { role: 'triage', name: 'Tomi Triase' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sari Koordinator' });
    caseworker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Citra Peksos' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
    const at = new Date().toISOString();
    partnerId = Number(
      lentera.db
        .prepare(
          "INSERT INTO partners (name, type, phone, address, created_at, updated_at) VALUES ('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'Jl. Contoh 1', ?, ?)",
        )
        .run(at, at).lastInsertRowid,
    );
  });
  afterAll(() => lentera.cleanup());

  const as = (account: StaffAccount) => signedInAgent(lentera, account);

  /** Files a report as a resident; returns its reference and a resident agent holding its receipt. */
  async function newReport(fields = validReport()): Promise<{ reference: string; receipt: string }> {
    const resident = request.agent(lentera.app);
    const receipt = await fileReport(resident, fields);
    const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    return { reference, receipt };
  }

  async function post(agent: Agent, path: string, fields: Record<string, string>) {
    const token = await tokenFrom(agent, path.replace(/\/[a-z]+$/, ''));
    return agent
      .post(path)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  async function residentSees(receipt: string): Promise<string> {
    const resident = request.agent(lentera.app);
    await openStatus(resident, receipt);
    return (await resident.get('/status').expect(200)).text;
  }

  const auditActions = (subject: string) =>
    lentera.db.prepare('SELECT action FROM audit_events WHERE subject_id = ? ORDER BY id').pluck().all(subject) as string[];

  describe('the queue', () => {
    it('lists open reports by urgency then due time, with counts, age and the overdue flag', async () => {
      const normal = await newReport(validReport({ urgency: 'normal' }));
      const immediate = await newReport(validReport({ urgency: 'immediate' }));
      const urgent = await newReport(validReport({ urgency: 'urgent' }));
      lentera.db.prepare("UPDATE reports SET sla_due_at = '2020-01-01T00:00:00.000Z' WHERE reference = ?").run(urgent.reference);
      const agent = await as(triage);
      const page = await agent.get('/staff/queue').expect(200);
      const order = [immediate, urgent, normal].map((r) => page.text.indexOf(r.reference));
      expect(order.every((i) => i > 0)).toBe(true);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(page.text).toMatch(/Baru<\/a>: <strong>\d+<\/strong>/);
      expect(page.text).toContain('Lewat ');
      const overdueOnly = await agent.get('/staff/queue?overdue=1').expect(200);
      expect(overdueOnly.text).toContain(urgent.reference);
      expect(overdueOnly.text).not.toContain(normal.reference);
    });

    it('filters by category, urgency, source, kecamatan, status and "claimed by me"', async () => {
      const a = await newReport(validReport({ category: 'child_marriage', kecamatan: '13.71.02', kelurahan: '' }));
      const agent = await as(triage);
      expect((await agent.get('/staff/queue?category=child_marriage').expect(200)).text).toContain(a.reference);
      expect((await agent.get('/staff/queue?category=neglect').expect(200)).text).not.toContain(a.reference);
      expect((await agent.get('/staff/queue?kecamatan=13.71.02').expect(200)).text).toContain(a.reference);
      expect((await agent.get('/staff/queue?kecamatan=13.71.01').expect(200)).text).not.toContain(a.reference);
      expect((await agent.get('/staff/queue?source=department').expect(200)).text).not.toContain(a.reference);
      expect((await agent.get('/staff/queue?urgency=immediate').expect(200)).text).not.toContain(a.reference);
      expect((await agent.get('/staff/queue?mine=1').expect(200)).text).not.toContain(a.reference);
      await post(agent, `/staff/reports/${a.reference}/claim`, {}).then((r) => expect(r.status).toBe(303));
      expect((await agent.get('/staff/queue?mine=1').expect(200)).text).toContain(a.reference);
      expect((await agent.get('/staff/queue?status=in_review').expect(200)).text).toContain(a.reference);
      expect((await agent.get('/staff/queue?status=new').expect(200)).text).not.toContain(a.reference);
      // Unknown filter values mean "all", never an error.
      await agent.get('/staff/queue?status=bogus&urgency=<script>&after=garbage').expect(200);
    });

    it('pages with a keyset cursor, every report exactly once', async () => {
      for (let i = 0; i < 30; i += 1) await newReport();
      const agent = await as(triage);
      const seen: string[] = [];
      let path: string | null = '/staff/queue';
      while (path) {
        const page = await agent.get(path).expect(200);
        seen.push(...[...page.text.matchAll(/href="\/staff\/reports\/(LAP-\d{4}-\d{6})"/g)].map((m) => m[1]!));
        const next: RegExpExecArray | null = /<a href="(\/staff\/queue\?[^"]*after=[^"]+)">Halaman berikutnya/.exec(page.text);
        path = next ? next[1]!.replace(/&amp;/g, '&') : null;
      }
      const open = lentera.db
        .prepare("SELECT count(*) FROM reports WHERE status IN ('new','in_review','awaiting_info')")
        .pluck()
        .get() as number;
      expect(seen).toHaveLength(open);
      expect(new Set(seen).size).toBe(open);
    });
  });

  describe('who may do what', () => {
    it('refuses the queue to caseworkers and admins, and sends the signed-out to /login', async () => {
      await (await as(caseworker)).get('/staff/queue').expect(403);
      await (await as(admin)).get('/staff/queue').expect(403);
      const res = await request(lentera.app).get('/staff/queue').expect(303);
      expect(res.headers.location).toBe('/login?next=%2Fstaff%2Fqueue');
    });

    it('refuses report content to an admin and to a caseworker who does not hold its case, as 404', async () => {
      const { reference } = await newReport();
      await (await as(admin)).get(`/staff/reports/${reference}`).expect(403);
      await (await as(caseworker)).get(`/staff/reports/${reference}`).expect(404);
      await (await as(triage)).get('/staff/reports/LAP-2099-999999').expect(404);
    });

    it('refuses decisions from a caseworker on a report that is not theirs, and from a signed-out POST', async () => {
      const { reference } = await newReport();
      const cw = await as(caseworker);
      const token = await tokenFrom(cw, '/staff/cases');
      await cw
        .post(`/staff/reports/${reference}/close`)
        .type('form')
        .send(formBody({ 'close-reason': 'spam', _csrf: token }))
        .expect(404);
      await request(lentera.app)
        .post(`/staff/reports/${reference}/close`)
        .type('form')
        .send(formBody({ 'close-reason': 'spam' }))
        .expect(403);
      expect(lentera.db.prepare('SELECT status FROM reports WHERE reference = ?').pluck().get(reference)).toBe('new');
    });

    it('only a supervisor may reopen', async () => {
      const { reference } = await newReport();
      const agent = await as(triage);
      expect((await post(agent, `/staff/reports/${reference}/close`, { 'close-reason': 'spam', 'close-note': '' })).status).toBe(303);
      const token = await tokenFrom(agent, `/staff/reports/${reference}`);
      await agent
        .post(`/staff/reports/${reference}/reopen`)
        .type('form')
        .send(formBody({ _csrf: token }))
        .expect(403);
      const sup = await as(supervisor);
      expect((await post(sup, `/staff/reports/${reference}/reopen`, {})).status).toBe(303);
      expect(lentera.db.prepare('SELECT status, claimed_by FROM reports WHERE reference = ?').get(reference)).toEqual({
        status: 'in_review',
        claimed_by: supervisor.id,
      });
    });
  });

  describe('reading a report', () => {
    it('shows everything the report holds, and audits the view without content', async () => {
      const { reference } = await newReport(
        validReport({
          wants_contact: 'yes',
          contact_phone: '0812 1111 2222',
          contact_channel: 'whatsapp',
          contact_hours: 'Pagi hari',
          contact_leave_message: 'no',
        }),
      );
      const page = await (await as(triage)).get(`/staff/reports/${reference}`).expect(200);
      for (const text of [
        'Anak tetangga sering ditinggal',
        'Dekat masjid, gang ketiga',
        '0812 1111 2222',
        'WhatsApp',
        'Pagi hari',
        'Belakang Pondok',
        'Padang Selatan',
        'Penelantaran',
      ]) {
        expect(page.text).toContain(text);
      }
      expect(page.headers['cache-control']).toBe('no-store');
      const events = lentera.db.prepare('SELECT actor_account_id, action, detail FROM audit_events WHERE subject_id = ?').all(reference);
      expect(events).toContainEqual({ actor_account_id: triage.id, action: 'report.viewed', detail: null });
      const all = JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all());
      expect(all).not.toContain('0812 1111 2222');
      expect(all).not.toContain('ditinggal');
    });
  });

  describe('decisions', () => {
    it('accepts a report as a new case, assigned, and the reporter sees it in plain words', async () => {
      const { reference, receipt } = await newReport();
      const agent = await as(triage);
      const res = await post(agent, `/staff/reports/${reference}/accept`, {
        'accept-case_mode': 'new',
        'accept-case_number': '',
        'accept-assignee': String(caseworker.id),
        'accept-risk': 'high',
        'accept-note': 'Perlu kunjungan rumah minggu ini',
      });
      expect(res.status).toBe(303);
      const row = lentera.db
        .prepare(
          'SELECT r.status, r.decided_by, c.number, c.assigned_to, c.risk_level FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?',
        )
        .get(reference) as Record<string, unknown>;
      expect(row).toMatchObject({ status: 'accepted', decided_by: triage.id, assigned_to: caseworker.id, risk_level: 'high' });
      expect(row.number).toMatch(/^LK3\/\d{4}\/\d{4}$/);
      expect(auditActions(reference)).toEqual(expect.arrayContaining(['report.viewed', 'report.accepted']));
      const seen = await residentSees(receipt);
      expect(seen).toContain('Ditangani pekerja sosial');
      expect(seen).not.toContain('Perlu kunjungan rumah');
      // The caseworker now sees the report behind their case.
      await (await as(caseworker)).get(`/staff/reports/${reference}`).expect(200);
    });

    it('adds a report to an existing open case', async () => {
      const first = await newReport();
      const second = await newReport();
      const agent = await as(triage);
      await post(agent, `/staff/reports/${first.reference}/accept`, {
        'accept-case_mode': 'new',
        'accept-case_number': '',
        'accept-assignee': '',
        'accept-risk': '',
        'accept-note': '',
      });
      const number = lentera.db
        .prepare('SELECT c.number FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?')
        .pluck()
        .get(first.reference) as string;
      const res = await post(agent, `/staff/reports/${second.reference}/accept`, {
        'accept-case_mode': 'existing',
        'accept-case_number': number,
        'accept-assignee': '',
        'accept-risk': '',
        'accept-note': '',
      });
      expect(res.status).toBe(303);
      const ids = lentera.db
        .prepare('SELECT case_id FROM reports WHERE reference IN (?, ?)')
        .pluck()
        .all(first.reference, second.reference);
      expect(new Set(ids).size).toBe(1);
    });

    it('redirects to a partner; the reporter sees the institution, how to reach it, and the explanation', async () => {
      const { reference, receipt } = await newReport();
      const agent = await as(triage);
      const res = await post(agent, `/staff/reports/${reference}/redirect`, {
        'redirect-partner': String(partnerId),
        'redirect-reason': 'mandate_elsewhere',
        'redirect-summary': 'Anak 8 tahun diduga ditelantarkan; mohon asesmen.',
        'redirect-explanation': 'Laporan Anda kami teruskan ke UPTD PPA yang berwenang menangani perlindungan anak.',
      });
      expect(res.status).toBe(303);
      expect(lentera.db.prepare('SELECT status FROM reports WHERE reference = ?').pluck().get(reference)).toBe('redirected');
      const enc = lentera.db.prepare('SELECT summary_enc FROM redirects ORDER BY id DESC LIMIT 1').pluck().get() as string;
      expect(enc).toMatch(/^v1:/);
      const seen = await residentSees(receipt);
      expect(seen).toContain('Diteruskan ke lembaga lain');
      expect(seen).toContain('UPTD PPA Kota Padang');
      expect(seen).toContain('0751-123456');
      expect(seen).toContain('Laporan Anda kami teruskan ke UPTD PPA');
      expect(seen).not.toContain('mohon asesmen');
    });

    it('marks a duplicate of another report, and refuses an unknown or the same reference', async () => {
      const original = await newReport();
      const copy = await newReport();
      const agent = await as(triage);
      const same = await post(agent, `/staff/reports/${copy.reference}/duplicate`, {
        'duplicate-reference': copy.reference,
        'duplicate-note': '',
      });
      expect(same.status).toBe(400);
      expect(same.text).toContain('<a href="#duplicate-reference">Laporan tidak dapat menjadi duplikat dirinya sendiri.');
      const unknown = await post(agent, `/staff/reports/${copy.reference}/duplicate`, {
        'duplicate-reference': 'LAP-2001-000001',
        'duplicate-note': 'catatan',
      });
      expect(unknown.status).toBe(400);
      expect(unknown.text).toContain('value="LAP-2001-000001"');
      const ok = await post(agent, `/staff/reports/${copy.reference}/duplicate`, {
        'duplicate-reference': original.reference.toLowerCase(),
        'duplicate-note': '',
      });
      expect(ok.status).toBe(303);
      expect(await residentSees(copy.receipt)).toContain('Ditangani bersama laporan lain');
    });

    it('closes with a reason (outside mandate among them) that the reporter reads plainly', async () => {
      const { reference, receipt } = await newReport();
      const res = await post(await as(triage), `/staff/reports/${reference}/close`, {
        'close-reason': 'outside_mandate',
        'close-note': 'Bukan masalah kesejahteraan keluarga',
      });
      expect(res.status).toBe(303);
      const seen = await residentSees(receipt);
      expect(seen).toContain('Ditutup');
      expect(seen).toContain('bukan bagian dari tugas layanan kami');
      expect(seen).not.toContain('Bukan masalah kesejahteraan');
      expect(lentera.db.prepare('SELECT decision_note_enc FROM reports WHERE reference = ?').pluck().get(reference)).toMatch(/^v1:/);
    });

    it('asks the reporter: awaiting information until they answer, then back in review', async () => {
      const { reference, receipt } = await newReport();
      const agent = await as(triage);
      expect((await post(agent, `/staff/reports/${reference}/ask`, { 'ask-message': 'Apakah anak sekarang aman?' })).status).toBe(303);
      const resident = request.agent(lentera.app);
      await openStatus(resident, receipt);
      const seen = (await resident.get('/status').expect(200)).text;
      expect(seen).toContain('Menunggu jawaban Anda');
      expect(seen).toContain('Apakah anak sekarang aman?');
      const token = await tokenFrom(resident, '/status');
      await resident
        .post('/status/messages')
        .type('form')
        .send(formBody({ message: 'Ya, untuk sementara di rumah nenek.', _csrf: token }))
        .expect(303);
      const page = await agent.get(`/staff/reports/${reference}`).expect(200);
      expect(page.text).toContain('Ya, untuk sementara di rumah nenek.');
      expect(lentera.db.prepare('SELECT status FROM reports WHERE reference = ?').pluck().get(reference)).toBe('in_review');
    });

    it('records an escalation to 112 as a flag with its time', async () => {
      const { reference } = await newReport(validReport({ urgency: 'immediate' }));
      const agent = await as(triage);
      expect((await post(agent, `/staff/reports/${reference}/escalate`, { 'escalate-to': '112' })).status).toBe(303);
      const row = lentera.db.prepare('SELECT escalated_to, escalated_at, status FROM reports WHERE reference = ?').get(reference) as Record<
        string,
        string
      >;
      expect(row.escalated_to).toBe('112');
      expect(row.status).toBe('new');
      expect((await agent.get('/staff/queue').expect(200)).text).toContain('Diserahkan ke layanan darurat');
    });

    it('every decision form: bad input gets 400, an error summary linking to the field, and what was typed', async () => {
      const { reference } = await newReport();
      const agent = await as(triage);
      const cases: [string, Record<string, string>, string][] = [
        [
          'accept',
          {
            'accept-case_mode': 'existing',
            'accept-case_number': 'nomor salah',
            'accept-assignee': '',
            'accept-risk': '',
            'accept-note': 'catatan saya',
          },
          '#accept-case_number',
        ],
        [
          'accept',
          {
            'accept-case_mode': 'new',
            'accept-case_number': '',
            'accept-assignee': '99999',
            'accept-risk': '',
            'accept-note': 'catatan saya',
          },
          '#accept-assignee',
        ],
        [
          'redirect',
          {
            'redirect-partner': '',
            'redirect-reason': 'mandate_elsewhere',
            'redirect-summary': '',
            'redirect-explanation': 'penjelasan saya',
          },
          '#redirect-partner',
        ],
        [
          'redirect',
          {
            'redirect-partner': '99999',
            'redirect-reason': 'other',
            'redirect-summary': 'ringkasan',
            'redirect-explanation': 'penjelasan saya',
          },
          '#redirect-partner',
        ],
        ['close', { 'close-reason': 'because', 'close-note': 'catatan saya' }, '#close-reason'],
        ['ask', { 'ask-message': '   ' }, '#ask-message'],
        ['escalate', { 'escalate-to': '911' }, '#escalate-to'],
      ];
      for (const [form, fields, href] of cases) {
        const res = await post(agent, `/staff/reports/${reference}/${form}`, fields);
        expect(res.status).toBe(400);
        expect(res.text).toContain(`<a href="${href}">`);
        for (const [key, value] of Object.entries(fields))
          if (/note|summary|explanation|message|case_number/.test(key) && value.trim()) expect(res.text).toContain(value);
      }
      expect(lentera.db.prepare('SELECT status FROM reports WHERE reference = ?').pluck().get(reference)).toBe('new');
    });

    it('two officers deciding the same report: the second is refused with a clear message', async () => {
      const { reference } = await newReport();
      const first = await as(triage);
      const second = await as(triage2);
      // Both open the report and hold a form…
      const t1 = await tokenFrom(first, `/staff/reports/${reference}`);
      const t2 = await tokenFrom(second, `/staff/reports/${reference}`);
      // …and send their decisions at the same moment.
      const [a, b] = await Promise.all([
        first
          .post(`/staff/reports/${reference}/close`)
          .type('form')
          .send(formBody({ 'close-reason': 'spam', 'close-note': '', _csrf: t1 })),
        second
          .post(`/staff/reports/${reference}/redirect`)
          .type('form')
          .send(
            formBody({
              'redirect-partner': String(partnerId),
              'redirect-reason': 'other',
              'redirect-summary': 'x',
              'redirect-explanation': 'y',
              _csrf: t2,
            }),
          ),
      ]);
      expect([a.status, b.status].sort()).toEqual([303, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.text).toContain('Laporan ini sudah diputuskan oleh petugas lain');
      const decisions = lentera.db
        .prepare("SELECT count(*) FROM audit_events WHERE subject_id = ? AND action IN ('report.closed', 'report.redirected')")
        .pluck()
        .get(reference);
      expect(decisions).toBe(1);
      expect(
        lentera.db
          .prepare('SELECT count(*) FROM redirects r JOIN reports p ON p.id = r.report_id WHERE p.reference = ?')
          .pluck()
          .get(reference),
      ).toBe(a.status === 303 ? 0 : 1);
    });

    it('a report claimed by one officer cannot be decided by another triage officer, but a supervisor can take it over', async () => {
      const { reference } = await newReport();
      const holder = await as(triage);
      expect((await post(holder, `/staff/reports/${reference}/claim`, {})).status).toBe(303);
      const other = await post(await as(triage2), `/staff/reports/${reference}/close`, { 'close-reason': 'spam', 'close-note': '' });
      expect(other.status).toBe(409);
      expect(other.text).toContain('sedang ditangani petugas lain');
      expect(
        (await post(await as(supervisor), `/staff/reports/${reference}/close`, { 'close-reason': 'spam', 'close-note': '' })).status,
      ).toBe(303);
    });

    describe('a claim protects every action that changes the report', () => {
      const snapshot = (reference: string) => ({
        report: lentera.db
          .prepare('SELECT status, claimed_by, escalated_at, escalated_to, updated_at FROM reports WHERE reference = ?')
          .get(reference),
        messages: lentera.db
          .prepare('SELECT count(*) FROM messages m JOIN reports r ON r.id = m.report_id WHERE r.reference = ?')
          .pluck()
          .get(reference),
        response:
          lentera.db
            .prepare('SELECT f.response_enc FROM referrals f JOIN reports r ON r.id = f.report_id WHERE r.reference = ?')
            .pluck()
            .get(reference) ?? null,
        redirect:
          lentera.db
            .prepare('SELECT d.ack_status FROM redirects d JOIN reports r ON r.id = d.report_id WHERE r.reference = ?')
            .pluck()
            .get(reference) ?? null,
        audit: auditActions(reference).filter((a) => a !== 'report.viewed'),
      });

      /** A department's referral (for the response), claimed by `holder`. */
      async function claimedReferral(holder: StaffAccount): Promise<string> {
        const officer = await createStaffAccount(lentera, { role: 'department' });
        const filed = lentera.services.referralService.submit(
          { via: 'form', accountId: officer.id, departmentId: officer.departmentId! },
          validReferral() as unknown as Parameters<typeof lentera.services.referralService.submit>[1],
        );
        if (!filed.ok) throw new Error('referral refused');
        expect((await post(await as(holder), `/staff/reports/${filed.reference}/claim`, {})).status).toBe(303);
        return filed.reference;
      }

      /** A redirected report whose decider still holds it (a decision does not end the claim). */
      async function claimedRedirect(holder: StaffAccount): Promise<string> {
        const { reference } = await newReport();
        const agent = await as(holder);
        expect((await post(agent, `/staff/reports/${reference}/claim`, {})).status).toBe(303);
        const fields = {
          'redirect-partner': String(partnerId),
          'redirect-reason': 'other',
          'redirect-summary': 'Ringkasan',
          'redirect-explanation': 'Penjelasan',
        };
        expect((await post(agent, `/staff/reports/${reference}/redirect`, fields)).status).toBe(303);
        return reference;
      }

      const actions: [string, (holder: StaffAccount) => Promise<string>, string, Record<string, string>, string][] = [
        [
          'ask the reporter',
          async (holder) => {
            const { reference } = await newReport();
            expect((await post(await as(holder), `/staff/reports/${reference}/claim`, {})).status).toBe(303);
            return reference;
          },
          'ask',
          { 'ask-message': 'Apakah anak sekarang aman?' },
          'report.message_sent',
        ],
        [
          'escalate',
          async (holder) => {
            const { reference } = await newReport(validReport({ urgency: 'immediate' }));
            expect((await post(await as(holder), `/staff/reports/${reference}/claim`, {})).status).toBe(303);
            return reference;
          },
          'escalate',
          { 'escalate-to': '110' },
          'report.escalated',
        ],
        [
          'respond to the department',
          claimedReferral,
          'respond',
          { 'respond-response': 'Klien kami dampingi minggu ini.' },
          'referral.responded',
        ],
        [
          "record the partner's answer",
          claimedRedirect,
          'acknowledgement',
          { 'ack-answer': 'received', 'ack-reason': '' },
          'redirect.acknowledged',
        ],
      ];

      it.each(actions)(
        '%s: refused to another triage officer with 409, nothing changed or audited',
        async (_name, setUp, action, fields) => {
          const reference = await setUp(triage);
          const before = snapshot(reference);
          const res = await post(await as(triage2), `/staff/reports/${reference}/${action}`, fields);
          expect(res.status).toBe(409);
          expect(res.text).toContain('Laporan ini sedang ditangani petugas lain');
          expect(res.text).toContain('href="#');
          expect(snapshot(reference)).toEqual(before);
        },
      );

      it.each(actions)(
        '%s: allowed to the officer who holds it, and to a supervisor taking over',
        async (_name, setUp, action, fields, audited) => {
          const mine = await setUp(triage);
          expect((await post(await as(triage), `/staff/reports/${mine}/${action}`, fields)).status).toBe(303);
          expect(auditActions(mine)).toContain(audited);
          const taken = await setUp(triage);
          expect((await post(await as(supervisor), `/staff/reports/${taken}/${action}`, fields)).status).toBe(303);
          expect(
            lentera.db.prepare('SELECT actor_account_id FROM audit_events WHERE subject_id = ? AND action = ?').pluck().get(taken, audited),
          ).toBe(supervisor.id);
        },
      );

      it('still lets the caseworker of the case a report was accepted into message its reporter', async () => {
        const { reference } = await newReport();
        const agent = await as(triage);
        expect((await post(agent, `/staff/reports/${reference}/claim`, {})).status).toBe(303);
        const accept = {
          'accept-case_mode': 'new',
          'accept-case_number': '',
          'accept-assignee': String(caseworker.id),
          'accept-risk': '',
          'accept-note': '',
        };
        expect((await post(agent, `/staff/reports/${reference}/accept`, accept)).status).toBe(303);
        expect(
          (await post(await as(caseworker), `/staff/reports/${reference}/ask`, { 'ask-message': 'Kapan kami boleh berkunjung?' })).status,
        ).toBe(303);
      });
    });

    it('claim and release move a report between new and in review, visible to the reporter', async () => {
      const { reference, receipt } = await newReport();
      const agent = await as(triage);
      await post(agent, `/staff/reports/${reference}/claim`, {});
      expect(await residentSees(receipt)).toContain('<h2 id="current-status" class="status-name">Sedang dipelajari petugas</h2>');
      await post(agent, `/staff/reports/${reference}/release`, {});
      expect(lentera.db.prepare('SELECT status, claimed_by FROM reports WHERE reference = ?').get(reference)).toEqual({
        status: 'new',
        claimed_by: null,
      });
      expect(auditActions(reference)).toEqual(expect.arrayContaining(['report.claimed', 'report.released']));
    });
  });
});
