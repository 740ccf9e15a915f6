import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type {
  ActivityStatus,
  CasePlan,
  FollowUp,
  FollowUpKind,
  Lk3Function,
  PlanActivity,
  PlanGoal,
  Responsible,
  WorkItem,
} from '../domain/casePlans';

/**
 * The associated data of each encrypted column: bound to its row (or, for the notes of an activity
 * and the reviews of a plan, to the activity or the case), so a value moved to another row does not
 * decrypt.
 */
export const casePlanFieldContext = {
  goalText: (goalId: number) => `case_plan_goals.text:${goalId}`,
  activityTitle: (activityId: number) => `case_plan_activities.title:${activityId}`,
  responsibleOther: (activityId: number) => `case_plan_activities.responsible_other:${activityId}`,
  progressNote: (activityId: number) => `case_plan_progress.note:${activityId}`,
  reviewNote: (caseId: number) => `case_plan_reviews.note:${caseId}`,
  followUpOutcome: (followUpId: number) => `case_follow_ups.outcome:${followUpId}`,
};

interface ActivityRow {
  id: number;
  goal_id: number;
  case_id: number;
  title_enc: string;
  lk3_function: Lk3Function;
  responsible_account_id: number | null;
  responsible_name: string | null;
  responsible_other_enc: string | null;
  due_on: string;
  status: ActivityStatus;
}

/** What a change needs to know of a goal or an activity: the case it belongs to. */
export interface PlanItemFacts {
  id: number;
  caseId: number;
}

export interface ActivityFacts extends PlanItemFacts {
  goalId: number;
  status: ActivityStatus;
  lk3Function: Lk3Function;
}

export interface ActivityInput {
  title: string;
  lk3Function: Lk3Function;
  responsible: { kind: 'staff'; accountId: number } | { kind: 'other'; name: string };
  dueOn: string;
}

/** Intervention plans and follow-ups of cases (issue 13, parts 3 and 4); texts encrypted, dates and codes plain. */
export function createCasePlanRepository(db: Db, cipher: FieldCipher) {
  const upsertPlan = db.prepare(
    `INSERT INTO case_plans (case_id, created_at, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (case_id) DO UPDATE SET updated_at = excluded.updated_at`,
  );
  const setNextReview = db.prepare('UPDATE case_plans SET next_review_on = ?, updated_at = ? WHERE case_id = ?');
  const planRow = db.prepare('SELECT next_review_on FROM case_plans WHERE case_id = ?');

  const insertGoal = db.prepare(
    `INSERT INTO case_plan_goals (case_id, text_enc, created_by, created_at, updated_at) VALUES (?, '', ?, ?, ?)`,
  );
  const setGoalText = db.prepare('UPDATE case_plan_goals SET text_enc = ?, updated_at = ? WHERE id = ?');
  const goalFacts = db.prepare('SELECT id, case_id AS caseId FROM case_plan_goals WHERE id = ?');
  const goalsOf = db.prepare('SELECT id, text_enc FROM case_plan_goals WHERE case_id = ? ORDER BY id');
  const countGoals = db.prepare('SELECT count(*) FROM case_plan_goals WHERE case_id = ?').pluck();

  const insertActivity = db.prepare(
    `INSERT INTO case_plan_activities
       (goal_id, case_id, title_enc, lk3_function, responsible_account_id, responsible_other_enc, due_on, created_at, updated_at)
     VALUES (@goalId, @caseId, '', @lk3Function, @accountId, @otherPlaceholder, @dueOn, @at, @at)`,
  );
  const updateActivity = db.prepare(
    `UPDATE case_plan_activities SET title_enc = @title, lk3_function = @lk3Function, responsible_account_id = @accountId,
       responsible_other_enc = @other, due_on = @dueOn, updated_at = @at WHERE id = @id`,
  );
  const activityFacts = db.prepare(
    'SELECT id, case_id AS caseId, goal_id AS goalId, status, lk3_function AS lk3Function FROM case_plan_activities WHERE id = ?',
  );
  const setStatus = db.prepare(
    `UPDATE case_plan_activities SET status = @status, updated_at = @at,
       ended_at = CASE WHEN @status IN ('done', 'dropped') THEN coalesce(ended_at, @at) ELSE NULL END WHERE id = @id`,
  );
  const activitiesOf = db.prepare(
    `SELECT p.*, a.name AS responsible_name FROM case_plan_activities p
     LEFT JOIN accounts a ON a.id = p.responsible_account_id WHERE p.case_id = ? ORDER BY p.goal_id, p.id`,
  );
  const insertProgress = db.prepare(
    'INSERT INTO case_plan_progress (activity_id, case_id, account_id, status, note_enc, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const progressOf = db.prepare(
    `SELECT g.activity_id, g.status, g.note_enc, g.created_at, a.name AS author_name FROM case_plan_progress g
     LEFT JOIN accounts a ON a.id = g.account_id WHERE g.case_id = ? ORDER BY g.id`,
  );

  const insertReview = db.prepare(
    'INSERT INTO case_plan_reviews (case_id, account_id, reviewed_on, note_enc, next_review_on, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const reviewsOf = db.prepare(
    `SELECT r.reviewed_on, r.note_enc, r.next_review_on, r.created_at, a.name AS author_name FROM case_plan_reviews r
     LEFT JOIN accounts a ON a.id = r.account_id WHERE r.case_id = ? ORDER BY r.id`,
  );

  const insertFollowUp = db.prepare(
    `INSERT INTO case_follow_ups (case_id, kind, held_on, outcome_enc, next_on, recorded_by, created_at) VALUES (?, ?, ?, '', ?, ?, ?)`,
  );
  const setOutcome = db.prepare('UPDATE case_follow_ups SET outcome_enc = ? WHERE id = ?');
  const insertFollowUpStaff = db.prepare('INSERT OR IGNORE INTO case_follow_up_staff (follow_up_id, account_id) VALUES (?, ?)');
  const followUpsOf = db.prepare(
    `SELECT f.id, f.kind, f.held_on, f.outcome_enc, f.next_on, a.name AS recorded_by_name,
       (SELECT json_group_array(s.name) FROM (SELECT sa.name FROM case_follow_up_staff fs JOIN accounts sa ON sa.id = fs.account_id
          WHERE fs.follow_up_id = f.id ORDER BY sa.name) s) AS staff_names
     FROM case_follow_ups f LEFT JOIN accounts a ON a.id = f.recorded_by WHERE f.case_id = ? ORDER BY f.held_on DESC, f.id DESC`,
  );

  // The work lists: open cases only; `@assignee` NULL for the whole team.
  const dueActivities = db.prepare(
    `SELECT p.id, p.title_enc, p.lk3_function, p.due_on, c.number, c.assigned_to, w.name AS assignee_name FROM case_plan_activities p
     JOIN cases c ON c.id = p.case_id LEFT JOIN accounts w ON w.id = c.assigned_to
     WHERE p.status IN ('planned', 'in_progress') AND p.due_on <= @today AND c.closed_at IS NULL
       AND (@assignee IS NULL OR c.assigned_to = @assignee)
     ORDER BY p.due_on, c.number, p.id`,
  );
  const dueReviews = db.prepare(
    `SELECT p.next_review_on, c.number, c.assigned_to, w.name AS assignee_name FROM case_plans p JOIN cases c ON c.id = p.case_id LEFT JOIN accounts w ON w.id = c.assigned_to
     WHERE p.next_review_on IS NOT NULL AND p.next_review_on <= @today AND c.closed_at IS NULL
       AND (@assignee IS NULL OR c.assigned_to = @assignee)
     ORDER BY p.next_review_on, c.number`,
  );
  // From the open cases (cases_open), each one's latest follow-up by case_follow_ups_case: not a
  // pass over every follow-up ever logged, which only grows.
  const dueFollowUps = db.prepare(
    `WITH d AS MATERIALIZED (
       SELECT c.number, c.assigned_to, w.name AS assignee_name,
         (SELECT f.next_on FROM case_follow_ups f WHERE f.case_id = c.id ORDER BY f.held_on DESC, f.id DESC LIMIT 1) AS next_on
       FROM cases c LEFT JOIN accounts w ON w.id = c.assigned_to
       WHERE c.closed_at IS NULL AND (@assignee IS NULL OR c.assigned_to = @assignee)
     )
     SELECT d.next_on, d.number, d.assigned_to, d.assignee_name FROM d
     WHERE d.next_on IS NOT NULL AND d.next_on <= @today
     ORDER BY d.next_on, d.number`,
  );

  const responsibleOf = (r: ActivityRow): Responsible =>
    r.responsible_account_id !== null
      ? { kind: 'staff', accountId: r.responsible_account_id, name: r.responsible_name ?? '' }
      : { kind: 'other', name: cipher.decrypt(r.responsible_other_enc ?? '', casePlanFieldContext.responsibleOther(r.id)) };

  function writeActivity(id: number, input: ActivityInput, at: string): void {
    updateActivity.run({
      id,
      title: cipher.encrypt(input.title, casePlanFieldContext.activityTitle(id)),
      lk3Function: input.lk3Function,
      accountId: input.responsible.kind === 'staff' ? input.responsible.accountId : null,
      other: input.responsible.kind === 'other' ? cipher.encrypt(input.responsible.name, casePlanFieldContext.responsibleOther(id)) : null,
      dueOn: input.dueOn,
      at,
    });
  }

  return {
    /** Makes the case's plan row if it has none (call inside the saving transaction). */
    ensurePlan(caseId: number, at: Date): void {
      upsertPlan.run(caseId, at.toISOString(), at.toISOString());
    },

    setNextReview(caseId: number, nextReviewOn: string | null, at: Date): void {
      upsertPlan.run(caseId, at.toISOString(), at.toISOString());
      setNextReview.run(nextReviewOn, at.toISOString(), caseId);
    },

    goalCount(caseId: number): number {
      return countGoals.get(caseId) as number;
    },

    addGoal(caseId: number, accountId: number, text: string, at: Date): number {
      const id = Number(insertGoal.run(caseId, accountId, at.toISOString(), at.toISOString()).lastInsertRowid);
      setGoalText.run(cipher.encrypt(text, casePlanFieldContext.goalText(id)), at.toISOString(), id);
      return id;
    },

    updateGoal(goalId: number, text: string, at: Date): void {
      setGoalText.run(cipher.encrypt(text, casePlanFieldContext.goalText(goalId)), at.toISOString(), goalId);
    },

    findGoal(goalId: number): PlanItemFacts | undefined {
      return goalFacts.get(goalId) as PlanItemFacts | undefined;
    },

    addActivity(goalId: number, caseId: number, input: ActivityInput, at: Date): number {
      const iso = at.toISOString();
      const id = Number(
        insertActivity.run({
          goalId,
          caseId,
          lk3Function: input.lk3Function,
          accountId: input.responsible.kind === 'staff' ? input.responsible.accountId : null,
          // The row's CHECK wants exactly one of the two; the real value is written once the id is known.
          otherPlaceholder: input.responsible.kind === 'other' ? '' : null,
          dueOn: input.dueOn,
          at: iso,
        }).lastInsertRowid,
      );
      writeActivity(id, input, iso);
      return id;
    },

    updateActivity(activityId: number, input: ActivityInput, at: Date): void {
      writeActivity(activityId, input, at.toISOString());
    },

    findActivity(activityId: number): ActivityFacts | undefined {
      return activityFacts.get(activityId) as ActivityFacts | undefined;
    },

    /** A status (the same or a new one) with an optional progress note. */
    recordProgress(activity: ActivityFacts, accountId: number, status: ActivityStatus, note: string | null, at: Date): void {
      const iso = at.toISOString();
      if (status !== activity.status) setStatus.run({ id: activity.id, status, at: iso });
      insertProgress.run(
        activity.id,
        activity.caseId,
        accountId,
        status,
        note === null ? null : cipher.encrypt(note, casePlanFieldContext.progressNote(activity.id)),
        iso,
      );
    },

    addReview(caseId: number, accountId: number, reviewedOn: string, note: string, nextReviewOn: string | null, at: Date): void {
      const iso = at.toISOString();
      insertReview.run(caseId, accountId, reviewedOn, cipher.encrypt(note, casePlanFieldContext.reviewNote(caseId)), nextReviewOn, iso);
      upsertPlan.run(caseId, iso, iso);
      setNextReview.run(nextReviewOn, iso, caseId);
    },

    /** The whole plan of a case, decrypted. */
    planOf(caseId: number): CasePlan {
      const progress = new Map<number, PlanActivity['progress']>();
      for (const p of progressOf.all(caseId) as {
        activity_id: number;
        status: ActivityStatus;
        note_enc: string | null;
        created_at: string;
        author_name: string | null;
      }[]) {
        const list = progress.get(p.activity_id) ?? [];
        list.push({
          status: p.status,
          note: p.note_enc === null ? null : cipher.decrypt(p.note_enc, casePlanFieldContext.progressNote(p.activity_id)),
          authorName: p.author_name,
          at: new Date(p.created_at),
        });
        progress.set(p.activity_id, list);
      }
      const goals: PlanGoal[] = (goalsOf.all(caseId) as { id: number; text_enc: string }[]).map((g) => ({
        id: g.id,
        text: cipher.decrypt(g.text_enc, casePlanFieldContext.goalText(g.id)),
        activities: [],
      }));
      const byId = new Map(goals.map((g) => [g.id, g]));
      for (const r of activitiesOf.all(caseId) as ActivityRow[]) {
        byId.get(r.goal_id)?.activities.push({
          id: r.id,
          goalId: r.goal_id,
          title: cipher.decrypt(r.title_enc, casePlanFieldContext.activityTitle(r.id)),
          lk3Function: r.lk3_function,
          responsible: responsibleOf(r),
          dueOn: r.due_on,
          status: r.status,
          progress: progress.get(r.id) ?? [],
        });
      }
      const plan = planRow.get(caseId) as { next_review_on: string | null } | undefined;
      const reviews = (
        reviewsOf.all(caseId) as {
          reviewed_on: string;
          note_enc: string;
          next_review_on: string | null;
          created_at: string;
          author_name: string | null;
        }[]
      ).map((r) => ({
        reviewedOn: r.reviewed_on,
        note: cipher.decrypt(r.note_enc, casePlanFieldContext.reviewNote(caseId)),
        nextReviewOn: r.next_review_on,
        authorName: r.author_name,
        at: new Date(r.created_at),
      }));
      return { goals, nextReviewOn: plan?.next_review_on ?? null, reviews };
    },

    addFollowUp(
      caseId: number,
      input: { kind: FollowUpKind; heldOn: string; outcome: string; nextOn: string | null; staffIds: readonly number[] },
      recordedBy: number,
      at: Date,
    ): number {
      const id = Number(insertFollowUp.run(caseId, input.kind, input.heldOn, input.nextOn, recordedBy, at.toISOString()).lastInsertRowid);
      setOutcome.run(cipher.encrypt(input.outcome, casePlanFieldContext.followUpOutcome(id)), id);
      for (const accountId of input.staffIds) insertFollowUpStaff.run(id, accountId);
      return id;
    },

    /** Newest first (by the date held). */
    followUpsOf(caseId: number): FollowUp[] {
      return (
        followUpsOf.all(caseId) as {
          id: number;
          kind: FollowUpKind;
          held_on: string;
          outcome_enc: string;
          next_on: string | null;
          recorded_by_name: string | null;
          staff_names: string;
        }[]
      ).map((f) => ({
        id: f.id,
        kind: f.kind,
        heldOn: f.held_on,
        staffNames: JSON.parse(f.staff_names) as string[],
        outcome: cipher.decrypt(f.outcome_enc, casePlanFieldContext.followUpOutcome(f.id)),
        nextOn: f.next_on,
        recordedByName: f.recorded_by_name,
      }));
    },

    /** What is due on or before `today` on open cases: one caseworker's (`assignee`), or everyone's (null). */
    workItems(today: string, assignee: number | null): WorkItem[] {
      const p = { today, assignee };
      type Row = { number: string; assigned_to: number | null; assignee_name: string | null };
      const caseOf = (r: Row) => ({ caseNumber: r.number, assignedTo: r.assigned_to, assigneeName: r.assignee_name });
      const activities = (
        dueActivities.all(p) as {
          id: number;
          title_enc: string;
          lk3_function: Lk3Function;
          due_on: string;
          number: string;
          assigned_to: number | null;
          assignee_name: string | null;
        }[]
      ).map((r): WorkItem => ({
        kind: 'activity',
        caseNumber: r.number,
        assignedTo: r.assigned_to,
        assigneeName: r.assignee_name,
        date: r.due_on,
        title: cipher.decrypt(r.title_enc, casePlanFieldContext.activityTitle(r.id)),
        lk3Function: r.lk3_function,
      }));
      const reviews = (dueReviews.all(p) as (Row & { next_review_on: string })[]).map((r): WorkItem => ({
        kind: 'review',
        ...caseOf(r),
        date: r.next_review_on,
      }));
      const followUps = (dueFollowUps.all(p) as (Row & { next_on: string })[]).map((r): WorkItem => ({
        kind: 'follow_up',
        ...caseOf(r),
        date: r.next_on,
      }));
      return [...activities, ...reviews, ...followUps].sort((a, b) =>
        a.date === b.date ? a.caseNumber.localeCompare(b.caseNumber) : a.date < b.date ? -1 : 1,
      );
    },
  };
}

export type CasePlanRepository = ReturnType<typeof createCasePlanRepository>;
