import crypto from 'node:crypto';
import type { Transactor } from '../data/transaction';
import type { ApiTokenRepository } from '../data/apiTokenRepository';
import type { DepartmentRepository } from '../data/departmentRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { KeyedHasher } from '../data/fieldCipher';
import type { SharedFloodGuard } from '../security/clientLimits';
import { API_TOKEN_PREFIX, looksLikeApiToken, type ApiTokenHolder } from '../domain/departments';
import { done, refuse, type Done, type Outcome, type Refused } from '../domain/outcome';

/** `not_found`: no department of that id (the route answers 404). */
export type TokenIssue = Outcome<{ id: number; token: string }, 'not_found' | 'department_inactive'>;

export type Authentication =
  | Done<{ holder: ApiTokenHolder }>
  | Refused<'invalid'>
  /** Too many failed tokens from this address: refused without looking the token up. */
  | Refused<'throttled', { retryAfterSeconds: number }>;

export interface ApiTokenServiceDeps {
  transaction: Transactor;
  apiTokens: ApiTokenRepository;
  departments: DepartmentRepository;
  audit: AuditRepository;
  /** HMAC under a key derived from DATA_KEY ('api-token'): the database alone cannot tell a token. */
  tokenHasher: KeyedHasher;
  /** Failed tokens per client address (in memory only; only failures are recorded), checked before the database is. */
  failures: SharedFloodGuard;
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
    issue(actorAccountId: number, departmentId: number, label: string): TokenIssue {
      const at = now();
      return transaction((): TokenIssue => {
        const department = departments.findById(departmentId);
        if (!department) return refuse('not_found');
        if (!department.active) return refuse('department_inactive');
        const token = newToken();
        const id = apiTokens.insert({ departmentId, label, tokenHash: tokenHasher.hash(token), createdBy: actorAccountId }, at);
        audit.append(
          { actorAccountId, action: 'api_token.issued', subjectType: 'api_token', subjectId: id, detail: { department: departmentId } },
          at,
        );
        return done({ id, token });
      });
    },

    /** Revokes one of the department's tokens (`not_found` for another department's); revoking twice changes nothing. */
    revoke(actorAccountId: number, departmentId: number, tokenId: number): Outcome<object, 'not_found'> {
      const at = now();
      return transaction(() => {
        const token = apiTokens.findById(tokenId);
        if (!token || token.departmentId !== departmentId) return refuse('not_found');
        if (!apiTokens.revoke(tokenId, at)) return done();
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
        return done();
      });
    },

    /**
     * The department a presented token speaks for, or why not: invalid (unknown, malformed, revoked,
     * or its department inactive — each counted against `client`, the caller's address), or
     * throttled (that address failed too often: refused before the database is consulted, so
     * guessing costs the service nothing). Notes when a valid token was last used.
     */
    async authenticate(presented: string, client: string): Promise<Authentication> {
      const verdict = await failures.check(client);
      if (!verdict.allowed) return refuse('throttled', { retryAfterSeconds: verdict.retryAfterSeconds });
      const holder = looksLikeApiToken(presented) ? apiTokens.findHolder(tokenHasher.hash(presented)) : undefined;
      if (!holder) {
        await failures.record(client, 'failure');
        return refuse('invalid');
      }
      apiTokens.touch(holder.tokenId, now());
      return done({ holder });
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
