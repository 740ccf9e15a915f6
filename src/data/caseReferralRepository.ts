import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type { AcknowledgementAnswer, AcknowledgementStatus } from '../domain/acknowledgements';
import type { CaseReferral, ConsentMethod } from '../domain/caseReferrals';

export interface NewCaseReferral {
  caseId: number;
  partnerId: number;
  consentBy: string;
  consentMethod: ConsentMethod;
  consentOn: string;
  summary: string;
  request: string;
  createdBy: number;
  at: Date;
  acknowledgementDueAt: Date | null;
}

/** What answering a referral through its link needs: the case's number, the partner, and what was written for them. */
export interface CaseReferralForAcknowledgement {
  id: number;
  caseId: number;
  caseNumber: string;
  partnerName: string;
  summary: string;
  request: string;
  createdAt: Date;
  acknowledgementStatus: AcknowledgementStatus;
  acknowledgedAt: Date | null;
}

/** A referral whose one reminder is due. */
export interface CaseReferralToRemind {
  id: number;
  caseId: number;
  caseNumber: string;
  partnerName: string;
  partnerEmail: string;
  createdAt: Date;
}

interface Row {
  id: number;
  case_id: number;
  partner_id: number;
  partner_name: string;
  partner_phone: string;
  partner_email: string;
  consent_by_enc: string;
  consent_method: ConsentMethod;
  consent_on: string;
  summary_enc: string;
  request_enc: string;
  created_by_name: string | null;
  created_at: string;
  ack_status: AcknowledgementStatus;
  ack_at: string | null;
  ack_reason_enc: string | null;
  ack_by_name: string | null;
  ack_due_at: string | null;
  reminded_at: string | null;
}

const dateOrNull = (v: string | null) => (v === null ? null : new Date(v));

/** The associated data of each encrypted column: bound to the referral's row. */
export const caseReferralFieldContext = {
  consentBy: (id: number) => `case_referrals.consent_by:${id}`,
  summary: (id: number) => `case_referrals.summary:${id}`,
  request: (id: number) => `case_referrals.request:${id}`,
  acknowledgementReason: (id: number) => `case_referrals.ack_reason:${id}`,
};

const selectReferral = `SELECT f.*, p.name AS partner_name, p.phone AS partner_phone, p.email AS partner_email,
    a.name AS created_by_name, b.name AS ack_by_name
  FROM case_referrals f JOIN partners p ON p.id = f.partner_id
  LEFT JOIN accounts a ON a.id = f.created_by LEFT JOIN accounts b ON b.id = f.ack_by`;

/** Referrals out from cases (issue 13), and the partners' answers to them. */
export function createCaseReferralRepository(db: Db, cipher: FieldCipher) {
  // The row's id is in every context, so the row is written first and its texts set right after.
  const insert = db.prepare(
    `INSERT INTO case_referrals (case_id, partner_id, consent_by_enc, consent_method, consent_on, summary_enc, request_enc, created_by, created_at, ack_due_at)
     VALUES (?, ?, '', ?, ?, '', '', ?, ?, ?)`,
  );
  const setTexts = db.prepare('UPDATE case_referrals SET consent_by_enc = ?, summary_enc = ?, request_enc = ? WHERE id = ?');
  const ofCase = db.prepare(`${selectReferral} WHERE f.case_id = ? ORDER BY f.id DESC`);
  const byId = db.prepare(`${selectReferral} WHERE f.id = ?`);
  const forAcknowledgement = db.prepare(
    `SELECT f.id, f.case_id, c.number AS case_number, p.name AS partner_name, f.summary_enc, f.request_enc, f.created_at, f.ack_status, f.ack_at
     FROM case_referrals f JOIN cases c ON c.id = f.case_id JOIN partners p ON p.id = f.partner_id WHERE f.id = ?`,
  );
  // Guarded by the status read before: of two answers at once, the second changes nothing.
  const setAcknowledgement = db.prepare(
    'UPDATE case_referrals SET ack_status = ?, ack_at = ?, ack_reason_enc = ?, ack_by = ? WHERE id = ? AND ack_status = ?',
  );
  const toRemind = db.prepare(
    `SELECT f.id, f.case_id, c.number AS case_number, p.name AS partner_name, p.email AS partner_email, f.created_at
     FROM case_referrals f INDEXED BY case_referrals_unanswered JOIN cases c ON c.id = f.case_id JOIN partners p ON p.id = f.partner_id
     WHERE f.ack_status = 'sent' AND f.reminded_at IS NULL AND f.ack_due_at < ? AND p.email <> ''
     ORDER BY f.ack_due_at, f.id LIMIT ?`,
  );
  const setReminded = db.prepare('UPDATE case_referrals SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL');

  const toReferral = (r: Row): CaseReferral => ({
    id: r.id,
    caseId: r.case_id,
    partnerId: r.partner_id,
    partnerName: r.partner_name,
    partnerPhone: r.partner_phone,
    partnerEmail: r.partner_email,
    consentBy: cipher.decrypt(r.consent_by_enc, caseReferralFieldContext.consentBy(r.id)),
    consentMethod: r.consent_method,
    consentOn: r.consent_on,
    summary: cipher.decrypt(r.summary_enc, caseReferralFieldContext.summary(r.id)),
    request: cipher.decrypt(r.request_enc, caseReferralFieldContext.request(r.id)),
    createdByName: r.created_by_name,
    createdAt: new Date(r.created_at),
    acknowledgementStatus: r.ack_status,
    acknowledgedAt: dateOrNull(r.ack_at),
    acknowledgementReason:
      r.ack_reason_enc === null ? null : cipher.decrypt(r.ack_reason_enc, caseReferralFieldContext.acknowledgementReason(r.id)),
    acknowledgedByName: r.ack_by_name,
    acknowledgementDueAt: dateOrNull(r.ack_due_at),
    remindedAt: dateOrNull(r.reminded_at),
  });

  return {
    /** Call inside the referring transaction. */
    insert(r: NewCaseReferral): number {
      const id = Number(
        insert.run(
          r.caseId,
          r.partnerId,
          r.consentMethod,
          r.consentOn,
          r.createdBy,
          r.at.toISOString(),
          r.acknowledgementDueAt === null ? null : r.acknowledgementDueAt.toISOString(),
        ).lastInsertRowid,
      );
      setTexts.run(
        cipher.encrypt(r.consentBy, caseReferralFieldContext.consentBy(id)),
        cipher.encrypt(r.summary, caseReferralFieldContext.summary(id)),
        cipher.encrypt(r.request, caseReferralFieldContext.request(id)),
        id,
      );
      return id;
    },

    /** A case's referrals out, newest first. */
    ofCase(caseId: number): CaseReferral[] {
      return (ofCase.all(caseId) as Row[]).map(toReferral);
    },

    find(id: number): CaseReferral | undefined {
      const r = byId.get(id) as Row | undefined;
      return r && toReferral(r);
    },

    findForAcknowledgement(id: number): CaseReferralForAcknowledgement | undefined {
      const r = forAcknowledgement.get(id) as
        | {
            id: number;
            case_id: number;
            case_number: string;
            partner_name: string;
            summary_enc: string;
            request_enc: string;
            created_at: string;
            ack_status: AcknowledgementStatus;
            ack_at: string | null;
          }
        | undefined;
      if (!r) return undefined;
      return {
        id: r.id,
        caseId: r.case_id,
        caseNumber: r.case_number,
        partnerName: r.partner_name,
        summary: cipher.decrypt(r.summary_enc, caseReferralFieldContext.summary(r.id)),
        request: cipher.decrypt(r.request_enc, caseReferralFieldContext.request(r.id)),
        createdAt: new Date(r.created_at),
        acknowledgementStatus: r.ack_status,
        acknowledgedAt: dateOrNull(r.ack_at),
      };
    },

    /** Records an answer if the status is still `from`; false when someone else answered first. `by`: null through the link. */
    recordAcknowledgement(
      id: number,
      from: AcknowledgementStatus,
      answer: AcknowledgementAnswer,
      reason: string | null,
      by: number | null,
      at: Date,
    ): boolean {
      const reasonEnc =
        reason === null || reason === '' ? null : cipher.encrypt(reason, caseReferralFieldContext.acknowledgementReason(id));
      return setAcknowledgement.run(answer, at.toISOString(), reasonEnc, by, id, from).changes === 1;
    },

    /** Unanswered referrals past their due time whose one reminder has not gone out yet (the partner has an email). */
    dueForReminder(at: Date, limit: number): CaseReferralToRemind[] {
      return (
        toRemind.all(at.toISOString(), limit) as {
          id: number;
          case_id: number;
          case_number: string;
          partner_name: string;
          partner_email: string;
          created_at: string;
        }[]
      ).map((r) => ({
        id: r.id,
        caseId: r.case_id,
        caseNumber: r.case_number,
        partnerName: r.partner_name,
        partnerEmail: r.partner_email,
        createdAt: new Date(r.created_at),
      }));
    },

    /** True only for the first caller: a referral is reminded once. */
    markReminded(id: number, at: Date): boolean {
      return setReminded.run(at.toISOString(), id).changes === 1;
    },
  };
}

export type CaseReferralRepository = ReturnType<typeof createCaseReferralRepository>;
