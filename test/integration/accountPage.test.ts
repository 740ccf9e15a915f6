import request from 'supertest';
import { createTestApp, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, signIn, type StaffAccount } from '../helpers/staff';

async function changePassword(agent: Agent, fields: Record<string, string>) {
  const token = await tokenFrom(agent, '/account');
  return agent
    .post('/account/password')
    .type('form')
    .send(formBody({ ...fields, _csrf: token }));
}

describe('my account', () => {
  let lentera: TestApp;
  let clock: Date;
  let person: StaffAccount;
  beforeAll(async () => {
    clock = new Date('2026-03-02T02:00:00Z');
    lentera = createTestApp({}, { now: () => clock });
    person = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sari Koordinator' });
  });
  afterAll(() => lentera.cleanup());

  it('asks anyone not signed in to sign in first', async () => {
    await request(lentera.app).get('/account').expect(303).expect('Location', '/login?next=%2Faccount');
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/login');
    await agent
      .post('/account/password')
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(403);
  });

  it('shows who I am and that two-step verification is on, in both languages', async () => {
    const agent = await signedInAgent(lentera, person);
    const id = await agent.get('/account').expect(200);
    expect(id.text).toContain('Sari Koordinator');
    expect(id.text).toContain('Koordinator');
    expect(id.text).toContain('Aktif. Setiap kali masuk');
    const en = await agent.get('/account?lang=en').expect(200);
    expect(en.text).toContain('My account');
    expect(en.text).toContain('Two-step verification');
  });

  it('refuses a wrong current password with 400 and changes nothing', async () => {
    const agent = await signedInAgent(lentera, person);
    const before = lentera.db.prepare('SELECT password_hash FROM accounts WHERE id = ?').pluck().get(person.id);
    const res = await changePassword(agent, {
      current_password: 'salah sekali',
      password: 'kata sandi baru sekali',
      password_confirm: 'kata sandi baru sekali',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<a href="#current_password">Kata sandi saat ini tidak cocok</a>');
    expect(res.text).not.toContain('kata sandi baru sekali');
    expect(lentera.db.prepare('SELECT password_hash FROM accounts WHERE id = ?').pluck().get(person.id)).toBe(before);
  });

  it('checks the new password: length 8–128 and the same twice', async () => {
    const agent = await signedInAgent(lentera, person);
    const short = await changePassword(agent, { current_password: person.password, password: 'pendek', password_confirm: 'pendek' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('<a href="#password">Kata sandi paling sedikit 8 karakter</a>');
    const mismatch = await changePassword(agent, {
      current_password: person.password,
      password: 'cukup panjang kok',
      password_confirm: 'cukup panjang',
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('<a href="#password_confirm">');
    const empty = await changePassword(agent, { current_password: '', password: '', password_confirm: '' });
    expect(empty.text).toContain('<a href="#current_password">Masukkan kata sandi Anda saat ini</a>');
    expect(empty.text).toContain('<a href="#password">');
  });

  it('changes the password, ends my other sessions, keeps this one, and audits it without the password', async () => {
    const here = await signedInAgent(lentera, person);
    const elsewhere = await signedInAgent(lentera, person);
    const newPassword = 'sebuah kalimat rahasia baru';
    const res = await changePassword(here, { current_password: person.password, password: newPassword, password_confirm: newPassword });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');
    expect((await here.get('/account').expect(200)).text).toContain('Kata sandi Anda sudah diganti');
    await elsewhere.get('/account').expect(303);

    const oldPassword = person.password;
    person = { ...person, password: newPassword };
    expect(await signIn(request.agent(lentera.app), lentera, person)).toBe('/staff/queue');
    const withOld = request.agent(lentera.app);
    const token = await tokenFrom(withOld, '/login');
    await withOld
      .post('/login')
      .type('form')
      .send(formBody({ email: person.email, password: oldPassword, _csrf: token }))
      .expect(400);

    const audit = lentera.db
      .prepare("SELECT actor_account_id, subject_id, detail FROM audit_events WHERE action = 'account.password_changed'")
      .all();
    expect(audit).toEqual([{ actor_account_id: person.id, subject_id: String(person.id), detail: null }]);
    const everything = JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all());
    expect(everything).not.toContain(newPassword);
    expect(everything).not.toContain(oldPassword);
  });
});

describe('changing my password is throttled like signing in', () => {
  let lentera: TestApp;
  let clock: Date;
  let person: StaffAccount;
  beforeAll(async () => {
    clock = new Date('2026-03-02T02:00:00Z');
    lentera = createTestApp({ TRUST_PROXY: '1' }, { now: () => clock });
    person = await createStaffAccount(lentera, { role: 'triage', name: 'Tari Triase' });
  });
  afterAll(() => lentera.cleanup());

  /** The password form sent from a client address (behind the one trusted proxy). */
  async function changeFrom(agent: Agent, client: string, current: string, next = 'kata sandi yang baru sekali') {
    const token = await tokenFrom(agent, '/account');
    return agent
      .post('/account/password')
      .set('X-Forwarded-For', client)
      .type('form')
      .send(formBody({ current_password: current, password: next, password_confirm: next, _csrf: token }));
  }
  const passwordHash = () => lentera.db.prepare('SELECT password_hash FROM accounts WHERE id = ?').pluck().get(person.id);
  const locks = () =>
    lentera.db.prepare("SELECT actor_account_id, subject_id FROM audit_events WHERE action = 'account.password_change_locked'").all();

  it('locks after 5 wrong current passwords from one client: then even the right one is refused (429), and the lock is audited', async () => {
    const agent = await signedInAgent(lentera, person);
    const before = passwordHash();
    for (let i = 0; i < 4; i += 1) expect((await changeFrom(agent, '203.0.113.7', `tebakan ${i}`)).status).toBe(400);
    const fifth = await changeFrom(agent, '203.0.113.7', 'tebakan 5');
    expect(fifth.status).toBe(429);
    expect(fifth.text).toContain('<a href="#current_password">Kata sandi saat ini sudah terlalu sering salah');
    for (let i = 6; i <= 12; i += 1) expect((await changeFrom(agent, '203.0.113.7', `tebakan ${i}`)).status).toBe(429);
    const right = await changeFrom(agent, '203.0.113.7', person.password);
    expect(right.status).toBe(429);
    expect(passwordHash()).toBe(before);
    expect(locks()).toEqual([{ actor_account_id: person.id, subject_id: String(person.id) }]);

    // The same counters as signing in: that (email, client) pair cannot sign in either…
    const signInThere = request.agent(lentera.app);
    const loginToken = await tokenFrom(signInThere, '/login');
    await signInThere
      .post('/login')
      .set('X-Forwarded-For', '203.0.113.7')
      .type('form')
      .send(formBody({ email: person.email, password: person.password, _csrf: loginToken }))
      .expect(429);
    // …while the owner, from their own address, still changes their password.
    const elsewhere = await changeFrom(agent, '198.51.100.44', person.password, 'kalimat rahasia yang lain');
    expect(elsewhere.status).toBe(303);
    person = { ...person, password: 'kalimat rahasia yang lain' };
  });

  it('forgets the lock after 15 minutes, and never writes the client address', async () => {
    clock = new Date(clock.getTime() + 15 * 60_000 + 1000);
    const agent = await signedInAgent(lentera, person);
    expect((await changeFrom(agent, '203.0.113.7', person.password, 'kalimat rahasia ketiga')).status).toBe(303);
    const dump = JSON.stringify([
      lentera.db.prepare('SELECT * FROM audit_events').all(),
      lentera.db.prepare('SELECT * FROM sessions').all(),
    ]);
    expect(dump).not.toContain('203.0.113');
    expect(dump).not.toContain('198.51.100');
  });
});
