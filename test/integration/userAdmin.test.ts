import request from 'supertest';
import { createTestApp, csrfTokenOf, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, signIn, type StaffAccount } from '../helpers/staff';
import { totpCodeAt } from '../../src/security/totp';

async function postFrom(agent: Agent, pagePath: string, action: string, fields: Record<string, string> = {}) {
  const token = await tokenFrom(agent, pagePath);
  return agent
    .post(action)
    .type('form')
    .send(formBody({ ...fields, _csrf: token }));
}

const invitationLinkOf = (html: string) => /data-invitation-link>([^<]+)</.exec(html)?.[1];

describe('the administrator manages accounts', () => {
  let lentera: TestApp;
  let clock: Date;
  let admin: StaffAccount;
  let adminAgent: Agent;
  beforeAll(async () => {
    clock = new Date('2026-03-02T02:00:00Z');
    lentera = createTestApp({}, { now: () => clock });
    admin = await createStaffAccount(lentera, { role: 'admin', name: 'Ani Admin' });
  });
  beforeEach(async () => {
    adminAgent = await signedInAgent(lentera, admin);
  });
  afterAll(() => lentera.cleanup());

  it('lists accounts with role, status and second factor', async () => {
    const page = await adminAgent.get('/staff/users').expect(200);
    expect(page.text).toContain('Ani Admin');
    expect(page.text).toContain(admin.email);
    expect(page.text).toContain('Administrator');
    expect(page.text).toContain('aria-current="page"');
  });

  // An administrator's own role sees no content: its link is shown to the inviting administrator (content roles: accountApproval.test.ts).
  it('invites someone by a one-time link shown once, who sets a password, signs in and enrols', async () => {
    const res = await postFrom(adminAgent, '/staff/users/new', '/staff/users', {
      email: 'budi@lk3.test',
      name: 'Budi Peksos',
      role: 'admin',
      department: '',
    });
    expect(res.status).toBe(200);
    const link = invitationLinkOf(res.text);
    expect(link).toMatch(/^http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{43}$/);
    const path = new URL(link!).pathname;
    const token = path.split('/').pop()!;

    // Not shown again anywhere, not stored, not audited.
    const id = lentera.db.prepare("SELECT id FROM accounts WHERE email = 'budi@lk3.test'").pluck().get() as number;
    const detail = await adminAgent.get(`/staff/users/${id}`).expect(200);
    expect(detail.text).not.toContain(token);
    expect(detail.text).toContain('data-account-status="invited"');
    expect(JSON.stringify(lentera.db.prepare('SELECT * FROM account_tokens').all())).not.toContain(token);
    const invited = lentera.db
      .prepare("SELECT actor_account_id, subject_type, subject_id, detail FROM audit_events WHERE action = 'account.invited'")
      .all();
    expect(invited).toEqual([
      { actor_account_id: admin.id, subject_type: 'account', subject_id: String(id), detail: '{"role":"admin","via":"admin"}' },
    ]);

    // The invitee sets a password.
    const invitee = request.agent(lentera.app);
    const invitePage = await invitee.get(path).expect(200);
    expect(invitePage.text).toContain('Halo Budi Peksos');
    const short = await invitee
      .post(path)
      .type('form')
      .send(formBody({ password: 'pendek', password_confirm: 'pendek', _csrf: csrfTokenOf(invitePage.text) }));
    expect(short.status).toBe(400);
    const password = 'budi suka kopi kawa daun';
    const set = await invitee
      .post(path)
      .type('form')
      .send(formBody({ password, password_confirm: password, _csrf: csrfTokenOf(invitePage.text) }));
    expect(set.status).toBe(303);
    // Straight on to enrol the second factor: the link proved who they are, no second password.
    expect(set.headers.location).toBe('/login/enrol');
    await request(lentera.app).get(path).expect(404);

    // Enrol, then the administrator's home.
    const enrol = await invitee.get('/login/enrol').expect(200);
    expect(enrol.text).toContain('Kata sandi Anda sudah disimpan. Sekarang aktifkan verifikasi dua langkah.');
    const secret = /data-totp-secret>([A-Z2-7 ]+)</.exec(enrol.text)![1]!.replace(/ /g, '');
    const done = await invitee
      .post('/login/enrol')
      .type('form')
      .send(formBody({ code: await totpCodeAt(secret, clock), _csrf: csrfTokenOf(enrol.text) }));
    expect(done.headers.location).toBe('/staff/partners');

    expect(lentera.db.prepare('SELECT action FROM audit_events WHERE subject_id = ? ORDER BY id').pluck().all(String(id))).toEqual([
      'account.invited',
      'account.invitation_accepted',
      'account.totp_enrolled',
      'auth.login',
    ]);
    const audit = JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all());
    for (const s of [token, password, secret]) expect(audit).not.toContain(s);
  });

  it('checks the invitation form: 400, errors linked to fields, values kept', async () => {
    const empty = await postFrom(adminAgent, '/staff/users/new', '/staff/users', { email: '', name: '', role: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<a href="#email">Masukkan alamat email</a>');
    expect(empty.text).toContain('<a href="#name">Masukkan nama lengkap</a>');
    expect(empty.text).toContain('<a href="#role-triage">Pilih peran</a>');

    const taken = await postFrom(adminAgent, '/staff/users/new', '/staff/users', {
      email: admin.email.toUpperCase(),
      name: 'Kembar',
      role: 'triage',
    });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('Sudah ada akun dengan alamat email ini');
    expect(taken.text).toContain('value="Kembar"');
    expect(taken.text).toMatch(/id="role-triage" name="role" value="triage" checked/);

    const noDepartment = await postFrom(adminAgent, '/staff/users/new', '/staff/users', {
      email: 'dinas@lk3.test',
      name: 'Dewi',
      role: 'department',
      department: '',
    });
    expect(noDepartment.status).toBe(400);
    expect(noDepartment.text).toContain('<a href="#department">Pilih perangkat daerah');
    const unknown = await postFrom(adminAgent, '/staff/users/new', '/staff/users', {
      email: 'dinas@lk3.test',
      name: 'Dewi',
      role: 'department',
      department: '999',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Pilih perangkat daerah dari daftar');
  });

  it('invites a department officer into an existing department; other roles get no department', async () => {
    const at = clock.toISOString();
    const departmentId = Number(
      lentera.db.prepare("INSERT INTO departments (name, created_at, updated_at) VALUES ('Puskesmas Andalas', ?, ?)").run(at, at)
        .lastInsertRowid,
    );
    const form = await adminAgent.get('/staff/users/new').expect(200);
    expect(form.text).toContain('Puskesmas Andalas');
    const res = await postFrom(adminAgent, '/staff/users/new', '/staff/users', {
      email: 'dewi@lk3.test',
      name: 'Dewi',
      role: 'department',
      department: String(departmentId),
    });
    expect(res.status).toBe(200);
    const other = await postFrom(adminAgent, '/staff/users/new', '/staff/users', {
      email: 'tono@lk3.test',
      name: 'Tono',
      role: 'admin',
      department: String(departmentId),
    });
    expect(other.status).toBe(200);
    const rows = lentera.db
      .prepare("SELECT email, department_id FROM accounts WHERE email IN ('dewi@lk3.test', 'tono@lk3.test') ORDER BY email")
      .all();
    expect(rows).toEqual([
      { email: 'dewi@lk3.test', department_id: departmentId },
      { email: 'tono@lk3.test', department_id: null },
    ]);
  });

  it('makes a new invitation link that replaces the old one', async () => {
    const first = invitationLinkOf(
      (await postFrom(adminAgent, '/staff/users/new', '/staff/users', { email: 'rudi@lk3.test', name: 'Rudi', role: 'admin' })).text,
    )!;
    const id = lentera.db.prepare("SELECT id FROM accounts WHERE email = 'rudi@lk3.test'").pluck().get() as number;
    const renewed = await postFrom(adminAgent, `/staff/users/${id}`, `/staff/users/${id}/invitation`);
    expect(renewed.status).toBe(200);
    const second = invitationLinkOf(renewed.text)!;
    expect(second).not.toBe(first);
    await request(lentera.app).get(new URL(first).pathname).expect(404);
    await request(lentera.app).get(new URL(second).pathname).expect(200);
  });

  it('deactivates an account, which ends its sessions at once; reactivates it', async () => {
    const worker = await createStaffAccount(lentera, { role: 'caseworker' });
    const workerAgent = await signedInAgent(lentera, worker);
    await workerAgent.get('/account').expect(200);
    const sessionsBefore = lentera.db.prepare('SELECT count(*) FROM sessions WHERE account_id = ?').pluck().get(worker.id);
    expect(sessionsBefore).toBe(1);

    const res = await postFrom(adminAgent, `/staff/users/${worker.id}`, `/staff/users/${worker.id}/deactivate`);
    expect(res.status).toBe(303);
    expect((await adminAgent.get(`/staff/users/${worker.id}`).expect(200)).text).toContain('Akun sudah dinonaktifkan');
    expect(lentera.db.prepare('SELECT count(*) FROM sessions WHERE account_id = ?').pluck().get(worker.id)).toBe(0);
    await workerAgent.get('/account').expect(303);

    // Cannot sign in while deactivated: the same answer as a wrong password.
    const attempt = await postFrom(request.agent(lentera.app), '/login', '/login', { email: worker.email, password: worker.password });
    expect(attempt.status).toBe(400);
    expect(attempt.text).toContain('Email atau kata sandi tidak cocok');

    await postFrom(adminAgent, `/staff/users/${worker.id}`, `/staff/users/${worker.id}/reactivate`).then((r) => expect(r.status).toBe(303));
    expect(await signIn(request.agent(lentera.app), lentera, worker)).toBe('/staff/cases');

    const actions = lentera.db
      .prepare("SELECT action, actor_account_id FROM audit_events WHERE subject_id = ? AND action LIKE 'account.%activated'")
      .all(String(worker.id));
    expect(actions).toEqual([
      { action: 'account.deactivated', actor_account_id: admin.id },
      { action: 'account.reactivated', actor_account_id: admin.id },
    ]);
  });

  it('does not let the administrator deactivate themself', async () => {
    const page = await adminAgent.get(`/staff/users/${admin.id}`).expect(200);
    expect(page.text).not.toContain(`/staff/users/${admin.id}/deactivate`);
    expect(page.text).toContain('Anda tidak dapat menonaktifkan akun Anda sendiri');
    const res = await adminAgent
      .post(`/staff/users/${admin.id}/deactivate`)
      .type('form')
      .send(formBody({ _csrf: csrfTokenOf(page.text) }));
    expect(res.status).toBe(400);
    expect(lentera.db.prepare('SELECT active FROM accounts WHERE id = ?').pluck().get(admin.id)).toBe(1);
    await adminAgent.get('/staff/users').expect(200);
  });

  it('resets a second factor: sessions end, and the person enrols again at the next sign-in', async () => {
    const worker = await createStaffAccount(lentera, { role: 'triage' });
    const workerAgent = await signedInAgent(lentera, worker);
    const res = await postFrom(adminAgent, `/staff/users/${worker.id}`, `/staff/users/${worker.id}/reset-2fa`);
    expect(res.status).toBe(303);
    expect((await adminAgent.get(`/staff/users/${worker.id}`)).text).toContain('data-totp-status="off"');
    expect(lentera.db.prepare('SELECT totp_secret_enc, totp_last_step FROM accounts WHERE id = ?').get(worker.id)).toEqual({
      totp_secret_enc: null,
      totp_last_step: null,
    });
    await workerAgent.get('/account').expect(303);

    const again = request.agent(lentera.app);
    const afterPassword = await postFrom(again, '/login', '/login', { email: worker.email, password: worker.password });
    expect(afterPassword.headers.location).toBe('/login/enrol');
    // The old secret's codes no longer matter: the code page is not offered.
    await again.get('/login/code').expect(303).expect('Location', '/login');
    expect(
      lentera.db
        .prepare("SELECT actor_account_id FROM audit_events WHERE action = 'account.totp_reset' AND subject_id = ?")
        .pluck()
        .get(String(worker.id)),
    ).toBe(admin.id);
  });

  it('answers 404 for an account that does not exist', async () => {
    await adminAgent.get('/staff/users/99999').expect(404);
    await adminAgent.get('/staff/users/abc').expect(404);
    const token = await tokenFrom(adminAgent, '/staff/users/new');
    await adminAgent
      .post('/staff/users/99999/deactivate')
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(404);
  });

  it.each(['triage', 'caseworker', 'supervisor', 'department'] as const)(
    'refuses the %s role with 403, for pages and actions',
    async (role) => {
      const someone = await createStaffAccount(lentera, { role });
      const agent = await signedInAgent(lentera, someone);
      await agent.get('/staff/users').expect(403);
      await agent.get('/staff/users/new').expect(403);
      await agent.get(`/staff/users/${admin.id}`).expect(403);
      const token = await tokenFrom(agent, '/account');
      for (const action of [
        '/staff/users',
        `/staff/users/${admin.id}/deactivate`,
        `/staff/users/${admin.id}/reactivate`,
        `/staff/users/${admin.id}/reset-2fa`,
        `/staff/users/${admin.id}/invitation`,
      ]) {
        await agent
          .post(action)
          .type('form')
          .send(formBody({ _csrf: token, email: 'x@lk3.test', name: 'X', role: 'admin' }))
          .expect(403);
      }
      expect(lentera.db.prepare("SELECT count(*) FROM accounts WHERE email = 'x@lk3.test'").pluck().get()).toBe(0);
      expect(lentera.db.prepare('SELECT active FROM accounts WHERE id = ?').pluck().get(admin.id)).toBe(1);
    },
  );

  it('sends someone not signed in to the login page', async () => {
    await request(lentera.app).get('/staff/users').expect(303).expect('Location', '/login?next=%2Fstaff%2Fusers');
  });
});
