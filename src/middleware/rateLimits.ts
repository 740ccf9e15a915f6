import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, ipKeyGenerator, type Store } from 'express-rate-limit';
import { HttpError } from '../errors';
import type { AttemptOutcome } from '../security/floodGuard';
import type { SharedFloodGuard, SharedWindowCounter } from '../security/clientLimits';

/**
 * Answers a refused request itself — a form shown again with what was typed and when to try
 * again — instead of the error page. `Retry-After` is already set; the answer sets the 429.
 */
export type RefusalAnswer = (req: Request, res: Response, retryAfterSeconds: number) => void;

/**
 * express-rate-limit's counts kept in the shared counter (security/clientLimits.ts): in memory only,
 * in this process or the cluster's primary, so every server process counts the same hits.
 */
function sharedStore(counter: SharedWindowCounter): Store {
  return {
    localKeys: false,
    async increment(key) {
      const { totalHits, resetAt } = await counter.increment(key);
      return { totalHits, resetTime: new Date(resetAt) };
    },
    decrement: (key) => counter.decrement(key),
    resetKey: (key) => counter.reset(key),
  };
}

/** Limits kept in memory only: client addresses are counted there and never written anywhere. */
function limiter(
  limit: number,
  windowMs: number,
  counter: SharedWindowCounter,
  key: (req: Request) => string,
  answer?: RefusalAnswer,
): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    store: sharedStore(counter),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (req, res, next) => {
      if (!answer) return next(new HttpError(429, 'Too many requests'));
      // express-rate-limit has set Retry-After (standardHeaders) from the window's reset time.
      answer(req, res, Math.max(1, Number(res.getHeader('Retry-After')) || Math.ceil(windowMs / 1000)));
    },
    validate: { keyGeneratorIpFallback: false },
  });
}

/** The client as the limits count it: its address (an IPv6 address by its /56, as one household or phone gets many). */
export const clientOf = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

/** A flood guard (security/floodGuard.ts) at the door of a route: `check` before the work, `record` after it. */
export interface FloodLimit {
  /** Refuses with the 429 error page. */
  check: RequestHandler;
  /** Refuses with `answer` instead (a form keeps what was typed). */
  checkOr(answer: RefusalAnswer): RequestHandler;
  /** Resolves once counted (by the primary process too), so the next request sees it: await it before answering. */
  record(req: Request, outcome: AttemptOutcome): Promise<void>;
}

export function floodLimit(guard: SharedFloodGuard): FloodLimit {
  const gate =
    (answer?: RefusalAnswer): RequestHandler =>
    async (req, res, next) => {
      const verdict = await guard.check(clientOf(req));
      if (verdict.allowed) return next();
      res.set('Retry-After', String(verdict.retryAfterSeconds));
      if (answer) return answer(req, res, verdict.retryAfterSeconds);
      next(new HttpError(429, 'Too many requests'));
    };
  return {
    check: gate(),
    checkOr: gate,
    record: (req, outcome) => guard.record(clientOf(req), outcome),
  };
}

/** A limit keyed by something other than the client, such as the report a message is for; `counter` holds its counts. */
export function perKey(
  limit: number,
  windowMs: number,
  counter: SharedWindowCounter,
  key: (req: Request) => string,
  answer?: RefusalAnswer,
): RequestHandler {
  return limiter(limit, windowMs, counter, key, answer);
}
