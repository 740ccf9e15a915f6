import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type { Locale } from '../i18n';
import type { MailTemplate, RecipientKind } from '../mail/types';
import { afterFailure, maskAddress, type AfterFailure, type OutboxStatus } from '../domain/outbox';
import { done, refuse, type Outcome } from '../domain/outcome';

/** An email as the worker needs it to send: decrypted, in memory only for the send. */
export interface OutboxEmail {
  id: number;
  messageId: string;
  recipient: string;
  recipientKind: RecipientKind;
  template: MailTemplate;
  params: Record<string, string>;
  locale: Locale;
  attempts: number;
}

/** A line of /staff/outbox: never the parameters, and a reporter's address masked. */
export interface OutboxListEntry {
  id: number;
  status: OutboxStatus;
  recipientKind: RecipientKind;
  shownRecipient: string;
  template: MailTemplate;
  locale: Locale;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
}

export interface NewOutboxEmail {
  recipient: string;
  recipientKind: RecipientKind;
  template: MailTemplate;
  params: Record<string, string>;
  locale: Locale;
  messageId: string;
  /** Due at once unless given (a coalesced email waits a little for more causes: domain/outbox.ts). */
  dueAt?: Date;
  /** Emails with the same key are coalesced while one of them waits (see findWaiting). */
  coalesceKey?: string;
}

/** A coalesced email still waiting in the outbox. */
export interface WaitingEmail {
  id: number;
  messageId: string;
  queuedAt: Date;
  dueAt: Date;
  /** Attempts already made: 0 while it has never been tried. */
  attempts: number;
}

interface OutboxRow {
  id: number;
  recipient_enc: string;
  recipient_kind: RecipientKind;
  template: MailTemplate;
  params_enc: string;
  locale: Locale;
  message_id: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

// Encryption contexts bind each value to its email: a value copied to another row does not decrypt.
const recipientContext = (messageId: string) => `outbox.recipient:${messageId}`;
const paramsContext = (messageId: string) => `outbox.params:${messageId}`;

export type OutboxRetryResult = Outcome<{ previousAttempts: number; template: MailTemplate }, 'not_found' | 'not_failed'>;

/** The durable outbox (migrations/0006). All its SQL is here. */
export function createOutboxRepository(db: Db, cipher: FieldCipher) {
  const insertRow = db.prepare(
    `INSERT INTO outbox (recipient_enc, recipient_kind, template, params_enc, locale, message_id, status, attempts, next_attempt_at, created_at, coalesce_key)
     VALUES (@recipientEnc, @recipientKind, @template, @paramsEnc, @locale, @messageId, 'pending', 0, @dueAt, @at, @coalesceKey)`,
  );
  const due = db.prepare(`SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`);
  const setNextAttempt = db.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending'`);
  const byId = db.prepare('SELECT * FROM outbox WHERE id = ?');
  const sent = db.prepare(
    `UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = @at, last_error = NULL, coalesce_key = NULL WHERE id = @id AND status = 'pending'`,
  );
  const retryLater = db.prepare(
    `UPDATE outbox SET attempts = @attempts, next_attempt_at = @nextAttemptAt, last_error = @error WHERE id = @id AND status = 'pending'`,
  );
  const failed = db.prepare(
    `UPDATE outbox SET status = 'failed', attempts = @attempts, last_error = @error, coalesce_key = NULL WHERE id = @id AND status = 'pending'`,
  );
  const waitingByKey = db.prepare(
    `SELECT id, message_id, created_at, next_attempt_at, attempts FROM outbox WHERE coalesce_key = ? AND status = 'pending' ORDER BY id LIMIT 1`,
  );
  const postpone = db.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND attempts = 0`);
  const backToPending = db.prepare(
    `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = @at WHERE id = @id AND status = 'failed'`,
  );
  const failedIds = db.prepare(`SELECT id FROM outbox WHERE status = 'failed' ORDER BY id`).pluck();
  const countByStatus = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status');
  const pageOf = db.prepare(
    `SELECT * FROM outbox
     WHERE status IN (SELECT value FROM json_each(@statuses)) AND (@before IS NULL OR id < @before)
     ORDER BY id DESC LIMIT @limit`,
  );

  const toEmail = (r: OutboxRow): OutboxEmail => ({
    id: r.id,
    messageId: r.message_id,
    recipient: cipher.decrypt(r.recipient_enc, recipientContext(r.message_id)),
    recipientKind: r.recipient_kind,
    template: r.template,
    params: JSON.parse(cipher.decrypt(r.params_enc, paramsContext(r.message_id))) as Record<string, string>,
    locale: r.locale,
    attempts: r.attempts,
  });

  const toListEntry = (r: OutboxRow): OutboxListEntry => {
    const recipient = cipher.decrypt(r.recipient_enc, recipientContext(r.message_id));
    return {
      id: r.id,
      status: r.status,
      recipientKind: r.recipient_kind,
      shownRecipient: r.recipient_kind === 'reporter' ? maskAddress(recipient) : recipient,
      template: r.template,
      locale: r.locale,
      attempts: r.attempts,
      nextAttemptAt: new Date(r.next_attempt_at),
      lastError: r.last_error,
      createdAt: new Date(r.created_at),
    };
  };

  // BEGIN IMMEDIATE: the worker and `npm run outbox:drain` may run at once; whoever claims an email
  // first holds it, the other waits for the lock and then no longer sees it as due.
  const claim = db.transaction((now: string, leaseUntil: string, limit: number) => {
    const rows = due.all(now, limit) as OutboxRow[];
    for (const r of rows) setNextAttempt.run(leaseUntil, r.id);
    return rows;
  });

  return {
    /** Writes one email, due at once. Call inside the transaction of the action that causes it. */
    insert(email: NewOutboxEmail, at: Date): number {
      return Number(
        insertRow.run({
          recipientEnc: cipher.encrypt(email.recipient, recipientContext(email.messageId)),
          recipientKind: email.recipientKind,
          template: email.template,
          paramsEnc: cipher.encrypt(JSON.stringify(email.params), paramsContext(email.messageId)),
          locale: email.locale,
          messageId: email.messageId,
          at: at.toISOString(),
          dueAt: (email.dueAt ?? at).toISOString(),
          coalesceKey: email.coalesceKey ?? null,
        }).lastInsertRowid,
      );
    },

    /** The email with this coalescing key that still waits to be sent, if any. */
    findWaiting(coalesceKey: string): WaitingEmail | undefined {
      const row = waitingByKey.get(coalesceKey) as
        { id: number; message_id: string; created_at: string; next_attempt_at: string; attempts: number } | undefined;
      return (
        row && {
          id: row.id,
          messageId: row.message_id,
          queuedAt: new Date(row.created_at),
          dueAt: new Date(row.next_attempt_at),
          attempts: row.attempts,
        }
      );
    },

    /** Moves a waiting email that was never tried to `dueAt` (a failed one keeps its retry schedule). */
    postpone(id: number, dueAt: Date): void {
      postpone.run(dueAt.toISOString(), id);
    },

    /**
     * Claims up to `limit` due emails (the drain takes one at a time), oldest first, by moving their
     * next attempt to `leaseUntil`: no other drain takes them meanwhile, and an email whose sender
     * died mid-send (a crash) is due again when the lease ends.
     */
    claimDue(now: Date, leaseUntil: Date, limit: number): OutboxEmail[] {
      const rows = claim.immediate(now.toISOString(), leaseUntil.toISOString(), limit) as OutboxRow[];
      return rows.map(toEmail);
    },

    /** The SMTP server accepted the email (or the .eml file is written). */
    markSent(id: number, at: Date): void {
      sent.run({ id, at: at.toISOString() });
    },

    /**
     * One more failed attempt: tried again after a growing wait, or given up (domain/outbox.ts).
     * `error` is a code or an SMTP reply code, never the server's text (it may quote the address).
     */
    recordFailure(id: number, failure: { error: string; permanent: boolean }, at: Date, maxAttempts: number): AfterFailure | null {
      const row = byId.get(id) as OutboxRow | undefined;
      if (!row || row.status !== 'pending') return null;
      const attempts = row.attempts + 1;
      const outcome = afterFailure(attempts, failure.permanent, maxAttempts, at);
      if (outcome.status === 'failed') failed.run({ id, attempts, error: failure.error });
      else retryLater.run({ id, attempts, nextAttemptAt: outcome.nextAttemptAt.toISOString(), error: failure.error });
      return outcome;
    },

    /**
     * A failed email back to pending, due at once, with a fresh run of attempts (the last error
     * stays until the next attempt). Call inside the transaction that records who asked.
     */
    retry(id: number, at: Date): OutboxRetryResult {
      const row = byId.get(id) as OutboxRow | undefined;
      if (!row) return refuse('not_found');
      if (row.status !== 'failed') return refuse('not_failed');
      backToPending.run({ id, at: at.toISOString() });
      return done({ previousAttempts: row.attempts, template: row.template });
    },

    failedIds: () => failedIds.all() as number[],

    counts(): Record<OutboxStatus, number> {
      const counts: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0 };
      for (const { status, n } of countByStatus.all() as { status: OutboxStatus; n: number }[]) counts[status] = n;
      return counts;
    },

    /** Newest first, `limit` at a time, below the id `before` (keyset paging). */
    list(statuses: OutboxStatus[], before: number | null, limit: number): OutboxListEntry[] {
      return (pageOf.all({ statuses: JSON.stringify(statuses), before, limit }) as OutboxRow[]).map(toListEntry);
    },

    /** For tests and the service: the stored Message-ID and state of one email. */
    findState(
      id: number,
    ): { messageId: string; status: OutboxStatus; attempts: number; nextAttemptAt: string; lastError: string | null } | undefined {
      const row = byId.get(id) as OutboxRow | undefined;
      return (
        row && {
          messageId: row.message_id,
          status: row.status,
          attempts: row.attempts,
          nextAttemptAt: row.next_attempt_at,
          lastError: row.last_error,
        }
      );
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
