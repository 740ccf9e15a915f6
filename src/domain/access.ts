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

export function canReopenReports(who: CurrentAccount): boolean {
  return who.role === 'supervisor';
}
