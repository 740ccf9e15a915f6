import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runAuditVerify } from '../../src/cli/auditVerify';
import { createTestApp, TEST_DATA_KEY, type TestApp } from '../helpers/testApp';
import { auditTrail } from '../helpers/auditTrail';
import { spawn } from 'node:child_process';
import { projectRoot } from '../../src/paths';

/** npm run audit:verify, run in-process against the test database. */
function verify(lentera: TestApp, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runAuditVerify(
    { DATABASE_PATH: path.join(lentera.dir, 'lentera.db'), DATA_KEY: TEST_DATA_KEY, ...env },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** What an attacker with the database file (but not the key) can do: open it and drop the triggers. */
function tamper(lentera: TestApp, ...statements: string[]): void {
  const db = new Database(path.join(lentera.dir, 'lentera.db'));
  try {
    db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    for (const s of statements) db.exec(s);
  } finally {
    db.close();
  }
}

describe('npm run audit:verify', () => {
  let lentera: TestApp;
  beforeEach(() => {
    lentera = createTestApp();
    const at = new Date('2026-11-27T02:00:00Z');
    for (let i = 1; i <= 5; i += 1) {
      auditTrail(lentera).append(
        { actorAccountId: null, action: `test.event${i}`, subjectType: 'test', subjectId: i, detail: { n: i } },
        at,
      );
    }
  });
  afterEach(() => lentera.cleanup());

  it('reports an intact chain with its length and exits 0', () => {
    const result = verify(lentera);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Audit log intact: 5 events');
    expect(result.out).toMatch(/Last hash: [0-9a-f]{64}/);
  });

  it('counts an empty log as intact', () => {
    const empty = createTestApp();
    try {
      expect(verify(empty)).toMatchObject({ code: 0, out: 'Audit log intact: 0 events' });
    } finally {
      empty.cleanup();
    }
  });

  it('is protected by triggers that refuse UPDATE and DELETE', () => {
    expect(() => lentera.db.prepare("UPDATE audit_events SET action = 'x' WHERE id = 2").run()).toThrow(/append-only/);
    expect(() => lentera.db.prepare('DELETE FROM audit_events WHERE id = 2').run()).toThrow(/append-only/);
    expect(() => lentera.db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    expect(verify(lentera).code).toBe(0);
  });

  it('finds an edited action', () => {
    tamper(lentera, "UPDATE audit_events SET action = 'test.harmless' WHERE id = 3");
    const result = verify(lentera);
    expect(result.code).toBe(1);
    expect(result.out).toContain('Audit log BROKEN at event 3: its hash does not match its contents');
  });

  it('finds an edited detail or actor', () => {
    tamper(lentera, 'UPDATE audit_events SET actor_account_id = 7 WHERE id = 4');
    expect(verify(lentera).out).toContain('BROKEN at event 4');
  });

  it('finds a deleted row in the middle, at the event after it', () => {
    tamper(lentera, 'DELETE FROM audit_events WHERE id = 3');
    const result = verify(lentera);
    expect(result.code).toBe(1);
    expect(result.out).toContain('Audit log BROKEN at event 4: the event before it is missing');
  });

  it('finds a deleted row renumbered to hide the gap', () => {
    tamper(lentera, 'DELETE FROM audit_events WHERE id = 3', 'UPDATE audit_events SET id = id - 1 WHERE id > 3');
    // Renumbering changes what each later row's hash covers, and the links no longer meet.
    const result = verify(lentera);
    expect(result.code).toBe(1);
    expect(result.out).toContain('BROKEN at event 3');
  });

  it('finds a changed hash, at the first row that no longer matches', () => {
    tamper(lentera, `UPDATE audit_events SET hash = '${'a'.repeat(64)}' WHERE id = 2`);
    const result = verify(lentera);
    expect(result.code).toBe(1);
    expect(result.out).toContain('Audit log BROKEN at event 2: its hash does not match its contents');
  });

  it('finds a row re-chained without the key (plain SHA-256 instead of the HMAC)', () => {
    const db = new Database(path.join(lentera.dir, 'lentera.db'));
    db.function('sha256hex', (s: unknown) => crypto.createHash('sha256').update(String(s)).digest('hex'));
    db.exec('DROP TRIGGER audit_events_no_update');
    db.exec("UPDATE audit_events SET action = 'test.harmless', hash = sha256hex(prev_hash || action) WHERE id = 5");
    db.close();
    expect(verify(lentera).out).toContain('BROKEN at event 5: its hash does not match');
  });

  it('does not check under the wrong key, and says the key does not open the database', () => {
    const result = verify(lentera, { DATA_KEY: 'f'.repeat(64) });
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/The data key \(DATA_KEY\) does not open the database/);
  });

  it('refuses to run without a database or a key, creating neither', () => {
    expect(verify(lentera, { DATABASE_PATH: path.join(lentera.dir, 'missing', 'none.db') })).toMatchObject({ code: 2 });
    const noKey = runAuditVerify(
      { DATABASE_PATH: path.join(lentera.dir, 'lentera.db') },
      () => undefined,
      () => undefined,
    );
    expect(noKey).toBe(2);
    expect(fs.existsSync(path.join(lentera.dir, 'data.key'))).toBe(false);
    expect(fs.existsSync(path.join(lentera.dir, 'missing'))).toBe(false);
  });
});

describe('appending from several processes at once', () => {
  /** A process that appends `count` events one by one, outside any transaction (as views are recorded). */
  function appender(databasePath: string, count: number, name: string): Promise<{ code: number | null; err: string }> {
    const script = `
      const { openDatabase } = require('./dist/data/db');
      const { createAuditRepository } = require('./dist/data/auditRepository');
      const db = openDatabase(process.argv[1]);
      const audit = createAuditRepository(db, Buffer.from(process.argv[2], 'hex'));
      for (let i = 0; i < Number(process.argv[3]); i += 1) {
        audit.append({ actorAccountId: null, action: 'test.concurrent', subjectType: 'test', subjectId: process.argv[4] + '-' + i }, new Date());
      }
      db.close();`;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['-e', script, databasePath, TEST_DATA_KEY, String(count), name], {
        cwd: projectRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('exit', (code) => resolve({ code, err }));
    });
  }

  it('keeps the chain whole: reading the last hash and inserting are one step', async () => {
    const lentera = createTestApp();
    try {
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((name) => appender(lentera.config.databasePath, 300, name)));
      for (const r of results) expect(r).toEqual({ code: 0, err: '' });
      expect(lentera.db.prepare("SELECT count(*) FROM audit_events WHERE action = 'test.concurrent'").pluck().get()).toBe(1200);
      expect(auditTrail(lentera).verify()).toBeNull();
      expect(verify(lentera).code).toBe(0);
    } finally {
      lentera.cleanup();
    }
  });
});
