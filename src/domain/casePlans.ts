/**
 * The intervention plan and the follow-ups of a case (issue 13, parts 3 and 4): the LK3 functions an
 * activity serves, the states of an activity, the kinds of follow-up, and when something is due.
 * Dates here are calendar dates on the Asia/Jakarta clock, written YYYY-MM-DD (domain/calendarDate.ts).
 */

/**
 * LK3's six service functions (the SOP): every plan activity serves one, and the statistics count
 * activities by it. The code is stored plain; its labels are `lk3Function.<code>` in both locale files
 * (informatif / information, rujukan / referral, pemberdayaan / empowerment, perlindungan / protection,
 * jejaring / networking, penguatan keluarga / family strengthening).
 */
export const lk3Functions = ['information', 'referral', 'empowerment', 'protection', 'networking', 'family_strengthening'] as const;
export type Lk3Function = (typeof lk3Functions)[number];

/** An activity's state; `done` and `dropped` end it (it is then never due). */
export const activityStatuses = ['planned', 'in_progress', 'done', 'dropped'] as const;
export type ActivityStatus = (typeof activityStatuses)[number];

export function isActivityOpen(status: ActivityStatus): boolean {
  return status === 'planned' || status === 'in_progress';
}

/** Home visits, calls and office meetings. */
export const followUpKinds = ['home_visit', 'call', 'office_meeting'] as const;
export type FollowUpKind = (typeof followUpKinds)[number];

/** Where a dated item stands on `today` (a Jakarta date): past its date, on it, or still ahead. */
export type Due = 'overdue' | 'today' | 'later';

/** YYYY-MM-DD dates compare as text. */
export function dueOn(date: string, today: string): Due {
  return date < today ? 'overdue' : date === today ? 'today' : 'later';
}

/** An activity is flagged when its date has passed and it is neither done nor dropped. */
export function activityDue(activity: { dueOn: string; status: ActivityStatus }, today: string): Due | null {
  return isActivityOpen(activity.status) ? dueOn(activity.dueOn, today) : null;
}

/** Who carries out an activity: a staff account, or someone named in words (a family member, a partner). */
export type Responsible = { kind: 'staff'; accountId: number; name: string } | { kind: 'other'; name: string };

export interface PlanActivity {
  id: number;
  goalId: number;
  title: string;
  lk3Function: Lk3Function;
  responsible: Responsible;
  dueOn: string;
  status: ActivityStatus;
  progress: { status: ActivityStatus; note: string | null; authorName: string | null; at: Date }[];
}

export interface PlanGoal {
  id: number;
  text: string;
  activities: PlanActivity[];
}

export interface PlanReview {
  reviewedOn: string;
  note: string;
  nextReviewOn: string | null;
  authorName: string | null;
  at: Date;
}

export interface CasePlan {
  goals: PlanGoal[];
  nextReviewOn: string | null;
  reviews: PlanReview[];
}

export interface FollowUp {
  id: number;
  kind: FollowUpKind;
  heldOn: string;
  staffNames: string[];
  outcome: string;
  nextOn: string | null;
  recordedByName: string | null;
}

/**
 * The case's next follow-up date: the one set by its latest follow-up (by the date it was held, then
 * as recorded). A later follow-up settles an earlier one's next date, whether it sets another or not.
 */
export function nextFollowUpOn(followUps: readonly Pick<FollowUp, 'id' | 'heldOn' | 'nextOn'>[]): string | null {
  let latest: Pick<FollowUp, 'id' | 'heldOn' | 'nextOn'> | undefined;
  for (const f of followUps) {
    if (!latest || f.heldOn > latest.heldOn || (f.heldOn === latest.heldOn && f.id > latest.id)) latest = f;
  }
  return latest?.nextOn ?? null;
}

/** One line of a work list (/staff/my-work): something due today or overdue on an open case. */
export interface WorkItemCase {
  caseNumber: string;
  assignedTo: number | null;
  assigneeName: string | null;
  date: string;
}
export type WorkItem =
  | (WorkItemCase & { kind: 'activity'; title: string; lk3Function: Lk3Function })
  | (WorkItemCase & { kind: 'review' })
  | (WorkItemCase & { kind: 'follow_up' })
  /** The initial assessment not yet saved by its due date (helper L1's, domain/caseAssessments.ts). */
  | (WorkItemCase & { kind: 'initial_assessment' });
