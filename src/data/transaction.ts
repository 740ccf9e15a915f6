import type { Db } from './db';

export type Transactor = <T>(work: () => T) => T;

/** Runs `work` in one SQLite transaction; nothing inside may be awaited. */
export function createTransactor(db: Db): Transactor {
  return (work) => db.transaction(work)();
}
