import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { HttpError } from '../errors';

const unsafeFetchSites = new Set(['cross-site', 'same-site']);

export const CSRF_COOKIE = 'lentera.csrf';

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

/**
 * What a token is bound to: the stored session when the visitor has one (signed in, half-way
 * through signing in, or in a receipt session), so that a token cannot outlive its session;
 * nothing for an anonymous visitor, who has no session at all until they submit something.
 */
function sessionBinding(req: Request): string {
  const s = req.session;
  if (!s) return '';
  return s.accountId !== undefined || s.pendingLogin !== undefined || s.receiptReportId !== undefined ? req.sessionID : '';
}

export interface Csrf {
  /** Origin check and token check on every POST. */
  protect: RequestHandler;
  /** The token for this response's forms (sets the cookie once; writes nothing to the database). */
  tokenFor(req: Request, res: Response): string;
  /** For forms that keep what was typed when only the token is stale (see reportRoutes). */
  isTokenValid(req: Request): boolean;
}

/**
 * CSRF protection without server-side state: a signed double-submit token (csrf-csrf). The token
 * is an HMAC, under a key derived from SESSION_SECRET, of a random value and the visitor's stored
 * session (if any); it travels in an HttpOnly, SameSite=Strict cookie and in each form's `_csrf`
 * field, and a POST must carry both, equal and correctly signed. So showing a form to an anonymous
 * visitor writes nothing to the database (a flood of GETs leaves the sessions table empty).
 *
 * `recoverablePaths` are POST routes that check the token themselves: when a long-open form's
 * token no longer holds they show the form again with everything typed, instead of a 403 that
 * would lose it. The Origin check still applies to them here.
 */
export function setUpCsrf(baseUrl: string, sessionSecret: string, secureCookies: boolean, recoverablePaths: ReadonlySet<string>): Csrf {
  const ownOrigins = new Set([new URL(baseUrl).origin]);
  const secret = crypto.createHmac('sha256', sessionSecret).update('lentera csrf tokens').digest('hex');
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: sessionBinding,
    cookieName: CSRF_COOKIE,
    // No expiry: the cookie ends with the browser, like the session cookie.
    cookieOptions: { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/' },
    getCsrfTokenFromRequest: (req) => (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined),
  });
  // One token per response, however many forms the page has (each call would add a Set-Cookie).
  const issued = new WeakMap<Response, string>();
  return {
    protect: (req, _res, next) => {
      if (req.method !== 'POST') return next();
      const hostOrigin = `${req.protocol}://${req.get('host')}`;
      if (!fromOwnPages(req, new Set([...ownOrigins, hostOrigin]))) return next(new HttpError(403, 'Cross-site request refused'));
      if (recoverablePaths.has(req.path)) return next();
      if (!validateRequest(req)) return next(new HttpError(403, 'Invalid CSRF token'));
      next();
    },
    tokenFor: (req, res) => {
      let token = issued.get(res);
      if (token === undefined) {
        token = generateCsrfToken(req, res);
        issued.set(res, token);
      }
      return token;
    },
    isTokenValid: (req) => validateRequest(req),
  };
}
