import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type { AffectedGroup, Category, ContactDetails, ReportSource, ReporterRelation, Urgency } from '../domain/reference';
import type { ReportStatus } from '../domain/reportStatus';
import type { ReportForReporter, StaffReport } from '../domain/reports';
import { isLocale, type Locale } from '../i18n';

export interface NewReport {
  reference: string;
  /** NULL for a department referral: the department follows it through its own pages. */
  receiptHash: Buffer | null;
  departmentId: number | null;
  source: ReportSource;
  category: Category;
  affectedGroups: AffectedGroup[];
  kecamatanCode: string;
  kelurahanCode: string | null;
  locationDetail: string | null;
  narrative: string;
  urgency: Urgency;
  reporterRelation: ReporterRelation;
  contact: ContactDetails | null;
  /** The language of the page or API request it came through: staff ask in it, emails to the reporter are in it. */
  language: Locale;
  status: ReportStatus;
  slaDueAt: Date;
  createdAt: Date;
}

interface ReporterRow {
  id: number;
  reference: string;
  category: Category;
  urgency: Urgency;
  status: ReportStatus;
  decision_reason: string | null;
  sla_due_at: string;
  created_at: string;
}

interface StaffRow extends ReporterRow {
  source: ReportSource;
  kecamatan_code: string;
  kelurahan_code: string | null;
  location_detail_enc: string | null;
  narrative_enc: string;
  reporter_relation: ReporterRelation;
  contact_enc: string | null;
  language: string | null;
  department_id: number | null;
  claimed_by: number | null;
  claimed_by_name: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  decision_note_enc: string | null;
  duplicate_of_reference: string | null;
  case_id: number | null;
  case_number: string | null;
  case_assignee: number | null;
  case_assignee_name: string | null;
  escalated_at: string | null;
  escalated_to: string | null;
  groups: string | null;
}

/** A decision as stored: the new status and who, when, why. */
export interface DecisionRecord {
  status: ReportStatus;
  decidedBy: number;
  at: Date;
  reason: string | null;
  note: string | null;
  duplicateOf: number | null;
  caseId: number | null;
}

const dateOrNull = (v: string | null) => (v === null ? null : new Date(v));

const toReporterView = (row: ReporterRow): ReportForReporter => ({
  id: row.id,
  reference: row.reference,
  category: row.category,
  urgency: row.urgency,
  status: row.status,
  decisionReason: row.decision_reason,
  slaDueAt: new Date(row.sla_due_at),
  createdAt: new Date(row.created_at),
});

/** A report's reference: the year it was filed (Jakarta calendar) and its number in that year, like LAP-2026-000123. */
export const formatReference = (year: number, n: number): string => `LAP-${year}-${String(n).padStart(6, '0')}`;

/** Associated data for each encrypted column, so a value cannot be copied to another row or column. */
export const reportFieldContext = {
  narrative: (reference: string) => `reports.narrative:${reference}`,
  locationDetail: (reference: string) => `reports.location_detail:${reference}`,
  contact: (reference: string) => `reports.contact:${reference}`,
  decisionNote: (reference: string) => `reports.decision_note:${reference}`,
};

export function createReportRepository(db: Db, cipher: FieldCipher) {
  const nextNumber = db.prepare(
    `INSERT INTO report_sequences (year, last_number) VALUES (?, 1)
     ON CONFLICT (year) DO UPDATE SET last_number = last_number + 1
     RETURNING last_number`,
  );
  const insertReport = db.prepare(
    `INSERT INTO reports (reference, receipt_hash, source, category, kecamatan_code, kelurahan_code,
       location_detail_enc, narrative_enc, urgency, reporter_relation, contact_enc, wants_contact,
       status, sla_due_at, created_at, updated_at, department_id, language)
     VALUES (@reference, @receiptHash, @source, @category, @kecamatanCode, @kelurahanCode,
       @locationDetailEnc, @narrativeEnc, @urgency, @reporterRelation, @contactEnc, @wantsContact,
       @status, @slaDueAt, @createdAt, @createdAt, @departmentId, @language)`,
  );
  const insertGroup = db.prepare('INSERT INTO report_affected_groups (report_id, group_code) VALUES (?, ?)');
  const idByReceipt = db.prepare('SELECT id FROM reports WHERE receipt_hash = ?').pluck();
  const forReporter = db.prepare(
    'SELECT id, reference, category, urgency, status, decision_reason, sla_due_at, created_at FROM reports WHERE id = ?',
  );
  const contactLeft = db.prepare('SELECT contact_enc IS NOT NULL FROM reports WHERE id = ?').pluck();
  const setStatus = db.prepare('UPDATE reports SET status = ?, updated_at = ? WHERE id = ?');
  const staffView = db.prepare(
    `SELECT r.*, claimer.name AS claimed_by_name, decider.name AS decided_by_name, dup.reference AS duplicate_of_reference,
       c.number AS case_number, c.assigned_to AS case_assignee, worker.name AS case_assignee_name,
       (SELECT group_concat(group_code) FROM report_affected_groups g WHERE g.report_id = r.id) AS groups
     FROM reports r
     LEFT JOIN accounts claimer ON claimer.id = r.claimed_by
     LEFT JOIN accounts decider ON decider.id = r.decided_by
     LEFT JOIN reports dup ON dup.id = r.duplicate_of
     LEFT JOIN cases c ON c.id = r.case_id
     LEFT JOIN accounts worker ON worker.id = c.assigned_to
     WHERE r.reference = ?`,
  );
  const idByReference = db.prepare('SELECT id FROM reports WHERE reference = ?').pluck();
  const setClaim = db.prepare('UPDATE reports SET claimed_by = ?, claimed_at = ?, updated_at = ? WHERE id = ?');
  const setDecision = db.prepare(
    `UPDATE reports SET status = @status, decided_by = @decidedBy, decided_at = @at, decision_reason = @reason,
       decision_note_enc = @noteEnc, duplicate_of = @duplicateOf, case_id = @caseId, updated_at = @at
     WHERE id = @id`,
  );
  const clearDecision = db.prepare(
    `UPDATE reports SET status = @status, decided_by = NULL, decided_at = NULL, decision_reason = NULL,
       decision_note_enc = NULL, duplicate_of = NULL, case_id = NULL, claimed_by = @accountId, claimed_at = @at, updated_at = @at WHERE id = @id`,
  );
  const setEscalation = db.prepare('UPDATE reports SET escalated_at = ?, escalated_to = ?, updated_at = ? WHERE id = ?');
  const reportsOfCase = db.prepare('SELECT reference FROM reports WHERE case_id = ? ORDER BY id').pluck();
  const withoutLanguage = db.prepare('SELECT id, reference, contact_enc FROM reports WHERE language IS NULL ORDER BY id LIMIT ?');
  const setLanguage = db.prepare('UPDATE reports SET language = ? WHERE id = ? AND language IS NULL');

  const decryptContact = (reference: string, contactEnc: string | null): ContactDetails | null =>
    contactEnc === null ? null : (JSON.parse(cipher.decrypt(contactEnc, reportFieldContext.contact(reference))) as ContactDetails);

  return {
    /** Next reference of the year, like LAP-2026-000123. Call inside the inserting transaction. */
    allocateReference(year: number): string {
      const n = nextNumber.pluck().get(year) as number;
      return formatReference(year, n);
    },

    insert(r: NewReport): number {
      const info = insertReport.run({
        reference: r.reference,
        receiptHash: r.receiptHash,
        departmentId: r.departmentId,
        language: r.language,
        source: r.source,
        category: r.category,
        kecamatanCode: r.kecamatanCode,
        kelurahanCode: r.kelurahanCode,
        locationDetailEnc:
          r.locationDetail === null ? null : cipher.encrypt(r.locationDetail, reportFieldContext.locationDetail(r.reference)),
        narrativeEnc: cipher.encrypt(r.narrative, reportFieldContext.narrative(r.reference)),
        urgency: r.urgency,
        reporterRelation: r.reporterRelation,
        contactEnc: r.contact === null ? null : cipher.encrypt(JSON.stringify(r.contact), reportFieldContext.contact(r.reference)),
        wantsContact: r.contact === null ? 0 : 1,
        status: r.status,
        slaDueAt: r.slaDueAt.toISOString(),
        createdAt: r.createdAt.toISOString(),
      });
      const id = Number(info.lastInsertRowid);
      for (const group of r.affectedGroups) insertGroup.run(id, group);
      return id;
    },

    findIdByReceiptHash(hash: Buffer): number | undefined {
      return idByReceipt.get(hash) as number | undefined;
    },

    findForReporter(id: number): ReportForReporter | undefined {
      const row = forReporter.get(id) as ReporterRow | undefined;
      return row ? toReporterView(row) : undefined;
    },

    /** Whether the reporter left a way to reach her: the answer only, never the details (nothing is decrypted). */
    leftContact(id: number): boolean {
      return contactLeft.get(id) === 1;
    },

    updateStatus(id: number, status: ReportStatus, at: Date): void {
      setStatus.run(status, at.toISOString(), id);
    },

    findIdByReference(reference: string): number | undefined {
      return idByReference.get(reference) as number | undefined;
    },

    /** The whole report for staff, decrypted. Call only after the access check allows it. */
    findForStaff(reference: string): StaffReport | undefined {
      const r = staffView.get(reference) as StaffRow | undefined;
      if (!r) return undefined;
      return {
        ...toReporterView(r),
        source: r.source,
        affectedGroups: (r.groups ?? '').split(',').filter(Boolean) as AffectedGroup[],
        kecamatanCode: r.kecamatan_code,
        kelurahanCode: r.kelurahan_code,
        locationDetail:
          r.location_detail_enc === null ? null : cipher.decrypt(r.location_detail_enc, reportFieldContext.locationDetail(r.reference)),
        narrative: cipher.decrypt(r.narrative_enc, reportFieldContext.narrative(r.reference)),
        reporterRelation: r.reporter_relation,
        contact: decryptContact(r.reference, r.contact_enc),
        // Every report has one once the server has started (recordOlderLanguages); 'id' only guards the type.
        language: isLocale(r.language) ? r.language : 'id',
        departmentId: r.department_id,
        claimedBy: r.claimed_by,
        claimedByName: r.claimed_by_name,
        decidedByName: r.decided_by_name,
        decidedAt: dateOrNull(r.decided_at),
        decisionNote:
          r.decision_note_enc === null ? null : cipher.decrypt(r.decision_note_enc, reportFieldContext.decisionNote(r.reference)),
        duplicateOfReference: r.duplicate_of_reference,
        caseId: r.case_id,
        caseNumber: r.case_number,
        caseAssignee: r.case_assignee,
        caseAssigneeName: r.case_assignee_name,
        escalatedAt: dateOrNull(r.escalated_at),
        escalatedTo: r.escalated_to,
      };
    },

    setClaim(id: number, accountId: number | null, at: Date): void {
      setClaim.run(accountId, accountId === null ? null : at.toISOString(), at.toISOString(), id);
    },

    recordDecision(id: number, reference: string, d: DecisionRecord): void {
      setDecision.run({
        id,
        status: d.status,
        decidedBy: d.decidedBy,
        at: d.at.toISOString(),
        reason: d.reason,
        noteEnc: d.note === null || d.note === '' ? null : cipher.encrypt(d.note, reportFieldContext.decisionNote(reference)),
        duplicateOf: d.duplicateOf,
        caseId: d.caseId,
      });
    },

    /**
     * Back to review, claimed by whoever reopened it, and out of any case it was accepted into (so
     * access follows the report's state, not a decision that no longer stands); the earlier
     * decision stays in the audit log and timeline, the detachment in the case's timeline.
     */
    reopen(id: number, status: ReportStatus, accountId: number, at: Date): void {
      clearDecision.run({ id, status, accountId, at: at.toISOString() });
    },

    escalate(id: number, to: string, at: Date): void {
      setEscalation.run(at.toISOString(), to, at.toISOString(), id);
    },

    referencesOfCase(caseId: number): string[] {
      return reportsOfCase.all(caseId) as string[];
    },

    /**
     * Reports filed before their language was recorded (migration 0012), `limit` at a time, with
     * the locale their contact details kept for "there is news" emails, if any.
     */
    withoutLanguage(limit: number): { id: number; contactLocale: Locale | null }[] {
      return (withoutLanguage.all(limit) as { id: number; reference: string; contact_enc: string | null }[]).map((r) => {
        const locale = decryptContact(r.reference, r.contact_enc)?.locale;
        return { id: r.id, contactLocale: isLocale(locale) ? locale : null };
      });
    },

    /** Records the language of a report that has none yet. */
    setLanguage(id: number, language: Locale): void {
      setLanguage.run(language, id);
    },
  };
}

export type ReportRepository = ReturnType<typeof createReportRepository>;
