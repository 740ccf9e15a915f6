import type { GroupCommit, Transactor } from '../data/transaction';
import type { CaseRepository } from '../data/caseRepository';
import type { ActivityInput, CasePlanRepository } from '../data/casePlanRepository';
import type { AccountRepository } from '../data/accountRepository';
import type { AuditEventInput, AuditRepository } from '../data/auditRepository';
import type { CurrentAccount } from '../domain/roles';
import { canMoveCase, caseAssigneeRoles, caseStages, mayBeAssignedCases, type CaseSummary } from '../domain/cases';
import { canViewCase, canWorkCase } from '../domain/access';
import {
  activityDue,
  dueOn,
  nextFollowUpOn,
  type ActivityStatus,
  type CasePlan,
  type Due,
  type FollowUp,
  type FollowUpKind,
  type WorkItem,
} from '../domain/casePlans';
import { jakartaDate } from '../domain/sla';
import { done, refuse, type Outcome } from '../domain/outcome';

export type { ActivityInput } from '../data/casePlanRepository';

/** One change to a case's plan or follow-ups (one form). */
export type PlanChange =
  | { kind: 'add_goal'; text: string }
  | { kind: 'edit_goal'; goalId: number; text: string }
  | { kind: 'add_activity'; goalId: number; activity: ActivityInput }
  | { kind: 'edit_activity'; activityId: number; activity: ActivityInput }
  | { kind: 'progress'; activityId: number; status: ActivityStatus; note: string | null }
  | { kind: 'review'; note: string; nextReviewOn: string | null }
  | { kind: 'schedule_review'; nextReviewOn: string | null }
  | { kind: 'follow_up'; followUpKind: FollowUpKind; heldOn: string; outcome: string; nextOn: string | null; staffIds: number[] };

/**
 * `not_found` (no such case, or not this person's to see — one 404), `not_allowed` (may read, not
 * change), `case_closed`, `unknown_goal` / `unknown_activity` (not of this case), `unknown_staff` (a
 * responsible person or someone who went is not an active caseworker or supervisor).
 */
export type PlanProblem = 'not_found' | 'not_allowed' | 'case_closed' | 'unknown_goal' | 'unknown_activity' | 'unknown_staff';

/** The plan with where each dated item stands today (Jakarta), and the follow-ups. */
export interface PlanSection {
  today: string;
  plan: CasePlan;
  /** Per activity id: overdue / today / later, or absent when done or dropped. */
  activityDue: Record<number, Due>;
  overdueActivities: number;
  reviewDue: Due | null;
  followUps: FollowUp[];
  nextFollowUpOn: string | null;
  followUpDue: Due | null;
}

export interface PlanPage extends PlanSection {
  detail: CaseSummary;
  canWork: boolean;
}

export interface WorkGroup {
  assigneeId: number | null;
  assigneeName: string | null;
  overdue: WorkItem[];
  dueToday: WorkItem[];
}

export interface CasePlanServiceDeps {
  transaction: Transactor;
  groupCommit: GroupCommit;
  cases: CaseRepository;
  plans: CasePlanRepository;
  accounts: AccountRepository;
  audit: AuditRepository;
  now: () => Date;
  /**
   * When each open case's initial assessment is due, and whether it is done (caseAssessmentService's
   * dueOfCases): those not done by today join the work lists.
   */
  initialAssessmentDue?: (rows: readonly CaseSummary[]) => ReadonlyMap<number, { dueAt: Date; doneAt: Date | null }>;
}

/** The open cases a work list looks through for their initial assessment: far more than one office carries. */
const WORK_LIST_CASES_MAX = 5000;

const planStageIndex = caseStages.indexOf('intervention_plan');

/**
 * The working file's plan and follow-ups (issue 13, parts 3 and 4), and the work lists built on their
 * dates: the same people as the case (domain/access.ts) — its caseworker and supervisors change it,
 * triage reads it; "today" is the Asia/Jakarta date of `now`.
 */
export function createCasePlanService(deps: CasePlanServiceDeps) {
  const { transaction, groupCommit, cases, plans, accounts, audit, now, initialAssessmentDue } = deps;

  /** A closed case has nothing due: its dates are shown, never flagged. */
  function sectionOf(c: Pick<CaseSummary, 'id' | 'closedAt'>, today: string): PlanSection {
    const caseId = c.id;
    const open = c.closedAt === null;
    const plan = plans.planOf(caseId);
    const due: Record<number, Due> = {};
    let overdueActivities = 0;
    for (const goal of plan.goals) {
      for (const a of goal.activities) {
        const d = open ? activityDue(a, today) : null;
        if (d) due[a.id] = d;
        if (d === 'overdue') overdueActivities += 1;
      }
    }
    const followUps = plans.followUpsOf(caseId);
    const next = nextFollowUpOn(followUps);
    return {
      today,
      plan,
      activityDue: due,
      overdueActivities,
      reviewDue: open && plan.nextReviewOn ? dueOn(plan.nextReviewOn, today) : null,
      followUps,
      nextFollowUpOn: next,
      followUpDue: open && next ? dueOn(next, today) : null,
    };
  }

  const isStaff = (id: number) => {
    const account = accounts.findActive(id);
    return account !== undefined && mayBeAssignedCases(account);
  };

  const auditAction: Record<PlanChange['kind'], string> = {
    add_goal: 'case_plan.goal_added',
    edit_goal: 'case_plan.goal_changed',
    add_activity: 'case_plan.activity_added',
    edit_activity: 'case_plan.activity_changed',
    progress: 'case_plan.progress_recorded',
    review: 'case_plan.reviewed',
    schedule_review: 'case_plan.review_scheduled',
    follow_up: 'case_follow_up.logged',
  };

  /** Writes one change; answers the codes its audit event carries (never text). */
  function apply(
    who: CurrentAccount,
    caseId: number,
    change: PlanChange,
    at: Date,
  ): Outcome<{ detail: AuditEventInput['detail'] }, PlanProblem> {
    switch (change.kind) {
      case 'add_goal': {
        plans.ensurePlan(caseId, at);
        const goalId = plans.addGoal(caseId, who.id, change.text, at);
        return done({ detail: { goal: goalId } });
      }
      case 'edit_goal': {
        const goal = plans.findGoal(change.goalId);
        if (!goal || goal.caseId !== caseId) return refuse('unknown_goal');
        plans.updateGoal(goal.id, change.text, at);
        return done({ detail: { goal: goal.id } });
      }
      case 'add_activity': {
        const goal = plans.findGoal(change.goalId);
        if (!goal || goal.caseId !== caseId) return refuse('unknown_goal');
        if (change.activity.responsible.kind === 'staff' && !isStaff(change.activity.responsible.accountId)) return refuse('unknown_staff');
        const id = plans.addActivity(goal.id, caseId, change.activity, at);
        return done({ detail: { activity: id, lk3_function: change.activity.lk3Function } });
      }
      case 'edit_activity': {
        const activity = plans.findActivity(change.activityId);
        if (!activity || activity.caseId !== caseId) return refuse('unknown_activity');
        if (change.activity.responsible.kind === 'staff' && !isStaff(change.activity.responsible.accountId)) return refuse('unknown_staff');
        plans.updateActivity(activity.id, change.activity, at);
        return done({ detail: { activity: activity.id, lk3_function: change.activity.lk3Function } });
      }
      case 'progress': {
        const activity = plans.findActivity(change.activityId);
        if (!activity || activity.caseId !== caseId) return refuse('unknown_activity');
        plans.recordProgress(activity, who.id, change.status, change.note, at);
        return done({ detail: { activity: activity.id, status: change.status } });
      }
      case 'review':
        plans.addReview(caseId, who.id, jakartaDate(at), change.note, change.nextReviewOn, at);
        return done({ detail: { next_review_on: change.nextReviewOn } });
      case 'schedule_review':
        plans.setNextReview(caseId, change.nextReviewOn, at);
        return done({ detail: { next_review_on: change.nextReviewOn } });
      case 'follow_up': {
        if (!change.staffIds.every(isStaff)) return refuse('unknown_staff');
        const id = plans.addFollowUp(
          caseId,
          { kind: change.followUpKind, heldOn: change.heldOn, outcome: change.outcome, nextOn: change.nextOn, staffIds: change.staffIds },
          who.id,
          at,
        );
        return done({ detail: { follow_up: id, kind: change.followUpKind, next_on: change.nextOn } });
      }
    }
  }

  /**
   * Saving a plan moves a case still being assessed (intake, either assessment) to the
   * intervention_plan stage, recorded as the stage form records it (a stage_changed event and
   * case.stage_changed), so the time in each stage counts it. A case further on stays where it is.
   */
  function moveToPlanStage(who: CurrentAccount, c: CaseSummary, at: Date): void {
    if (caseStages.indexOf(c.stage) >= planStageIndex || !canMoveCase(c.stage, 'intervention_plan')) return;
    cases.setStage(c.id, 'intervention_plan', at);
    cases.addEvent(c.id, who.id, 'stage_changed', 'intervention_plan', null, at);
    audit.append(
      { actorAccountId: who.id, action: 'case.stage_changed', subjectType: 'case', subjectId: c.id, detail: { code: 'intervention_plan' } },
      at,
    );
  }

  const planKinds: readonly PlanChange['kind'][] = ['add_goal', 'edit_goal', 'add_activity', 'edit_activity'];

  return {
    /** Staff who may be named responsible for an activity or as having gone on a follow-up. */
    staffChoices(): CurrentAccount[] {
      return caseAssigneeRoles.flatMap((role) => accounts.listActiveByRole(role));
    },

    /**
     * The plan and follow-ups for the case page and its print view, which have already checked and
     * audited the view of this case (caseService.view); undefined if this person may not see it.
     */
    sectionFor(who: CurrentAccount, c: Pick<CaseSummary, 'id' | 'assignedTo' | 'closedAt'>): PlanSection | undefined {
      if (!canViewCase(who, c.assignedTo)) return undefined;
      return sectionOf(c, jakartaDate(now()));
    },

    /** The plan page or the follow-up page of a case (each view audited), or undefined: not there or not this person's. */
    async view(who: CurrentAccount, number: string, page: 'plan' | 'follow_ups'): Promise<PlanPage | undefined> {
      const detail = cases.findByNumber(number);
      if (!detail || !canViewCase(who, detail.assignedTo)) return undefined;
      await groupCommit(() =>
        audit.append(
          {
            actorAccountId: who.id,
            action: page === 'plan' ? 'case_plan.viewed' : 'case_follow_up.viewed',
            subjectType: 'case',
            subjectId: detail.id,
          },
          now(),
        ),
      );
      return {
        detail,
        canWork: canWorkCase(who, detail.assignedTo) && detail.closedAt === null,
        ...sectionOf(detail, jakartaDate(now())),
      };
    },

    /** One change, audited (codes only) in its transaction; a refused change writes nothing. */
    change(who: CurrentAccount, number: string, change: PlanChange): Outcome<object, PlanProblem> {
      return transaction((): Outcome<object, PlanProblem> => {
        const detail = cases.findByNumber(number);
        if (!detail || !canViewCase(who, detail.assignedTo)) return refuse('not_found');
        if (!canWorkCase(who, detail.assignedTo)) return refuse('not_allowed');
        if (detail.closedAt !== null) return refuse('case_closed');
        const at = now();
        const outcome = apply(who, detail.id, change, at);
        if (!outcome.ok) return outcome;
        audit.append(
          { actorAccountId: who.id, action: auditAction[change.kind], subjectType: 'case', subjectId: detail.id, detail: outcome.detail },
          at,
        );
        if (planKinds.includes(change.kind)) moveToPlanStage(who, detail, at);
        return done();
      });
    },

    /**
     * What is due today and what is overdue on open cases: a caseworker's own cases, or (a supervisor)
     * the whole team's, grouped by caseworker. Activity titles are about a family, so the view is audited.
     */
    async workList(who: CurrentAccount): Promise<{ today: string; team: boolean; groups: WorkGroup[] }> {
      const at = now();
      const today = jakartaDate(at);
      const team = who.role === 'supervisor';
      const items = plans.workItems(today, team ? null : who.id);
      if (initialAssessmentDue) {
        const open = cases.list({ assignee: team ? undefined : who.id, openOnly: true, limit: WORK_LIST_CASES_MAX });
        const byId = new Map(open.map((c) => [c.id, c]));
        for (const [caseId, due] of initialAssessmentDue(open)) {
          const c = byId.get(caseId);
          const date = jakartaDate(due.dueAt);
          if (!c || due.doneAt !== null || date > today) continue;
          items.push({ kind: 'initial_assessment', caseNumber: c.number, assignedTo: c.assignedTo, assigneeName: c.assigneeName, date });
        }
        items.sort((a, b) => (a.date === b.date ? a.caseNumber.localeCompare(b.caseNumber) : a.date < b.date ? -1 : 1));
      }
      await groupCommit(() =>
        audit.append(
          {
            actorAccountId: who.id,
            action: 'work_list.viewed',
            subjectType: 'account',
            subjectId: who.id,
            detail: { scope: team ? 'team' : 'own', items: items.length },
          },
          now(),
        ),
      );
      const groups = new Map<number | null, WorkGroup>();
      if (!team) groups.set(who.id, { assigneeId: who.id, assigneeName: who.name, overdue: [], dueToday: [] });
      for (const item of items) {
        let group = groups.get(item.assignedTo);
        if (!group)
          groups.set(
            item.assignedTo,
            (group = { assigneeId: item.assignedTo, assigneeName: item.assigneeName, overdue: [], dueToday: [] }),
          );
        (item.date < today ? group.overdue : group.dueToday).push(item);
      }
      const sorted = [...groups.values()].sort((a, b) => (a.assigneeName ?? '\uffff').localeCompare(b.assigneeName ?? '\uffff'));
      return { today, team, groups: sorted };
    },
  };
}

export type CasePlanService = ReturnType<typeof createCasePlanService>;
