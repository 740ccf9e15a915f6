import type { GroupCommit, Transactor } from '../data/transaction';
import type { CaseRepository } from '../data/caseRepository';
import type { ReportRepository } from '../data/reportRepository';
import type { AccountRepository } from '../data/accountRepository';
import type { AuditEventInput, AuditRepository } from '../data/auditRepository';
import type { CurrentAccount } from '../domain/roles';
import {
  canMoveCase,
  caseAssigneeRoles,
  mayBeAssignedCases,
  type CaseClosureOutcome,
  type CaseDetail,
  type CaseEvent,
  type CaseStage,
  type CaseSummary,
} from '../domain/cases';
import type { RiskLevel } from '../domain/decisions';
import { canAssignCases, canViewCase, canWorkCase } from '../domain/access';
import { done, refuse, type Outcome } from '../domain/outcome';

export type CaseChange =
  | { kind: 'note'; text: string }
  | { kind: 'stage'; stage: CaseStage }
  | { kind: 'risk'; level: RiskLevel; riskFactors: string; protectiveFactors: string }
  | { kind: 'hold'; onHold: boolean }
  | { kind: 'assign'; assigneeId: number }
  | { kind: 'close'; outcome: CaseClosureOutcome; summary: string };

/**
 * Why a change to a case was refused: `not_found` (no such case, or not this person's to see — the
 * same 404), `not_allowed` (may read it but not change it, or may not assign), `case_closed`,
 * `unknown_assignee` (not an active account that may be assigned cases), `stage_not_allowed` (not a
 * move in the case stage table, domain/cases.ts).
 */
export type CaseProblem = 'not_found' | 'not_allowed' | 'case_closed' | 'unknown_assignee' | 'stage_not_allowed';
export type CaseOutcome = Outcome<object, CaseProblem>;

export interface CasePage {
  detail: CaseDetail;
  events: CaseEvent[];
  reportReferences: string[];
  canWork: boolean;
  canAssign: boolean;
}

export interface CaseServiceDeps {
  transaction: Transactor;
  /** For the audit of views, committed with the others of the moment (data/transaction.ts). */
  groupCommit: GroupCommit;
  cases: CaseRepository;
  reports: ReportRepository;
  accounts: AccountRepository;
  audit: AuditRepository;
  now: () => Date;
}

/** Cases through the LK3 stages: a caseworker works their own, a supervisor all (and assigns), triage reads. */
export function createCaseService(deps: CaseServiceDeps) {
  const { transaction, groupCommit, cases, reports, accounts, audit, now } = deps;

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
        return done();
      case 'stage':
        if (!canMoveCase(c.stage, change.stage)) return refuse('stage_not_allowed');
        cases.setStage(c.id, change.stage, at);
        cases.addEvent(c.id, who.id, 'stage_changed', change.stage, null, at);
        return done();
      case 'risk':
        cases.setRisk(c.id, change.level, change.riskFactors, change.protectiveFactors, at);
        cases.addEvent(c.id, who.id, 'risk_changed', change.level, null, at);
        return done();
      case 'hold':
        cases.setHold(c.id, change.onHold, at);
        cases.addEvent(c.id, who.id, change.onHold ? 'hold' : 'resumed', null, null, at);
        return done();
      case 'assign': {
        if (!canAssignCases(who)) return refuse('not_allowed');
        const assignee = accounts.findActive(change.assigneeId);
        if (!assignee || !mayBeAssignedCases(assignee)) return refuse('unknown_assignee');
        cases.assign(c.id, assignee.id, at);
        cases.addEvent(c.id, who.id, 'assigned', String(assignee.id), null, at);
        return done();
      }
      case 'close':
        // The summary is kept on the case (shown with its outcome); the timeline records the outcome.
        cases.close(c.id, change.outcome, change.summary, at);
        cases.addEvent(c.id, who.id, 'closed', change.outcome, null, at);
        return done();
    }
  }

  function visibleCase(who: CurrentAccount, number: string) {
    const detail = cases.findByNumber(number);
    return detail && canViewCase(who, detail.assignedTo) ? detail : undefined;
  }

  const viewAction = {
    read: 'case.viewed',
    print: 'case.printed',
  } as const;

  /** A view of a case, or a print of it (the print view, for the office's paper file). */
  const viewed = (who: CurrentAccount, caseId: number, purpose: 'read' | 'print' = 'read'): AuditEventInput => ({
    actorAccountId: who.id,
    action: viewAction[purpose],
    subjectType: 'case',
    subjectId: caseId,
  });

  function pageOf(who: CurrentAccount, detail: NonNullable<ReturnType<typeof visibleCase>>): CasePage {
    return {
      detail,
      events: cases.events(detail.id),
      reportReferences: reports.referencesOfCase(detail.id),
      canWork: canWorkCase(who, detail.assignedTo) && detail.closedAt === null,
      canAssign: canAssignCases(who) && detail.closedAt === null,
    };
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

    /** A case this person may see (each view audited, in its own commit: commands and tests), or undefined. */
    open(who: CurrentAccount, number: string): CasePage | undefined {
      const detail = visibleCase(who, number);
      if (!detail) return undefined;
      audit.append(viewed(who, detail.id), now());
      return pageOf(who, detail);
    },

    /**
     * The case page's way to open a case: as open, its audit event committed together with the
     * other views and reports of the same moment (group commit, data/transaction.ts); the page is
     * read once the view is on record. `print`: the print view, audited as case.printed.
     */
    async view(who: CurrentAccount, number: string, purpose: 'read' | 'print' = 'read'): Promise<CasePage | undefined> {
      const detail = visibleCase(who, number);
      if (!detail) return undefined;
      await groupCommit(() => audit.append(viewed(who, detail.id, purpose), now()));
      const current = visibleCase(who, number);
      return current && pageOf(who, current);
    },

    /** One change to a case, audited in the same transaction; a refused change writes nothing. */
    change(who: CurrentAccount, number: string, change: CaseChange): CaseOutcome {
      return transaction((): CaseOutcome => {
        const detail = cases.findByNumber(number);
        if (!detail || !canViewCase(who, detail.assignedTo)) return refuse('not_found');
        if (!canWorkCase(who, detail.assignedTo)) return refuse('not_allowed');
        if (detail.closedAt !== null) return refuse('case_closed');
        const at = now();
        const outcome = apply(who, detail, change, at);
        if (outcome.ok) {
          const code =
            change.kind === 'stage'
              ? change.stage
              : change.kind === 'risk'
                ? change.level
                : change.kind === 'close'
                  ? change.outcome
                  : null;
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
      return caseAssigneeRoles.flatMap((role) => accounts.listActiveByRole(role));
    },
  };
}

export type CaseService = ReturnType<typeof createCaseService>;
