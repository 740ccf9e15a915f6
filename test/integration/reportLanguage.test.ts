import request from 'supertest';
import { bootstrap } from '../../src/bootstrap';
import { createFieldCipher } from '../../src/data/fieldCipher';
import { createReportRepository } from '../../src/data/reportRepository';
import { createTestApp, fileReport, formBody, TEST_DATA_KEY, tokenFrom, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { lastOutboxId, outboxEmails, readable } from '../helpers/outbox';
import { validReferral, validReferralForm } from '../helpers/referrals';

/**
 * A report records the language it was written in: staff see it on the queue and the report page
 * (so they ask in it), and the emails to the reporter are in it.
 */
describe('the language of a report', () => {
  let lentera: TestApp;
  let triage: StaffAccount;
  let officer: StaffAccount;
  let admin: StaffAccount;

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000', RATE_RECEIPT_CHECKS_PER_IP: '1000' });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    officer = await createStaffAccount(lentera, { role: 'department' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
  });
  afterAll(() => lentera.cleanup());

  const languageOf = (reference: string) =>
    lentera.db.prepare('SELECT language FROM reports WHERE reference = ?').pluck().get(reference) as string | null;
  const latestReference = () => lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;

  async function fileIn(lang: 'id' | 'en', fields = validReport()): Promise<string> {
    const resident = request.agent(lentera.app);
    await resident.get(`/?lang=${lang}`).expect(200);
    await fileReport(resident, fields);
    return latestReference();
  }

  async function post(agent: Agent, path: string, fields: Record<string, string>) {
    const token = await tokenFrom(agent, path.replace(/\/[a-z-]+$/, ''));
    return agent
      .post(path)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  describe('is recorded as the report arrives', () => {
    it('from the page a resident wrote it on', async () => {
      expect(languageOf(await fileIn('en'))).toBe('en');
      expect(languageOf(await fileIn('id'))).toBe('id');
    });

    it('from the department form: the language of its page', async () => {
      const agent = await signedInAgent(lentera, officer);
      await agent.get('/department?lang=en').expect(200);
      const token = await tokenFrom(agent, '/department/referrals/new');
      await agent
        .post('/department/referrals/new')
        .type('form')
        .send(formBody({ ...validReferralForm(), _csrf: token }))
        .expect(303);
      expect(languageOf(latestReference())).toBe('en');
    });

    it('from the API: the language the request asked for (Accept-Language), else the default', async () => {
      const department = lentera.services.departmentService.create(admin.id, 'Puskesmas Bahasa');
      if (!department.ok) throw new Error('department name taken');
      const issued = lentera.services.apiTokenService.issue(admin.id, department.id, 'system');
      if (!issued.ok) throw new Error('token refused');
      const english = await request(lentera.app)
        .post('/api/v1/referrals')
        .set('Authorization', `Bearer ${issued.token}`)
        .set('Accept-Language', 'en')
        .send(validReferral());
      expect(english.status).toBe(201);
      expect(languageOf(english.body.reference as string)).toBe('en');
      const plain = await request(lentera.app)
        .post('/api/v1/referrals')
        .set('Authorization', `Bearer ${issued.token}`)
        .send(validReferral());
      expect(languageOf(plain.body.reference as string)).toBe('id');
    });
  });

  describe('staff see it, to ask in it', () => {
    it('on the queue, in a column of its own', async () => {
      const reference = await fileIn('en');
      const agent = await signedInAgent(lentera, triage);
      const queue = (await agent.get('/staff/queue').expect(200)).text;
      expect(queue).toContain('<th scope="col">Bahasa</th>');
      const row = queue.slice(queue.indexOf(`href="/staff/reports/${reference}"`));
      expect(row.slice(0, row.indexOf('</tr>'))).toContain('<td>Bahasa Inggris</td>');
      const english = (await agent.get('/staff/queue?lang=en').expect(200)).text;
      expect(english).toContain('<th scope="col">Language</th>');
    });

    it('on the report page, and beside the message form: "write your question in …"', async () => {
      const reference = await fileIn('en');
      const agent = await signedInAgent(lentera, triage);
      const page = (await agent.get(`/staff/reports/${reference}?lang=id`).expect(200)).text;
      expect(page).toMatch(/<dt>Bahasa laporan<\/dt><dd id="report-language">Bahasa Inggris<\/dd>/);
      const askForm = page.slice(page.indexOf('action="/staff/reports/' + reference + '/ask"'));
      expect(askForm.slice(0, askForm.indexOf('</form>'))).toMatch(
        /<p class="hint" id="ask-message-hint">[^<]*Tulis pertanyaan dalam Bahasa Inggris\.<\/p>/,
      );
      const english = (await agent.get(`/staff/reports/${reference}?lang=en`).expect(200)).text;
      expect(english).toContain('Write your question in English.');

      const indonesian = await fileIn('id');
      expect((await agent.get(`/staff/reports/${indonesian}?lang=en`).expect(200)).text).toContain('Write your question in Indonesian.');
    });
  });

  describe('emails to the reporter follow it', () => {
    const notify = {
      wants_contact: 'yes',
      contact_name: 'Ann',
      contact_phone: '',
      contact_email: 'ann@example.org',
      contact_channel: 'email',
      contact_hours: '',
      contact_leave_message: 'no',
      contact_notify: 'yes',
    };

    it('an English report gets an English email', async () => {
      const reference = await fileIn('en', validReport(notify));
      const before = lastOutboxId(lentera);
      expect((await post(await signedInAgent(lentera, triage), `/staff/reports/${reference}/claim`, {})).status).toBe(303);
      const [email] = outboxEmails(lentera, before);
      expect(email).toMatchObject({ template: 'reporter_update', to: 'ann@example.org', locale: 'en' });
      expect(readable(lentera, email!)).toContain('There is news for you');
    });

    it("the report's language decides, whatever the contact details hold", async () => {
      // Contact details without a language of their own, as every report keeps them now.
      const { reference } = lentera.services.reportService.submitPublicReport({
        category: 'neglect',
        affectedGroups: ['child'],
        kecamatanCode: '13.71.01',
        kelurahanCode: null,
        locationDetail: null,
        narrative: 'A child next door is left alone for days without food.',
        urgency: 'normal',
        reporterRelation: 'neighbour',
        contact: {
          name: 'Ann',
          phone: '',
          email: 'ann.too@example.org',
          channel: 'email',
          safeHours: '',
          mayLeaveMessage: false,
          notifyByEmail: true,
        },
        language: 'en',
      });
      const before = lastOutboxId(lentera);
      expect((await post(await signedInAgent(lentera, triage), `/staff/reports/${reference}/claim`, {})).status).toBe(303);
      expect(outboxEmails(lentera, before).map((e) => [e.to, e.locale])).toEqual([['ann.too@example.org', 'en']]);
    });
  });
});

describe('reports filed before the language was recorded', () => {
  it('get one at the next start: the locale their contact details kept, else DEFAULT_LOCALE — once', () => {
    const first = createTestApp();
    try {
      const reports = createReportRepository(first.db, createFieldCipher(Buffer.from(TEST_DATA_KEY, 'hex')));
      const base = {
        receiptHash: null,
        departmentId: null,
        source: 'public' as const,
        category: 'neglect' as const,
        affectedGroups: [],
        kecamatanCode: '13.71.01',
        kelurahanCode: null,
        locationDetail: null,
        narrative: 'Cerita yang cukup panjang untuk laporan lama.',
        urgency: 'normal' as const,
        reporterRelation: 'neighbour' as const,
        language: 'id' as const,
        status: 'new' as const,
        slaDueAt: new Date('2026-01-10T00:00:00Z'),
        createdAt: new Date('2026-01-05T00:00:00Z'),
      };
      const contact = {
        name: 'Ann',
        phone: '',
        email: 'ann@example.org',
        channel: 'email' as const,
        safeHours: '',
        mayLeaveMessage: false,
      };
      const english = reports.insert({ ...base, reference: 'LAP-2026-900001', contact: { ...contact, notifyByEmail: true, locale: 'en' } });
      const noLocale = reports.insert({ ...base, reference: 'LAP-2026-900002', contact: { ...contact, notifyByEmail: false } });
      const anonymous = reports.insert({ ...base, reference: 'LAP-2026-900003', contact: null });
      // As migration 0012 leaves the reports already there.
      first.db.prepare('UPDATE reports SET language = NULL').run();

      const logs: string[] = [];
      const env = {
        NODE_ENV: 'test',
        DATABASE_PATH: first.config.databasePath,
        DATA_KEY: TEST_DATA_KEY,
        SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
        DEFAULT_LOCALE: 'en',
      };
      const restarted = bootstrap(env, { log: (m) => logs.push(m) });
      const language = (id: number) => restarted.db.prepare('SELECT language FROM reports WHERE id = ?').pluck().get(id);
      try {
        expect([language(english), language(noLocale), language(anonymous)]).toEqual(['en', 'en', 'en']);
        expect(logs).toContain('Recorded the language of 3 report(s) filed before Lentera kept it.');
      } finally {
        restarted.close();
      }

      // With Indonesian as the default, a report whose contact details say English still gets English.
      first.db.prepare('UPDATE reports SET language = NULL').run();
      const again = bootstrap({ ...env, DEFAULT_LOCALE: 'id' }, { log: (m) => logs.push(m) });
      try {
        const rows = again.db.prepare('SELECT id, language FROM reports ORDER BY id').all();
        expect(rows).toEqual([
          { id: english, language: 'en' },
          { id: noLocale, language: 'id' },
          { id: anonymous, language: 'id' },
        ]);
      } finally {
        again.close();
      }
      const third: string[] = [];
      bootstrap({ ...env, DEFAULT_LOCALE: 'id' }, { log: (m) => third.push(m) }).close();
      expect(third.join('\n')).not.toContain('Recorded the language');
    } finally {
      first.cleanup();
    }
  });
});
