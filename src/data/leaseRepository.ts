import type { Db } from './db';

/** Who holds a lease: a unique holder id, and its process (for the liveness check and the operator). */
export interface LeaseHolder {
  holder: string;
  host: string;
  pid: number;
}

export interface HeldLease extends LeaseHolder {
  acquiredAt: Date;
  expiresAt: Date;
}

interface LeaseRow {
  holder: string;
  host: string;
  pid: number;
  acquired_at: string;
  expires_at: string;
}

/**
 * The leases table (migration 0014). Each statement is a single atomic write, so two processes
 * that try at once cannot both succeed: SQLite serialises the writes, and each checks the row as
 * it is at its turn.
 */
export function createLeaseRepository(db: Db) {
  const acquire = db.prepare(
    `INSERT INTO leases (name, holder, host, pid, acquired_at, expires_at) VALUES (@name, @holder, @host, @pid, @at, @until)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid,
       acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
     WHERE leases.expires_at <= excluded.acquired_at OR leases.holder = excluded.holder`,
  );
  const takeOver = db.prepare(
    `UPDATE leases SET holder = @holder, host = @host, pid = @pid, acquired_at = @at, expires_at = @until
     WHERE name = @name AND holder = @previous`,
  );
  const renew = db.prepare('UPDATE leases SET expires_at = @until WHERE name = @name AND holder = @holder');
  const release = db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?');
  const find = db.prepare('SELECT holder, host, pid, acquired_at, expires_at FROM leases WHERE name = ?');

  return {
    /** Takes `name` for `who` until `until` when it is free, expired at `at`, or already `who`'s; true when taken. */
    acquire(name: string, who: LeaseHolder, at: Date, until: Date): boolean {
      return acquire.run({ name, ...who, at: at.toISOString(), until: until.toISOString() }).changes === 1;
    },

    /** Takes `name` from `previous` (a holder found dead), unless someone else has taken it meanwhile. */
    takeOver(name: string, previous: string, who: LeaseHolder, at: Date, until: Date): boolean {
      return takeOver.run({ name, previous, ...who, at: at.toISOString(), until: until.toISOString() }).changes === 1;
    },

    /** Extends `who`'s lease; false when it is no longer theirs (it expired and someone else took it). */
    renew(name: string, holder: string, until: Date): boolean {
      return renew.run({ name, holder, until: until.toISOString() }).changes === 1;
    },

    /** Gives the lease up, if it is still `holder`'s. */
    release(name: string, holder: string): void {
      release.run(name, holder);
    },

    /** The lease as it stands (possibly expired), or undefined when nobody holds it. */
    find(name: string): HeldLease | undefined {
      const row = find.get(name) as LeaseRow | undefined;
      return (
        row && {
          holder: row.holder,
          host: row.host,
          pid: row.pid,
          acquiredAt: new Date(row.acquired_at),
          expiresAt: new Date(row.expires_at),
        }
      );
    },
  };
}

export type LeaseRepository = ReturnType<typeof createLeaseRepository>;
