import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import Database from 'better-sqlite3';
import { runBackup } from '../../src/cli/backup';
import { createFieldCipher } from '../../src/data/fieldCipher';
import { reportFieldContext } from '../../src/data/reportRepository';
import { createTestApp, fileReport, TEST_DATA_KEY, type TestApp } from '../helpers/testApp';

describe('npm run backup', () => {
  let lentera: TestApp;
  beforeAll(() => {
    lentera = createTestApp();
  });
  afterAll(() => lentera.cleanup());

  const env = () => ({ DATABASE_PATH: lentera.config.databasePath, DATA_KEY: TEST_DATA_KEY });

  function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    return runBackup(env(), args, (l) => out.push(l), (l) => err.push(l)).then((code) => ({ code, out, err }));
  }

  it('copies the live database, recent writes included, readable with the same key', async () => {
    await fileReport(request.agent(lentera.app));
    const file = path.join(lentera.dir, 'backups', 'lentera-1.db');
    const result = await run([file]);
    expect(result.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const copy = new Database(file, { readonly: true });
    try {
      const row = copy.prepare('SELECT reference, narrative_enc FROM reports ORDER BY id DESC LIMIT 1').get() as { reference: string; narrative_enc: string };
      const narrative = createFieldCipher(Buffer.from(TEST_DATA_KEY, 'hex')).decrypt(row.narrative_enc, reportFieldContext.narrative(row.reference));
      expect(narrative).toContain('ditinggal sendirian');
      expect(copy.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBeGreaterThan(0);
    } finally {
      copy.close();
    }
  });

  it('never overwrites a file, and says how to call it', async () => {
    const file = path.join(lentera.dir, 'existing.db');
    fs.writeFileSync(file, 'keep me');
    expect((await run([file])).code).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
    const usage = await run([]);
    expect(usage.code).toBe(2);
    expect(usage.err.join('\n')).toContain('npm run backup -- FILE');
  });

  it('refuses to run without the database', async () => {
    const result = await runBackup({ DATABASE_PATH: path.join(lentera.dir, 'nope', 'x.db'), DATA_KEY: TEST_DATA_KEY }, [path.join(lentera.dir, 'b.db')], () => undefined, () => undefined);
    expect(result).toBe(2);
  });
});
