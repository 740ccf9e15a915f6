import { Router, type Request, type Response } from 'express';
import type { ZodType } from 'zod';
import { z } from 'zod';
import type { CurrentAccount } from '../../domain/roles';
import { caseNumberToSlug, slugToCaseNumber } from '../../domain/cases';
import { activityStatuses, followUpKinds, lk3Functions } from '../../domain/casePlans';
import { startOfJakartaDay } from '../../domain/calendarDate';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError, PermissionDeniedError } from '../../errors';
import type { CasePlanService, PlanChange, PlanProblem } from '../../services/casePlanService';
import { errorsByField, formErrors, issueFields, type FormError } from '../formErrors';
import { formValues } from './decisionForms';
import { followUpForm, followUpInput, planForms } from './casePlanForms';

export interface CasePlanRouteDeps {
  casePlanService: CasePlanService;
}

/** A refused change that is the person's to fix: its status and the field the message links to. */
const refusalAnswer: Record<
  Exclude<PlanProblem, 'not_found' | 'not_allowed'>,
  { status: number; field: (prefix: string) => string | null }
> = {
  case_closed: { status: 409, field: () => null },
  unknown_goal: { status: 400, field: (prefix) => (prefix === 'activity' ? 'activity-goal' : null) },
  unknown_activity: { status: 404, field: () => null },
  unknown_staff: { status: 400, field: (prefix) => (prefix === 'followup' ? 'followup-staff' : `${prefix}-responsible`) },
};

const editQuery = z.object({
  edit: z
    .string()
    .regex(/^(goal|activity)-\d+$/)
    .optional()
    .catch(undefined),
});

interface Problem {
  status: number;
  form: string;
  values: Record<string, string | string[]>;
  errors: FormError[];
  edit?: string;
}

/**
 * /staff/cases/:slug/plan (the intervention plan: goals, activities, progress, reviews) and
 * /staff/cases/:slug/follow-ups (visits, calls, meetings), each a page of its own with plain forms, one
 * goal or activity edited at a time (?edit=goal-<id> | activity-<id>); and /staff/my-work, what is due
 * today and overdue (a supervisor's: the team's). Triage reads a case's plan; only its caseworker and
 * supervisors change it.
 */
export function casePlanRoutes({ casePlanService }: CasePlanRouteDeps): Router {
  const router = Router();
  const readers = requireRole('triage', 'caseworker', 'supervisor');
  const workers = requireRole('caseworker', 'supervisor');

  function numberOf(req: Request): string {
    const number = slugToCaseNumber(String(req.params.slug));
    if (!number) throw new HttpError(404, 'Not a case number');
    return number;
  }

  const idParam = (req: Request, name: string): number => {
    const id = Number(req.params[name]);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'Not a plan item');
    return id;
  };

  const dateText = (res: Response) => (date: string) =>
    (res.locals.formatDateTime as (d: Date, t?: boolean) => string)(startOfJakartaDay(date), false);

  async function render(req: Request, res: Response, page: 'plan' | 'follow_ups', problem?: Problem): Promise<void> {
    const view = await casePlanService.view(req.account as CurrentAccount, numberOf(req), page);
    if (!view) throw new HttpError(404, 'Case not found or not visible');
    const edit = problem?.edit ?? (page === 'plan' ? editQuery.parse(req.query).edit : undefined);
    res.status(problem?.status ?? 200).render(page === 'plan' ? 'staff/case/planPage' : 'staff/case/followUpsPage', {
      ...view,
      slug: caseNumberToSlug(view.detail.number),
      staff: view.canWork ? casePlanService.staffChoices() : [],
      options: { functions: lk3Functions, statuses: activityStatuses, kinds: followUpKinds },
      edit: edit ? { kind: edit.split('-')[0], id: Number(edit.split('-')[1]) } : null,
      dateText: dateText(res),
      me: (req.account as CurrentAccount).id,
      form: problem?.form ?? null,
      values: problem?.values ?? {},
      errors: problem?.errors ?? [],
      fieldErrors: errorsByField(problem?.errors ?? []),
    });
  }

  router.get('/staff/cases/:slug/plan', readers, (req, res) => render(req, res, 'plan'));
  router.get('/staff/cases/:slug/follow-ups', readers, (req, res) => render(req, res, 'follow_ups'));

  /**
   * One form's POST: parse (400 with the form again, everything typed kept), change, redirect back.
   * `edit` keeps the one goal or activity being edited open when the form comes back.
   */
  async function submit(
    req: Request,
    res: Response,
    opts: { page: 'plan' | 'follow_ups'; prefix: string; schema: ZodType<PlanChange>; input?: Record<string, unknown>; edit?: string },
  ): Promise<void> {
    const { page, prefix, schema, edit } = opts;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: Record<string, string | string[]> = formValues(body, prefix);
    if (prefix === 'followup') values['followup-staff'] = followUpInput(body)['followup-staff'] as string[];
    const parsed = schema.safeParse(opts.input ?? values);
    if (!parsed.success) {
      const errors = formErrors(parsed.error.issues, res.locals.t, 'casePlan.errors', issueFields(parsed.error.issues));
      return render(req, res, page, { status: 400, form: prefix, values, errors, edit });
    }
    const outcome = casePlanService.change(req.account as CurrentAccount, numberOf(req), parsed.data);
    if (!outcome.ok) {
      if (outcome.problem === 'not_found') throw new HttpError(404, 'Case not found or not visible');
      if (outcome.problem === 'not_allowed') throw new PermissionDeniedError("Not this person's case to change");
      if (outcome.problem === 'unknown_activity') throw new HttpError(404, 'No such activity on this case');
      if (outcome.problem === 'unknown_goal' && prefix !== 'activity') throw new HttpError(404, 'No such goal on this case');
      const { status, field } = refusalAnswer[outcome.problem];
      const target = field(prefix);
      return render(req, res, page, {
        status,
        form: prefix,
        values,
        edit,
        errors: [
          {
            field: target ?? 'form',
            text: res.locals.t(`casePlan.refusal.${outcome.problem}`),
            href: target ? `#${target}` : '#plan-forms',
          },
        ],
      });
    }
    req.session.notice = `casePlan.done.${parsed.data.kind}`;
    const slug = String(req.params.slug);
    res.redirect(303, page === 'plan' ? `/staff/cases/${slug}/plan` : `/staff/cases/${slug}/follow-ups`);
  }

  router.post('/staff/cases/:slug/plan/goals', workers, (req, res) =>
    submit(req, res, { page: 'plan', prefix: 'goal', schema: planForms.goal }),
  );
  router.post('/staff/cases/:slug/plan/goals/:goalId', workers, (req, res) => {
    const goalId = idParam(req, 'goalId');
    return submit(req, res, { page: 'plan', prefix: 'goaledit', schema: planForms.goaledit(goalId), edit: `goal-${goalId}` });
  });
  router.post('/staff/cases/:slug/plan/activities', workers, (req, res) =>
    submit(req, res, { page: 'plan', prefix: 'activity', schema: planForms.activity }),
  );
  router.post('/staff/cases/:slug/plan/activities/:activityId', workers, (req, res) => {
    const activityId = idParam(req, 'activityId');
    return submit(req, res, {
      page: 'plan',
      prefix: 'activityedit',
      schema: planForms.activityedit(activityId),
      edit: `activity-${activityId}`,
    });
  });
  router.post('/staff/cases/:slug/plan/activities/:activityId/progress', workers, (req, res) => {
    const activityId = idParam(req, 'activityId');
    return submit(req, res, { page: 'plan', prefix: 'progress', schema: planForms.progress(activityId), edit: `activity-${activityId}` });
  });
  router.post('/staff/cases/:slug/plan/review', workers, (req, res) =>
    submit(req, res, { page: 'plan', prefix: 'review', schema: planForms.review }),
  );
  router.post('/staff/cases/:slug/plan/review-date', workers, (req, res) =>
    submit(req, res, { page: 'plan', prefix: 'reviewdate', schema: planForms.reviewdate }),
  );
  router.post('/staff/cases/:slug/follow-ups', workers, (req, res) =>
    submit(req, res, {
      page: 'follow_ups',
      prefix: 'followup',
      schema: followUpForm,
      input: followUpInput((req.body ?? {}) as Record<string, unknown>),
    }),
  );

  router.get('/staff/my-work', workers, async (req, res) => {
    const list = await casePlanService.workList(req.account as CurrentAccount);
    res.render('staff/myWork', { ...list, caseSlug: caseNumberToSlug, dateText: dateText(res) });
  });

  return router;
}
