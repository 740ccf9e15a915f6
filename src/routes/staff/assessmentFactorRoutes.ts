import { Router, type Request, type Response } from 'express';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import type { CaseAssessmentService } from '../../services/caseAssessmentService';
import { errorsByField, formErrors, textValue, type FormError } from '../formErrors';
import { factorSchema, newFactorSchema } from './caseAssessmentForms';

export const FACTORS_PATH = '/staff/factors';

const noSuchFactor = () => new HttpError(404, 'No such factor');

function factorId(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^\d{1,15}$/.test(raw)) throw noSuchFactor();
  return Number(raw);
}

/**
 * /staff/factors — the supervisors' lists of risk and protective factors that the initial
 * assessment checks, in both languages: add, rename, move up or down, retire (no longer offered;
 * assessments that checked it still show it) and bring back. Supervisors only.
 */
export function assessmentFactorRoutes({ caseAssessmentService }: { caseAssessmentService: CaseAssessmentService }): Router {
  const router = Router();
  const supervisor = requireRole('supervisor');

  /** The page, with one form's values and errors when it was refused (`form`: "new" or a factor's id). */
  function render(res: Response, problem?: { form: string; values: Record<string, string>; errors: FormError[] }): void {
    res.status(problem ? 400 : 200).render('staff/factors', {
      factors: caseAssessmentService.factors(),
      form: problem?.form ?? null,
      values: problem?.values ?? {},
      errors: problem?.errors ?? [],
      fieldErrors: errorsByField(problem?.errors ?? []),
    });
  }

  router.get(FACTORS_PATH, supervisor, (_req, res) => render(res));

  router.post(FACTORS_PATH, supervisor, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = {
      kind: textValue(body['new-kind']),
      label_id: textValue(body['new-label_id']),
      label_en: textValue(body['new-label_en']),
    };
    const parsed = newFactorSchema.safeParse(values);
    if (!parsed.success) {
      const errors = formErrors(parsed.error.issues, res.locals.t, 'caseAssessments.errors', ['kind', 'label_id', 'label_en'], {
        kind: 'new-kind',
        label_id: 'new-label_id',
        label_en: 'new-label_en',
      }).map((e) => ({ ...e, field: `new-${e.field}` }));
      return render(res, { form: 'new', values, errors });
    }
    caseAssessmentService.addFactor(req.account!.id, parsed.data.kind, { labelId: parsed.data.label_id, labelEn: parsed.data.label_en });
    req.session.notice = 'caseAssessments.factors.done.added';
    res.redirect(303, FACTORS_PATH);
  });

  router.post(`${FACTORS_PATH}/:id`, supervisor, (req, res) => {
    const id = factorId(req);
    if (!caseAssessmentService.findFactor(id)) throw noSuchFactor();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const prefix = `factor-${id}-`;
    const values = { label_id: textValue(body[`${prefix}label_id`]), label_en: textValue(body[`${prefix}label_en`]) };
    const parsed = factorSchema.safeParse(values);
    if (!parsed.success) {
      const errors = formErrors(parsed.error.issues, res.locals.t, 'caseAssessments.errors', ['label_id', 'label_en'], {
        label_id: `${prefix}label_id`,
        label_en: `${prefix}label_en`,
      }).map((e) => ({ ...e, field: `${prefix}${e.field}` }));
      return render(res, { form: String(id), values, errors });
    }
    if (!caseAssessmentService.renameFactor(req.account!.id, id, { labelId: parsed.data.label_id, labelEn: parsed.data.label_en }).ok) {
      throw noSuchFactor();
    }
    req.session.notice = 'caseAssessments.factors.done.renamed';
    res.redirect(303, FACTORS_PATH);
  });

  const actions = {
    retire: (actor: number, id: number) => caseAssessmentService.setFactorRetired(actor, id, true),
    restore: (actor: number, id: number) => caseAssessmentService.setFactorRetired(actor, id, false),
    up: (actor: number, id: number) => caseAssessmentService.moveFactor(actor, id, 'up'),
    down: (actor: number, id: number) => caseAssessmentService.moveFactor(actor, id, 'down'),
  };
  for (const [action, run] of Object.entries(actions)) {
    router.post(`${FACTORS_PATH}/:id/${action}`, supervisor, (req, res) => {
      if (!run(req.account!.id, factorId(req)).ok) throw noSuchFactor();
      req.session.notice = `caseAssessments.factors.done.${action}`;
      res.redirect(303, `${FACTORS_PATH}#factor-${factorId(req)}`);
    });
  }

  return router;
}
