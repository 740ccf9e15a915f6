/**
 * Limits that slow the flooder, not the public (receipt checks, report submissions, failed API
 * tokens).
 *
 * Counts live in memory only — client addresses are never written anywhere — in fixed windows.
 * Each client has its own allowance (`perClient` recorded attempts a window). With `flood`, the
 * count of one kind of event from everyone together (wrong receipts, or accepted reports) does not
 * refuse everyone when it runs over, as a plain global bucket would (a few addresses sending junk
 * would lock every resident out); it only marks a flood, during which a client that already has
 * `allowance` such events this window is refused. So during a flood a resident's first report, or
 * a correct receipt from someone who has not been guessing, still goes through, while each
 * flooding address is cut down to its flood allowance.
 */
export type AttemptOutcome = 'success' | 'failure';

export interface FloodRule {
  /** Events of `kind` from everyone together in a window before it counts as a flood. */
  global: number;
  kind: AttemptOutcome;
  /** During a flood, a client with this many events of `kind` in the window is refused. */
  allowance: number;
}

export interface FloodGuardOptions {
  /** Attempts one client may record in a window, whatever their outcome. */
  perClient: number;
  /** Without it, only the per-client allowance applies. */
  flood?: FloodRule;
  windowMs: number;
  now: () => number;
}

export type FloodVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface ClientCount {
  windowStart: number;
  attempts: number;
  /** Events of the flood rule's kind. */
  counted: number;
}

const MAX_CLIENTS = 100_000;

export function createFloodGuard(options: FloodGuardOptions) {
  const { perClient, flood, windowMs, now } = options;
  const clients = new Map<string, ClientCount>();
  let globalWindowStart = now();
  let globalCount = 0;

  function current(client: string, t: number): ClientCount | undefined {
    const c = clients.get(client);
    if (c && t - c.windowStart >= windowMs) {
      clients.delete(client);
      return undefined;
    }
    return c;
  }

  function rollGlobal(t: number): void {
    if (t - globalWindowStart >= windowMs) {
      globalWindowStart = t;
      globalCount = 0;
    }
  }

  function refuse(until: number, t: number): FloodVerdict {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - t) / 1000)) };
  }

  return {
    /** May this client make an attempt now? Asked before the attempt does any work. */
    check(client: string): FloodVerdict {
      const t = now();
      rollGlobal(t);
      const c = current(client, t);
      if (!c) return { allowed: true };
      if (c.attempts >= perClient) return refuse(c.windowStart + windowMs, t);
      if (flood && globalCount >= flood.global && c.counted >= flood.allowance)
        return refuse(Math.min(c.windowStart, globalWindowStart) + windowMs, t);
      return { allowed: true };
    },

    /** Records an attempt and its outcome. */
    record(client: string, outcome: AttemptOutcome): void {
      const t = now();
      rollGlobal(t);
      let c = current(client, t);
      if (!c) {
        // A flood of addresses: forget the oldest rather than grow without bound.
        if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
        c = { windowStart: t, attempts: 0, counted: 0 };
        clients.set(client, c);
      }
      c.attempts += 1;
      if (outcome === flood?.kind) {
        c.counted += 1;
        globalCount += 1;
      }
    },

    /** Whether the global count is over its mark (for tests and the log). */
    get flooded(): boolean {
      rollGlobal(now());
      return flood !== undefined && globalCount >= flood.global;
    },
  };
}

export type FloodGuard = ReturnType<typeof createFloodGuard>;
