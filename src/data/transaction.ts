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
 */
export function createGroupCommit(db: Db): GroupCommit {
  let queue: Queued[] = [];

  function commitGroup(): void {
    const group = queue;
    queue = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      db.transaction(() => {
        for (const { work } of group) {
          try {
            outcomes.push({ ok: true, value: db.transaction(work)() });
          } catch (err) {
            // SQLITE_FULL, an I/O error…: SQLite has rolled back the whole transaction already.
            if (!db.inTransaction) throw err;
            outcomes.push({ ok: false, value: err });
          }
        }
      }).immediate();
    } catch (err) {
      for (const { reject } of group) reject(err);
      return;
    }
    group.forEach(({ resolve, reject }, i) => (outcomes[i]!.ok ? resolve(outcomes[i]!.value) : reject(outcomes[i]!.value)));
  }

  return <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(commitGroup);
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
}
