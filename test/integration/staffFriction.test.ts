import path from 'node:path';
import request from 'supertest';
import { createTestApp, csrfTokenOf, fileReport, formBody, tokenFrom, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { validReferralForm } from '../helpers/referrals';

/** The back office's words and the friction staff met walking through it (issue step 6, staff part). */
describe('the back office', () => {
  let lentera: TestApp;
  let triage: StaffAccount;
  let supervisor: StaffAccount;
  let caseworker: StaffAccount;
  let officer: StaffAccount;
  let admin: StaffAccount;

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor' });
    caseworker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Sari Peksos' });
    officer = await createStaffAccount(lentera, { role: 'department' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
  });
  afterAll(() => lentera.cleanup());

  async function newReport(fields = validReport()): Promise<string> {
    await fileReport(request.agent(lentera.app), fields);
    return lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
  }

  async function post(agent: Agent, pagePath: string, action: string, fields: Record<string, string>) {
    const token = await tokenFrom(agent, pagePath);
    return agent
      .post(action)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  describe('a missing permission has its own page, in the back office', () => {
    it.each([
      ['id', 'Anda tidak punya akses', 'Peran Anda (Petugas triase)'],
      ['en', 'You do not have access', 'Your role (Triage officer)'],
    ])('(%s) a page of another role: 403 "%s", with the back-office menu — never "page expired"', async (lang, title, role) => {
      const agent = await signedInAgent(lentera, triage);
      const res = await agent.get(`/staff/users?lang=${lang}`).expect(403);
      expect(res.text).toContain(`<h1>${title}</h1>`);
      expect(res.text).toContain(role);
      expect(res.text).toContain('class="staff-nav"');
      expect(res.text).toContain('href="/staff/queue"');
      expect(res.text).not.toContain('Halaman kedaluwarsa');
      expect(res.text).not.toContain('Page expired');
    });

    it('an action of another role (a POST with a good token) gets the same page', async () => {
      const agent = await signedInAgent(lentera, triage);
      const res = await post(agent, '/staff/queue', '/staff/users', { email: 'x@lk3.test', name: 'X', role: 'admin', department: '' });
      expect(res.status).toBe(403);
      expect(res.text).toContain('Anda tidak punya akses');
    });

    it("a caseworker assigning their own case (a supervisor's task) gets it too", async () => {
      const reference = await newReport();
      const sup = await signedInAgent(lentera, supervisor);
      expect(
        (
          await post(sup, `/staff/reports/${reference}`, `/staff/reports/${reference}/accept`, {
            'accept-case_mode': 'new',
            'accept-assignee': String(caseworker.id),
            'accept-risk': '',
            'accept-note': '',
          })
        ).status,
      ).toBe(303);
      const number = (
        lentera.db
          .prepare('SELECT c.number FROM cases c JOIN reports r ON r.case_id = c.id WHERE r.reference = ?')
          .pluck()
          .get(reference) as string
      ).replace(/\//g, '-');
      const worker = await signedInAgent(lentera, caseworker);
      const res = await post(worker, `/staff/cases/${number}`, `/staff/cases/${number}/assign`, {
        'assign-assignee': String(caseworker.id),
      });
      expect(res.status).toBe(403);
      expect(res.text).toContain('Anda tidak punya akses');
    });

    it('an expired or forged form token is still "page expired", not a permission refusal', async () => {
      const agent = await signedInAgent(lentera, admin);
      const res = await agent
        .post('/staff/users')
        .type('form')
        .send(formBody({ email: 'x@lk3.test', name: 'X', role: 'admin', _csrf: 'forged' }));
      expect(res.status).toBe(403);
      expect(res.text).toContain('Halaman kedaluwarsa');
      expect(res.text).not.toContain('tidak punya akses');
    });
  });

  describe('staff pages use staff words', () => {
    it("the reporter's choices read as hers, not as the form asked her", async () => {
      const reference = await newReport(
        validReport({
          relation: 'self',
          wants_contact: 'yes',
          contact_name: 'Bu Ani',
          contact_phone: '0812 3456 7890',
          contact_email: '',
          contact_channel: 'whatsapp',
          contact_hours: 'Sore',
          contact_leave_message: 'no',
        }),
      );
      const page = (await (await signedInAgent(lentera, triage)).get(`/staff/reports/${reference}?lang=id`).expect(200)).text;
      expect(page).toContain('<dt>Cara menghubungi yang dipilih pelapor</dt><dd>WhatsApp</dd>');
      expect(page).not.toContain('Cara menghubungi yang aman bagi Anda');
      expect(page).toContain('<dt>Hubungan pelapor</dt><dd>Pelapor sendiri yang mengalaminya</dd>');
      expect(page).not.toContain('Saya sendiri');
      const english = (await (await signedInAgent(lentera, triage)).get(`/staff/reports/${reference}?lang=en`).expect(200)).text;
      expect(english).toContain('How the reporter chose to be contacted');
      expect(english).not.toContain('The safe way to contact you');
    });

    it('on a referral, the message field says it goes to the department', async () => {
      const agent = await signedInAgent(lentera, officer);
      expect(
        (await post(agent, '/department/referrals/new', '/department/referrals/new', validReferralForm() as Record<string, string>)).status,
      ).toBe(303);
      const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
      const page = (await (await signedInAgent(lentera, triage)).get(`/staff/reports/${reference}?lang=id`).expect(200)).text;
      expect(page).toContain('<label for="ask-message">Pesan untuk perangkat daerah</label>');
      expect(page).not.toContain('<label for="ask-message">Pesan untuk pelapor</label>');
    });
  });

  describe('"Ditangani oleh" after acceptance', () => {
    it('names the social worker of the case, on the report page and in the queue', async () => {
      const reference = await newReport();
      const agent = await signedInAgent(lentera, triage);
      expect((await post(agent, `/staff/reports/${reference}`, `/staff/reports/${reference}/claim`, {})).status).toBe(303);
      expect((await agent.get(`/staff/reports/${reference}`).expect(200)).text).toContain(`<dt>Ditangani oleh</dt><dd>${triage.name}`);
      expect(
        (
          await post(agent, `/staff/reports/${reference}`, `/staff/reports/${reference}/accept`, {
            'accept-case_mode': 'new',
            'accept-assignee': String(caseworker.id),
            'accept-risk': '',
            'accept-note': '',
          })
        ).status,
      ).toBe(303);

      const page = (await agent.get(`/staff/reports/${reference}`).expect(200)).text;
      expect(page).toContain('<dt>Ditangani oleh</dt><dd>Sari Peksos');
      const queue = (await agent.get('/staff/queue?status=accepted').expect(200)).text;
      const row = queue.slice(queue.indexOf(`href="/staff/reports/${reference}"`));
      expect(row.slice(0, row.indexOf('</tr>'))).toContain('Sari Peksos');
      expect(row.slice(0, row.indexOf('</tr>'))).not.toContain(triage.name);
    });

    it('says so while the case has no social worker yet', async () => {
      const reference = await newReport();
      const agent = await signedInAgent(lentera, triage);
      expect(
        (
          await post(agent, `/staff/reports/${reference}`, `/staff/reports/${reference}/accept`, {
            'accept-case_mode': 'new',
            'accept-assignee': '',
            'accept-risk': '',
            'accept-note': '',
          })
        ).status,
      ).toBe(303);
      expect((await agent.get(`/staff/reports/${reference}`).expect(200)).text).toContain(
        '<dt>Ditangani oleh</dt><dd>Kasus, belum ada pekerja sosial',
      );
    });
  });

  describe('validation errors are words, never keys', () => {
    it('the accept form with a select left out says what to do', async () => {
      const reference = await newReport();
      const agent = await signedInAgent(lentera, triage);
      // A browser that sends no value for the risk select (the field missing from the body).
      const res = await post(agent, `/staff/reports/${reference}`, `/staff/reports/${reference}/accept`, {
        'accept-case_mode': 'new',
        'accept-assignee': '',
      });
      expect(res.status).toBe(400);
      expect(res.text).toContain('<a href="#accept-risk">Pilih tingkat risiko dari daftar</a>');
      expect(res.text).not.toMatch(/staffForms\.errors/);
      expect(res.text).not.toContain('Invalid input');
    });
  });

  describe('at start, the console says where emails go', () => {
    it('without SMTP_URL: the folder the .eml files are written to', () => {
      lentera.startOutboxWorker();
      const folder = path.resolve(lentera.config.dataDir, 'mail');
      expect(lentera.logs).toContain(
        `Email: SMTP_URL is not set, so each email is written as an .eml file to ${folder} (open one with any mail program).`,
      );
    });

    it('with SMTP_URL: the server, never its password', async () => {
      const smtp = createTestApp({ SMTP_URL: 'smtp://lentera:rahasia-sekali@mail.lk3.test:587' });
      try {
        smtp.startOutboxWorker();
        const line = smtp.logs.find((l) => l.startsWith('Email:'));
        expect(line).toBe('Email: sent through the SMTP server smtp://mail.lk3.test:587 (SMTP_URL).');
        await smtp.stopBackgroundWork();
      } finally {
        smtp.cleanup();
      }
    });
  });
});

describe('an invited colleague', () => {
  it('is signed in right after setting a password (second factor off: straight to their work)', async () => {
    const lentera = createTestApp({ REQUIRE_2FA: 'false' });
    try {
      const created = await lentera.services.accountService.createFromCommandLine(
        { email: 'tono@lk3.test', name: 'Tono', role: 'admin', departmentId: null },
        null,
      );
      if (!created.ok || !created.invitationLink) throw new Error('no invitation');
      const invitee = request.agent(lentera.app);
      const linkPath = new URL(created.invitationLink).pathname;
      const page = await invitee.get(linkPath).expect(200);
      const password = 'tono suka kopi kawa daun';
      const set = await invitee
        .post(linkPath)
        .type('form')
        .send(formBody({ password, password_confirm: password, _csrf: csrfTokenOf(page.text) }));
      expect(set.status).toBe(303);
      expect(set.headers.location).toBe('/staff/partners');
      const home = await invitee.get('/staff/partners').expect(200);
      expect(home.text).toContain('Kata sandi Anda sudah disimpan dan Anda sudah masuk.');
      expect(lentera.db.prepare("SELECT action, detail FROM audit_events WHERE action = 'auth.login'").all()).toEqual([
        { action: 'auth.login', detail: '{"factor":"invitation"}' },
      ]);
    } finally {
      lentera.cleanup();
    }
  });
});

describe("the first administrator's setup page", () => {
  it('has the language switch, also after a mistake, and switching keeps what was typed', async () => {
    const lentera = createTestApp();
    try {
      const setupPath = /\/setup\/[A-Za-z0-9_-]+/.exec(lentera.logs.join('\n'))![0];
      const agent = request.agent(lentera.app);
      const page = await agent.get(setupPath).expect(200);
      expect(page.text).toMatch(/<button type="submit" form="setup-form" name="_switch_lang" value="en"[^>]*>English<\/button>/);
      const token = csrfTokenOf(page.text);
      const wrong = await agent
        .post(setupPath)
        .type('form')
        .send(formBody({ name: 'Ani', email: 'ani@lk3.test', password: 'pendek', password_confirm: 'pendek', _csrf: token }));
      expect(wrong.status).toBe(400);
      expect(wrong.text).toMatch(/name="_switch_lang" value="en"/);
      const switched = await agent
        .post(setupPath)
        .type('form')
        .send(formBody({ name: 'Ani', email: 'ani@lk3.test', password: '', password_confirm: '', _switch_lang: 'en', _csrf: token }));
      expect(switched.status).toBe(200);
      expect(switched.text).toContain('<html lang="en">');
      expect(switched.text).toContain('value="ani@lk3.test"');
      expect(switched.text).toContain('value="Ani"');
      expect(switched.text).not.toContain('error-summary');
      expect(lentera.db.prepare('SELECT count(*) FROM accounts').pluck().get()).toBe(0);
    } finally {
      lentera.cleanup();
    }
  });
});
