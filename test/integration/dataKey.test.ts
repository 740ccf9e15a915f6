import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { bootstrap } from '../../src/bootstrap';
import { StartupError } from '../../src/lentera';
import { runAuditVerify } from '../../src/cli/auditVerify';
import { runBackup } from '../../src/cli/backup';
import { runOutboxDrain } from '../../src/cli/outboxDrain';
import { runRetention } from '../../src/cli/retention';
import { runUserCommand } from '../../src/cli/user';
import { fileReport } from '../helpers/testApp';
import { processEnv, startServer } from '../helpers/serverProcess';

const SESSION_SECRET = 'test-session-secret-that-is-long-enough-0123456789';
const OTHER_KEY = crypto.randomBytes(32).toString('hex');

/** Every maintenance command, run as the shell would run it, with `env`: its exit code and what it printed. */
async function everyCommand(env: Record<string, string>, dir: string): Promise<{ name: string; code: number; err: string }[]> {
  const results: { name: string; code: number; err: string }[] = [];
  const capture = async (name: string, run: (err: (l: string) => void) => number | Promise<number>) => {
    const lines: string[] = [];
    results.push({ name, code: await run((l) => lines.push(l)), err: lines.join('\n') });
  };
  const out = () => undefined;
  await capture('audit:verify', (err) => runAuditVerify(env, out, err));
  await capture('retention', (err) => runRetention([], env, out, err));
  await capture('outbox:drain', (err) => runOutboxDrain(env, out, err));
  await capture('backup', (err) => runBackup(env, [path.join(dir, 'copy.db')], out, err));
  await capture('user', (err) =>
    runUserCommand(['create', '--email', 'x@lk3.test', '--name', 'X', '--role', 'admin'], { env, readStdin: async () => '', out, err }),
  );
  return results;
}

describe('the data key must open the data', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-key-'));
    env = { NODE_ENV: 'test', DATABASE_PATH: path.join(dir, 'lentera.db'), SESSION_SECRET };
    // A first start with no key anywhere: one is generated (the database is empty), and data is written under it.
    const lentera = bootstrap(env, { log: () => undefined });
    await fileReport(request.agent(lentera.app));
    lentera.close();
    expect(fs.existsSync(path.join(dir, 'data.key'))).toBe(true);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const reportsIn = () => {
    const db = new Database(path.join(dir, 'lentera.db'), { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM reports').pluck().get();
    } finally {
      db.close();
    }
  };

  it('a missing data.key is never replaced for a database that holds data: the start stops with one clear line', async () => {
    fs.rmSync(path.join(dir, 'data.key'));
    expect(() => bootstrap(env, { log: () => undefined })).toThrow(StartupError);
    expect(() => bootstrap(env, { log: () => undefined })).toThrow(
      /no .*data\.key, but the database at .* holds data: .*refusing to start\.$/,
    );
    expect(fs.existsSync(path.join(dir, 'data.key'))).toBe(false);
    for (const result of await everyCommand(env, dir)) {
      expect([result.name, result.code]).toEqual([result.name, 2]);
      expect(result.err).toMatch(/data\.key/);
    }
    expect(fs.existsSync(path.join(dir, 'data.key'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'copy.db'))).toBe(false);
    expect(reportsIn()).toBe(1);
  });

  it('another DATA_KEY is refused by the server and every command, and nothing is written under it', async () => {
    const wrong = { ...env, DATA_KEY: OTHER_KEY };
    expect(() => bootstrap(wrong, { log: () => undefined })).toThrow(/does not open the database at .*refusing to start\.$/);
    for (const result of await everyCommand(wrong, dir)) {
      expect([result.name, result.code]).toEqual([result.name, 2]);
      expect(result.err).toMatch(/does not open the database/);
    }
    expect(reportsIn()).toBe(1);
    // The right key still opens it.
    const lentera = bootstrap(env, { log: () => undefined });
    lentera.close();
  });

  it('a database from before the key check is checked against what it holds, then remembers the key', () => {
    const db = new Database(path.join(dir, 'lentera.db'));
    db.exec('DELETE FROM installation');
    db.close();
    expect(() => bootstrap({ ...env, DATA_KEY: OTHER_KEY }, { log: () => undefined })).toThrow(/does not open the database/);
    const lentera = bootstrap(env, { log: () => undefined });
    expect(lentera.db.prepare('SELECT count(*) FROM installation').pluck().get()).toBe(1);
    lentera.close();
  });

  it('the server process says so in one line and exits 1', async () => {
    const wrong = processEnv(dir, { DATA_KEY: OTHER_KEY });
    const attempt = startServer(wrong);
    await expect(attempt).rejects.toThrow(/server exited with 1/);
    const message = ((await attempt.catch((e: Error) => e)) as Error).message.replace(/^server exited with 1: /, '').trim();
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^The data key \(DATA_KEY\) does not open the database at .*refusing to start\.$/);
  });
});
