import request from 'supertest';
import { createTestApp, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, signIn, type StaffAccount } from '../helpers/staff';

async function changePassword(agent: Agent, fields: Record<string, string>) {
  const token = await tokenFrom(agent, '/account');
  return agent.post('/account/password').type('form').send(formBody({ ...fields, _csrf: token }));
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
    await agent.post('/account/password').type('form').send(formBody({ _csrf: token })).expect(403);
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
    const res = await changePassword(agent, { current_password: 'salah sekali', password: 'kata sandi baru sekali', password_confirm: 'kata sandi baru sekali' });
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
    const mismatch = await changePassword(agent, { current_password: person.password, password: 'cukup panjang kok', password_confirm: 'cukup panjang' });
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
    await withOld.post('/login').type('form').send(formBody({ email: person.email, password: oldPassword, _csrf: token })).expect(400);

    const audit = lentera.db.prepare("SELECT actor_account_id, subject_id, detail FROM audit_events WHERE action = 'account.password_changed'").all();
    expect(audit).toEqual([{ actor_account_id: person.id, subject_id: String(person.id), detail: null }]);
    const everything = JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all());
    expect(everything).not.toContain(newPassword);
    expect(everything).not.toContain(oldPassword);
  });
});
