import crypto from 'node:crypto';
import type { Db } from './db';
import { deriveKey } from './fieldCipher';

export interface AuditEventInput {
  actorAccountId: number | null;
  action: string;
  subjectType?: string | null;
  subjectId?: string | number | null;
  /** Codes only (a status, a reason code): never report content or free text. */
  detail?: Record<string, string | number | boolean | null>;
}

export interface AuditEvent {
  id: number;
  at: string;
  actorAccountId: number | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  detail: string | null;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  id: number;
  at: string;
  actor_account_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

const toEvent = (r: AuditRow): AuditEvent => ({
  id: r.id,
  at: r.at,
  actorAccountId: r.actor_account_id,
  action: r.action,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  detail: r.detail,
  prevHash: r.prev_hash,
  hash: r.hash,
});

type ChainedFields = Omit<AuditEvent, 'hash' | 'prevHash'>;

/** An event's link in the chain: an HMAC, under the audit key, over the previous hash and the event (the seeds chain their rows with it). */
export function auditChainHash(key: Buffer, prevHash: string, e: ChainedFields): string {
  const payload = JSON.stringify([e.id, e.at, e.actorAccountId, e.action, e.subjectType, e.subjectId, e.detail]);
  return crypto.createHmac('sha256', key).update(prevHash).update('\n').update(payload).digest('hex');
}

/** Whether `dataKey` is the key the first event of the chain was written with. */
export function opensFirstAuditEvent(dataKey: Buffer, first: ChainedFields & { hash: string }): boolean {
  return auditChainHash(deriveKey(dataKey, 'audit-chain'), GENESIS_HASH, first) === first.hash;
}

/**
 * The append-only audit log. Each row's hash is an HMAC (key derived from DATA_KEY, outside the
 * database) over the previous hash and the row's own fields, so an edited, inserted or removed row
 * breaks the chain and cannot be re-chained without the key.
 */
export function createAuditRepository(db: Db, dataKey: Buffer) {
  const key = deriveKey(dataKey, 'audit-chain');
  const lastHash = db.prepare('SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1').pluck();
  const insert = db.prepare(
    `INSERT INTO audit_events (id, at, actor_account_id, action, subject_type, subject_id, detail, prev_hash, hash)
     VALUES (@id, @at, @actorAccountId, @action, @subjectType, @subjectId, @detail, @prevHash, @hash)`,
  );
  const nextId = db.prepare('SELECT coalesce(max(id), 0) + 1 FROM audit_events').pluck();
  const all = db.prepare('SELECT * FROM audit_events ORDER BY id');

  const chainHash = (prevHash: string, e: ChainedFields) => auditChainHash(key, prevHash, e);

  // Reading the last hash and inserting the next event are one step: an event written outside a
  // transaction (a view) must not interleave with another process's append (a command), or two
  // events would claim the same predecessor. Inside a caller's transaction this is a savepoint.
  const appendAtomically = db.transaction((input: AuditEventInput, at: Date) => {
    const prevHash = (lastHash.get() as string | undefined) ?? GENESIS_HASH;
    const event = {
      id: nextId.get() as number,
      at: at.toISOString(),
      actorAccountId: input.actorAccountId,
      action: input.action,
      subjectType: input.subjectType ?? null,
      subjectId: input.subjectId === undefined || input.subjectId === null ? null : String(input.subjectId),
      detail: input.detail ? JSON.stringify(input.detail) : null,
    };
    insert.run({ ...event, prevHash, hash: chainHash(prevHash, event) });
  });

  return {
    /** Appends one event, atomically; call inside the transaction of the action it records. */
    append(input: AuditEventInput, at: Date): void {
      appendAtomically.immediate(input, at);
    },

    /** The first row whose link is broken, or null when the whole chain holds. */
    verify(): { id: number; problem: 'hash' | 'link' | 'gap' } | null {
      let prev = GENESIS_HASH;
      let expectedId = 1;
      for (const row of all.iterate() as IterableIterator<AuditRow>) {
        const e = toEvent(row);
        if (e.id !== expectedId) return { id: e.id, problem: 'gap' };
        if (e.prevHash !== prev) return { id: e.id, problem: 'link' };
        if (chainHash(e.prevHash, e) !== e.hash) return { id: e.id, problem: 'hash' };
        prev = e.hash;
        expectedId += 1;
      }
      return null;
    },

    toEvent,
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
