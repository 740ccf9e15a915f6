import session from 'express-session';
import type { Request, RequestHandler } from 'express';
import type { SqliteSessionStore } from '../data/sessionStore';

declare module 'express-session' {
  interface SessionData {
    /** Epoch ms when this session began; sessions have an absolute lifetime as well as an idle one. */
    startedAt?: number;
    /** The report a receipt opened (a receipt session). */
    receiptReportId?: number;
    /** A new receipt still on view in this browser, encrypted; its key is in the `lentera.receipt` cookie (receiptRoutes.ts, receiptHandoff.ts). */
    pendingReceipt?: string;
    /** A one-time notice for the next page (a locale key). */
    notice?: string;
  }
}

export const SESSION_COOKIE = 'lentera.sid';
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Sessions in SQLite. The cookie has no expiry date (it ends with the browser); the server ends a
 * session after 30 idle minutes. A session is only created when a page needs one (a form's CSRF token).
 */
export function setUpSession(store: SqliteSessionStore, secret: string, secureCookies: boolean): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    unset: 'destroy',
    cookie: { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/' },
  });
}

/**
 * Writes the session row now rather than as the response ends. The SQLite store writes
 * synchronously on the same connection as the services, so called inside a service's transaction
 * the row commits with it (one fsync for both); a failure is thrown, which rolls that transaction
 * back. express-session then sees the session saved and does not write it again.
 */
export function saveSessionNow(req: Request): void {
  let saved = false;
  let failure: unknown;
  req.session.save((err: unknown) => {
    saved = true;
    failure = err;
  });
  if (failure) throw failure;
  if (!saved) throw new Error('The session store did not write the session at once');
}
