import crypto from 'node:crypto';
import os from 'node:os';
import type { HeldLease, LeaseRepository } from '../data/leaseRepository';

/** The outbox: one sender at a time, across server processes, commands and machines. */
export const OUTBOX_LEASE = 'outbox';

/** How long a lease lasts unless renewed: the longest a holder that died on another machine keeps others waiting. */
export const LEASE_MS = 30_000;

export interface LeaseDeps {
  leases: LeaseRepository;
  name: string;
  /** What the holder is, for the operator: "server process 2", "npm run outbox:drain". */
  who: string;
  now: () => Date;
  log: (message: string) => void;
  /** This holder's process (tests give two holders in one process different ones). */
  host?: string;
  pid?: number;
  /** Whether a process on this machine is still running. */
  isAlive?: (pid: number) => boolean;
  /** How long the lease lasts unless renewed (LEASE_MS). */
  ttlMs?: number;
}

/** What `run` did: the work's result, or who holds the lease instead. */
export type LeaseRun<T> = { held: true; value: T } | { held: false; holder: HeldLease | undefined };

/** Signal 0 checks that a process exists without touching it; EPERM means it exists but is not ours. */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lease in the database (migration 0014) for work that must run in one place at a time. A holder
 * takes it when it is free, expired, or held by a process on this same machine that no longer runs
 * (a crash or SIGKILL: no need to wait out its time); renews it three times a lease while it
 * works; and gives it up when done. If a renewal finds the lease taken (this process stalled for
 * longer than LEASE_MS), the work is told to stop through its AbortSignal.
 */
export function createLease(deps: LeaseDeps) {
  const { leases, name, who, now, log } = deps;
  const ttlMs = deps.ttlMs ?? LEASE_MS;
  // Three renewals fit in a lease, so one slow write does not lose it.
  const renewEveryMs = ttlMs / 3;
  const isAlive = deps.isAlive ?? processIsAlive;
  const me = { holder: `${who} #${crypto.randomBytes(6).toString('hex')}`, host: deps.host ?? os.hostname(), pid: deps.pid ?? process.pid };
  const until = (at: Date) => new Date(at.getTime() + ttlMs);

  function tryAcquire(): boolean {
    const at = now();
    if (leases.acquire(name, me, at, until(at))) return true;
    const held = leases.find(name);
    // Given up between the two statements: try once more.
    if (!held) return leases.acquire(name, me, at, until(at));
    if (held.host === me.host && held.pid !== me.pid && !isAlive(held.pid)) {
      if (!leases.takeOver(name, held.holder, me, at, until(at))) return false;
      log(`Took over the ${name} lease of ${held.holder} (pid ${held.pid}), which no longer runs.`);
      return true;
    }
    return false;
  }

  function release(): void {
    try {
      leases.release(name, me.holder);
    } catch (err) {
      // It runs out by itself within LEASE_MS.
      log(`Could not give up the ${name} lease: ${(err as Error).message}`);
    }
  }

  return {
    holder: me.holder,
    tryAcquire,
    /** Extends this holder's lease; false once it is no longer theirs. */
    renew: (): boolean => leases.renew(name, me.holder, until(now())),
    release,
    /** Who holds the lease now, if anyone (expired or not). */
    current: (): HeldLease | undefined => leases.find(name),

    /** Runs `work` while holding the lease, or does nothing when another holder has it. */
    async run<T>(work: (lost: AbortSignal) => Promise<T>): Promise<LeaseRun<T>> {
      if (!tryAcquire()) return { held: false, holder: leases.find(name) };
      const lost = new AbortController();
      const renewal = setInterval(() => {
        try {
          if (leases.renew(name, me.holder, until(now()))) return;
          log(`Lost the ${name} lease to ${leases.find(name)?.holder ?? 'nobody'}: stopping after the step in hand.`);
          lost.abort();
        } catch {
          // The database was busy: the next renewal comes well before the lease runs out.
        }
      }, renewEveryMs);
      renewal.unref();
      try {
        return { held: true, value: await work(lost.signal) };
      } finally {
        clearInterval(renewal);
        release();
      }
    },
  };
}

export type Lease = ReturnType<typeof createLease>;
