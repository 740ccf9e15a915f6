import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, PermissionDeniedError, isDatabaseUnavailable } from '../errors';
import { homeFor } from '../domain/staffNavigation';

const shownStatuses = new Set([400, 403, 404, 413, 429, 500, 503]);

function statusOf(err: unknown): number {
  // A database that cannot be written or read now (read-only, full, damaged) is not the visitor's
  // fault nor a bug to hide behind "form expired": 503, and what they sent was not saved.
  if (isDatabaseUnavailable(err)) return 503;
  const status = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

export function setUpNotFound(): RequestHandler {
  return (_req, _res, next) => next(new HttpError(404, 'Not found'));
}

/**
 * One friendly page per status, in the visitor's language, never a stack trace. Only server
 * faults are logged, and only the error itself: no address, no user agent, no body.
 */
export function setUpErrorHandler(log: (message: string) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = statusOf(err);
    if (status >= 500) log(`Error while serving ${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) return res.end();
    const shown = shownStatuses.has(status) ? status : status >= 500 ? 500 : 400;
    res.status(status);
    if (!res.locals.t) return res.type('text/plain').send(`Error ${status}`);
    // Signed in, but not allowed: a page of its own in the back office's layout, never "page expired".
    if (err instanceof PermissionDeniedError && req.account)
      return res.render('errors/permission', { homeHref: homeFor(req.account.role) });
    res.render('errors/error', { status: shown });
  };
}
