import request from 'supertest';
import { createTestApp, csrfTokenOf, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, signIn, unusedCode, type StaffAccount } from '../helpers/staff';
import { totpCodeAt } from '../../src/security/totp';
import { SESSION_COOKIE } from '../../src/middleware/setUpSession';

const sessionCookieOf = (res: request.Response): string | undefined =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.split(';')[0];

async function postPassword(agent: Agent, email: string, password: string, client?: string) {
  const token = await tokenFrom(agent, '/login');
  const req = agent.post('/login').type('form');
  if (client) req.set('X-Forwarded-For', client);
  return req.send(formBody({ email, password, _csrf: token }));
}

async function postCode(agent: Agent, code: string, path = '/login/code', client?: string) {
  const token = await tokenFrom(agent, path);
  const req = agent.post(path).type('form');
  if (client) req.set('X-Forwarded-For', client);
  return req.send(formBody({ code, _csrf: token }));
}

const auditRows = (lentera: TestApp, action: string) =>
  lentera.db
    .prepare('SELECT actor_account_id, subject_type, subject_id, detail FROM audit_events WHERE action = ? ORDER BY id')
    .all(action) as {
    actor_account_id: number | null;
    subject_type: string | null;
    subject_id: string | null;
    detail: string | null;
  }[];

describe('signing in with a password and a code', () => {
  let lentera: TestApp;
  let clock: Date;
  let triage: StaffAccount;
  beforeAll(async () => {
    clock = new Date('2026-03-02T02:00:00Z');
    lentera = createTestApp({ TRUST_PROXY: '1' }, { now: () => clock });
    triage = await createStaffAccount(lentera, { role: 'triage', name: 'Rina Triase' });
  });
  afterAll(() => lentera.cleanup());
  const tick = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };

  it('asks for the code after the password, then lands on the role home with a new session id each step', async () => {
    const agent = request.agent(lentera.app);
    const page = await agent.get('/login').expect(200);
    expect(page.text).toContain('Masuk ke kantor layanan');
    // The sign-in page stores nothing: no session before the visitor submits something.
    expect(sessionCookieOf(page)).toBeUndefined();
    expect(lentera.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);

    const afterPassword = await agent
      .post('/login')
      .type('form')
      .send(formBody({ email: triage.email, password: triage.password, _csrf: csrfTokenOf(page.text) }));
    expect(afterPassword.status).toBe(303);
    expect(afterPassword.headers.location).toBe('/login/code');
    const pending = sessionCookieOf(afterPassword);
    expect(pending).toBeDefined();

    // Not signed in yet: the password alone opens nothing.
    await agent.get('/account').expect(303).expect('Location', '/login?next=%2Faccount');

    tick(30_000);
    const codePage = await agent.get('/login/code').expect(200);
    const signedIn = await agent
      .post('/login/code')
      .type('form')
      .send(formBody({ code: await unusedCode(lentera, triage), _csrf: csrfTokenOf(codePage.text) }));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/staff/queue');
    const full = sessionCookieOf(signedIn);
    expect(full).toBeDefined();
    expect(full).not.toBe(pending);

    const account = await agent.get('/account').expect(200);
    expect(account.text).toContain('Rina Triase');
    expect(account.text).toContain('data-totp-status="on"');

    // The earlier session ids are gone from the store.
    for (const old of [pending!]) {
      await request(lentera.app).get('/account').set('Cookie', old).expect(303);
    }
    const row = lentera.db.prepare('SELECT account_id FROM sessions WHERE account_id = ?').get(triage.id);
    expect(row).toBeDefined();

    const logins = auditRows(lentera, 'auth.login');
    expect(logins.at(-1)).toMatchObject({
      actor_account_id: triage.id,
      subject_type: 'account',
      subject_id: String(triage.id),
      detail: '{"factor":"totp"}',
    });
  });

  it('follows a same-site next path, and ignores one that leaves the site', async () => {
    tick(30_000);
    const agent = request.agent(lentera.app);
    expect(await signIn(agent, lentera, triage, '/account')).toBe('/account');
    tick(30_000);
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const other = request.agent(lentera.app);
      expect(await signIn(other, lentera, triage, bad)).toBe('/staff/queue');
    }
  });

  it('answers a wrong password and an unknown email the same way, and keeps the email typed', async () => {
    const agent = request.agent(lentera.app);
    const wrong = await postPassword(agent, triage.email, 'not the password', '198.51.100.20');
    const unknown = await postPassword(agent, 'nobody@lk3.test', 'not the password', '198.51.100.21');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(400);
      expect(res.text).toContain('Email atau kata sandi tidak cocok');
      expect(res.text).toContain('<a href="#email">');
      expect(res.text).not.toContain('not the password');
    }
    expect(wrong.text).toContain(`value="${triage.email}"`);
    const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/, '').replace(/value="[^"]*@lk3.test"/, '');
    expect(strip(wrong.text)).toBe(strip(unknown.text));

    const failures = auditRows(lentera, 'auth.login_failed');
    expect(failures.at(-2)).toMatchObject({ actor_account_id: null, subject_id: String(triage.id), detail: '{"reason":"password"}' });
    // Nothing about what was typed for an unknown email.
    expect(failures.at(-1)).toEqual({ actor_account_id: null, subject_type: null, subject_id: null, detail: '{"reason":"credentials"}' });
    const everything = JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all());
    expect(everything).not.toContain('nobody');
    expect(everything).not.toContain('198.51.100');
  });

  it('asks for both fields when they are empty', async () => {
    const res = await postPassword(request.agent(lentera.app), '', '');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<a href="#email">Masukkan alamat email Anda</a>');
    expect(res.text).toContain('<a href="#password">Masukkan kata sandi Anda</a>');
  });

  it('refuses a wrong code and a code already used, and accepts the next one', async () => {
    tick(60_000);
    const agent = request.agent(lentera.app);
    await postPassword(agent, triage.email, triage.password);
    const good = await unusedCode(lentera, triage);
    const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
    const refused = await postCode(agent, wrong);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Kode keamanan salah atau sudah pernah dipakai');
    expect(refused.text).toContain('<a href="#code">');
    await postCode(agent, good).then((r) => expect(r.headers.location).toBe('/staff/queue'));

    // The same code again, in the same 30 seconds, from another browser: refused.
    const replay = request.agent(lentera.app);
    await postPassword(replay, triage.email, triage.password);
    const reused = await postCode(replay, good);
    expect(reused.status).toBe(400);
    expect(auditRows(lentera, 'auth.login_failed').at(-1)?.detail).toBe('{"reason":"code_reused"}');
    await replay.get('/account').expect(303);

    // The next step's code works.
    tick(30_000);
    const next = await postCode(replay, await totpCodeAt(triage.totpSecret, clock));
    expect(next.headers.location).toBe('/staff/queue');
  });

  it('checks the code format before anything else', async () => {
    const agent = request.agent(lentera.app);
    await postPassword(agent, triage.email, triage.password);
    const res = await postCode(agent, '12ab');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Kode keamanan terdiri dari 6 angka');
  });

  it('sends the code page back to the password when there is no pending sign-in, or it is stale', async () => {
    const agent = request.agent(lentera.app);
    await agent.get('/login/code').expect(303).expect('Location', '/login');
    await postPassword(agent, triage.email, triage.password);
    tick(11 * 60_000);
    await agent.get('/login/code').expect(303).expect('Location', '/login');
  });

  it('signs out: the session is destroyed and audited', async () => {
    tick(30_000);
    const agent = await signedInAgent(lentera, triage);
    const page = await agent.get('/account').expect(200);
    const signedInCookie = sessionCookieOf(await agent.get('/login?next=%2Faccount')) ?? undefined;
    expect(signedInCookie).toBeUndefined(); // no new session while signed in
    const out = await agent
      .post('/logout')
      .type('form')
      .send(formBody({ _csrf: csrfTokenOf(page.text) }));
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    const login = await agent.get('/login').expect(200);
    expect(login.text).toContain('Anda sudah keluar');
    await agent.get('/account').expect(303);
    expect(auditRows(lentera, 'auth.logout').at(-1)).toMatchObject({ actor_account_id: triage.id });
  });

  it('ends a session after 30 idle minutes', async () => {
    tick(30_000);
    const agent = await signedInAgent(lentera, triage);
    tick(29 * 60_000);
    await agent.get('/account').expect(200);
    tick(31 * 60_000);
    await agent.get('/account').expect(303).expect('Location', '/login?next=%2Faccount');
  });

  it('ends a session after 8 hours however active', async () => {
    tick(30_000);
    const agent = await signedInAgent(lentera, triage);
    for (let i = 0; i < 24; i += 1) {
      tick(20 * 60_000);
      await agent.get('/account').expect(200);
    }
    tick(20 * 60_000 + 1000);
    await agent.get('/account').expect(303);
  });
});

describe('failed sign-ins slow down, then lock per email and client', () => {
  let lentera: TestApp;
  let clock: Date;
  let account: StaffAccount;
  beforeAll(async () => {
    clock = new Date('2026-03-02T02:00:00Z');
    lentera = createTestApp({ TRUST_PROXY: '1' }, { now: () => clock });
    account = await createStaffAccount(lentera, { role: 'caseworker' });
  });
  afterAll(() => lentera.cleanup());

  it('locks the (email, client) pair after 5 failures for 15 minutes, without locking the person out elsewhere', async () => {
    const attacker = request.agent(lentera.app);
    for (let i = 0; i < 4; i += 1) {
      expect((await postPassword(attacker, account.email, `guess ${i}`, '203.0.113.7')).status).toBe(400);
    }
    // The fifth failure locks, and says so.
    expect((await postPassword(attacker, account.email, 'guess 5', '203.0.113.7')).status).toBe(429);
    // Locked: even the right password is refused from that address.
    const locked = await postPassword(attacker, account.email, account.password, '203.0.113.7');
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Terlalu banyak percobaan yang gagal');
    expect(auditRows(lentera, 'auth.login_locked')).toHaveLength(1);

    // The owner, from their own address, signs in.
    const owner = request.agent(lentera.app);
    const fromElsewhere = await postPassword(owner, account.email, account.password, '198.51.100.44');
    expect(fromElsewhere.status).toBe(303);
    expect(fromElsewhere.headers.location).toBe('/login/code');

    // Another email from the locked address is not locked by this pair.
    expect((await postPassword(attacker, 'someone.else@lk3.test', 'whatever1', '203.0.113.7')).status).toBe(400);

    // After 15 minutes the pair may try again.
    clock = new Date(clock.getTime() + 15 * 60_000 + 1000);
    const later = await postPassword(attacker, account.email, account.password, '203.0.113.7');
    expect(later.status).toBe(303);
  });

  it('counts wrong codes with the password failures', async () => {
    const agent = request.agent(lentera.app);
    const client = '203.0.113.50';
    await postPassword(agent, account.email, account.password, client);
    for (let i = 0; i < 4; i += 1) expect((await postCode(agent, '000000', '/login/code', client)).status).toBe(400);
    const fifth = await postCode(agent, '000000', '/login/code', client);
    expect(fifth.status).toBe(429);
    // The pending sign-in is dropped: back to the password.
    await agent.get('/login/code').expect(303).expect('Location', '/login');
  });

  it('never writes the client address anywhere in the database', () => {
    const dump = JSON.stringify([
      lentera.db.prepare('SELECT * FROM audit_events').all(),
      lentera.db.prepare('SELECT * FROM sessions').all(),
    ]);
    expect(dump).not.toContain('203.0.113');
    expect(dump).not.toContain('198.51.100');
  });
});

describe('with REQUIRE_2FA=false', () => {
  let lentera: TestApp;
  afterAll(() => lentera.cleanup());

  it('signs in with the password alone, for development', async () => {
    lentera = createTestApp({ REQUIRE_2FA: 'false' });
    const admin = await createStaffAccount(lentera, { role: 'admin' });
    const agent = request.agent(lentera.app);
    const res = await postPassword(agent, admin.email, admin.password);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/partners');
    await agent.get('/account').expect(200);
    expect(auditRows(lentera, 'auth.login').at(-1)?.detail).toBe('{"factor":"password"}');
  });
});
