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

export const caseClosureReasons = ['goals_achieved', 'referred_out', 'client_withdrew', 'lost_contact', 'moved_away', 'other'] as const;
export type CaseClosureReason = (typeof caseClosureReasons)[number];

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

export function isWorkingStage(value: unknown): value is CaseStage {
  return typeof value === 'string' && (workingStages as readonly string[]).includes(value);
}
