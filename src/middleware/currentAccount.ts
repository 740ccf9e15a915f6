import type { RequestHandler } from 'express';
import type { AuthService } from '../services/authService';
import type { CurrentAccount, Role } from '../domain/roles';
import { HttpError, PermissionDeniedError } from '../errors';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in account; set only once every factor has been checked. */
    accountId?: number;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    account?: CurrentAccount;
  }
}

/** Staff sessions end after 8 hours, however active (DESIGN.md, security baseline). */
export const STAFF_SESSION_MAX_MS = 8 * 60 * 60 * 1000;

/**
 * Loads the signed-in account into req.account and res.locals.account. A session past its absolute
 * lifetime, or of an account since deactivated, is destroyed.
 */
export function setUpCurrentAccount(auth: Pick<AuthService, 'currentAccount'>, now: () => Date): RequestHandler {
  return (req, res, next) => {
    const id = req.session?.accountId;
    if (id === undefined) return next();
    const started = req.session.startedAt ?? 0;
    const account = now().getTime() - started <= STAFF_SESSION_MAX_MS ? auth.currentAccount(id) : undefined;
    if (!account) {
      return req.session.destroy((err) => next(err));
    }
    req.account = account;
    res.locals.account = account;
    next();
  };
}

/**
 * Admits only signed-in accounts with one of the roles. Not signed in: the login page (a GET) or
 * 403 (a POST, whose session has ended); signed in with another role: the permission page.
 */
export function requireRole(...allowed: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.account) {
      if (req.method === 'GET') return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return next(new HttpError(403, 'Not signed in'));
    }
    if (!allowed.includes(req.account.role))
      return next(new PermissionDeniedError(`Role ${req.account.role} may not ${req.method} ${req.path}`));
    next();
  };
}
