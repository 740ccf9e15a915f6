import request from 'supertest';
import { bootstrap } from '../../src/bootstrap';
import { totpCodeAt } from '../../src/security/totp';
import { createTestApp, csrfTokenOf, formBody, TEST_DATA_KEY, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';

const setupLinkIn = (logs: string[]): string | undefined => logs.join('\n').match(/http:\/\/localhost:\d+(\/setup\/[A-Za-z0-9_-]+)/)?.[1];

async function postForm(agent: Agent, path: string, fields: Record<string, string>) {
  const token = await tokenFrom(agent, path);
  return agent
    .post(path)
    .type('form')
    .send(formBody({ ...fields, _csrf: token }));
}

describe('first start: the setup link for the first administrator', () => {
  let lentera: TestApp;
  let clock: Date;
  beforeAll(() => {
    clock = new Date('2026-03-02T02:00:00Z');
    lentera = createTestApp({}, { now: () => clock });
  });
  afterAll(() => lentera.cleanup());

  it('prints a one-time link when there is no account, and keeps only its hash', () => {
    const path = setupLinkIn(lentera.logs);
    expect(path).toBeDefined();
    const token = path!.split('/').pop()!;
    const rows = lentera.db.prepare('SELECT purpose, account_id, token_hash, expires_at FROM account_tokens').all() as {
      purpose: string;
      account_id: null;
      token_hash: Buffer;
      expires_at: string;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ purpose: 'setup', account_id: null, expires_at: '2026-03-03T02:00:00.000Z' });
    expect(rows[0]!.token_hash.toString('hex')).not.toContain(Buffer.from(token).toString('hex'));
    expect(JSON.stringify(lentera.db.prepare('SELECT * FROM account_tokens').all())).not.toContain(token);
  });

  it('prints a new link on the next start while there is still no account, and the old one stops working', () => {
    const first = setupLinkIn(lentera.logs)!;
    const logs: string[] = [];
    const again = bootstrap(
      {
        NODE_ENV: 'test',
        DATABASE_PATH: lentera.config.databasePath,
        DATA_KEY: TEST_DATA_KEY,
        SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
      },
      { log: (m) => logs.push(m), now: () => clock },
    );
    try {
      const second = setupLinkIn(logs)!;
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      expect(again.services.accountService.isSetupLinkUsable(first.split('/').pop()!)).toBe(false);
      expect(again.services.accountService.isSetupLinkUsable(second.split('/').pop()!)).toBe(true);
      // Hand the newest link back to this test app's log, as a restart would have printed it.
      lentera.logs.push(logs.join('\n'));
    } finally {
      again.close();
    }
  });

  it('shows a friendly page for an unknown link', async () => {
    const res = await request(lentera.app).get('/setup/not-a-real-token').expect(404);
    expect(res.text).toContain('Tautan tidak dapat dipakai');
  });

  it('checks every field, keeps what was typed (never the password), and links errors to fields', async () => {
    const agent = request.agent(lentera.app);
    const path = setupLinkIn(lentera.logs.slice(-1))!;
    const res = await postForm(agent, path, { name: '', email: 'bukan-email', password: 'pendek', password_confirm: 'lain' });
    expect(res.status).toBe(400);
    for (const [href, text] of [
      ['#name', 'Masukkan nama lengkap'],
      ['#email', 'Masukkan alamat email yang benar'],
      ['#password', 'Kata sandi paling sedikit 8 karakter'],
    ]) {
      expect(res.text).toContain(`<a href="${href}">${text}`);
    }
    expect(res.text).toContain('value="bukan-email"');
    expect(res.text).not.toContain('pendek');

    const mismatch = await postForm(agent, path, {
      name: 'Ani',
      email: 'ani@lk3.test',
      password: 'kata sandi panjang',
      password_confirm: 'kata sandi lain',
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('<a href="#password_confirm">');

    const tooLong = await postForm(agent, path, {
      name: 'Ani',
      email: 'ani@lk3.test',
      password: 'x'.repeat(129),
      password_confirm: 'x'.repeat(129),
    });
    expect(tooLong.text).toContain('Kata sandi paling banyak 128 karakter');
  });

  it('creates the administrator, who enrols the second factor at the first sign-in', async () => {
    const agent = request.agent(lentera.app);
    const path = setupLinkIn(lentera.logs.slice(-1))!;
    const password = 'lentera menyala di padang';
    const created = await postForm(agent, path, { name: 'Ani Admin', email: 'Ani@LK3.test', password, password_confirm: password });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/login');
    expect((await agent.get('/login').expect(200)).text).toContain('Akun administrator sudah dibuat');
    // Once only.
    await request(lentera.app).get(path).expect(404);

    const account = lentera.db.prepare('SELECT id, email, role, password_hash, totp_secret_enc FROM accounts').get() as {
      id: number;
      email: string;
      role: string;
      password_hash: string;
      totp_secret_enc: string | null;
    };
    expect(account).toMatchObject({ email: 'ani@lk3.test', role: 'admin', totp_secret_enc: null });
    expect(account.password_hash).toMatch(/^\$argon2id\$/);

    // Sign in: the password leads to enrolment.
    const afterPassword = await postForm(agent, '/login', { email: 'ani@lk3.test', password });
    expect(afterPassword.headers.location).toBe('/login/enrol');
    const enrolPage = await agent.get('/login/enrol').expect(200);
    expect(enrolPage.headers['content-security-policy']).toContain("img-src 'self'");
    expect(enrolPage.text).toContain('<img class="qr-code" src="/login/enrol/qr.svg"');
    const secret = /data-totp-secret>([A-Z2-7 ]+)</.exec(enrolPage.text)?.[1]?.replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    const qr = await agent.get('/login/enrol/qr.svg').expect(200);
    expect(qr.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(qr.headers['cache-control']).toBe('no-store');
    const svg = qr.body instanceof Buffer ? qr.body.toString('utf8') : qr.text;
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toContain('style=');
    // Nobody else's browser can fetch it.
    await request(lentera.app).get('/login/enrol/qr.svg').expect(404);

    // A reload keeps the same secret until it is confirmed.
    expect((await agent.get('/login/enrol').expect(200)).text).toContain(`data-totp-secret>${secret!.replace(/(.{4})/g, '$1 ').trim()}<`);

    const wrong = await agent
      .post('/login/enrol')
      .type('form')
      .send(formBody({ code: '000000', _csrf: csrfTokenOf(enrolPage.text) }));
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Kode keamanan salah');
    expect(wrong.text).toContain('data-totp-secret');

    const code = await totpCodeAt(secret!, clock);
    const done = await agent
      .post('/login/enrol')
      .type('form')
      .send(formBody({ code, _csrf: csrfTokenOf(enrolPage.text) }));
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/staff/partners');
    const accountPage = await agent.get('/account').expect(200);
    expect(accountPage.text).toContain('Verifikasi dua langkah sudah aktif');
    expect(accountPage.text).toContain('data-totp-status="on"');

    const stored = lentera.db.prepare('SELECT totp_secret_enc, totp_last_step FROM accounts WHERE id = ?').get(account.id) as {
      totp_secret_enc: string;
      totp_last_step: number;
    };
    expect(stored.totp_secret_enc).toMatch(/^v1:/);
    expect(stored.totp_secret_enc).not.toContain(secret!);
    expect(stored.totp_last_step).toBe(Math.floor(clock.getTime() / 30_000));

    // The enrolment code cannot be used again to sign in.
    const other = request.agent(lentera.app);
    await postForm(other, '/login', { email: 'ani@lk3.test', password });
    expect((await postForm(other, '/login/code', { code })).status).toBe(400);

    const actions = (lentera.db.prepare('SELECT action FROM audit_events ORDER BY id').pluck().all() as string[]).filter(
      (a) => a !== 'auth.login_failed',
    );
    expect(actions).toEqual(['account.created', 'account.totp_enrolled', 'auth.login']);
    const audit = JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all());
    for (const secretText of [password, secret!, code, path.split('/').pop()!]) expect(audit).not.toContain(secretText);
  });

  it('prints no setup link once an account exists', () => {
    const logs: string[] = [];
    const again = bootstrap(
      {
        NODE_ENV: 'test',
        DATABASE_PATH: lentera.config.databasePath,
        DATA_KEY: TEST_DATA_KEY,
        SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
      },
      { log: (m) => logs.push(m), now: () => clock },
    );
    again.close();
    expect(setupLinkIn(logs)).toBeUndefined();
  });
});

describe('an unused setup link', () => {
  it('stops working after 24 hours', async () => {
    let clock = new Date('2026-03-02T02:00:00Z');
    const lentera = createTestApp({}, { now: () => clock });
    try {
      const path = setupLinkIn(lentera.logs)!;
      await request(lentera.app).get(path).expect(200);
      clock = new Date(clock.getTime() + 24 * 60 * 60 * 1000 + 1);
      await request(lentera.app).get(path).expect(404);
    } finally {
      lentera.cleanup();
    }
  });
});
