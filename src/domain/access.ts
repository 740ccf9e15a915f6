import type { CurrentAccount } from './roles';

/**
 * Object-level rules (DESIGN.md, "Who may do what"). Routes check the role; services ask these
 * for the particular report or case, and refuse with 404 so that guessing a number reveals nothing.
 */
export interface ReportAccessFacts {
  caseAssignee: number | null;
  departmentId: number | null;
}

export function canViewReport(who: CurrentAccount, report: ReportAccessFacts): boolean {
  switch (who.role) {
    case 'triage':
    case 'supervisor':
      return true;
    case 'caseworker':
      return report.caseAssignee === who.id;
    default:
      return false;
  }
}

/** Deciding, claiming, asking the reporter: triage and supervisors; a caseworker on the reports of their own cases. */
export function canActOnReport(who: CurrentAccount, report: ReportAccessFacts): boolean {
  return who.role === 'triage' || who.role === 'supervisor' || (who.role === 'caseworker' && report.caseAssignee === who.id);
}

export function canViewCase(who: CurrentAccount, assignee: number | null): boolean {
  return who.role === 'supervisor' || who.role === 'triage' || (who.role === 'caseworker' && assignee === who.id);
}

export function canWorkCase(who: CurrentAccount, assignee: number | null): boolean {
  return who.role === 'supervisor' || (who.role === 'caseworker' && assignee === who.id);
}

export function canAssignCases(who: CurrentAccount): boolean {
  return who.role === 'supervisor';
}

/** What a claim check needs to know of a report. */
export interface ClaimFacts {
  claimedBy: number | null;
  caseAssignee: number | null;
}

/**
 * A claim keeps every other triage officer off the report: each action that changes it (decide,
 * ask, escalate, respond, record a partner's answer, release) is refused to them. Its holder may act,
 * a supervisor may take over, and the caseworker of the report's case works it as part of that case.
 */
export function isHeldByAnother(who: CurrentAccount, report: ClaimFacts): boolean {
  if (report.claimedBy === null || report.claimedBy === who.id || who.role === 'supervisor') return false;
  return !(who.role === 'caseworker' && report.caseAssignee === who.id);
}

export function canReopenReports(who: CurrentAccount): boolean {
  return who.role === 'supervisor';
}

/** Recording a report received at the office (/staff/intake), and being named as the officer who took it: triage and supervisors. */
export function canRecordIntake(who: Pick<CurrentAccount, 'role'>): boolean {
  return who.role === 'triage' || who.role === 'supervisor';
}
