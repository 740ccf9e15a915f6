import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { HttpError } from '../errors';
import type { AttemptOutcome, FloodGuard } from '../security/floodGuard';

/**
 * Answers a refused request itself — a form shown again with what was typed and when to try
 * again — instead of the error page. `Retry-After` is already set; the answer sets the 429.
 */
export type RefusalAnswer = (req: Request, res: Response, retryAfterSeconds: number) => void;

/** Limits kept in memory only: client addresses are counted here and never written anywhere. */
function limiter(limit: number, windowMs: number, key: (req: Request) => string, answer?: RefusalAnswer): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
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
  record(req: Request, outcome: AttemptOutcome): void;
}

export function floodLimit(guard: FloodGuard): FloodLimit {
  const gate =
    (answer?: RefusalAnswer): RequestHandler =>
    (req, res, next) => {
      const verdict = guard.check(clientOf(req));
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

/** A limit keyed by something other than the client, such as the report a message is for. */
export function perKey(limit: number, windowMs: number, key: (req: Request) => string, answer?: RefusalAnswer): RequestHandler {
  return limiter(limit, windowMs, key, answer);
}
