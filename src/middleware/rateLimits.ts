import type { Request, RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { HttpError } from '../errors';

/**
 * Limits kept in memory only: client addresses are counted here and never written anywhere.
 * Each limit is a pair, per client and for everyone together, so that many addresses cannot
 * add up to a flood either.
 */
interface LimitOptions {
  /** Count requests that were refused or invalid too (receipt guesses); else only those that did work. */
  countFailures: boolean;
}

function limiter(limit: number, windowMs: number, key: (req: Request) => string, { countFailures }: LimitOptions): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    skipFailedRequests: !countFailures,
    handler: (_req, _res, next) => next(new HttpError(429, 'Too many requests')),
    validate: { keyGeneratorIpFallback: false },
  });
}

const perClient = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
const everyone = () => 'everyone';

export function perClientAndGlobal(perIp: number, global: number, windowMs: number, options: LimitOptions): RequestHandler[] {
  return [limiter(perIp, windowMs, perClient, options), limiter(global, windowMs, everyone, options)];
}

/** A limit keyed by something other than the client, such as the report a message is for. */
export function perKey(limit: number, windowMs: number, key: (req: Request) => string): RequestHandler {
  return limiter(limit, windowMs, key, { countFailures: true });
}
