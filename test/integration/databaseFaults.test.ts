import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { bootstrap, type Lentera } from '../../src/bootstrap';
import { createTestApp, fileReport, formBody, tokenFrom, validReport, TEST_DATA_KEY, type TestApp } from '../helpers/testApp';
import { processEnv, startServer } from '../helpers/serverProcess';

const SESSION_SECRET = 'test-session-secret-that-is-long-enough-0123456789';

describe('a database that can no longer be written', () => {
  let lentera: TestApp;
  let receipt: string;
  beforeEach(async () => {
    lentera = createTestApp();
    receipt = await fileReport(request.agent(lentera.app));
  });
  afterEach(() => lentera.cleanup());

  /** A resident sends the report form; returns the answer. */
  async function sendReport(fields = validReport()) {
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/report');
    return agent
      .post('/report')
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  it('read-only: /healthz says so, a receipt check answers 503 (not "expired"), and the report form keeps everything typed', async () => {
    lentera.db.pragma('query_only = ON');
    const health = await request(lentera.app).get('/healthz').expect(503);
    expect(health.body).toEqual({ status: 'unavailable', database: 'read_only' });

    // Opening a receipt session needs a session row: it cannot be saved, and the page says so plainly.
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/status');
    const check = await agent
      .post('/status')
      .type('form')
      .send(formBody({ receipt, _csrf: token }));
    expect(check.status).toBe(503);
    expect(check.text).toContain('Layanan sedang terganggu');
    expect(check.text).not.toContain('kedaluwarsa');

    const narrative = 'Tetangga kami sering bertengkar hebat pada malam hari dan anak-anak menangis.';
    const sent = await sendReport(validReport({ narrative }));
    expect(sent.status).toBe(503);
    expect(sent.text).toContain('Laporan Anda belum tersimpan');
    expect(sent.text).toContain(narrative);
    expect(lentera.logs.join('\n')).toMatch(/readonly database/);

    lentera.db.pragma('query_only = OFF');
    await request(lentera.app).get('/healthz').expect(200, { status: 'ok' });
  });

  it('full: /healthz says so and the report form keeps everything typed', async () => {
    lentera.db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = lentera.db.pragma('page_count', { simple: true }) as number;
    lentera.db.pragma(`max_page_count = ${pages}`);
    const health = await request(lentera.app).get('/healthz').expect(503);
    expect(health.body).toEqual({ status: 'unavailable', database: 'full' });
    const narrative = 'Ibu saya yang sudah lanjut usia tinggal sendirian dan tidak terurus. '.repeat(100);
    const sent = await sendReport(validReport({ narrative }));
    expect(sent.status).toBe(503);
    expect(sent.text).toContain('Laporan Anda belum tersimpan');
    expect(sent.text).toContain('tidak terurus.');
  });
});

describe('damaged pages', () => {
  it('the periodic quick_check finds them and /healthz reports it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-corrupt-'));
    const env = {
      NODE_ENV: 'test',
      DATABASE_PATH: path.join(dir, 'lentera.db'),
      DATA_KEY: TEST_DATA_KEY,
      SESSION_SECRET,
      RATE_REPORTS_PER_IP: '1000',
    };
    let lentera: Lentera | undefined;
    try {
      lentera = bootstrap(env, { log: () => undefined });
      const agent = request.agent(lentera.app);
      for (let i = 0; i < 40; i += 1)
        await fileReport(agent, validReport({ narrative: `Laporan nomor ${i}. ${'Isi laporan yang panjang. '.repeat(150)}` }));
      lentera.close(); // checkpoints the WAL into the file
      // The reports were written last, so the last pages of the file are theirs: scribble over one.
      const file = path.join(dir, 'lentera.db');
      const pageSize = 4096;
      const pages = fs.statSync(file).size / pageSize;
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (pages - 3) * pageSize);
      fs.closeSync(fd);

      const logs: string[] = [];
      lentera = bootstrap(env, { log: (m) => logs.push(m) });
      lentera.health.start();
      await lentera.health.settled();
      const health = await request(lentera.app).get('/healthz').expect(503);
      expect(health.body).toMatchObject({ status: 'unavailable', database: 'corrupt' });
      expect(logs.join('\n')).toMatch(/integrity check FAILED/);
    } finally {
      lentera?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a sound database passes the check and /healthz says ok', async () => {
    const lentera = createTestApp();
    try {
      lentera.health.start();
      await lentera.health.settled();
      expect(lentera.health.report().integrity).toMatchObject({ ok: true });
      await request(lentera.app).get('/healthz').expect(200, { status: 'ok' });
    } finally {
      lentera.cleanup();
    }
  });
});

describe('a database file the server cannot write', () => {
  it('stops the start with one clear line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-readonly-'));
    try {
      bootstrap(
        { NODE_ENV: 'test', DATABASE_PATH: path.join(dir, 'lentera.db'), DATA_KEY: TEST_DATA_KEY, SESSION_SECRET },
        { log: () => undefined },
      ).close();
      const file = path.join(dir, 'lentera.db');
      // Root may write any file, so as root the server runs as `nobody`, who owns the folder but may only read the file.
      const asRoot = process.getuid?.() === 0;
      if (asRoot) {
        for (const f of [dir, ...fs.readdirSync(dir).map((f) => path.join(dir, f))]) fs.chownSync(f, 65534, 65534);
      }
      fs.chmodSync(file, 0o400);
      const attempt = startServer(processEnv(dir), asRoot ? os.tmpdir() : undefined, asRoot ? { uid: 65534, gid: 65534 } : {});
      const failure = (await attempt.then(
        () => new Error('the server started'),
        (e: Error) => e,
      )) as Error;
      const message = failure.message.replace(/^server exited with 1: /, '').trim();
      expect(message).toMatch(/^Cannot write the database at .*lentera\.db \(SQLITE_READONLY[A-Z_]*\): .*refusing to start\.$/);
      expect(message.split('\n')).toHaveLength(1);
      expect(fs.statSync(file).mode & 0o777).toBe(0o400);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
