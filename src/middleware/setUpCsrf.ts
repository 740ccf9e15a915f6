import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { HttpError } from '../errors';

const unsafeFetchSites = new Set(['cross-site', 'same-site']);

/**
 * The request comes from one of our own pages. Browsers send `Origin: null` on form posts under
 * `Referrer-Policy: no-referrer`, so a null Origin is allowed and Sec-Fetch-Site decides.
 */
function fromOwnPages(req: Request, ownOrigins: Set<string>): boolean {
  const origin = req.get('origin');
  if (origin && origin !== 'null' && !ownOrigins.has(origin)) return false;
  const site = req.get('sec-fetch-site');
  return !(site && unsafeFetchSites.has(site));
}

export interface Csrf {
  /** Origin check and synchronizer-token check on every POST. */
  protect: RequestHandler;
  /** The session's token for a form (creates the session when it has none). */
  tokenFor(req: Request): string;
  /** For forms that keep what was typed when only the token is stale (see reportRoutes). */
  isTokenValid(req: Request): boolean;
}

/**
 * `recoverablePaths` are POST routes that check the token themselves: when a long-open form's
 * session has expired they show the form again with everything typed, instead of a 403 that
 * would lose it. The Origin check still applies to them here.
 */
export function setUpCsrf(baseUrl: string, recoverablePaths: ReadonlySet<string>): Csrf {
  const ownOrigins = new Set([new URL(baseUrl).origin]);
  const sync = csrfSync({
    getTokenFromRequest: (req) => (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined),
  });
  return {
    protect: (req, _res, next) => {
      if (req.method !== 'POST') return next();
      const hostOrigin = `${req.protocol}://${req.get('host')}`;
      if (!fromOwnPages(req, new Set([...ownOrigins, hostOrigin]))) return next(new HttpError(403, 'Cross-site request refused'));
      if (recoverablePaths.has(req.path)) return next();
      if (!sync.isRequestValid(req)) return next(new HttpError(403, 'Invalid CSRF token'));
      next();
    },
    tokenFor: (req) => sync.generateToken(req),
    isTokenValid: (req) => sync.isRequestValid(req),
  };
}
