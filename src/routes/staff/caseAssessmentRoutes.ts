import { Router, type Request, type Response } from 'express';
import type { CurrentAccount } from '../../domain/roles';
import { slugToCaseNumber } from '../../domain/cases';
import {
  ageGroups,
  assessmentDecisions,
  assessmentKindOfSlug,
  assessmentKindSlugs,
  householdRelations,
  householdRowsToShow,
  HOUSEHOLD_MAX,
  type AssessmentKind,
  type HouseholdMember,
} from '../../domain/caseAssessments';
import { riskLevels } from '../../domain/decisions';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import type { AssessmentPage, AssessmentProblem, CaseAssessmentService } from '../../services/caseAssessmentService';
import { errorsByField, formErrors, textValue, type FormError } from '../formErrors';
import {
  inDepthFieldOrder,
  inDepthFormValues,
  initialFieldOrder,
  initialFormValues,
  parseInDepth,
  parseInitial,
  valuesOfInDepth,
  valuesOfInitial,
  type InDepthFormValues,
  type InitialFormValues,
} from './caseAssessmentForms';

export interface CaseAssessmentRouteDeps {
  caseAssessmentService: CaseAssessmentService;
}

const notFound = () => new HttpError(404, 'Case or assessment not found or not visible');

/** The answer to a refused save: its status and the field its message links to. */
const refusalAnswer: Record<Exclude<AssessmentProblem, 'not_found'>, { status: number; field: string }> = {
  case_closed: { status: 409, field: 'form' },
  initial_missing: { status: 409, field: 'form' },
  unknown_factor: { status: 400, field: 'risk_factors' },
};

/**
 * /staff/cases/:slug/assessments/initial and …/in-depth — the working file of a case: the latest
 * version (or /versions/:n), the list of versions, and the form (/edit) whose every save is a new
 * version. The assigned caseworker and supervisors only: triage and the admin are refused by role,
 * another caseworker's case is a 404 (as the case page).
 */
export function caseAssessmentRoutes({ caseAssessmentService }: CaseAssessmentRouteDeps): Router {
  const router = Router();
  const workers = requireRole('caseworker', 'supervisor');

  function target(req: Request): { number: string; slug: string; kind: AssessmentKind } {
    const slug = String(req.params.slug);
    const number = slugToCaseNumber(slug);
    const kind = assessmentKindOfSlug(String(req.params.kind));
    if (!number || !kind) throw notFound();
    return { number, slug, kind };
  }

  const options = {
    relations: householdRelations,
    ageGroups,
    decisions: assessmentDecisions,
    riskLevels,
    householdMax: HOUSEHOLD_MAX,
  };

  function household(page: AssessmentPage<AssessmentKind>): HouseholdMember[] {
    return page.initial?.body.household ?? [];
  }

  async function pageOf(req: Request, version?: number): Promise<AssessmentPage<AssessmentKind>> {
    const { number, kind } = target(req);
    const page = await caseAssessmentService.view(req.account as CurrentAccount, number, kind, version);
    if (!page) throw notFound();
    return page;
  }

  const common = (req: Request, page: AssessmentPage<AssessmentKind>) => ({
    ...page,
    slug: String(req.params.slug),
    kindSlug: assessmentKindSlugs[page.kind],
    options,
  });

  router.get('/staff/cases/:slug/assessments/:kind', workers, async (req, res) => {
    const page = await pageOf(req);
    res.render('staff/case/assessment', common(req, page));
  });

  router.get('/staff/cases/:slug/assessments/:kind/versions/:version', workers, async (req, res) => {
    const raw = String(req.params.version);
    if (!/^\d{1,9}$/.test(raw)) throw notFound();
    const page = await pageOf(req, Number(raw));
    res.render('staff/case/assessment', common(req, page));
  });

  function renderForm(
    req: Request,
    res: Response,
    page: AssessmentPage<AssessmentKind>,
    values: InitialFormValues | InDepthFormValues,
    errors: FormError[],
    status?: number,
  ): void {
    const view = page.kind === 'initial' ? 'staff/case/assessmentInitialForm' : 'staff/case/assessmentInDepthForm';
    res.status(status ?? (errors.length > 0 ? 400 : 200)).render(view, {
      ...common(req, page),
      household: household(page),
      values,
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  /**
   * The household rows to show: with `rows`, exactly that many (the rows sent plus the one asked
   * for); else what is filled in and a few blank rows (householdRowsToShow). A typed row stays where it was.
   */
  function initialValuesToShow(values: InitialFormValues, rows?: number): InitialFormValues {
    const count = Math.min(
      HOUSEHOLD_MAX,
      rows ?? householdRowsToShow(values.members.filter((m) => m.name || m.relation || m.age || m.role).length),
    );
    const members = values.members.slice(0, Math.max(count, values.members.length));
    while (members.length < count) members.push({ name: '', relation: '', age: '', role: '' });
    return { ...values, members };
  }

  router.get('/staff/cases/:slug/assessments/:kind/edit', workers, async (req, res) => {
    const page = await pageOf(req);
    if (!page.canWork) throw new HttpError(409, 'The case is closed');
    if (page.kind === 'initial') {
      const latest = page.shown?.body;
      const values = latest && 'household' in latest ? valuesOfInitial(latest) : initialFormValues();
      return renderForm(req, res, page, initialValuesToShow(values), []);
    }
    const people = household(page);
    const latest = page.shown?.body;
    const values =
      latest && 'members' in latest
        ? valuesOfInDepth(latest, people)
        : { ...inDepthFormValues({}, people.length), risk_level: page.detail.riskLevel ?? '' };
    renderForm(req, res, page, values, []);
  });

  router.post('/staff/cases/:slug/assessments/:kind', workers, async (req, res) => {
    const page = await pageOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const t = res.locals.t;
    if (!page.canWork) {
      return renderForm(
        req,
        res,
        page,
        page.kind === 'initial' ? initialFormValues(body) : inDepthFormValues(body, household(page).length),
        [{ field: 'form', text: t('caseAssessments.refusal.case_closed'), href: '#assessment-form' }],
        409,
      );
    }

    if (page.kind === 'initial') {
      const values = initialFormValues(body);
      // "Add a row": the same form again with one more blank household row, everything typed kept.
      if (textValue(body.action) === 'add_row') {
        return renderForm(req, res, page, initialValuesToShow(values, values.members.length + 1), []);
      }
      const parsed = parseInitial(values);
      if (!parsed.ok) {
        const errors = formErrors(parsed.issues, t, 'caseAssessments.errors', initialFieldOrder(values.members.length), {
          household: 'member-0-name',
          risk_factors: 'risk-factors',
          protective_factors: 'protective-factors',
          decision: 'decision-in_depth_assessment',
        });
        return renderForm(req, res, page, values, errors);
      }
      return finish(req, res, page, values, { kind: 'initial', body: parsed.value });
    }

    const people = household(page);
    const values = inDepthFormValues(body, people.length);
    if (!page.initial) {
      return renderForm(
        req,
        res,
        page,
        values,
        [{ field: 'form', text: t('caseAssessments.refusal.initial_missing'), href: '#assessment-form' }],
        409,
      );
    }
    const parsed = parseInDepth(values, people);
    if (!parsed.ok) {
      const errors = formErrors(parsed.issues, t, 'caseAssessments.errors', inDepthFieldOrder(people.length), {
        concerns: people.length > 0 ? 'concern-0-attitudes' : 'assessment-form',
        risk_level: 'risk_level-low',
      });
      return renderForm(req, res, page, values, errors);
    }
    return finish(req, res, page, values, { kind: 'in_depth', body: parsed.value });
  });

  function finish(
    req: Request,
    res: Response,
    page: AssessmentPage<AssessmentKind>,
    values: InitialFormValues | InDepthFormValues,
    change: Parameters<CaseAssessmentService['save']>[2],
  ): void {
    const { number, slug } = target(req);
    const outcome = caseAssessmentService.save(req.account as CurrentAccount, number, change);
    if (!outcome.ok) {
      if (outcome.problem === 'not_found') throw notFound();
      const { status, field } = refusalAnswer[outcome.problem];
      const href = field === 'form' ? '#assessment-form' : '#risk-factors';
      return renderForm(
        req,
        res,
        page,
        values,
        [{ field, text: res.locals.t(`caseAssessments.refusal.${outcome.problem}`), href }],
        status,
      );
    }
    req.session.notice = `caseAssessments.done.${page.kind}`;
    res.redirect(303, `/staff/cases/${slug}/assessments/${assessmentKindSlugs[page.kind]}`);
  }

  return router;
}
