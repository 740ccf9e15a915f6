import type { Request } from 'express';
import { PENDING_LOGIN_MS } from '../../domain/accounts';

/** Between the password and the second factor. Not signed in: `accountId` is set only after every factor. */
export interface PendingLogin {
  accountId: number;
  stage: 'code' | 'enrol';
  since: number;
  next: string | null;
  /** The secret being enrolled, encrypted (authService.startEnrolment). */
  sealedSecret?: string;
}

declare module 'express-session' {
  interface SessionData {
    pendingLogin?: PendingLogin;
  }
}

export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/** The half-signed-in state at this stage, while it is fresh; otherwise null (and forgotten). */
export function pendingLogin(req: Request, stage: PendingLogin['stage'], now: number): PendingLogin | null {
  const pending = req.session?.pendingLogin;
  if (!pending) return null;
  if (now - pending.since > PENDING_LOGIN_MS) {
    delete req.session.pendingLogin;
    return null;
  }
  return pending.stage === stage ? pending : null;
}

/** After the password: a fresh session that remembers only whose code to ask for next. */
export async function startPendingLogin(req: Request, login: PendingLogin): Promise<void> {
  await regenerateSession(req);
  req.session.pendingLogin = login;
}

/** Every factor passed: a fresh session id (no fixation), signed in from now. */
export async function completeLogin(req: Request, accountId: number, now: number): Promise<void> {
  await regenerateSession(req);
  req.session.accountId = accountId;
  req.session.startedAt = now;
}
