import type { RequestHandler } from 'express';
import type { ApiTokenHolder } from '../../domain/departments';
import type { ApiTokenService } from '../../services/apiTokenService';
import { clientOf } from '../../middleware/rateLimits';
import { ApiProblem } from './problem';

declare module 'express-serve-static-core' {
  interface Request {
    /** The token an API call was made with, and its department (set by bearerAuth). */
    apiToken?: ApiTokenHolder;
  }
}

const REALM = 'Bearer realm="Lentera API"';

const invalidToken = () => new ApiProblem('unauthorized', { headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token"` } });

/**
 * `Authorization: Bearer <token>` → req.apiToken. Without the header: 401 with a plain challenge;
 * with an unknown, revoked or malformed token (or one whose department was deactivated): 401 with
 * `error="invalid_token"` (RFC 6750). Nothing else authenticates an API call: no cookie, no session.
 * An address that sent RATE_API_AUTH_FAILURES_PER_IP failed tokens this hour gets 429 with
 * Retry-After for every bearer token it sends, before any is looked up (apiTokenService).
 */
export function bearerAuth(apiTokenService: ApiTokenService): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) return next(new ApiProblem('unauthorized', { headers: { 'WWW-Authenticate': REALM } }));
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) return next(invalidToken());
    const result = await apiTokenService.authenticate(match[1]!, clientOf(req));
    if (!result.ok && result.problem === 'throttled') {
      return next(
        new ApiProblem('rateLimited', {
          headers: { 'Retry-After': String(result.retryAfterSeconds) },
          detailKey: 'api.problems.rateLimited.failedTokens',
        }),
      );
    }
    if (!result.ok) return next(invalidToken());
    req.apiToken = result.holder;
    next();
  };
}
