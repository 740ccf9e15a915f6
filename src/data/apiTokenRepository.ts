import type { Db } from './db';
import type { ApiTokenHolder, ApiTokenListItem } from '../domain/departments';

interface ListRow {
  id: number;
  department_id: number;
  label: string;
  created_at: string;
  created_by_name: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toListItem = (r: ListRow): ApiTokenListItem => ({
  id: r.id,
  departmentId: r.department_id,
  label: r.label,
  createdAt: new Date(r.created_at),
  createdByName: r.created_by_name,
  lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at),
  revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
});

/**
 * Bearer tokens of departments' systems. Only an HMAC of each token is stored (`token_hash`), so a
 * copy of the database lets no one call the API.
 */
export function createApiTokenRepository(db: Db) {
  const insert = db.prepare(
    'INSERT INTO api_tokens (department_id, label, token_hash, created_by, created_at) VALUES (@departmentId, @label, @tokenHash, @createdBy, @at)',
  );
  const listColumns = `k.id, k.department_id, k.label, k.created_at, a.name AS created_by_name, k.last_used_at, k.revoked_at`;
  const ofDepartment = db.prepare(
    `SELECT ${listColumns} FROM api_tokens k LEFT JOIN accounts a ON a.id = k.created_by
     WHERE k.department_id = ? ORDER BY k.revoked_at IS NOT NULL, k.id DESC`,
  );
  const one = db.prepare(`SELECT ${listColumns} FROM api_tokens k LEFT JOIN accounts a ON a.id = k.created_by WHERE k.id = ?`);
  // A token works only while it is not revoked and its department is active.
  const holder = db.prepare(
    `SELECT k.id AS token_id, k.department_id FROM api_tokens k JOIN departments d ON d.id = k.department_id
     WHERE k.token_hash = ? AND k.revoked_at IS NULL AND d.active = 1`,
  );
  const revoke = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const unrevokedOfDepartment = db.prepare('SELECT id FROM api_tokens WHERE department_id = ? AND revoked_at IS NULL ORDER BY id').pluck();
  // Written at most once a minute per token: "last used" is shown to the minute, and a busy
  // client should not cost a disk write on every call.
  const touch = db.prepare(
    'UPDATE api_tokens SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @notBefore)',
  );

  return {
    insert(token: { departmentId: number; label: string; tokenHash: Buffer; createdBy: number }, at: Date): number {
      return Number(insert.run({ ...token, at: at.toISOString() }).lastInsertRowid);
    },

    /** A department's tokens, usable ones first, newest first. */
    listForDepartment(departmentId: number): ApiTokenListItem[] {
      return (ofDepartment.all(departmentId) as ListRow[]).map(toListItem);
    },

    findById(id: number): ApiTokenListItem | undefined {
      const row = one.get(id) as ListRow | undefined;
      return row ? toListItem(row) : undefined;
    },

    findHolder(tokenHash: Buffer): ApiTokenHolder | undefined {
      const row = holder.get(tokenHash) as { token_id: number; department_id: number } | undefined;
      return row ? { tokenId: row.token_id, departmentId: row.department_id } : undefined;
    },

    /** False when it was already revoked. */
    revoke(id: number, at: Date): boolean {
      return revoke.run(at.toISOString(), id).changes === 1;
    },

    /** Revokes every usable token of a department; returns their ids. */
    revokeAllOfDepartment(departmentId: number, at: Date): number[] {
      const ids = unrevokedOfDepartment.all(departmentId) as number[];
      for (const id of ids) revoke.run(at.toISOString(), id);
      return ids;
    },

    touch(id: number, at: Date): void {
      touch.run({ id, at: at.toISOString(), notBefore: new Date(at.getTime() - 60_000).toISOString() });
    },
  };
}

export type ApiTokenRepository = ReturnType<typeof createApiTokenRepository>;
