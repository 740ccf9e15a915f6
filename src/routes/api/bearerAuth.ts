import type { RequestHandler } from 'express';
import type { ApiTokenHolder } from '../../data/apiTokenRepository';
import type { ApiTokenService } from '../../services/apiTokenService';
import { ApiProblem } from './problem';

declare module 'express-serve-static-core' {
  interface Request {
    /** The token an API call was made with, and its department (set by bearerAuth). */
    apiToken?: ApiTokenHolder;
  }
}

const REALM = 'Bearer realm="Lentera API"';

/**
 * `Authorization: Bearer <token>` → req.apiToken. Without the header: 401 with a plain challenge;
 * with an unknown, revoked or malformed token (or one whose department was deactivated): 401 with
 * `error="invalid_token"` (RFC 6750). Nothing else authenticates an API call: no cookie, no session.
 */
export function bearerAuth(apiTokenService: ApiTokenService): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) return next(new ApiProblem('unauthorized', { headers: { 'WWW-Authenticate': REALM } }));
    const match = /^Bearer +(\S+) *$/i.exec(header);
    const holder = match ? apiTokenService.authenticate(match[1]!) : undefined;
    if (!holder) return next(new ApiProblem('unauthorized', { headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token"` } }));
    req.apiToken = holder;
    next();
  };
}
