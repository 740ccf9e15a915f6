import request from 'supertest';
import { runUserCommand } from '../../src/cli/user';
import { createTestApp, TEST_DATA_KEY, type TestApp } from '../helpers/testApp';
import { signIn } from '../helpers/staff';
import { totpCodeAt } from '../../src/security/totp';

describe('npm run user -- create', () => {
  let lentera: TestApp;
  beforeAll(() => {
    lentera = createTestApp();
  });
  afterAll(() => lentera.cleanup());

  async function run(argv: string[], stdin = '') {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runUserCommand(argv, {
      env: {
        NODE_ENV: 'test',
        DATABASE_PATH: lentera.config.databasePath,
        DATA_KEY: TEST_DATA_KEY,
        SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
      },
      readStdin: async () => stdin,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('creates an account with a password read from standard input', async () => {
    const password = 'rahasia dari stdin sekali';
    const result = await run(
      ['create', '--email', 'Sari@LK3.test', '--name', 'Sari Koordinator', '--role', 'supervisor', '--password-stdin'],
      `${password}\n`,
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('Created sari@lk3.test (supervisor)');
    expect(result.out).not.toContain(password);
    const row = lentera.db.prepare("SELECT id, name, role, password_hash FROM accounts WHERE email = 'sari@lk3.test'").get() as {
      id: number;
      name: string;
      role: string;
      password_hash: string;
    };
    expect(row).toMatchObject({ name: 'Sari Koordinator', role: 'supervisor' });
    expect(row.password_hash).toMatch(/^\$argon2id\$/);

    // The app lets them in with that password, then asks them to enrol.
    const agent = request.agent(lentera.app);
    const loginPage = await agent.get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(loginPage.text)![1]!;
    const res = await agent.post('/login').type('form').send({ email: 'sari@lk3.test', password, _csrf: token });
    expect(res.headers.location).toBe('/login/enrol');

    const audit = lentera.db
      .prepare("SELECT actor_account_id, subject_id, detail FROM audit_events WHERE action = 'account.created'")
      .all();
    expect(audit).toEqual([{ actor_account_id: null, subject_id: String(row.id), detail: '{"role":"supervisor","via":"cli"}' }]);
    expect(JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all())).not.toContain(password);
  });

  it('prints a one-time invitation link without --password-stdin', async () => {
    const result = await run(['create', '--email', 'tono@lk3.test', '--name', 'Tono', '--role', 'triage']);
    expect(result.code).toBe(0);
    const link = /http:\/\/localhost:3000(\/invite\/[A-Za-z0-9_-]+)/.exec(result.out)?.[1];
    expect(link).toBeDefined();
    const page = await request(lentera.app).get(link!).expect(200);
    expect(page.text).toContain('Halo Tono');
    expect(JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all())).not.toContain(link!.split('/').pop()!);
  });

  it('puts a department officer in a department given by name or id', async () => {
    const at = new Date().toISOString();
    const id = Number(
      lentera.db.prepare("INSERT INTO departments (name, created_at, updated_at) VALUES ('SMP Negeri 1 Padang', ?, ?)").run(at, at)
        .lastInsertRowid,
    );
    expect(
      (
        await run([
          'create',
          '--email',
          'guru@lk3.test',
          '--name',
          'Guru BK',
          '--role',
          'department',
          '--department',
          'smp negeri 1 padang',
        ])
      ).code,
    ).toBe(0);
    expect(
      (await run(['create', '--email', 'guru2@lk3.test', '--name', 'Guru BK 2', '--role', 'department', '--department', String(id)])).code,
    ).toBe(0);
    expect(lentera.db.prepare("SELECT department_id FROM accounts WHERE email LIKE 'guru%' ORDER BY email").pluck().all()).toEqual([
      id,
      id,
    ]);
  });

  it.each<[string, string[], string, number, string]>([
    ['an unknown role', ['--role', 'boss'], '', 2, 'Give a role with --role'],
    ['an invalid email', ['--email', 'not-an-email'], '', 2, 'The email address is not valid'],
    ['a missing name', ['--name', ''], '', 2, 'Give a name'],
    ['a password too short', ['--password-stdin'], 'short\n', 2, 'must be 8 to 128 characters'],
    ['a department for a staff role', ['--department', '1'], '', 2, 'Only the department role takes --department'],
  ])('refuses %s', async (_label, change, stdin, code, message) => {
    const base: Record<string, string> = { '--email': 'new@lk3.test', '--name': 'Baru', '--role': 'triage' };
    const argv = ['create'];
    const extra: string[] = [];
    for (let i = 0; i < change.length; i += 1) {
      const key = change[i]!;
      if (key === '--password-stdin') extra.push(key);
      else {
        base[key] = change[i + 1]!;
        i += 1;
      }
    }
    for (const [k, v] of Object.entries(base)) argv.push(k, v);
    const result = await run([...argv, ...extra], stdin);
    expect(result.code).toBe(code);
    expect(result.err).toContain(message);
    expect(lentera.db.prepare("SELECT count(*) FROM accounts WHERE email = 'new@lk3.test'").pluck().get()).toBe(0);
  });

  it('refuses a department officer without a known department, and an email already in use', async () => {
    expect((await run(['create', '--email', 'x@lk3.test', '--name', 'X', '--role', 'department'])).err).toContain('needs --department');
    expect(
      (await run(['create', '--email', 'x@lk3.test', '--name', 'X', '--role', 'department', '--department', 'Nowhere'])).err,
    ).toContain('No active department');
    const dup = await run(['create', '--email', 'TONO@lk3.test', '--name', 'Tono 2', '--role', 'triage']);
    expect(dup).toMatchObject({ code: 1 });
    expect(dup.err).toContain('already an account');
  });

  it('explains itself without a command', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('Usage: npm run user -- create');
    expect((await run(['--help'])).out).toContain('--password-stdin');
  });

  it('creates an account that can then enrol and sign in fully', async () => {
    const password = 'akun lengkap dari baris perintah';
    await run(['create', '--email', 'lengkap@lk3.test', '--name', 'Lengkap', '--role', 'caseworker', '--password-stdin'], password);
    const id = lentera.db.prepare("SELECT id FROM accounts WHERE email = 'lengkap@lk3.test'").pluck().get() as number;
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await lentera.services.accountService.enrolTotp(id, secret, await totpCodeAt(secret, lentera.now()));
    expect(await signIn(request.agent(lentera.app), lentera, { id, email: 'lengkap@lk3.test', password, totpSecret: secret })).toBe(
      '/staff/cases',
    );
  });
});
