import type { RiskLevel } from './decisions';
import type { Role } from './roles';

/** The LK3 service flow (DESIGN.md, "Case stages"). */
export const caseStages = [
  'intake',
  'initial_assessment',
  'in_depth_assessment',
  'intervention_plan',
  'intervention',
  'monitoring',
  'terminated',
] as const;
export type CaseStage = (typeof caseStages)[number];

/** Stages a worker may move an open case to; `terminated` is reached only by closing it with a reason. */
export const workingStages: readonly CaseStage[] = caseStages.filter((s) => s !== 'terminated');

/**
 * The one table of case stage moves (the stage form). A worker moves an open case between the
 * working stages in either direction — LK3 work loops back when a plan falls through and the
 * assessment starts again. A move to the stage the case is already in is no move. `terminated`
 * is never a move's target: closing the case (with a reason) puts it there, and nothing leaves it.
 */
const caseTransitions: Record<CaseStage, readonly CaseStage[]> = {
  intake: ['initial_assessment', 'in_depth_assessment', 'intervention_plan', 'intervention', 'monitoring'],
  initial_assessment: ['intake', 'in_depth_assessment', 'intervention_plan', 'intervention', 'monitoring'],
  in_depth_assessment: ['intake', 'initial_assessment', 'intervention_plan', 'intervention', 'monitoring'],
  intervention_plan: ['intake', 'initial_assessment', 'in_depth_assessment', 'intervention', 'monitoring'],
  intervention: ['intake', 'initial_assessment', 'in_depth_assessment', 'intervention_plan', 'monitoring'],
  monitoring: ['intake', 'initial_assessment', 'in_depth_assessment', 'intervention_plan', 'intervention'],
  terminated: [],
};

/** May a case at stage `from` be moved to stage `to`? */
export function canMoveCase(from: CaseStage, to: CaseStage): boolean {
  return caseTransitions[from].includes(to);
}

/** The stages a case at `from` may be moved to, in LK3 order (what the stage form offers). */
export function caseMovesFrom(from: CaseStage): readonly CaseStage[] {
  return caseTransitions[from];
}

/**
 * How a case ended: the outcome a worker chooses when closing it, with a closing summary (issue 13).
 * Statistics count closed cases by it (case_statistics.outcome, migration 0022).
 */
export const caseClosureOutcomes = ['goals_met', 'referred_accepted', 'family_declined', 'moved_away', 'lost_contact', 'other'] as const;
export type CaseClosureOutcome = (typeof caseClosureOutcomes)[number];

/**
 * Closure reasons recorded before outcomes: migration 0022 turned goals_achieved into goals_met and
 * client_withdrew into family_declined; `referred_out` (acceptance not recorded) stays as it was and
 * is still shown. Never offered on the form.
 */
export const legacyClosureReasons = ['referred_out'] as const;

/** Every code a closed case may hold: what the pages and statistics label. */
export const caseClosureCodes: readonly string[] = [...caseClosureOutcomes, ...legacyClosureReasons];

/** Who may be assigned a case — when triage accepts a report into one, or a supervisor reassigns it. */
export const caseAssigneeRoles: readonly Role[] = ['caseworker', 'supervisor'];

/** The account must also be active and approved; that is the account lookup's part. */
export function mayBeAssignedCases(account: { role: Role }): boolean {
  return caseAssigneeRoles.includes(account.role);
}

/** Case numbers read LK3/2026/0001; in a URL the slashes become dashes (LK3-2026-0001). */
export function formatCaseNumber(year: number, n: number): string {
  return `LK3/${year}/${String(n).padStart(4, '0')}`;
}

export function caseNumberToSlug(number: string): string {
  return number.replace(/\//g, '-');
}

export function slugToCaseNumber(slug: string): string | null {
  const m = /^LK3-(\d{4})-(\d{4,})$/.exec(slug);
  return m ? `LK3/${m[1]}/${m[2]}` : null;
}

export type CaseEventKind =
  'opened' | 'note' | 'stage_changed' | 'assigned' | 'risk_changed' | 'hold' | 'resumed' | 'closed' | 'report_added' | 'report_detached';

/** A case as the list shows it. */
export interface CaseSummary {
  id: number;
  number: string;
  stage: CaseStage;
  onHold: boolean;
  riskLevel: RiskLevel | null;
  assignedTo: number | null;
  assigneeName: string | null;
  openedAt: Date;
  closedAt: Date | null;
}

/** A case as its page shows it (factors decrypted). */
export interface CaseDetail extends CaseSummary {
  riskFactors: string;
  protectiveFactors: string;
  /** The outcome code (caseClosureCodes) once closed. */
  closureReason: string | null;
  /** What the worker wrote on closing it (decrypted); '' for a case closed before summaries were asked. */
  closingSummary: string;
}

/** One entry of a case's timeline. */
export interface CaseEvent {
  kind: CaseEventKind;
  code: string | null;
  body: string | null;
  authorName: string | null;
  at: Date;
}
