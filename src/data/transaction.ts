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
