import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/data/db';
import { createGroupCommit, type GroupCommit } from '../../src/data/transaction';

/** Works queued in one turn of the event loop share one transaction; each stands or falls alone. */
describe('group commit', () => {
  let dir: string;
  let db: Db;
  let groupCommit: GroupCommit;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-group-'));
    db = openDatabase(path.join(dir, 'lentera.db'));
    db.exec('CREATE TABLE t (x INTEGER NOT NULL UNIQUE)');
    groupCommit = createGroupCommit(db);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const insert = (x: number) => () => {
    db.prepare('INSERT INTO t (x) VALUES (?)').run(x);
    return x;
  };
  const stored = () => db.prepare('SELECT x FROM t ORDER BY x').pluck().all();

  it('runs the works of one moment in one transaction and settles each after the commit', async () => {
    const seen: boolean[] = [];
    const inside = () => {
      seen.push(db.inTransaction);
      return db.prepare('SELECT count(*) FROM t').pluck().get();
    };
    const settled = [groupCommit(insert(1)), groupCommit(insert(2)), groupCommit(inside)].map((p) =>
      p.then((value) => ({ value, committed: !db.inTransaction })),
    );
    // Queued, not yet run: nothing is written before the group does.
    expect(stored()).toEqual([]);
    expect(await Promise.all(settled)).toEqual([
      { value: 1, committed: true },
      { value: 2, committed: true },
      { value: 2, committed: true },
    ]);
    expect(seen).toEqual([true]);
    expect(stored()).toEqual([1, 2]);
  });

  it('rolls back only the work that failed, and rejects only its promise', async () => {
    const results = await Promise.allSettled([groupCommit(insert(1)), groupCommit(insert(1)), groupCommit(insert(3))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(stored()).toEqual([1, 3]);
  });

  it("waits for another process's write lock without stopping this one's event loop", async () => {
    // As a second server process would: it holds the write lock, and lets go a moment later — on
    // a timer of this process, which fires only if waiting for the lock does not block the loop.
    const other = openDatabase(path.join(dir, 'lentera.db'));
    let ticks = 0;
    const ticking = setInterval(() => (ticks += 1), 1);
    const letGo = setTimeout(() => other.exec('COMMIT'), 20);
    try {
      other.exec('BEGIN IMMEDIATE');
      other.prepare('INSERT INTO t (x) VALUES (?)').run(10);
      const values = await Promise.all([groupCommit(insert(1)), groupCommit(insert(2))]);
      expect(values).toEqual([1, 2]);
      expect(ticks).toBeGreaterThan(0);
      expect(stored()).toEqual([1, 2, 10]);
    } finally {
      clearInterval(ticking);
      clearTimeout(letGo);
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
  });

  it('rejects the whole group when the transaction cannot be had, and stores none of it', async () => {
    const other = openDatabase(path.join(dir, 'lentera.db'));
    try {
      other.pragma('busy_timeout = 0');
      db.pragma('busy_timeout = 0');
      other.exec('BEGIN IMMEDIATE');
      const results = await Promise.allSettled([groupCommit(insert(1)), groupCommit(insert(2))]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    expect(stored()).toEqual([]);
  });
});
