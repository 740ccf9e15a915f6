import { loginLimits } from '../domain/accounts';

interface Counter {
  failures: number[];
  lockedUntil: number;
}

export interface ThrottleState {
  locked: boolean;
  /** How long to wait before answering, so that guessing slows down before it locks. */
  delayMs: number;
}

/**
 * Failed sign-ins, counted in memory only: client addresses are never written to disk or logs, and
 * the counts vanish on restart. Two counters apply to each attempt: the (email, client) pair, so a
 * person can be locked out only from the address that is guessing; and the client alone, so one
 * address cannot try a password against many accounts.
 */
export function createLoginThrottle(now: () => number, limits = loginLimits) {
  const counters = new Map<string, Counter>();
  const MAX_ENTRIES = 100_000;

  const pairKey = (email: string, client: string) => `pair\n${email}\n${client}`;
  const clientKey = (client: string) => `client\n${client}`;

  function recent(key: string, t: number): Counter | undefined {
    const c = counters.get(key);
    if (!c) return undefined;
    c.failures = c.failures.filter((f) => f > t - limits.windowMs);
    if (c.failures.length === 0 && c.lockedUntil <= t) {
      counters.delete(key);
      return undefined;
    }
    return c;
  }

  function sweep(t: number): void {
    for (const key of counters.keys()) recent(key, t);
    // Still too many (a flood of addresses): forget the oldest rather than grow without bound.
    for (const key of counters.keys()) {
      if (counters.size <= MAX_ENTRIES) break;
      counters.delete(key);
    }
  }

  function fail(key: string, limit: number, t: number): boolean {
    const c = recent(key, t) ?? { failures: [], lockedUntil: 0 };
    c.failures.push(t);
    counters.set(key, c);
    if (c.failures.length >= limit) {
      c.failures = [];
      c.lockedUntil = t + limits.lockMs;
      return true;
    }
    return false;
  }

  return {
    state(email: string, client: string): ThrottleState {
      const t = now();
      const pair = recent(pairKey(email, client), t);
      const byClient = recent(clientKey(client), t);
      const locked = (pair?.lockedUntil ?? 0) > t || (byClient?.lockedUntil ?? 0) > t;
      const failures = pair?.failures.length ?? 0;
      return { locked, delayMs: Math.max(0, failures - limits.freeFailures) * limits.delayStepMs };
    },

    /** Counts a failure; true when this failure locked the pair or the client. */
    recordFailure(email: string, client: string): boolean {
      const t = now();
      if (counters.size > MAX_ENTRIES) sweep(t);
      const pairLocked = fail(pairKey(email, client), limits.failuresPerAccountAndClient, t);
      const clientLocked = fail(clientKey(client), limits.failuresPerClient, t);
      return pairLocked || clientLocked;
    },

    /** A full sign-in clears the pair's failures (not the client's: others may share the address). */
    recordSuccess(email: string, client: string): void {
      counters.delete(pairKey(email, client));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
