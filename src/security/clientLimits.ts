import { createFloodGuard } from './floodGuard';
import { createLoginThrottle } from './loginThrottle';

/**
 * Every count that must hold across requests — and across server processes: the flood guards
 * (reports, receipt checks, failed API tokens), the sign-in throttle, and the fixed-window counts
 * behind express-rate-limit (messages per report, API calls per token).
 *
 * They live in memory only, in one place: client addresses are keys of these maps and are never
 * written to disk, not even hashed. With one server process that place is the process itself
 * (`shareInProcess`); with several (WEB_CONCURRENCY > 1) it is the cluster's primary process,
 * which holds the one set of counts and answers its workers over the IPC channel Node.js opens
 * between them (`serveLimits` in the primary, `limitsOverChannel` in each worker). Either way the
 * rest of the code sees the same asynchronous interface, `SharedLimits`.
 */

/** Hits per key in fixed windows: what express-rate-limit's memory store counted, for limits keyed by a report or an API token. */
export function createWindowCounter(windowMs: number, now: () => number) {
  const windows = new Map<string, { hits: number; resetAt: number }>();
  const MAX_KEYS = 100_000;

  function current(key: string, t: number) {
    const w = windows.get(key);
    if (w && w.resetAt <= t) {
      windows.delete(key);
      return undefined;
    }
    return w;
  }

  return {
    /** One more hit for `key`: the hits in its window so far, and when the window ends (ms since the epoch). */
    increment(key: string): { totalHits: number; resetAt: number } {
      const t = now();
      let w = current(key, t);
      if (!w) {
        // Too many keys at once: forget the oldest rather than grow without bound.
        if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value!);
        w = { hits: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.hits += 1;
      return { totalHits: w.hits, resetAt: w.resetAt };
    },
    decrement(key: string): void {
      const w = current(key, now());
      if (w && w.hits > 0) w.hits -= 1;
    },
    reset(key: string): void {
      windows.delete(key);
    },
  };
}

export type WindowCounter = ReturnType<typeof createWindowCounter>;

/** The limits as configured (config.rateLimits, and the window they share). */
export interface LimitSettings {
  reportsPerIp: number;
  reportsGlobal: number;
  receiptChecksPerIp: number;
  receiptChecksGlobal: number;
  apiAuthFailuresPerIp: number;
}

/** The one set of counts (held by the single process, or by the cluster's primary). */
export function createClientLimits(settings: LimitSettings, windowMs: number, now: () => number) {
  return {
    // Past RATE_REPORTS_GLOBAL an hour, only each client's first report of the hour is taken.
    reports: createFloodGuard({
      perClient: settings.reportsPerIp,
      flood: { global: settings.reportsGlobal, kind: 'success', allowance: 1 },
      windowMs,
      now,
    }),
    // Past RATE_RECEIPT_CHECKS_GLOBAL wrong receipts an hour, a client with three wrong ones waits;
    // a correct receipt from anyone else is still answered.
    receiptChecks: createFloodGuard({
      perClient: settings.receiptChecksPerIp,
      flood: { global: settings.receiptChecksGlobal, kind: 'failure', allowance: 3 },
      windowMs,
      now,
    }),
    // Failed bearer tokens per client (only failures are recorded).
    apiTokenFailures: createFloodGuard({ perClient: settings.apiAuthFailuresPerIp, windowMs, now }),
    login: createLoginThrottle(now),
    // express-rate-limit reads these windows' ends against the real clock (Retry-After), so they run on it too.
    messagesPerReport: createWindowCounter(windowMs, Date.now),
    apiCallsPerToken: createWindowCounter(windowMs, Date.now),
  };
}

export type ClientLimits = ReturnType<typeof createClientLimits>;

/** The methods of `T`, each answering with a promise (the answer may come from another process). */
export type Shared<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<R>
    : never;
};

export type SharedLimits = { [K in keyof ClientLimits]: Shared<ClientLimits[K]> };
export type SharedFloodGuard = SharedLimits['reports'];
export type SharedLoginThrottle = SharedLimits['login'];
export type SharedWindowCounter = SharedLimits['messagesPerReport'];

/** What may be asked of the counts, by name: the only calls a worker can make of the primary. */
const METHODS: { [K in keyof SharedLimits]: readonly (keyof SharedLimits[K] & string)[] } = {
  reports: ['check', 'record'],
  receiptChecks: ['check', 'record'],
  apiTokenFailures: ['check', 'record'],
  login: ['state', 'recordFailure', 'recordSuccess'],
  messagesPerReport: ['increment', 'decrement', 'reset'],
  apiCallsPerToken: ['increment', 'decrement', 'reset'],
};

/** One call on the counts, as it travels between processes. */
export interface LimitCall {
  target: string;
  method: string;
  args: unknown[];
}

/** Runs one call on the counts; throws for a name that is not in METHODS. */
export function invokeLimit(limits: ClientLimits, call: LimitCall): unknown {
  const methods = Object.hasOwn(METHODS, call.target) ? (METHODS as Record<string, readonly string[]>)[call.target] : undefined;
  if (!methods?.includes(call.method) || !Array.isArray(call.args)) throw new Error(`No such limit call: ${call.target}.${call.method}`);
  const target = limits[call.target as keyof ClientLimits] as unknown as Record<string, (...args: unknown[]) => unknown>;
  return target[call.method]!(...call.args);
}

/** The shared interface over any way of making a call. */
function sharedThrough(call: (c: LimitCall) => Promise<unknown>): SharedLimits {
  const entries = Object.entries(METHODS).map(([target, methods]) => [
    target,
    Object.fromEntries(methods.map((method) => [method, (...args: unknown[]) => call({ target, method, args })])),
  ]);
  return Object.fromEntries(entries) as SharedLimits;
}

/** One server process: the counts are its own. */
export function shareInProcess(limits: ClientLimits): SharedLimits {
  return sharedThrough(async (c) => invokeLimit(limits, c));
}

/** The IPC channel between a cluster worker and its primary (Node's `process.send` / `worker.send`), or a stand-in in tests. */
export interface LimitChannel {
  /** Sends `message`; calls `failed` if it cannot be sent (the other end is gone). */
  send(message: unknown, failed: (err: Error) => void): void;
  onMessage(listener: (message: unknown) => void): void;
}

const TAG = 'lentera.limits';

interface Request {
  [TAG]: 'call';
  id: number;
  call: LimitCall;
}
type Reply = { [TAG]: 'reply'; id: number } & ({ ok: true; value: unknown } | { ok: false; error: string });

const isRequest = (m: unknown): m is Request => typeof m === 'object' && m !== null && (m as Request)[TAG] === 'call';
const isReply = (m: unknown): m is Reply => typeof m === 'object' && m !== null && (m as Reply)[TAG] === 'reply';

/** In a worker: every count is asked of the primary, over `channel`. */
export function limitsOverChannel(channel: LimitChannel): SharedLimits {
  const waiting = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  let nextId = 1;
  channel.onMessage((m) => {
    if (!isReply(m)) return;
    const pending = waiting.get(m.id);
    if (!pending) return;
    waiting.delete(m.id);
    if (m.ok) pending.resolve(m.value);
    else pending.reject(new Error(m.error));
  });
  return sharedThrough(
    (call) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const failed = (err: Error) => {
          waiting.delete(id);
          reject(err);
        };
        waiting.set(id, { resolve, reject });
        try {
          channel.send({ [TAG]: 'call', id, call } satisfies Request, failed);
        } catch (err) {
          failed(err as Error);
        }
      }),
  );
}

/** In the primary: answers a worker's call on the one set of counts. Returns false for a message that is not a call. */
export function serveLimits(limits: ClientLimits, message: unknown, reply: (message: unknown) => void): boolean {
  if (!isRequest(message)) return false;
  let answer: Reply;
  try {
    answer = { [TAG]: 'reply', id: message.id, ok: true, value: invokeLimit(limits, message.call) };
  } catch (err) {
    answer = { [TAG]: 'reply', id: message.id, ok: false, error: (err as Error).message };
  }
  reply(answer);
  return true;
}
