import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { CurrentAccount } from '../../domain/roles';
import { caseClosureOutcomes, caseMovesFrom, caseNumberToSlug, slugToCaseNumber } from '../../domain/cases';
import { riskLevels } from '../../domain/decisions';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError, PermissionDeniedError } from '../../errors';
import type { CaseProblem, CaseService } from '../../services/caseService';
import type { CaseAssessmentService } from '../../services/caseAssessmentService';
import type { CaseReferralService } from '../../services/caseReferralService';
import type { CaseConferenceService } from '../../services/caseConferenceService';
import type { CasePlanService } from '../../services/casePlanService';
import { errorsByField, formErrors, issueFields, type FormError } from '../formErrors';
import { CASE_PAGE_SIZE } from '../../domain/limits';
import { caseChangeSchemas, formValues, type CaseForm } from './decisionForms';

const listQuery = z.object({
  all: z.literal('1').optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});

const formPrefix: Record<CaseForm, string> = {
  note: 'note',
  stage: 'stage',
  risk: 'risk',
  hold: 'hold',
  assign: 'assign',
  close: 'closecase',
};

/** How a refused change answers: its status, and the field the message links to (else the forms). */
const refusalAnswer: Record<Exclude<CaseProblem, 'not_found' | 'not_allowed'>, { status: number; field: string | null }> = {
  unknown_assignee: { status: 400, field: 'assign-assignee' },
  stage_not_allowed: { status: 409, field: 'stage-stage' },
  case_closed: { status: 409, field: null },
};

export interface CaseRouteDeps {
  caseService: CaseService;
  /** The working file's section on the case page, and the initial assessment's due dates in the list. */
  caseAssessmentService: CaseAssessmentService;
  /** The referrals out (and the partners involved) and the conferences, on the case page. */
  caseReferralService: Pick<CaseReferralService, 'section'>;
  caseConferenceService: Pick<CaseConferenceService, 'section'>;
  /** The intervention plan and the follow-ups, with their overdue flags, on the case page. */
  casePlanService: Pick<CasePlanService, 'sectionFor'>;
}

/** /staff/cases — a caseworker's own cases, or all for supervisors and triage; and one case's page. */
export function caseRoutes({
  caseService,
  caseAssessmentService,
  caseReferralService,
  caseConferenceService,
  casePlanService,
}: CaseRouteDeps): Router {
  const router = Router();
  const caseRoles = requireRole('triage', 'caseworker', 'supervisor');

  router.get('/staff/cases', caseRoles, (req, res) => {
    const q = listQuery.parse(req.query);
    const page = caseService.list(req.account as CurrentAccount, { openOnly: !q.all, beforeId: q.before, pageSize: CASE_PAGE_SIZE });
    const base: Record<string, string> = q.all ? { all: '1' } : {};
    res.render('staff/cases', {
      rows: page.rows,
      assessmentDue: caseAssessmentService.dueOfCases(page.rows),
      showingAll: Boolean(q.all),
      caseSlug: caseNumberToSlug,
      nextHref: page.nextBefore ? `/staff/cases?${new URLSearchParams({ ...base, before: String(page.nextBefore) })}` : null,
    });
  });

  function numberOf(req: Request): string {
    const number = slugToCaseNumber(String(req.params.slug));
    if (!number) throw new HttpError(404, 'Not a case number');
    return number;
  }

  async function render(
    req: Request,
    res: Response,
    problem?: { status: number; form: string; values: Record<string, string>; errors: FormError[] },
  ): Promise<void> {
    const page = await caseService.view(req.account as CurrentAccount, numberOf(req));
    if (!page) throw new HttpError(404, 'Case not found or not visible');
    res.status(problem?.status ?? 200).render('staff/case', {
      ...page,
      assessments: caseAssessmentService.summary(req.account as CurrentAccount, page.detail),
      referralsOut: caseReferralService.section(req.account as CurrentAccount, page.detail),
      conferences: caseConferenceService.section(req.account as CurrentAccount, page.detail),
      planSection: casePlanService.sectionFor(req.account as CurrentAccount, page.detail),
      workers: page.canAssign ? caseService.assignableWorkers() : [],
      options: { stages: caseMovesFrom(page.detail.stage), riskLevels, closureOutcomes: caseClosureOutcomes },
      form: problem?.form ?? null,
      values: problem?.values ?? {},
      errors: problem?.errors ?? [],
      fieldErrors: errorsByField(problem?.errors ?? []),
    });
  }

  router.get('/staff/cases/:slug', caseRoles, (req, res) => render(req, res));

  for (const form of Object.keys(caseChangeSchemas) as CaseForm[]) {
    router.post(`/staff/cases/:slug/${form}`, requireRole('caseworker', 'supervisor'), (req, res) => {
      const prefix = formPrefix[form];
      const values = formValues(req.body, prefix);
      const parsed = caseChangeSchemas[form].safeParse(values);
      if (!parsed.success) {
        const errors = formErrors(parsed.error.issues, res.locals.t, 'staffForms.errors', issueFields(parsed.error.issues));
        return render(req, res, { status: 400, form: prefix, values, errors });
      }
      const outcome = caseService.change(req.account as CurrentAccount, numberOf(req), parsed.data);
      if (!outcome.ok) {
        if (outcome.problem === 'not_found') throw new HttpError(404, 'Case not found or not visible');
        if (outcome.problem === 'not_allowed') throw new PermissionDeniedError("Not this person's case to change");
        const { status, field } = refusalAnswer[outcome.problem];
        return render(req, res, {
          status,
          form: prefix,
          values,
          errors: [
            {
              field: field ?? 'form',
              text: res.locals.t(`caseWork.refusal.${outcome.problem}`),
              href: field ? `#${field}` : '#case-forms',
            },
          ],
        });
      }
      req.session.notice = `caseWork.done.${form}`;
      res.redirect(303, `/staff/cases/${String(req.params.slug)}`);
    });
  }

  return router;
}
