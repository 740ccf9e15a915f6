import type { Db } from './db';
import type { AccountTokenPurpose } from '../domain/accounts';

export interface UsableToken {
  id: number;
  accountId: number | null;
  purpose: AccountTokenPurpose;
  expiresAt: string;
}

interface TokenRow {
  id: number;
  account_id: number | null;
  purpose: AccountTokenPurpose;
  expires_at: string;
}

/** One-time links (first-administrator setup, invitations). Only a keyed hash of each token is kept. */
export function createAccountTokenRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO account_tokens (account_id, purpose, token_hash, expires_at, created_at)
     VALUES (@accountId, @purpose, @tokenHash, @expiresAt, @createdAt)`,
  );
  const findUsable = db.prepare(
    'SELECT id, account_id, purpose, expires_at FROM account_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?',
  );
  const markUsed = db.prepare('UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL');
  const deleteUnusedForPurpose = db.prepare('DELETE FROM account_tokens WHERE purpose = ? AND used_at IS NULL');
  const deleteUnusedForAccount = db.prepare('DELETE FROM account_tokens WHERE account_id = ? AND purpose = ? AND used_at IS NULL');
  const pendingForAccount = db
    .prepare('SELECT max(expires_at) FROM account_tokens WHERE account_id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?')
    .pluck();

  return {
    insert(token: { accountId: number | null; purpose: AccountTokenPurpose; tokenHash: Buffer; expiresAt: Date }, at: Date): void {
      insert.run({ ...token, expiresAt: token.expiresAt.toISOString(), createdAt: at.toISOString() });
    },

    /** A token not yet used and not expired at `at`. */
    findUsable(tokenHash: Buffer, purpose: AccountTokenPurpose, at: Date): UsableToken | undefined {
      const row = findUsable.get(tokenHash, purpose, at.toISOString()) as TokenRow | undefined;
      return row && { id: row.id, accountId: row.account_id, purpose: row.purpose, expiresAt: row.expires_at };
    },

    /** False when someone else used it first. */
    markUsed(id: number, at: Date): boolean {
      return markUsed.run(at.toISOString(), id).changes === 1;
    },

    /** A new setup link replaces the old one. */
    deleteUnused(purpose: AccountTokenPurpose): void {
      deleteUnusedForPurpose.run(purpose);
    },

    /** A new invitation for an account replaces its earlier ones. */
    deleteUnusedForAccount(accountId: number, purpose: AccountTokenPurpose): void {
      deleteUnusedForAccount.run(accountId, purpose);
    },

    /** When the account's open invitation expires, or null when it has none. */
    pendingExpiry(accountId: number, purpose: AccountTokenPurpose, at: Date): Date | null {
      // max() of no rows is NULL.
      const expiresAt = pendingForAccount.get(accountId, purpose, at.toISOString()) as string | null;
      return expiresAt === null ? null : new Date(expiresAt);
    },
  };
}

export type AccountTokenRepository = ReturnType<typeof createAccountTokenRepository>;
