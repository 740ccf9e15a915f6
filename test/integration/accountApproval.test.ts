import request from 'supertest';
import { runUserCommand } from '../../src/cli/user';
import { createTestApp, csrfTokenOf, formBody, tokenFrom, TEST_DATA_KEY, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { lastOutboxId, outboxEmails, readable } from '../helpers/outbox';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtpServer';
import { totpCodeAt } from '../../src/security/totp';

/**
 * Issue "Step 5", item 3: an administrator sees no content, and cannot get it by inviting a second
 * account of their own. A content role (triage, caseworker, supervisor) asked for by an
 * administrator waits for a supervisor's approval, with no link anywhere; approval sends the link to
 * the invitee's email only; every supervisor is told at the request and at the grant; the audit log
 * names who asked and who granted.
 */
describe("content roles need a supervisor's approval", () => {
  let smtp: TestSmtpServer;
  let lentera: TestApp;
  const clock = new Date('2026-03-02T02:00:00Z');
  let admin: StaffAccount;
  let sari: StaffAccount;
  let sinta: StaffAccount;
  let adminAgent: Agent;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    lentera = createTestApp({ SMTP_URL: smtp.url }, { now: () => clock });
    admin = await createStaffAccount(lentera, { role: 'admin', name: 'Ani Admin', email: 'ani@lk3.test' });
    sari = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sari Koordinator', email: 'sari@lk3.test' });
    sinta = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sinta Koordinator', email: 'sinta@lk3.test' });
    adminAgent = await signedInAgent(lentera, admin);
    await lentera.services.outboxService.drain(100);
    smtp.received.length = 0;
  });
  afterAll(async () => {
    lentera.cleanup();
    await smtp.close();
  });

  const accountId = (email: string) => lentera.db.prepare('SELECT id FROM accounts WHERE email = ?').pluck().get(email) as number;
  const tokensOf = (id: number) => lentera.db.prepare('SELECT count(*) FROM account_tokens WHERE account_id = ?').pluck().get(id) as number;
  const audit = (action: string, id: number) =>
    lentera.db
      .prepare('SELECT actor_account_id, detail FROM audit_events WHERE action = ? AND subject_id = ? ORDER BY id')
      .all(action, String(id));
  const linkIn = (text: string) => /(http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{43})/.exec(text)?.[1];

  async function postFrom(agent: Agent, page: string, action: string, fields: Record<string, string> = {}) {
    const token = await tokenFrom(agent, page);
    return agent
      .post(action)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  /** Sends what the outbox holds through the real SMTP server; returns what arrived, by recipient. */
  async function delivered(): Promise<{ to: string; subject: string; text: string }[]> {
    await lentera.services.outboxService.drain(100);
    const arrived = smtp.received.map((m) => ({ to: m.envelope.to.join(','), subject: m.parsed.subject ?? '', text: m.parsed.text ?? '' }));
    smtp.received.length = 0;
    return arrived;
  }

  it('the attack: an administrator invites a second account of their own as supervisor — no link on any page, no usable account', async () => {
    const before = lastOutboxId(lentera);
    const res = await postFrom(adminAgent, '/staff/users/new', '/staff/users', {
      email: 'ani+2@lk3.test',
      name: 'Ani Kedua',
      role: 'supervisor',
      department: '',
    });
    const id = accountId('ani+2@lk3.test');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/staff/users/${id}`);

    // Nothing to use: no link exists, on a page or anywhere else.
    expect(tokensOf(id)).toBe(0);
    const pages = [await adminAgent.get(`/staff/users/${id}`).expect(200), await adminAgent.get('/staff/users').expect(200)];
    for (const page of pages) expect(page.text).not.toContain('/invite/');
    expect(pages[0]!.text).toContain('Permintaan akun sudah dibuat');
    expect(pages[0]!.text).toContain('data-account-status="awaitingApproval"');
    expect(pages[0]!.text).toContain('diminta oleh Ani Admin');
    expect(pages[0]!.text).not.toContain(`/staff/users/${id}/invitation`);
    expect(pages[1]!.text).toContain('Menunggu persetujuan koordinator');
    // Asking for a new link, or approving it themself, gets the administrator nothing.
    expect((await postFrom(adminAgent, `/staff/users/${id}`, `/staff/users/${id}/invitation`)).status).toBe(400);
    await adminAgent.get('/staff/approvals').expect(403);
    expect((await postFrom(adminAgent, '/staff/users', `/staff/approvals/${id}/approve`)).status).toBe(403);
    expect(tokensOf(id)).toBe(0);
    expect(lentera.db.prepare('SELECT approval, active, password_hash FROM accounts WHERE id = ?').get(id)).toEqual({
      approval: 'pending',
      active: 1,
      password_hash: null,
    });
    // Not an account anyone can sign in as, assign a case to, or be told things as.
    const login = await postFrom(request.agent(lentera.app), '/login', '/login', {
      email: 'ani+2@lk3.test',
      password: 'apa saja yang panjang',
    });
    expect(login.status).toBe(400);
    expect(lentera.services.caseService.assignableWorkers().map((w) => w.id)).not.toContain(id);

    // Every supervisor is asked, by email: who asked, for whom, which role, where to decide. The invitee gets nothing yet.
    const emails = outboxEmails(lentera, before);
    expect(emails.map((e) => [e.template, e.to]).sort()).toEqual([
      ['account_approval_requested', 'sari@lk3.test'],
      ['account_approval_requested', 'sinta@lk3.test'],
    ]);
    const asked = readable(lentera, emails[0]!);
    for (const text of ['Ani Admin', 'Ani Kedua', 'ani+2@lk3.test', 'Peran: Koordinator', 'http://localhost:3000/staff/approvals'])
      expect(asked).toContain(text);
    expect(audit('account.approval_requested', id)).toEqual([{ actor_account_id: admin.id, detail: '{"role":"supervisor"}' }]);
    expect(audit('account.invited', id)).toEqual([]);
  });

  it('a supervisor approves it: the link goes by email to the invitee only, every supervisor hears who granted it, and the audit names both', async () => {
    const id = accountId('ani+2@lk3.test');
    await delivered();
    const sariAgent = await signedInAgent(lentera, sari);
    const list = await sariAgent.get('/staff/approvals').expect(200);
    expect(list.text).toContain('Ani Kedua');
    expect(list.text).toContain('ani+2@lk3.test');
    expect(list.text).toContain('href="/staff/approvals"');
    const approved = await sariAgent
      .post(`/staff/approvals/${id}/approve`)
      .type('form')
      .send(formBody({ _csrf: csrfTokenOf(list.text) }));
    expect(approved.status).toBe(303);
    expect(approved.headers.location).toBe('/staff/approvals');
    const after = await sariAgent.get('/staff/approvals').expect(200);
    expect(after.text).toContain('Permintaan disetujui');
    expect(after.text).not.toContain('/invite/');
    const detail = await adminAgent.get(`/staff/users/${id}`).expect(200);
    expect(detail.text).toContain('Disetujui oleh Sari Koordinator');
    expect(detail.text).not.toContain('/invite/');

    // Through the real SMTP server: the link to the invitee's address alone; the news to every supervisor.
    const mail = await delivered();
    const invitations = mail.filter((m) => linkIn(m.text));
    expect(invitations.map((m) => m.to)).toEqual(['ani+2@lk3.test']);
    const granted = mail.filter((m) => m.subject.includes('Akses ke isi laporan diberikan'));
    expect(granted.map((m) => m.to).sort()).toEqual(['sari@lk3.test', 'sinta@lk3.test']);
    for (const m of granted) {
      expect(m.text).toContain('Diberikan oleh: Sari Koordinator');
      expect(m.text).toContain('Ani Kedua (ani+2@lk3.test)');
    }
    expect(mail).toHaveLength(3);
    expect(audit('account.approval_requested', id)).toEqual([{ actor_account_id: admin.id, detail: '{"role":"supervisor"}' }]);
    expect(audit('account.approved', id)).toEqual([
      { actor_account_id: sari.id, detail: JSON.stringify({ role: 'supervisor', requestedBy: admin.id }) },
    ]);

    // A new link for a content role is emailed too, never shown; the old one stops working.
    const first = linkIn(invitations[0]!.text)!;
    const renewed = await postFrom(adminAgent, `/staff/users/${id}`, `/staff/users/${id}/invitation`);
    expect(renewed.status).toBe(303);
    const renewedPage = await adminAgent.get(`/staff/users/${id}`).expect(200);
    expect(renewedPage.text).toContain('Tautan undangan baru sudah dikirim lewat email');
    expect(renewedPage.text).not.toContain('/invite/');
    const again = await delivered();
    expect(again.map((m) => m.to)).toEqual(['ani+2@lk3.test']);
    const second = linkIn(again[0]!.text)!;
    expect(second).not.toBe(first);
    await request(lentera.app).get(new URL(first).pathname).expect(404);
    expect(audit('account.invited', id)).toEqual([
      { actor_account_id: admin.id, detail: JSON.stringify({ role: 'supervisor', via: 'admin', reissued: true, emailedOnly: true }) },
    ]);

    // Whoever reads that mailbox sets a password, enrols and works as a supervisor — the supervisor chose to let them.
    const invitee = request.agent(lentera.app);
    const path = new URL(second).pathname;
    const invitePage = await invitee.get(path).expect(200);
    const password = 'kata sandi ani yang kedua';
    await invitee
      .post(path)
      .type('form')
      .send(formBody({ password, password_confirm: password, _csrf: csrfTokenOf(invitePage.text) }))
      .expect(303);
    const signedIn = await postFrom(invitee, '/login', '/login', { email: 'ani+2@lk3.test', password });
    expect(signedIn.headers.location).toBe('/login/enrol');
    const enrol = await invitee.get('/login/enrol').expect(200);
    const secret = /data-totp-secret>([A-Z2-7 ]+)</.exec(enrol.text)![1]!.replace(/ /g, '');
    await invitee
      .post('/login/enrol')
      .type('form')
      .send(formBody({ code: await totpCodeAt(secret, clock), _csrf: csrfTokenOf(enrol.text) }))
      .expect(303)
      .expect('Location', '/staff/queue');
  });

  it('a refused request ends there: no link, no reactivation, no later approval', async () => {
    const res = await postFrom(adminAgent, '/staff/users/new', '/staff/users', {
      email: 'budi@lk3.test',
      name: 'Budi Peksos',
      role: 'caseworker',
      department: '',
    });
    expect(res.status).toBe(303);
    const id = accountId('budi@lk3.test');
    const sintaAgent = await signedInAgent(lentera, sinta);
    const refused = await postFrom(sintaAgent, '/staff/approvals', `/staff/approvals/${id}/refuse`);
    expect(refused.status).toBe(303);
    expect((await sintaAgent.get('/staff/approvals').expect(200)).text).toContain('Permintaan ditolak');
    expect(lentera.db.prepare('SELECT approval, active, password_hash FROM accounts WHERE id = ?').get(id)).toEqual({
      approval: 'refused',
      active: 0,
      password_hash: null,
    });
    expect(audit('account.refused', id)).toEqual([
      { actor_account_id: sinta.id, detail: JSON.stringify({ role: 'caseworker', requestedBy: admin.id }) },
    ]);

    // Approving it afterwards, renewing its link or reactivating it all fail, and make no link.
    const late = await postFrom(await signedInAgent(lentera, sari), '/staff/approvals', `/staff/approvals/${id}/approve`);
    expect(late.status).toBe(409);
    expect(late.text).toContain('Permintaan ini tidak lagi menunggu');
    expect((await postFrom(adminAgent, `/staff/users/${id}`, `/staff/users/${id}/invitation`)).status).toBe(400);
    expect((await postFrom(adminAgent, `/staff/users/${id}`, `/staff/users/${id}/reactivate`)).status).toBe(400);
    expect(tokensOf(id)).toBe(0);
    const detail = await adminAgent.get(`/staff/users/${id}`).expect(200);
    expect(detail.text).toContain('Ditolak oleh Sinta Koordinator');
    expect(detail.text).toContain('data-account-status="refused"');
    expect(detail.text).not.toContain(`/staff/users/${id}/reactivate`);
    expect(audit('account.approved', id)).toEqual([]);
  });

  it('only supervisors reach the approvals page, and it is in their menu', async () => {
    const sariAgent = await signedInAgent(lentera, sari);
    expect((await sariAgent.get('/staff/queue').expect(200)).text).toContain('<a href="/staff/approvals"');
    for (const role of ['triage', 'caseworker', 'department'] as const) {
      const agent = await signedInAgent(lentera, await createStaffAccount(lentera, { role }));
      await agent.get('/staff/approvals').expect(403);
    }
    await request(lentera.app).get('/staff/approvals').expect(303).expect('Location', '/login?next=%2Fstaff%2Fapprovals');
    await delivered();
  });

  it('the shell stays direct, but every supervisor is emailed when it grants a content role (audit: via cli)', async () => {
    const out: string[] = [];
    const code = await runUserCommand(
      ['create', '--email', 'tari@lk3.test', '--name', 'Tari Triase', '--role', 'triage', '--password-stdin'],
      {
        env: {
          NODE_ENV: 'test',
          DATABASE_PATH: lentera.config.databasePath,
          DATA_KEY: TEST_DATA_KEY,
          SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
        },
        readStdin: async () => 'kata sandi tari panjang',
        out: (l) => out.push(l),
        err: () => undefined,
        now: () => clock,
      },
    );
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('Every active supervisor is told by email');
    const id = accountId('tari@lk3.test');
    expect(lentera.db.prepare('SELECT approval, active FROM accounts WHERE id = ?').get(id)).toEqual({ approval: null, active: 1 });
    expect(audit('account.created', id)).toEqual([{ actor_account_id: null, detail: '{"role":"triage","via":"cli"}' }]);
    const mail = await delivered();
    expect(mail.map((m) => m.to).sort()).toEqual(['ani+2@lk3.test', 'sari@lk3.test', 'sinta@lk3.test']);
    for (const m of mail) expect(m.text).toContain('Diberikan oleh: perintah npm run user di server');
  });

  it('invitations for an administrator or a department officer stay direct: the link is shown once', async () => {
    const res = await postFrom(adminAgent, '/staff/users/new', '/staff/users', {
      email: 'dodi@lk3.test',
      name: 'Dodi Admin',
      role: 'admin',
      department: '',
    });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/data-invitation-link>http:\/\/localhost:3000\/invite\//);
    await delivered();
  });
});

describe('before there is any supervisor', () => {
  let lentera: TestApp;
  let adminAgent: Agent;
  beforeAll(async () => {
    lentera = createTestApp();
    adminAgent = await signedInAgent(lentera, await createStaffAccount(lentera, { role: 'admin' }));
  });
  afterAll(() => lentera.cleanup());

  it("the invitation page explains that the first supervisor is made from the server's shell, and a content role is refused", async () => {
    const form = await adminAgent.get('/staff/users/new').expect(200);
    expect(form.text).toContain('data-no-supervisor');
    expect(form.text).toContain('npm run user -- create --email … --name "…" --role supervisor');
    const token = csrfTokenOf(form.text);
    const res = await adminAgent
      .post('/staff/users')
      .type('form')
      .send(formBody({ email: 'tari@lk3.test', name: 'Tari', role: 'triage', department: '', _csrf: token }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('<a href="#role-triage">Belum ada koordinator yang dapat menyetujui peran ini');
    expect(res.text).toContain('value="Tari"');
    expect(lentera.db.prepare("SELECT count(*) FROM accounts WHERE email = 'tari@lk3.test'").pluck().get()).toBe(0);
    const english = await adminAgent.get('/staff/users/new?lang=en').expect(200);
    expect(english.text).toContain('creates the first supervisor from the server');
  });
});
