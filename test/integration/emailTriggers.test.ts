import request from 'supertest';
import { runUserCommand } from '../../src/cli/user';
import { createTestApp, fileReport, formBody, tokenFrom, TEST_DATA_KEY, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { lastOutboxId, outboxEmails, readable, type StoredEmail } from '../helpers/outbox';
import { validReferral, validReferralForm } from '../helpers/referrals';

/** Each email an action causes: who it goes to and what it may say (issue "Step 4, part 2"). */
describe('the emails actions cause', () => {
  let lentera: TestApp;
  let triage: StaffAccount;
  let admin: StaffAccount;
  let officer: StaffAccount;
  let partnerWithEmail: number;
  let partnerByPhone: number;

  const narrative = 'Anak tetangga sering dipukul ayahnya sampai memar di lengan dan punggung.';
  const contact = {
    wants_contact: 'yes',
    contact_name: 'Bu Ani',
    contact_phone: '0812 3456 7890',
    contact_email: 'ani.pelapor@contoh.id',
    contact_channel: 'phone',
    contact_hours: 'Sore',
    contact_leave_message: 'no',
  };

  beforeAll(async () => {
    lentera = createTestApp({
      RATE_REPORTS_PER_IP: '1000',
      RATE_RECEIPT_CHECKS_PER_IP: '1000',
      TRIAGE_EMAIL: 'triase@lk3.test',
      SERVICE_CONTACT: 'telepon (0751) 555-0101',
    });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
    officer = await createStaffAccount(lentera, { role: 'department', name: 'Lina BK', email: 'lina.bk@smpn1.test' });
    const at = new Date().toISOString();
    const partner = lentera.db.prepare(
      'INSERT INTO partners (name, type, phone, email, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    partnerWithEmail = Number(
      partner.run('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'uptdppa@padang.test', 'Jl. Contoh 1', at, at).lastInsertRowid,
    );
    partnerByPhone = Number(partner.run('Puskesmas Andalas', 'health', '0751-777888', '', '', at, at).lastInsertRowid);
  });
  afterAll(() => lentera.cleanup());

  const as = (account: StaffAccount) => signedInAgent(lentera, account);

  async function newReport(
    fields = validReport(),
    resident: Agent = request.agent(lentera.app),
  ): Promise<{ reference: string; receipt: string }> {
    const receipt = await fileReport(resident, fields);
    const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    return { reference, receipt };
  }

  async function post(agent: Agent, path: string, fields: Record<string, string>) {
    const token = await tokenFrom(agent, path.replace(/\/[a-z-]+$/, ''));
    return agent
      .post(path)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  /** What the action run by `act` added to the outbox. */
  async function emailsFrom(act: () => Promise<unknown>): Promise<StoredEmail[]> {
    const before = lastOutboxId(lentera);
    await act();
    return outboxEmails(lentera, before);
  }

  const redirectTo = (partner: number, summary = 'Ringkasan untuk mitra: anak usia 9 tahun, dugaan kekerasan fisik oleh ayah.') => ({
    'redirect-partner': String(partner),
    'redirect-reason': 'mandate_elsewhere',
    'redirect-summary': summary,
    'redirect-explanation': 'Penjelasan untuk pelapor: UPTD PPA yang berwenang.',
  });

  describe('a new report marked immediate or urgent', () => {
    it.each(['immediate', 'urgent'])('(%s) tells TRIAGE_EMAIL at once: the reference and a link, nothing else', async (urgency) => {
      let reference = '';
      const emails = await emailsFrom(async () => {
        ({ reference } = await newReport(validReport({ urgency, narrative, ...contact })));
      });
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({ template: 'new_urgent_report', recipientKind: 'triage', to: 'triase@lk3.test', locale: 'id' });
      expect(Object.keys(emails[0]!.params).sort()).toEqual(['link', 'reference']);
      const text = readable(lentera, emails[0]!);
      expect(text).toContain(reference);
      expect(text).toContain(`${lentera.config.baseUrl}/staff/reports/${reference}`);
      for (const secret of [narrative, 'Dekat masjid', 'Bu Ani', '0812 3456 7890', 'ani.pelapor@contoh.id'])
        expect(text).not.toContain(secret);
    });

    it('(normal) sends nothing', async () => {
      expect(await emailsFrom(() => newReport(validReport({ urgency: 'normal' })))).toEqual([]);
    });
  });

  describe('a redirect', () => {
    it('emails the partner the summary staff wrote, how to reach the service and three signed links — never the narrative or contact details', async () => {
      const { reference } = await newReport(validReport({ narrative, ...contact }));
      const agent = await as(triage);
      const emails = await emailsFrom(async () =>
        expect((await post(agent, `/staff/reports/${reference}/redirect`, redirectTo(partnerWithEmail))).status).toBe(303),
      );
      expect(emails).toHaveLength(1);
      const email = emails[0]!;
      expect(email).toMatchObject({ template: 'redirect_to_partner', recipientKind: 'partner', to: 'uptdppa@padang.test' });
      const text = readable(lentera, email);
      expect(text).toContain(reference);
      expect(text).toContain('Ringkasan untuk mitra: anak usia 9 tahun');
      expect(text).toContain(lentera.config.orgName);
      expect(text).toContain('telepon (0751) 555-0101');
      for (const answer of ['received', 'accepted', 'declined'])
        expect(text).toMatch(new RegExp(`${lentera.config.baseUrl}/ack/[^\\s?]+\\?answer=${answer}`));
      for (const secret of [narrative, 'Penjelasan untuk pelapor', 'Dekat masjid', 'Bu Ani', '0812 3456 7890', 'ani.pelapor@contoh.id'])
        expect(text).not.toContain(secret);
      // Acknowledgement is due two working days on; the page says the email went out.
      const row = lentera.db
        .prepare(
          'SELECT d.ack_status, d.ack_due_at, d.created_at FROM redirects d JOIN reports r ON r.id = d.report_id WHERE r.reference = ?',
        )
        .get(reference) as Record<string, string>;
      expect(row.ack_status).toBe('sent');
      expect(new Date(row.ack_due_at!).getTime()).toBeGreaterThan(new Date(row.created_at!).getTime() + 24 * 3600 * 1000);
      expect((await agent.get(`/staff/reports/${reference}`).expect(200)).text).toContain(
        'Email pengalihan dikirim ke uptdppa@padang.test',
      );
    });

    it('never carries a stray control character pasted into the summary: the form refuses it first, and nothing is sent', async () => {
      const { reference } = await newReport();
      const agent = await as(triage);
      // Step 5, item 22: a summary is multi-line text, which holds no control character but tab and line breaks.
      const emails = await emailsFrom(async () => {
        const res = await post(
          agent,
          `/staff/reports/${reference}/redirect`,
          redirectTo(partnerWithEmail, 'Ringkasan\u000c dengan\u0008 karakter aneh'),
        );
        expect(res.status).toBe(400);
        expect(res.text).toContain('<a href="#redirect-summary">');
      });
      expect(emails).toEqual([]);
      expect(lentera.db.prepare('SELECT status FROM reports WHERE reference = ?').pluck().get(reference)).toBe('new');
    });

    it('to a partner without an email sends nothing, stands all the same, and the page says to phone them', async () => {
      const { reference } = await newReport();
      const agent = await as(triage);
      const emails = await emailsFrom(async () =>
        expect((await post(agent, `/staff/reports/${reference}/redirect`, redirectTo(partnerByPhone))).status).toBe(303),
      );
      expect(emails.filter((e) => e.recipientKind === 'partner')).toEqual([]);
      expect(lentera.db.prepare('SELECT status FROM reports WHERE reference = ?').pluck().get(reference)).toBe('redirected');
      const page = (await agent.get(`/staff/reports/${reference}`).expect(200)).text;
      expect(page).toContain('tidak punya alamat email');
      expect(page).toContain('0751-777888');
    });
  });

  describe('a decided referral', () => {
    async function referral(): Promise<string> {
      const agent = await as(officer);
      const token = await tokenFrom(agent, '/department/referrals/new');
      const res = await agent
        .post('/department/referrals/new')
        .type('form')
        .send(formBody({ ...validReferralForm({ urgency: 'normal' }), _csrf: token }));
      expect(res.status).toBe(303);
      return /(LAP-\d{4}-\d{6})$/.exec(res.headers.location as string)![1]!;
    }

    it('tells the referring officer the reference and the outcome in plain words, never the case notes', async () => {
      const reference = await referral();
      const departmentReference = lentera.db
        .prepare('SELECT f.department_reference FROM referrals f JOIN reports r ON r.id = f.report_id WHERE r.reference = ?')
        .pluck()
        .get(reference) as string;
      const agent = await as(triage);
      const emails = await emailsFrom(async () =>
        expect(
          (
            await post(agent, `/staff/reports/${reference}/accept`, {
              'accept-case_mode': 'new',
              'accept-case_number': '',
              'accept-assignee': '',
              'accept-risk': '',
              'accept-note': 'Catatan kasus: ayah diduga memakai NAPZA.',
            })
          ).status,
        ).toBe(303),
      );
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({ template: 'referral_decided', recipientKind: 'officer', to: 'lina.bk@smpn1.test' });
      const text = readable(lentera, emails[0]!);
      expect(text).toContain(reference);
      expect(text).toContain(departmentReference);
      expect(text).toContain('Hasil: Ditangani pekerja sosial');
      expect(text).toContain(`${lentera.config.baseUrl}/department/referrals/${reference}`);
      for (const secret of ['NAPZA', 'Rina Putri', 'Jl. Sawahan', 'ketakutan', 'Konseling']) expect(text).not.toContain(secret);
    });

    it.each([
      ['redirect', (p: number) => redirectTo(p), 'Diteruskan ke lembaga lain'],
      ['close', () => ({ 'close-reason': 'not_actionable', 'close-note': 'Catatan internal' }), 'Ditutup'],
    ] as const)('tells the officer of a %s too', async (form, fields, outcome) => {
      const reference = await referral();
      const agent = await as(triage);
      const emails = await emailsFrom(async () =>
        expect((await post(agent, `/staff/reports/${reference}/${form}`, fields(partnerByPhone))).status).toBe(303),
      );
      const toOfficer = emails.filter((e) => e.recipientKind === 'officer');
      expect(toOfficer).toHaveLength(1);
      expect(readable(lentera, toOfficer[0]!)).toContain(outcome);
      expect(readable(lentera, toOfficer[0]!)).not.toContain('Catatan internal');
    });

    it('through the API has no officer to tell', async () => {
      const department = lentera.services.departmentService.create(admin.id, 'Puskesmas Uji API');
      if (!department.ok) throw new Error('department name taken');
      const issued = lentera.services.apiTokenService.issue(admin.id, department.id, 'system');
      if (!issued.ok) throw new Error('token refused');
      const created = await request(lentera.app)
        .post('/api/v1/referrals')
        .set('Authorization', `Bearer ${issued.token}`)
        .send(validReferral({ urgency: 'normal' }));
      expect(created.status).toBe(201);
      const reference = created.body.reference as string;
      const agent = await as(triage);
      const emails = await emailsFrom(async () =>
        expect(
          (await post(agent, `/staff/reports/${reference}/close`, { 'close-reason': 'not_actionable', 'close-note': '' })).status,
        ).toBe(303),
      );
      expect(emails).toEqual([]);
    });
  });

  describe('a reporter who asked to be told', () => {
    const notify = { ...contact, contact_channel: 'email', contact_notify: 'yes' };

    it('gets "there is news, check with your receipt" for status changes and staff messages (one email for a sitting) — never the news, the reference or the receipt', async () => {
      const resident = request.agent(lentera.app);
      await resident.get('/report?lang=en').expect(200);
      const { reference, receipt } = await newReport(validReport(notify), resident);
      const stored = lentera.services.triageService.openReport(
        { id: triage.id, email: triage.email, name: triage.name, role: 'triage', departmentId: null },
        reference,
      )!.report;
      expect(stored.contact).toMatchObject({ email: 'ani.pelapor@contoh.id', notifyByEmail: true });
      // Reported on the English page: the report's language, which its emails follow.
      expect(stored.language).toBe('en');

      const agent = await as(triage);
      const claimed = await emailsFrom(() => post(agent, `/staff/reports/${reference}/claim`, {}));
      const asked = await emailsFrom(() =>
        post(agent, `/staff/reports/${reference}/ask`, { 'ask-message': 'Apakah anak itu bersekolah di dekat rumah?' }),
      );
      const closed = await emailsFrom(() =>
        post(agent, `/staff/reports/${reference}/close`, { 'close-reason': 'resolved_at_intake', 'close-note': 'Catatan penutupan' }),
      );
      // Three actions in one sitting: the first queues the email, the others only let it wait a little longer.
      expect([claimed.length, asked.length, closed.length]).toEqual([1, 0, 0]);
      const email = claimed[0]!;
      expect(email).toMatchObject({
        template: 'reporter_update',
        recipientKind: 'reporter',
        to: 'ani.pelapor@contoh.id',
        locale: 'en',
        params: {},
      });
      const text = readable(lentera, email);
      expect(text).toContain(`${lentera.config.baseUrl}/status`);
      expect(text).toContain('There is news for you');
      for (const secret of [reference, receipt, receipt.replace(/(\d{4})(?=\d)/g, '$1 '), 'bersekolah', 'Catatan penutupan', narrative])
        expect(text).not.toContain(secret);
    });

    it('who did not ask is never emailed', async () => {
      const { reference } = await newReport(validReport({ ...contact }));
      const agent = await as(triage);
      const emails = await emailsFrom(async () => {
        await post(agent, `/staff/reports/${reference}/claim`, {});
        await post(agent, `/staff/reports/${reference}/ask`, { 'ask-message': 'Pertanyaan' });
        await post(agent, `/staff/reports/${reference}/close`, { 'close-reason': 'not_actionable', 'close-note': '' });
      });
      expect(emails.filter((e) => e.recipientKind === 'reporter')).toEqual([]);
    });

    it('must give an email address: the checkbox alone is a 400 whose error links to the email field', async () => {
      const resident = request.agent(lentera.app);
      const token = await tokenFrom(resident, '/report');
      const before = lentera.db.prepare('SELECT count(*) FROM reports').pluck().get();
      const res = await resident
        .post('/report')
        .type('form')
        .send(formBody({ ...validReport({ ...contact, contact_email: '', contact_notify: 'yes' }), _csrf: token }));
      expect(res.status).toBe(400);
      expect(res.text).toContain('<a href="#contact_email">Tulis alamat email Anda agar kami dapat mengirim kabar');
      expect(res.text).toMatch(/id="contact_notify" name="contact_notify" value="yes"[^>]*checked/);
      expect(lentera.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(before);
    });
  });

  describe('accounts', () => {
    it("an administrator's invitation emails the link shown once to the invitee", async () => {
      const agent = await as(admin);
      const token = await tokenFrom(agent, '/staff/users/new');
      let page = '';
      const emails = await emailsFrom(async () => {
        const res = await agent
          .post('/staff/users')
          .type('form')
          .send(formBody({ email: 'Baru@LK3.test', name: 'Petugas Baru', role: 'admin', department: '', _csrf: token }));
        expect(res.status).toBe(200);
        page = res.text;
      });
      const link = /data-invitation-link>([^<]+)</.exec(page)![1]!;
      expect(page).toContain('juga sudah dikirim lewat email ke baru@lk3.test');
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({ template: 'staff_invitation', recipientKind: 'staff', to: 'baru@lk3.test' });
      const text = readable(lentera, emails[0]!);
      expect(text).toContain(link);
      expect(text).toContain('Petugas Baru');
      expect(text).toContain('sebagai Administrator');
      // The emailed link is the real one.
      expect((await request(lentera.app).get(new URL(link).pathname).expect(200)).text).toContain('Petugas Baru');

      const id = lentera.db.prepare("SELECT id FROM accounts WHERE email = 'baru@lk3.test'").pluck().get() as number;
      const renewToken = await tokenFrom(agent, `/staff/users/${id}`);
      const renewed = await emailsFrom(() =>
        agent
          .post(`/staff/users/${id}/invitation`)
          .type('form')
          .send(formBody({ _csrf: renewToken }))
          .expect(200),
      );
      expect(renewed.map((e) => e.template)).toEqual(['staff_invitation']);
      expect(renewed[0]!.params.link).not.toBe(link);
    });

    it('an invitation from the command line is emailed as well as printed', async () => {
      const out: string[] = [];
      const emails = await emailsFrom(() =>
        runUserCommand(['create', '--email', 'cli@lk3.test', '--name', 'Dari Terminal', '--role', 'triage'], {
          env: {
            NODE_ENV: 'test',
            DATABASE_PATH: lentera.config.databasePath,
            DATA_KEY: TEST_DATA_KEY,
            SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
          },
          readStdin: async () => '',
          out: (l) => out.push(l),
          err: () => undefined,
        }),
      );
      const printed = /(http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]+)/.exec(out.join('\n'))![1]!;
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({ template: 'staff_invitation', to: 'cli@lk3.test' });
      expect(emails[0]!.params.link).toBe(printed);
      expect(out.join('\n')).toContain('also emailed to cli@lk3.test');
    });

    it('a second-factor reset tells the person, and where to sign in to enrol again', async () => {
      const person = await createStaffAccount(lentera, { role: 'caseworker', name: 'Citra Peksos' });
      const agent = await as(admin);
      const token = await tokenFrom(agent, `/staff/users/${person.id}`);
      const emails = await emailsFrom(() =>
        agent
          .post(`/staff/users/${person.id}/reset-2fa`)
          .type('form')
          .send(formBody({ _csrf: token }))
          .expect(303),
      );
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({ template: 'totp_reset', recipientKind: 'staff', to: person.email });
      const text = readable(lentera, emails[0]!);
      expect(text).toContain('Citra Peksos');
      expect(text).toContain(`${lentera.config.baseUrl}/login`);
    });
  });
});
