import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type { AcknowledgementAnswer, AcknowledgementStatus } from '../domain/acknowledgements';
import type { ReportStatus } from '../domain/reportStatus';

export type { AcknowledgementStatus } from '../domain/acknowledgements';

export interface NewRedirect {
  reportId: number;
  partnerId: number;
  reasonCode: string;
  summary: string;
  reporterExplanation: string;
  createdBy: number;
  at: Date;
  /** When the partner should have acknowledged it (working days after `at`). */
  acknowledgementDueAt: Date | null;
}

/** A redirect with the partner's public contact details, for staff and (partly) for the reporter. */
export interface RedirectView {
  id: number;
  partnerName: string;
  partnerPhone: string;
  partnerEmail: string;
  partnerAddress: string;
  reasonCode: string;
  summary: string;
  reporterExplanation: string;
  acknowledgementStatus: AcknowledgementStatus;
  acknowledgedAt: Date | null;
  createdAt: Date;
  /** The partner's reason for declining (or staff's note of it). */
  acknowledgementReason: string | null;
  acknowledgementDueAt: Date | null;
  remindedAt: Date | null;
}

/** What answering a redirect needs to know about it, and about the report it belongs to. */
export interface RedirectForAcknowledgement {
  id: number;
  reportId: number;
  reference: string;
  reportStatus: ReportStatus;
  /** A reopened report may have been redirected again: only its latest redirect can still be answered. */
  isLatest: boolean;
  partnerName: string;
  acknowledgementStatus: AcknowledgementStatus;
  acknowledgedAt: Date | null;
  createdAt: Date;
}

/** A redirect whose one reminder is due: unanswered past its due time, the partner has an email. */
export interface RedirectToRemind {
  id: number;
  reference: string;
  partnerName: string;
  partnerEmail: string;
  createdAt: Date;
}

/** A line of the queue's "redirects needing attention". */
export interface RedirectAttentionRow {
  reference: string;
  partnerName: string;
  createdAt: Date;
  acknowledgementDueAt: Date | null;
  acknowledgedAt: Date | null;
  remindedAt: Date | null;
}

interface Row {
  id: number;
  report_id: number;
  partner_name: string;
  partner_phone: string;
  partner_email: string;
  partner_address: string;
  reason_code: string;
  summary_enc: string;
  reporter_explanation_enc: string;
  ack_status: AcknowledgementStatus;
  ack_at: string | null;
  created_at: string;
  ack_reason_enc: string | null;
  ack_due_at: string | null;
  reminded_at: string | null;
}

interface AttentionRow {
  reference: string;
  partner_name: string;
  created_at: string;
  ack_due_at: string | null;
  ack_at: string | null;
  reminded_at: string | null;
}

const dateOrNull = (v: string | null) => (v === null ? null : new Date(v));

/**
 * Only the latest redirect of a report that is still redirected asks for anyone's attention: a flag
 * kept by triggers, with partial indexes for the queue's panel and the reminders (migration 0015).
 */
const STILL_STANDING = 'd.standing = 1';
// Named: the planner would rather take redirects_unacknowledged and filter every row it holds.
const DECLINED = 'redirects_standing_declined';
const UNCONFIRMED = 'redirects_standing_unconfirmed';

/** The associated data of each encrypted column (exported for the seeds, which write rows directly). */
export const redirectFieldContext = {
  summary: (reportId: number) => `redirects.summary:${reportId}`,
  explanation: (reportId: number) => `redirects.reporter_explanation:${reportId}`,
  acknowledgementReason: (redirectId: number) => `redirects.ack_reason:${redirectId}`,
};

export function createRedirectRepository(db: Db, cipher: FieldCipher) {
  const insert = db.prepare(
    `INSERT INTO redirects (report_id, partner_id, reason_code, summary_enc, reporter_explanation_enc, created_by, created_at, ack_due_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const forAcknowledgement = db.prepare(
    `SELECT d.id, d.report_id, r.reference, r.status AS report_status, p.name AS partner_name, d.ack_status, d.ack_at, d.created_at,
       NOT EXISTS (SELECT 1 FROM redirects later WHERE later.report_id = d.report_id AND later.id > d.id) AS is_latest
     FROM redirects d JOIN reports r ON r.id = d.report_id JOIN partners p ON p.id = d.partner_id WHERE d.id = ?`,
  );
  // Guarded by the status read before: of two answers at once, the second changes nothing.
  const setAcknowledgement = db.prepare(
    'UPDATE redirects SET ack_status = ?, ack_at = ?, ack_reason_enc = ? WHERE id = ? AND ack_status = ?',
  );
  const toRemind = db.prepare(
    `SELECT d.id, r.reference, p.name AS partner_name, p.email AS partner_email, d.created_at
     FROM redirects d INDEXED BY ${UNCONFIRMED} JOIN reports r ON r.id = d.report_id JOIN partners p ON p.id = d.partner_id
     WHERE d.ack_status = 'sent' AND d.ack_due_at < ? AND d.reminded_at IS NULL AND p.email <> '' AND ${STILL_STANDING}
     ORDER BY d.ack_due_at, d.id LIMIT ?`,
  );
  const setReminded = db.prepare('UPDATE redirects SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL');
  const attentionFrom = (index: string) => `r.reference, p.name AS partner_name, d.created_at, d.ack_due_at, d.ack_at, d.reminded_at
     FROM redirects d INDEXED BY ${index} JOIN reports r ON r.id = d.report_id JOIN partners p ON p.id = d.partner_id`;
  const unconfirmed = db.prepare(
    `SELECT ${attentionFrom(UNCONFIRMED)} WHERE d.ack_status = 'sent' AND d.ack_due_at < ? AND ${STILL_STANDING} ORDER BY d.ack_due_at, d.id LIMIT ?`,
  );
  const standingCount = db.prepare('SELECT count FROM redirect_standing_counts WHERE ack_status = ?').pluck();
  // Those not due yet (or with no due time): the few made in the last working days. Two ranges of
  // the index, not one OR (which SQLite answers by reading all of it).
  const notYetDueCount = db
    .prepare(
      `SELECT (SELECT count(*) FROM redirects d INDEXED BY ${UNCONFIRMED} WHERE d.ack_status = 'sent' AND ${STILL_STANDING} AND d.ack_due_at >= ?)
            + (SELECT count(*) FROM redirects d INDEXED BY ${UNCONFIRMED} WHERE d.ack_status = 'sent' AND ${STILL_STANDING} AND d.ack_due_at IS NULL)`,
    )
    .pluck();
  const declined = db.prepare(
    `SELECT ${attentionFrom(DECLINED)} WHERE d.ack_status = 'declined' AND ${STILL_STANDING} ORDER BY d.ack_at, d.id LIMIT ?`,
  );
  const toAttention = (r: AttentionRow): RedirectAttentionRow => ({
    reference: r.reference,
    partnerName: r.partner_name,
    createdAt: new Date(r.created_at),
    acknowledgementDueAt: dateOrNull(r.ack_due_at),
    acknowledgedAt: dateOrNull(r.ack_at),
    remindedAt: dateOrNull(r.reminded_at),
  });
  const latest = db.prepare(
    `SELECT d.*, p.name AS partner_name, p.phone AS partner_phone, p.email AS partner_email, p.address AS partner_address
     FROM redirects d JOIN partners p ON p.id = d.partner_id WHERE d.report_id = ? ORDER BY d.id DESC LIMIT 1`,
  );
  return {
    insert(r: NewRedirect): number {
      const info = insert.run(
        r.reportId,
        r.partnerId,
        r.reasonCode,
        cipher.encrypt(r.summary, redirectFieldContext.summary(r.reportId)),
        cipher.encrypt(r.reporterExplanation, redirectFieldContext.explanation(r.reportId)),
        r.createdBy,
        r.at.toISOString(),
        r.acknowledgementDueAt === null ? null : r.acknowledgementDueAt.toISOString(),
      );
      return Number(info.lastInsertRowid);
    },

    /** The latest redirect of a report (a reopened report may be redirected again). */
    latestForReport(reportId: number): RedirectView | undefined {
      const r = latest.get(reportId) as Row | undefined;
      if (!r) return undefined;
      return {
        id: r.id,
        partnerName: r.partner_name,
        partnerPhone: r.partner_phone,
        partnerEmail: r.partner_email,
        partnerAddress: r.partner_address,
        reasonCode: r.reason_code,
        summary: cipher.decrypt(r.summary_enc, redirectFieldContext.summary(r.report_id)),
        reporterExplanation: cipher.decrypt(r.reporter_explanation_enc, redirectFieldContext.explanation(r.report_id)),
        acknowledgementStatus: r.ack_status,
        acknowledgedAt: r.ack_at === null ? null : new Date(r.ack_at),
        createdAt: new Date(r.created_at),
        acknowledgementReason:
          r.ack_reason_enc === null ? null : cipher.decrypt(r.ack_reason_enc, redirectFieldContext.acknowledgementReason(r.id)),
        acknowledgementDueAt: dateOrNull(r.ack_due_at),
        remindedAt: dateOrNull(r.reminded_at),
      };
    },

    findForAcknowledgement(id: number): RedirectForAcknowledgement | undefined {
      const r = forAcknowledgement.get(id) as
        | {
            id: number;
            report_id: number;
            reference: string;
            report_status: ReportStatus;
            partner_name: string;
            ack_status: AcknowledgementStatus;
            ack_at: string | null;
            created_at: string;
            is_latest: number;
          }
        | undefined;
      if (!r) return undefined;
      return {
        id: r.id,
        reportId: r.report_id,
        reference: r.reference,
        reportStatus: r.report_status,
        isLatest: r.is_latest === 1,
        partnerName: r.partner_name,
        acknowledgementStatus: r.ack_status,
        acknowledgedAt: dateOrNull(r.ack_at),
        createdAt: new Date(r.created_at),
      };
    },

    /** Records an answer if the status is still `from`; false when someone else answered first. */
    recordAcknowledgement(
      id: number,
      from: AcknowledgementStatus,
      answer: AcknowledgementAnswer,
      reason: string | null,
      at: Date,
    ): boolean {
      const reasonEnc = reason === null || reason === '' ? null : cipher.encrypt(reason, redirectFieldContext.acknowledgementReason(id));
      return setAcknowledgement.run(answer, at.toISOString(), reasonEnc, id, from).changes === 1;
    },

    /** Unanswered redirects past their due time whose one reminder has not gone out yet. */
    dueForReminder(at: Date, limit: number): RedirectToRemind[] {
      return (
        toRemind.all(at.toISOString(), limit) as {
          id: number;
          reference: string;
          partner_name: string;
          partner_email: string;
          created_at: string;
        }[]
      ).map((r) => ({
        id: r.id,
        reference: r.reference,
        partnerName: r.partner_name,
        partnerEmail: r.partner_email,
        createdAt: new Date(r.created_at),
      }));
    },

    /** True only for the first caller: a redirect is reminded once. */
    markReminded(id: number, at: Date): boolean {
      return setReminded.run(at.toISOString(), id).changes === 1;
    },

    /** For the queue: standing redirects the partner declined, and those still unconfirmed past their due time. */
    needingAttention(
      at: Date,
      limit: number,
    ): { declined: RedirectAttentionRow[]; declinedCount: number; unconfirmed: RedirectAttentionRow[]; unconfirmedCount: number } {
      const atIso = at.toISOString();
      return {
        declined: (declined.all(limit) as AttentionRow[]).map(toAttention),
        declinedCount: (standingCount.get('declined') as number | undefined) ?? 0,
        unconfirmed: (unconfirmed.all(atIso, limit) as AttentionRow[]).map(toAttention),
        unconfirmedCount: ((standingCount.get('sent') as number | undefined) ?? 0) - (notYetDueCount.get(atIso) as number),
      };
    },
  };
}

export type RedirectRepository = ReturnType<typeof createRedirectRepository>;

/**
 * Sets redirects.standing and redirect_standing_counts from the rows themselves: what migration
 * 0015's triggers (redirects_standing_*) keep row by row, for a bulk load that suspended them
 * (bench/seed.ts). One pass, with or without the redirects' indexes; idempotent.
 */
export function rebuildRedirectStanding(db: Db): void {
  db.transaction(() => {
    db.exec(`UPDATE redirects SET standing = (id IN (
               SELECT max(d.id) FROM redirects d JOIN reports r ON r.id = d.report_id WHERE r.status = 'redirected' GROUP BY d.report_id))`);
    db.exec('DELETE FROM redirect_standing_counts');
    db.exec(`INSERT INTO redirect_standing_counts (ack_status, count)
               SELECT ack_status, count(*) FROM redirects WHERE standing = 1 GROUP BY ack_status`);
  })();
}
