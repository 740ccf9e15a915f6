import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bootstrap } from '../../src/bootstrap';
import { processEnv, runCommand } from '../helpers/serverProcess';

/** Every command, as `npm run` runs it (the built file), with the arguments of an ordinary call. */
const commands: { name: string; script: string; args: (dir: string) => string[] }[] = [
  { name: 'db:migrate', script: 'migrate', args: () => [] },
  { name: 'user', script: 'user', args: () => ['create', '--email', 'x@lk3.test', '--name', 'X', '--role', 'admin'] },
  { name: 'retention', script: 'retention', args: () => [] },
  { name: 'outbox:drain', script: 'outboxDrain', args: () => [] },
  { name: 'audit:verify', script: 'auditVerify', args: () => [] },
  { name: 'backup', script: 'backup', args: (dir) => [path.join(dir, 'copy.db')] },
];
const needsTheKey = commands.filter((c) => c.name !== 'db:migrate');
const maintenance = commands.filter((c) => !['db:migrate', 'user'].includes(c.name));

describe('a command that cannot run says why, in the words of the error itself', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-command-'));
    file = path.join(dir, 'lentera.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A real installation in `dir`, made by the server's own start. */
  const install = () => bootstrap(processEnv(dir), { log: () => undefined }).close();

  it.each(commands)('$name: a file that is not a database', async ({ script, args }) => {
    fs.writeFileSync(file, 'not a database, just some text that happens to sit here'.repeat(100), { mode: 0o600 });
    const before = fs.readFileSync(file);
    const result = await runCommand(script, args(dir), processEnv(dir));
    expect(result.err.trim()).toBe(`Cannot open the database at ${file}: file is not a database`);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(fs.readFileSync(file)).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => !f.startsWith('lentera.db'))).toEqual([]);
  });

  it.each(commands)('$name: a database made by a newer version of Lentera', async ({ script, args }) => {
    install();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES ('9999_from_the_future', 'now')").run();
    db.close();
    const result = await runCommand(script, args(dir), processEnv(dir));
    expect(result.err.trim()).toMatch(
      /^The database has migrations that are not in .*migrations: 9999_from_the_future\. .*refusing to start\.$/,
    );
    expect(result).toMatchObject({ code: 2, out: '' });
  });

  it.each(needsTheKey)('$name: another data key', async ({ script, args }) => {
    install();
    const result = await runCommand(script, args(dir), processEnv(dir, { DATA_KEY: crypto.randomBytes(32).toString('hex') }));
    expect(result.err.trim()).toBe(
      `The data key (DATA_KEY) does not open the database at ${file}: it is not the key this data was written with. ` +
        'Set the right DATA_KEY or restore data.key; refusing to start.',
    );
    expect(result).toMatchObject({ code: 2, out: '' });
  });

  it.each(maintenance)('$name: no database, and none is made', async ({ script, args }) => {
    const result = await runCommand(script, args(dir), processEnv(dir));
    expect(result.err.trim()).toBe(`No database at ${file} (set DATABASE_PATH).`);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('audit:verify: a failure while checking is printed as it is, and exits 2 (could not check), not 1 (broken)', async () => {
    install();
    const db = new Database(file);
    db.exec('DROP TABLE audit_events');
    db.close();
    const result = await runCommand('auditVerify', [], processEnv(dir));
    expect(result.err.trim()).toBe('no such table: audit_events');
    expect(result).toMatchObject({ code: 2, out: '' });
  });

  it('db:migrate creates and migrates a new database without a data key, then finds it up to date', async () => {
    const { DATA_KEY: _key, ...withoutKey } = processEnv(dir);
    const first = await runCommand('migrate', [], withoutKey);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(/^Applied: 0001_init, 0002_staff_back_office, 0005_department_referrals, /);
    expect(fs.existsSync(path.join(dir, 'data.key'))).toBe(false);
    expect(await runCommand('migrate', [], withoutKey)).toEqual({ code: 0, out: 'The database is up to date.\n', err: '' });
  });
});
