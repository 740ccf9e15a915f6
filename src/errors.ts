/** An error with an HTTP status; the one error handler renders it as a friendly page. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message?: string,
  ) {
    super(message ?? `HTTP ${status}`);
    this.name = 'HttpError';
  }
}

/**
 * An error that says the database cannot serve right now — read-only, disk full, an I/O error,
 * damaged pages, locked for too long — rather than anything about the request: answered 503.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(READONLY|FULL|IOERR|CORRUPT|NOTADB|BUSY|LOCKED|CANTOPEN|PROTOCOL)/.test(code);
}

/**
 * Signed in, but this role — or this person, for this object — may not do it: a refusal of
 * permission, answered with its own page ("Anda tidak punya akses"), never the "page expired" of a
 * form whose CSRF token no longer holds (a plain 403 HttpError).
 */
export class PermissionDeniedError extends HttpError {
  constructor(message: string) {
    super(403, message);
    this.name = 'PermissionDeniedError';
  }
}
