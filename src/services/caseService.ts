import type { Transactor } from '../data/transaction';
import type { CaseDetail, CaseEvent, CaseRepository, CaseSummary } from '../data/caseRepository';
import type { ReportRepository } from '../data/reportRepository';
import type { AccountRepository } from '../data/accountRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { CurrentAccount } from '../domain/roles';
import type { CaseClosureReason, CaseStage } from '../domain/cases';
import type { RiskLevel } from '../domain/decisions';
import { canAssignCases, canViewCase, canWorkCase } from '../domain/access';

export type CaseChange =
  | { kind: 'note'; text: string }
  | { kind: 'stage'; stage: CaseStage }
  | { kind: 'risk'; level: RiskLevel; riskFactors: string; protectiveFactors: string }
  | { kind: 'hold'; onHold: boolean }
  | { kind: 'assign'; assigneeId: number }
  | { kind: 'close'; reason: CaseClosureReason; note: string };

export type CaseOutcome = { ok: true } | { ok: false; refusal: 'case_closed' | 'unknown_assignee' | 'not_allowed' };

export interface CasePage {
  detail: CaseDetail;
  events: CaseEvent[];
  reportReferences: string[];
  canWork: boolean;
  canAssign: boolean;
}

export interface CaseServiceDeps {
  transaction: Transactor;
  cases: CaseRepository;
  reports: ReportRepository;
  accounts: AccountRepository;
  audit: AuditRepository;
  now: () => Date;
}

/** Cases through the LK3 stages: a caseworker works their own, a supervisor all (and assigns), triage reads. */
export function createCaseService(deps: CaseServiceDeps) {
  const { transaction, cases, reports, accounts, audit, now } = deps;

  const auditAction: Record<CaseChange['kind'], string> = {
    note: 'case.note_added',
    stage: 'case.stage_changed',
    risk: 'case.risk_changed',
    hold: 'case.hold_changed',
    assign: 'case.assigned',
    close: 'case.closed',
  };

  function apply(who: CurrentAccount, c: CaseDetail, change: CaseChange, at: Date): CaseOutcome {
    switch (change.kind) {
      case 'note':
        cases.addEvent(c.id, who.id, 'note', null, change.text, at);
        return { ok: true };
      case 'stage':
        cases.setStage(c.id, change.stage, at);
        cases.addEvent(c.id, who.id, 'stage_changed', change.stage, null, at);
        return { ok: true };
      case 'risk':
        cases.setRisk(c.id, change.level, change.riskFactors, change.protectiveFactors, at);
        cases.addEvent(c.id, who.id, 'risk_changed', change.level, null, at);
        return { ok: true };
      case 'hold':
        cases.setHold(c.id, change.onHold, at);
        cases.addEvent(c.id, who.id, change.onHold ? 'hold' : 'resumed', null, null, at);
        return { ok: true };
      case 'assign': {
        if (!canAssignCases(who)) return { ok: false, refusal: 'not_allowed' };
        const assignee = accounts.findActive(change.assigneeId);
        if (!assignee || (assignee.role !== 'caseworker' && assignee.role !== 'supervisor'))
          return { ok: false, refusal: 'unknown_assignee' };
        cases.assign(c.id, assignee.id, at);
        cases.addEvent(c.id, who.id, 'assigned', String(assignee.id), null, at);
        return { ok: true };
      }
      case 'close':
        cases.close(c.id, change.reason, at);
        cases.addEvent(c.id, who.id, 'closed', change.reason, change.note === '' ? null : change.note, at);
        return { ok: true };
    }
  }

  return {
    list(
      who: CurrentAccount,
      options: { openOnly: boolean; beforeId?: number; pageSize: number },
    ): { rows: CaseSummary[]; nextBefore: number | null } {
      const assignee = who.role === 'caseworker' ? who.id : undefined;
      const rows = cases.list({ assignee, openOnly: options.openOnly, beforeId: options.beforeId, limit: options.pageSize + 1 });
      const more = rows.length > options.pageSize;
      const shown = more ? rows.slice(0, options.pageSize) : rows;
      return { rows: shown, nextBefore: more ? shown[shown.length - 1]!.id : null };
    },

    /** A case this person may see (each view audited), or undefined. */
    open(who: CurrentAccount, number: string): CasePage | undefined {
      const detail = cases.findByNumber(number);
      if (!detail || !canViewCase(who, detail.assignedTo)) return undefined;
      audit.append({ actorAccountId: who.id, action: 'case.viewed', subjectType: 'case', subjectId: detail.id }, now());
      return {
        detail,
        events: cases.events(detail.id),
        reportReferences: reports.referencesOfCase(detail.id),
        canWork: canWorkCase(who, detail.assignedTo) && detail.closedAt === null,
        canAssign: canAssignCases(who) && detail.closedAt === null,
      };
    },

    /** One change to a case, audited in the same transaction; undefined when the case is not theirs to see. */
    change(who: CurrentAccount, number: string, change: CaseChange): CaseOutcome | undefined {
      return transaction(() => {
        const detail = cases.findByNumber(number);
        if (!detail || !canViewCase(who, detail.assignedTo)) return undefined;
        if (!canWorkCase(who, detail.assignedTo)) return { ok: false, refusal: 'not_allowed' } as const;
        if (detail.closedAt !== null) return { ok: false, refusal: 'case_closed' } as const;
        const at = now();
        const outcome = apply(who, detail, change, at);
        if (outcome.ok) {
          const code =
            change.kind === 'stage' ? change.stage : change.kind === 'risk' ? change.level : change.kind === 'close' ? change.reason : null;
          audit.append(
            {
              actorAccountId: who.id,
              action: auditAction[change.kind],
              subjectType: 'case',
              subjectId: detail.id,
              detail: code ? { code } : undefined,
            },
            at,
          );
        }
        return outcome;
      });
    },

    /** People a case can be assigned to. */
    assignableWorkers(): CurrentAccount[] {
      return [...accounts.listActiveByRole('caseworker'), ...accounts.listActiveByRole('supervisor')];
    },
  };
}

export type CaseService = ReturnType<typeof createCaseService>;
