import session from 'express-session';
import type { Db } from './db';

/** How far a session's expiry must move before a touch writes it. */
export const TOUCH_AFTER_MS = 60 * 1000;

/**
 * express-session store on the sessions table. A row holds only what the session needs (a CSRF
 * token, a receipt session's report id): nothing about the visitor.
 */
export class SqliteSessionStore extends session.Store {
  private readonly getStmt;
  private readonly setStmt;
  private readonly destroyStmt;
  private readonly touchStmt;
  private readonly pruneStmt;
  private readonly timer: NodeJS.Timeout;

  constructor(
    db: Db,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.getStmt = db.prepare('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?').pluck();
    this.setStmt = db.prepare(
      `INSERT INTO sessions (sid, data, expires_at, account_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, account_id = excluded.account_id`,
    );
    this.destroyStmt = db.prepare('DELETE FROM sessions WHERE sid = ?');
    // Only when the expiry moves by more than TOUCH_AFTER_MS: otherwise SQLite changes nothing and commits nothing.
    this.touchStmt = db.prepare('UPDATE sessions SET expires_at = ? WHERE sid = ? AND expires_at < ?');
    this.pruneStmt = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
    this.timer = setInterval(() => this.prune(), 5 * 60 * 1000);
    this.timer.unref();
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    try {
      const data = this.getStmt.get(sid, this.now()) as string | undefined;
      cb(null, data ? (JSON.parse(data) as session.SessionData) : null);
    } catch (err) {
      cb(err);
    }
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    try {
      const accountId = (data as { accountId?: number }).accountId ?? null;
      this.setStmt.run(sid, JSON.stringify(data), this.now() + this.idleMs, accountId);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    try {
      this.destroyStmt.run(sid);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  /**
   * Moves the idle expiry on, at most once a minute per session: a write committed with a full
   * fsync on every request of a signed-in person was the cost of each staff page. So a session
   * ends between 29 and 30 idle minutes after its last request.
   */
  override touch(sid: string, _data: session.SessionData, cb?: (err?: unknown) => void): void {
    try {
      const expiresAt = this.now() + this.idleMs;
      this.touchStmt.run(expiresAt, sid, expiresAt - TOUCH_AFTER_MS);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  prune(): void {
    this.pruneStmt.run(this.now());
  }

  close(): void {
    clearInterval(this.timer);
  }
}

/**
 * Ends every session of an account, in the store above: a row gone is a session ended. The
 * services' `endSessions` port (deactivation, second-factor reset, password change), wired in
 * services/index.ts; on the services' own connection, so inside their transaction it commits with
 * the change.
 */
export function createAccountSessions(db: Db) {
  const destroyForAccount = db.prepare('DELETE FROM sessions WHERE account_id = ?');
  return {
    endAll(accountId: number): void {
      destroyForAccount.run(accountId);
    },
  };
}
