import type { Request, RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { HttpError } from '../errors';
import type { AttemptOutcome, FloodGuard } from '../services/floodGuard';

/** Limits kept in memory only: client addresses are counted here and never written anywhere. */
function limiter(limit: number, windowMs: number, key: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (_req, _res, next) => next(new HttpError(429, 'Too many requests')),
    validate: { keyGeneratorIpFallback: false },
  });
}

/** The client as the limits count it: its address (an IPv6 address by its /56, as one household or phone gets many). */
export const clientOf = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

/** A flood guard (services/floodGuard.ts) at the door of a route: `check` before the work, `record` after it. */
export interface FloodLimit {
  check: RequestHandler;
  record(req: Request, outcome: AttemptOutcome): void;
}

export function floodLimit(guard: FloodGuard): FloodLimit {
  return {
    check: (req, res, next) => {
      const verdict = guard.check(clientOf(req));
      if (verdict.allowed) return next();
      res.set('Retry-After', String(verdict.retryAfterSeconds));
      next(new HttpError(429, 'Too many requests'));
    },
    record: (req, outcome) => guard.record(clientOf(req), outcome),
  };
}

/** A limit keyed by something other than the client, such as the report a message is for. */
export function perKey(limit: number, windowMs: number, key: (req: Request) => string): RequestHandler {
  return limiter(limit, windowMs, key);
}
