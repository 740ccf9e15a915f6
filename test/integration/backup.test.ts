import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import Database from 'better-sqlite3';
import { runBackup } from '../../src/cli/backup';
import { createFieldCipher } from '../../src/data/fieldCipher';
import { reportFieldContext } from '../../src/data/reportRepository';
import { createTestApp, csrfTokenOf, fileReport, formBody, TEST_DATA_KEY, validReport, type TestApp } from '../helpers/testApp';
import { CookieJar, processEnv, runCommand, startServer, type ServerProcess } from '../helpers/serverProcess';
import { parseReportForm, reportFormValues } from '../../src/routes/public/reportForm';
import { loadAreaDirectory } from '../../src/data/areaReference';

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
    return runBackup(
      env(),
      args,
      (l) => out.push(l),
      (l) => err.push(l),
    ).then((code) => ({ code, out, err }));
  }

  it('copies the live database, recent writes included, readable with the same key', async () => {
    await fileReport(request.agent(lentera.app));
    const file = path.join(lentera.dir, 'backups', 'lentera-1.db');
    const result = await run([file]);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const copy = new Database(file, { readonly: true });
    try {
      const row = copy.prepare('SELECT reference, narrative_enc FROM reports ORDER BY id DESC LIMIT 1').get() as {
        reference: string;
        narrative_enc: string;
      };
      const narrative = createFieldCipher(Buffer.from(TEST_DATA_KEY, 'hex')).decrypt(
        row.narrative_enc,
        reportFieldContext.narrative(row.reference),
      );
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
    const result = await runBackup(
      { DATABASE_PATH: path.join(lentera.dir, 'nope', 'x.db'), DATA_KEY: TEST_DATA_KEY },
      [path.join(lentera.dir, 'b.db')],
      () => undefined,
      () => undefined,
    );
    expect(result).toBe(2);
  });
});

describe('npm run backup while the server takes reports', () => {
  let lentera: TestApp;
  let server: ServerProcess;
  beforeAll(async () => {
    lentera = createTestApp();
    // Enough pages that a copy takes many steps.
    const parsed = parseReportForm(
      reportFormValues(validReport({ narrative: 'Cerita yang cukup panjang. '.repeat(40) })),
      loadAreaDirectory(lentera.config.areasCsv),
    );
    if (!parsed.ok) throw new Error('invalid seed report');
    for (let i = 0; i < 3000; i += 1) lentera.services.reportService.submitPublicReport(parsed.input);
    lentera.close();
    server = await startServer(processEnv(lentera.dir, { RATE_REPORTS_PER_IP: '100000', RATE_REPORTS_GLOBAL: '100000' }));
  });
  afterAll(async () => {
    await server.kill('SIGKILL');
    fs.rmSync(lentera.dir, { recursive: true, force: true });
  });

  /** Residents filing reports one after another until `stop()`; returns how many were answered with the receipt redirect. */
  function steadyWrites(clients: number): { stop: () => Promise<number[]> } {
    let running = true;
    const loops = Array.from({ length: clients }, async () => {
      const statuses: number[] = [];
      while (running) {
        const jar = new CookieJar();
        const form = await jar.fetch(`${server.url}/report`);
        const posted = await jar.fetch(`${server.url}/report`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: formBody({ ...validReport(), _csrf: csrfTokenOf(await form.text()) }),
        });
        statuses.push(posted.status);
      }
      return statuses;
    });
    return {
      stop: async () => {
        running = false;
        return (await Promise.all(loops)).flat();
      },
    };
  }

  const leftovers = () => fs.readdirSync(lentera.dir).filter((f) => f.includes('.partial-'));

  it('finishes under steady writes, 0600, verified, and leaves nothing partial behind', async () => {
    const writes = steadyWrites(4);
    const file = path.join(lentera.dir, 'under-load.db');
    const result = await runCommand('backup', [file], processEnv(lentera.dir));
    const statuses = await writes.stop();
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/integrity, data key and audit chain verified/);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([303]));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
    const copy = new Database(file, { readonly: true });
    try {
      expect(copy.prepare('SELECT count(*) FROM reports').pluck().get()).toBeGreaterThanOrEqual(3000);
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      copy.close();
    }
  });

  it('a run killed midway leaves no readable partial copy and does not block the next run', async () => {
    const file = path.join(lentera.dir, 'interrupted.db');
    const { spawn } = await import('node:child_process');
    const { distCli } = await import('../helpers/serverProcess');
    const child = spawn(process.execPath, [distCli('backup'), file], { env: processEnv(lentera.dir), stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Kill it as soon as its partial file exists; whatever it left must be readable by its owner only.
    let killed = false;
    for (let i = 0; i < 5000 && child.exitCode === null && !killed; i += 1) {
      const seen = leftovers();
      if (seen.length > 0) {
        for (const f of seen) expect(fs.statSync(path.join(lentera.dir, f)).mode & 0o777).toBe(0o600);
        killed = child.kill('SIGKILL');
      } else {
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    expect(await exited).toBe(killed ? null : 0);
    // The name is given only to a finished, verified copy.
    expect(fs.existsSync(file)).toBe(!killed);
    for (const f of leftovers()) expect(fs.statSync(path.join(lentera.dir, f)).mode & 0o777).toBe(0o600);
    const again = await runCommand('backup', [killed ? file : `${file}.2`], processEnv(lentera.dir));
    expect(again.code).toBe(0);
    for (const f of leftovers()) fs.rmSync(path.join(lentera.dir, f));
  });
});
