import { z } from 'zod';
import { activityStatuses, followUpKinds, lk3Functions, type Lk3Function } from '../../domain/casePlans';
import { isCalendarDate } from '../../domain/calendarDate';
import { NAME_MAX, NOTE_MAX, PLAN_ACTIVITY_TITLE_MAX } from '../../domain/limits';
import type { ActivityInput, PlanChange } from '../../services/casePlanService';
import { lineText, multilineText } from '../../validation/textFields';
import { listValue } from '../formErrors';

/**
 * The forms of the plan page and the follow-up page. Each field's name is its element id
 * (<form>-<field>), each message a key under `casePlan.errors`, so the error summary links to the field.
 */
const required = (max: number, key: string) => multilineText(key).trim().min(1, key).max(max, key);
const optionalText = (max: number, key: string) => multilineText(key).trim().max(max, key).default('');
const date = (key: string) => z.string({ error: key }).trim().refine(isCalendarDate, key);
const optionalDate = (key: string) =>
  z.union([z.literal('').transform(() => null), z.string().trim().refine(isCalendarDate, key)], { error: key }).prefault('');
const staffId = z.coerce.number({ error: 'staff' }).int('staff').positive('staff');

/** The fields of an activity under `prefix` (activity, activityedit): their values, checked, as the service takes them. */
const activityShape = (prefix: string) => ({
  [`${prefix}-title`]: lineText('title').trim().min(1, 'title').max(PLAN_ACTIVITY_TITLE_MAX, 'title'),
  [`${prefix}-function`]: z.enum(lk3Functions, { error: 'function' }),
  [`${prefix}-responsible`]: z.string({ error: 'responsible' }).regex(/^(other|\d+)$/, 'responsible'),
  [`${prefix}-other`]: lineText('other').trim().max(NAME_MAX, 'other').default(''),
  [`${prefix}-due`]: date('due'),
});

function otherNamed(prefix: string) {
  return (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (v[`${prefix}-responsible`] === 'other' && v[`${prefix}-other`] === '') {
      ctx.addIssue({ code: 'custom', path: [`${prefix}-other`], message: 'other' });
    }
  };
}

function toActivity(prefix: string, v: Record<string, unknown>): ActivityInput {
  const responsible = String(v[`${prefix}-responsible`]);
  return {
    title: String(v[`${prefix}-title`]),
    lk3Function: v[`${prefix}-function`] as Lk3Function,
    responsible:
      responsible === 'other' ? { kind: 'other', name: String(v[`${prefix}-other`]) } : { kind: 'staff', accountId: Number(responsible) },
    dueOn: String(v[`${prefix}-due`]),
  };
}

export const planForms = {
  goal: z.object({ 'goal-text': required(NOTE_MAX, 'goal') }).transform((v): PlanChange => ({ kind: 'add_goal', text: v['goal-text'] })),
  goaledit: (goalId: number) =>
    z
      .object({ 'goaledit-text': required(NOTE_MAX, 'goal') })
      .transform((v): PlanChange => ({ kind: 'edit_goal', goalId, text: v['goaledit-text'] })),
  activity: z
    .object({
      'activity-goal': z.coerce.number({ error: 'goal_choice' }).int('goal_choice').positive('goal_choice'),
      ...activityShape('activity'),
    })
    .superRefine(otherNamed('activity'))
    .transform((v): PlanChange => ({ kind: 'add_activity', goalId: Number(v['activity-goal']), activity: toActivity('activity', v) })),
  activityedit: (activityId: number) =>
    z
      .object(activityShape('activityedit'))
      .superRefine(otherNamed('activityedit'))
      .transform((v): PlanChange => ({ kind: 'edit_activity', activityId, activity: toActivity('activityedit', v) })),
  progress: (activityId: number) =>
    z
      .object({ 'progress-status': z.enum(activityStatuses, { error: 'status' }), 'progress-note': optionalText(NOTE_MAX, 'note') })
      .transform((v): PlanChange => ({
        kind: 'progress',
        activityId,
        status: v['progress-status'],
        note: v['progress-note'] === '' ? null : v['progress-note'],
      })),
  review: z
    .object({ 'review-note': required(NOTE_MAX, 'review_note'), 'review-next': optionalDate('date') })
    .transform((v): PlanChange => ({ kind: 'review', note: v['review-note'], nextReviewOn: v['review-next'] })),
  reviewdate: z
    .object({ 'reviewdate-next': optionalDate('date') })
    .transform((v): PlanChange => ({ kind: 'schedule_review', nextReviewOn: v['reviewdate-next'] })),
};

/** The follow-up form; `followup-staff` is a list of checkboxes (who went). */
export const followUpForm = z
  .object({
    'followup-kind': z.enum(followUpKinds, { error: 'kind' }),
    'followup-held': date('held'),
    'followup-staff': z.array(staffId, { error: 'staff' }).min(1, 'staff'),
    'followup-outcome': required(NOTE_MAX, 'outcome'),
    'followup-next': optionalDate('date'),
  })
  .superRefine((v, ctx) => {
    if (v['followup-next'] !== null && v['followup-next'] < v['followup-held']) {
      ctx.addIssue({ code: 'custom', path: ['followup-next'], message: 'next_before_held' });
    }
  })
  .transform((v): PlanChange => ({
    kind: 'follow_up',
    followUpKind: v['followup-kind'],
    heldOn: v['followup-held'],
    staffIds: [...new Set(v['followup-staff'])],
    outcome: v['followup-outcome'],
    nextOn: v['followup-next'],
  }));

/** The follow-up form's body as zod takes it (the checkboxes always a list). */
export function followUpInput(body: Record<string, unknown>): Record<string, unknown> {
  return { ...body, 'followup-staff': listValue(body['followup-staff']) };
}
