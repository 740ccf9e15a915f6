import crypto from 'node:crypto';
import type { Transactor } from '../data/transaction';
import type { ApiTokenHolder, ApiTokenRepository } from '../data/apiTokenRepository';
import type { DepartmentRepository } from '../data/departmentRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { KeyedHasher } from '../data/fieldCipher';
import type { FloodGuard } from './floodGuard';
import { API_TOKEN_PREFIX, looksLikeApiToken } from '../domain/departments';
import { HttpError } from '../errors';

export type IssueResult = { ok: true; id: number; token: string } | { ok: false; reason: 'department_inactive' };

export type AuthenticateResult =
  | { ok: true; holder: ApiTokenHolder }
  | { ok: false; reason: 'invalid' }
  /** Too many failed tokens from this address: refused without looking the token up. */
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface ApiTokenServiceDeps {
  transaction: Transactor;
  apiTokens: ApiTokenRepository;
  departments: DepartmentRepository;
  audit: AuditRepository;
  /** HMAC under a key derived from DATA_KEY ('api-token'): the database alone cannot tell a token. */
  tokenHasher: KeyedHasher;
  /** Failed tokens per client address (in memory only), checked before the database is. */
  /** Failed tokens per client address (only failures are recorded). */
  failures: FloodGuard;
  now: () => Date;
}

const newToken = () => `${API_TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;

/**
 * Bearer tokens for departments' systems: issued by an administrator and shown once, revoked by an
 * administrator (or with their department), checked on every API call. The audit holds the token's
 * id, never the token.
 */
export function createApiTokenService(deps: ApiTokenServiceDeps) {
  const { transaction, apiTokens, departments, audit, tokenHasher, failures, now } = deps;

  return {
    /** A new token for an active department; the token is returned here once and kept nowhere. */
    issue(actorAccountId: number, departmentId: number, label: string): IssueResult {
      const at = now();
      return transaction(() => {
        const department = departments.findById(departmentId);
        if (!department) throw new HttpError(404, `No department ${departmentId}`);
        if (!department.active) return { ok: false, reason: 'department_inactive' } as const;
        const token = newToken();
        const id = apiTokens.insert({ departmentId, label, tokenHash: tokenHasher.hash(token), createdBy: actorAccountId }, at);
        audit.append(
          { actorAccountId, action: 'api_token.issued', subjectType: 'api_token', subjectId: id, detail: { department: departmentId } },
          at,
        );
        return { ok: true, id, token } as const;
      });
    },

    /** Revokes one of the department's tokens (404 for another department's); revoking twice changes nothing. */
    revoke(actorAccountId: number, departmentId: number, tokenId: number): void {
      const at = now();
      transaction(() => {
        const token = apiTokens.findById(tokenId);
        if (!token || token.departmentId !== departmentId) throw new HttpError(404, `No token ${tokenId} for department ${departmentId}`);
        if (!apiTokens.revoke(tokenId, at)) return;
        audit.append(
          {
            actorAccountId,
            action: 'api_token.revoked',
            subjectType: 'api_token',
            subjectId: tokenId,
            detail: { department: departmentId, why: 'revoked' },
          },
          at,
        );
      });
    },

    /**
     * The department a presented token speaks for, or why not: invalid (unknown, malformed, revoked,
     * or its department inactive — each counted against `client`, the caller's address), or
     * throttled (that address failed too often: refused before the database is consulted, so
     * guessing costs the service nothing). Notes when a valid token was last used.
     */
    authenticate(presented: string, client: string): AuthenticateResult {
      const verdict = failures.check(client);
      if (!verdict.allowed) return { ok: false, reason: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };
      const holder = looksLikeApiToken(presented) ? apiTokens.findHolder(tokenHasher.hash(presented)) : undefined;
      if (!holder) {
        failures.record(client, 'failure');
        return { ok: false, reason: 'invalid' };
      }
      apiTokens.touch(holder.tokenId, now());
      return { ok: true, holder };
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
