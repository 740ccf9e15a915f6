import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import { formatCaseNumber, type CaseDetail, type CaseEvent, type CaseEventKind, type CaseStage, type CaseSummary } from '../domain/cases';
import type { RiskLevel } from '../domain/decisions';

interface CaseRow {
  id: number;
  number: string;
  stage: CaseStage;
  on_hold: number;
  risk_level: RiskLevel | null;
  assigned_to: number | null;
  assignee_name: string | null;
  opened_at: string;
  closed_at: string | null;
  risk_factors_enc: string | null;
  protective_factors_enc: string | null;
  closure_reason: string | null;
  closing_summary_enc: string | null;
}

/** The associated data of each encrypted column (exported for the seeds, which write rows directly). */
export const caseFieldContext = {
  riskFactors: (id: number) => `cases.risk_factors:${id}`,
  protectiveFactors: (id: number) => `cases.protective_factors:${id}`,
  closingSummary: (id: number) => `cases.closing_summary:${id}`,
  eventBody: (caseId: number) => `case_events.body:${caseId}`,
};

const toSummary = (r: CaseRow): CaseSummary => ({
  id: r.id,
  number: r.number,
  stage: r.stage,
  onHold: r.on_hold === 1,
  riskLevel: r.risk_level,
  assignedTo: r.assigned_to,
  assigneeName: r.assignee_name,
  openedAt: new Date(r.opened_at),
  closedAt: r.closed_at === null ? null : new Date(r.closed_at),
});

const selectCase = `SELECT c.*, a.name AS assignee_name FROM cases c LEFT JOIN accounts a ON a.id = c.assigned_to`;

/** Cases, their numbering, and their timeline (notes encrypted). */
export function createCaseRepository(db: Db, cipher: FieldCipher) {
  const nextNumber = db
    .prepare(
      `INSERT INTO case_sequences (year, last_number) VALUES (?, 1)
       ON CONFLICT (year) DO UPDATE SET last_number = last_number + 1 RETURNING last_number`,
    )
    .pluck();
  const insert = db.prepare(
    `INSERT INTO cases (number, stage, risk_level, assigned_to, opened_at, updated_at)
     VALUES (@number, 'intake', @riskLevel, @assignedTo, @at, @at)`,
  );
  const byNumber = db.prepare(`${selectCase} WHERE c.number = ?`);
  const byId = db.prepare(`${selectCase} WHERE c.id = ?`);
  const openIds = db.prepare('SELECT id FROM cases WHERE number = ? AND closed_at IS NULL').pluck();
  const listAll = db.prepare(`${selectCase} WHERE (@open = 0 OR c.closed_at IS NULL) AND c.id < @before ORDER BY c.id DESC LIMIT @limit`);
  const listMine = db.prepare(
    `${selectCase} WHERE c.assigned_to = @assignee AND (@open = 0 OR c.closed_at IS NULL) AND c.id < @before ORDER BY c.id DESC LIMIT @limit`,
  );
  const setStage = db.prepare('UPDATE cases SET stage = ?, updated_at = ? WHERE id = ?');
  const setHold = db.prepare('UPDATE cases SET on_hold = ?, updated_at = ? WHERE id = ?');
  const setAssignee = db.prepare('UPDATE cases SET assigned_to = ?, updated_at = ? WHERE id = ?');
  const setRisk = db.prepare(
    'UPDATE cases SET risk_level = ?, risk_factors_enc = ?, protective_factors_enc = ?, updated_at = ? WHERE id = ?',
  );
  const close = db.prepare(
    "UPDATE cases SET stage = 'terminated', closed_at = ?, closure_reason = ?, closing_summary_enc = ?, on_hold = 0, updated_at = ? WHERE id = ?",
  );
  const insertEvent = db.prepare(
    'INSERT INTO case_events (case_id, account_id, kind, code, body_enc, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const eventsOf = db.prepare(
    `SELECT e.kind, e.code, e.body_enc, e.created_at, a.name AS author_name
     FROM case_events e LEFT JOIN accounts a ON a.id = e.account_id WHERE e.case_id = ? ORDER BY e.id`,
  );

  return {
    /** Opens a case numbered LK3/<year>/<n>; call inside the deciding transaction. */
    open(year: number, assignedTo: number | null, riskLevel: RiskLevel | null, at: Date): { id: number; number: string } {
      const number = formatCaseNumber(year, nextNumber.get(year) as number);
      const info = insert.run({ number, riskLevel, assignedTo, at: at.toISOString() });
      return { id: Number(info.lastInsertRowid), number };
    },

    findOpenIdByNumber(number: string): number | undefined {
      return openIds.get(number) as number | undefined;
    },

    findByNumber(number: string): CaseDetail | undefined {
      const r = byNumber.get(number) as CaseRow | undefined;
      if (!r) return undefined;
      return {
        ...toSummary(r),
        riskFactors: r.risk_factors_enc ? cipher.decrypt(r.risk_factors_enc, caseFieldContext.riskFactors(r.id)) : '',
        protectiveFactors: r.protective_factors_enc
          ? cipher.decrypt(r.protective_factors_enc, caseFieldContext.protectiveFactors(r.id))
          : '',
        closureReason: r.closure_reason,
        closingSummary: r.closing_summary_enc ? cipher.decrypt(r.closing_summary_enc, caseFieldContext.closingSummary(r.id)) : '',
      };
    },

    findSummary(id: number): CaseSummary | undefined {
      const r = byId.get(id) as CaseRow | undefined;
      return r ? toSummary(r) : undefined;
    },

    /** Newest first, keyset-paged by id; `assignee` limits to one caseworker's cases. */
    list(options: { assignee?: number; openOnly: boolean; beforeId?: number; limit: number }): CaseSummary[] {
      const params = { open: options.openOnly ? 1 : 0, before: options.beforeId ?? Number.MAX_SAFE_INTEGER, limit: options.limit };
      const rows = options.assignee === undefined ? listAll.all(params) : listMine.all({ ...params, assignee: options.assignee });
      return (rows as CaseRow[]).map(toSummary);
    },

    setStage(id: number, stage: CaseStage, at: Date): void {
      setStage.run(stage, at.toISOString(), id);
    },

    setHold(id: number, onHold: boolean, at: Date): void {
      setHold.run(onHold ? 1 : 0, at.toISOString(), id);
    },

    assign(id: number, accountId: number, at: Date): void {
      setAssignee.run(accountId, at.toISOString(), id);
    },

    setRisk(id: number, level: RiskLevel, riskFactors: string, protectiveFactors: string, at: Date): void {
      setRisk.run(
        level,
        riskFactors === '' ? null : cipher.encrypt(riskFactors, caseFieldContext.riskFactors(id)),
        protectiveFactors === '' ? null : cipher.encrypt(protectiveFactors, caseFieldContext.protectiveFactors(id)),
        at.toISOString(),
        id,
      );
    },

    /** Closes the case with its outcome (a code) and the worker's closing summary (encrypted). */
    close(id: number, outcome: string, summary: string, at: Date): void {
      close.run(at.toISOString(), outcome, cipher.encrypt(summary, caseFieldContext.closingSummary(id)), at.toISOString(), id);
    },

    addEvent(caseId: number, accountId: number | null, kind: CaseEventKind, code: string | null, body: string | null, at: Date): void {
      insertEvent.run(
        caseId,
        accountId,
        kind,
        code,
        body === null ? null : cipher.encrypt(body, caseFieldContext.eventBody(caseId)),
        at.toISOString(),
      );
    },

    events(caseId: number): CaseEvent[] {
      return (
        eventsOf.all(caseId) as {
          kind: CaseEventKind;
          code: string | null;
          body_enc: string | null;
          created_at: string;
          author_name: string | null;
        }[]
      ).map((e) => ({
        kind: e.kind,
        code: e.code,
        body: e.body_enc === null ? null : cipher.decrypt(e.body_enc, caseFieldContext.eventBody(caseId)),
        authorName: e.author_name,
        at: new Date(e.created_at),
      }));
    },
  };
}

export type CaseRepository = ReturnType<typeof createCaseRepository>;
