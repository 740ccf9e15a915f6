import type { Db } from './db';

export type Transactor = <T>(work: () => T) => T;

/**
 * Runs `work` in one SQLite write transaction; nothing inside may be awaited. It starts with
 * BEGIN IMMEDIATE: a deferred transaction that reads and then writes cannot wait for another
 * process's writer (SQLite answers SQLITE_BUSY at once instead of honouring busy_timeout), while an
 * immediate one takes the write lock first and waits its turn. Nested calls become savepoints.
 */
export function createTransactor(db: Db): Transactor {
  return (work) => db.transaction(work).immediate();
}

/** Runs `work` in a write transaction shared with the other works of the moment; settles once it is committed. */
export type GroupCommit = <T>(work: () => T) => Promise<T>;

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit. With synchronous=FULL every commit waits for an fsync, and better-sqlite3 waits
 * with the event loop stopped: one commit per request caps a process at the disk's fsyncs per
 * second (a few hundred on a busy shared disk), however little each request writes. Here the
 * works queued during one turn of the event loop (the requests that arrived while the previous
 * commit was waiting) run together at its end, each in a savepoint of one BEGIN IMMEDIATE … COMMIT:
 * one fsync for all of them. Each promise settles only after that COMMIT, so nothing is answered
 * before it is on disk, exactly as before. A work that throws is rolled back alone (its savepoint)
 * and its promise rejected; when SQLite rolled back the whole transaction, or the COMMIT failed,
 * every promise of the group is rejected and nothing of it was stored. Works run when the group
 * does, not when queued: they must read what they need inside (a report re-read, not captured).
 *
 * When another process holds the write lock (WEB_CONCURRENCY above 1), the group does not wait
 * for it inside SQLite: SQLite's busy handler sleeps with the event loop stopped (1, 2, 5, 10 ms
 * and on), so one process's commit used to halt every request of the other, reads included. The
 * group asks again after a millisecond on a timer, answering other requests meanwhile (and
 * gathering more works), and gives up as SQLite would, after the connection's busy_timeout.
 */
export function createGroupCommit(db: Db): GroupCommit {
  let queue: Queued[] = [];
  /** When the group began to wait for another process's write lock, or null. */
  let waitingSince: number | null = null;

  const rejectAll = (group: Queued[], err: unknown) => group.forEach(({ reject }) => reject(err));

  /** BEGIN IMMEDIATE without SQLite's own waiting: true when begun, false when another process has the lock. */
  function tryBegin(): boolean {
    const patience = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
      return true;
    } catch (err) {
      const at = performance.now();
      waitingSince ??= at;
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || at - waitingSince >= patience) throw err;
      return false;
    } finally {
      db.pragma(`busy_timeout = ${patience}`);
    }
  }

  function commitGroup(): void {
    try {
      if (!tryBegin()) {
        setTimeout(commitGroup, 1);
        return;
      }
    } catch (err) {
      waitingSince = null;
      const group = queue;
      queue = [];
      rejectAll(group, err);
      return;
    }
    waitingSince = null;
    const group = queue;
    queue = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      for (const { work } of group) {
        try {
          outcomes.push({ ok: true, value: db.transaction(work)() });
        } catch (err) {
          // SQLITE_FULL, an I/O error…: SQLite has rolled back the whole transaction already.
          if (!db.inTransaction) throw err;
          outcomes.push({ ok: false, value: err });
        }
      }
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      rejectAll(group, err);
      return;
    }
    group.forEach(({ resolve, reject }, i) => (outcomes[i]!.ok ? resolve(outcomes[i]!.value) : reject(outcomes[i]!.value)));
  }

  return <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      // A group already waiting for the lock takes this work too when it begins.
      if (queue.length === 0) setImmediate(commitGroup);
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
}
