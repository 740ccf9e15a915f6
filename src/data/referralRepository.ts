import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type { ClientIdentity, Consent, DepartmentReferralRow, DepartmentReferralView, IdempotentAnswer } from '../domain/referrals';
import type { ReportStatus } from '../domain/reportStatus';
import type { Category, Urgency } from '../domain/reference';

export interface NewReferral {
  reportId: number;
  departmentId: number;
  officerAccountId: number | null;
  departmentReference: string;
  client: ClientIdentity;
  consent: Consent;
  actionsTaken: string;
  channel: 'form' | 'api';
  at: Date;
}

/** An Idempotency-Key on record: the keyed hash of the body it came with, and the answer it got. */
export interface StoredIdempotencyKey {
  requestHash: Buffer;
  answer: IdempotentAnswer;
}

/** What staff see of a referral, besides the report itself. */
export interface ReferralDetail {
  departmentId: number;
  departmentName: string;
  officerName: string | null;
  departmentReference: string;
  client: ClientIdentity;
  consent: Consent;
  actionsTaken: string;
  response: string;
  channel: 'form' | 'api';
}

interface DetailRow {
  report_id: number;
  department_id: number;
  department_name: string;
  officer_name: string | null;
  department_reference: string;
  client_enc: string;
  consent: 'obtained' | 'not_obtained';
  consent_method: 'written' | 'verbal' | null;
  consent_by_enc: string | null;
  no_consent_ground: 'child_at_risk' | 'danger_to_life' | null;
  no_consent_justification_enc: string | null;
  actions_taken_enc: string | null;
  response_enc: string | null;
  channel: 'form' | 'api';
}

interface ListRow {
  report_id: number;
  reference: string;
  department_reference: string;
  category: Category;
  urgency: Urgency;
  status: ReportStatus;
  created_at: string;
  decided_at: string | null;
}

/** The associated data of each encrypted column (exported for the seeds, which write rows directly). */
export const referralFieldContext = {
  client: (reportId: number) => `referrals.client:${reportId}`,
  consentBy: (reportId: number) => `referrals.consent_by:${reportId}`,
  justification: (reportId: number) => `referrals.no_consent_justification:${reportId}`,
  actions: (reportId: number) => `referrals.actions_taken:${reportId}`,
  response: (reportId: number) => `referrals.response:${reportId}`,
};

const toListRow = (r: ListRow): DepartmentReferralRow => ({
  reportId: r.report_id,
  reference: r.reference,
  departmentReference: r.department_reference,
  category: r.category,
  urgency: r.urgency,
  status: r.status,
  createdAt: new Date(r.created_at),
  decidedAt: r.decided_at === null ? null : new Date(r.decided_at),
});

const listColumns = `f.report_id, r.reference, f.department_reference, r.category, r.urgency, r.status, r.created_at, r.decided_at`;

/** Referrals: the part of a department's report that only a referral has (client, consent, response). */
export function createReferralRepository(db: Db, cipher: FieldCipher) {
  const insert = db.prepare(
    `INSERT INTO referrals (report_id, department_id, officer_account_id, department_reference, client_enc, consent,
       consent_method, consent_by_enc, no_consent_ground, no_consent_justification_enc, actions_taken_enc, channel, created_at)
     VALUES (@reportId, @departmentId, @officerAccountId, @departmentReference, @clientEnc, @consent,
       @consentMethod, @consentByEnc, @noConsentGround, @justificationEnc, @actionsEnc, @channel, @at)`,
  );
  const referenceOf = db
    .prepare(
      'SELECT r.reference FROM referrals f JOIN reports r ON r.id = f.report_id WHERE f.department_id = ? AND f.department_reference = ?',
    )
    .pluck();
  const keyOf = db.prepare(
    'SELECT request_hash, reference, status, status_url FROM api_idempotency_keys WHERE department_id = ? AND idempotency_key = ?',
  );
  const insertKey = db.prepare(
    `INSERT INTO api_idempotency_keys (department_id, idempotency_key, request_hash, reference, status, status_url, created_at)
     VALUES (@departmentId, @key, @requestHash, @reference, @status, @statusUrl, @at)`,
  );
  const detail = db.prepare(
    `SELECT f.*, d.name AS department_name, a.name AS officer_name FROM referrals f
     JOIN departments d ON d.id = f.department_id LEFT JOIN accounts a ON a.id = f.officer_account_id
     WHERE f.report_id = ?`,
  );
  const listOfDepartment = db.prepare(
    `SELECT ${listColumns} FROM referrals f JOIN reports r ON r.id = f.report_id
     WHERE f.department_id = @departmentId AND f.report_id < @before ORDER BY f.report_id DESC LIMIT @limit`,
  );
  const oneOfDepartment = db.prepare(
    `SELECT ${listColumns}, f.client_enc, f.response_enc, r.decision_reason FROM referrals f JOIN reports r ON r.id = f.report_id
     WHERE f.department_id = ? AND r.reference = ?`,
  );
  const setResponse = db.prepare('UPDATE referrals SET response_enc = ? WHERE report_id = ?');
  const officer = db.prepare('SELECT officer_account_id, department_reference FROM referrals WHERE report_id = ?');

  const decryptOr = (value: string | null, ctx: string) => (value === null ? '' : cipher.decrypt(value, ctx));

  return {
    insert(r: NewReferral): void {
      const obtained = r.consent.state === 'obtained' ? r.consent : null;
      const notObtained = r.consent.state === 'not_obtained' ? r.consent : null;
      insert.run({
        reportId: r.reportId,
        departmentId: r.departmentId,
        officerAccountId: r.officerAccountId,
        departmentReference: r.departmentReference,
        clientEnc: cipher.encrypt(JSON.stringify(r.client), referralFieldContext.client(r.reportId)),
        consent: r.consent.state,
        consentMethod: obtained?.method ?? null,
        consentByEnc: obtained ? cipher.encrypt(obtained.obtainedBy, referralFieldContext.consentBy(r.reportId)) : null,
        noConsentGround: notObtained?.ground ?? null,
        justificationEnc: notObtained ? cipher.encrypt(notObtained.justification, referralFieldContext.justification(r.reportId)) : null,
        actionsEnc: r.actionsTaken === '' ? null : cipher.encrypt(r.actionsTaken, referralFieldContext.actions(r.reportId)),
        channel: r.channel,
        at: r.at.toISOString(),
      });
    },

    /** The service's reference of the department's referral with this department reference, if there is one. */
    referenceFor(departmentId: number, departmentReference: string): string | undefined {
      return referenceOf.get(departmentId, departmentReference) as string | undefined;
    },

    /** An Idempotency-Key the department used before, with what it was answered. */
    findIdempotencyKey(departmentId: number, key: string): StoredIdempotencyKey | undefined {
      const r = keyOf.get(departmentId, key) as { request_hash: Buffer; reference: string; status: string; status_url: string } | undefined;
      return r && { requestHash: r.request_hash, answer: { reference: r.reference, status: r.status, statusUrl: r.status_url } };
    },

    /** Records a key with its body's keyed hash and the answer; call in the transaction that files the referral. */
    rememberIdempotencyKey(departmentId: number, key: string, requestHash: Buffer, answer: IdempotentAnswer, at: Date): void {
      insertKey.run({ departmentId, key, requestHash, ...answer, at: at.toISOString() });
    },

    /** For staff who may see the report (checked by the caller). */
    detail(reportId: number): ReferralDetail | undefined {
      const r = detail.get(reportId) as DetailRow | undefined;
      if (!r) return undefined;
      const consent: Consent =
        r.consent === 'obtained'
          ? {
              state: 'obtained',
              method: r.consent_method ?? 'verbal',
              obtainedBy: decryptOr(r.consent_by_enc, referralFieldContext.consentBy(reportId)),
            }
          : {
              state: 'not_obtained',
              ground: r.no_consent_ground ?? 'danger_to_life',
              justification: decryptOr(r.no_consent_justification_enc, referralFieldContext.justification(reportId)),
            };
      return {
        departmentId: r.department_id,
        departmentName: r.department_name,
        officerName: r.officer_name,
        departmentReference: r.department_reference,
        client: JSON.parse(cipher.decrypt(r.client_enc, referralFieldContext.client(reportId))) as ClientIdentity,
        consent,
        actionsTaken: decryptOr(r.actions_taken_enc, referralFieldContext.actions(reportId)),
        response: decryptOr(r.response_enc, referralFieldContext.response(reportId)),
        channel: r.channel,
      };
    },

    /** A department's own referrals, newest first, keyset-paged by report id. */
    listForDepartment(departmentId: number, beforeReportId: number | null, limit: number): DepartmentReferralRow[] {
      return (listOfDepartment.all({ departmentId, before: beforeReportId ?? Number.MAX_SAFE_INTEGER, limit }) as ListRow[]).map(toListRow);
    },

    /** One referral, only when it belongs to the department (the object check is in the query). */
    findForDepartment(departmentId: number, reference: string): DepartmentReferralView | undefined {
      const r = oneOfDepartment.get(departmentId, reference) as
        (ListRow & { client_enc: string; response_enc: string | null; decision_reason: string | null }) | undefined;
      if (!r) return undefined;
      const client = JSON.parse(cipher.decrypt(r.client_enc, referralFieldContext.client(r.report_id))) as ClientIdentity;
      return {
        ...toListRow(r),
        clientName: client.name,
        response: decryptOr(r.response_enc, referralFieldContext.response(r.report_id)),
        decisionReason: r.decision_reason,
      };
    },

    /** Who to tell of the decision: the officer who filed it (null through the API), and the department's reference. */
    officerOf(reportId: number): { officerAccountId: number | null; departmentReference: string } | undefined {
      const r = officer.get(reportId) as { officer_account_id: number | null; department_reference: string } | undefined;
      return r && { officerAccountId: r.officer_account_id, departmentReference: r.department_reference };
    },

    setResponse(reportId: number, response: string): void {
      setResponse.run(response === '' ? null : cipher.encrypt(response, referralFieldContext.response(reportId)), reportId);
    },
  };
}

export type ReferralRepository = ReturnType<typeof createReferralRepository>;
