import { Router, type Request, type Response } from 'express';
import type { CurrentAccount } from '../../domain/roles';
import { slugToCaseNumber } from '../../domain/cases';
import { jakartaDate } from '../../domain/sla';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError, PermissionDeniedError } from '../../errors';
import type { CaseConferenceService } from '../../services/caseConferenceService';
import { errorsByField, formErrors, listValue, textValue, type FormError } from '../formErrors';
import { conferenceFieldOrder, conferenceSchema } from './caseReferralForms';

export interface CaseConferenceRouteDeps {
  caseConferenceService: CaseConferenceService;
  now: () => Date;
}

type ConferenceValues = Record<string, string | string[]>;

/**
 * /staff/cases/:slug/conferences — a supervisor records a case conference; whoever may see the case
 * reads its minutes, on the back office page or printed (a page of its own, like the case print).
 */
export function caseConferenceRoutes({ caseConferenceService, now }: CaseConferenceRouteDeps): Router {
  const router = Router();
  const readers = requireRole('triage', 'caseworker', 'supervisor');
  const supervisors = requireRole('supervisor');

  function numberOf(req: Request): string {
    const number = slugToCaseNumber(String(req.params.slug));
    if (!number) throw new HttpError(404, 'Not a case number');
    return number;
  }
  const conferenceIdOf = (req: Request) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'Not a conference');
    return id;
  };

  async function renderForm(req: Request, res: Response, problem?: { status: number; values: ConferenceValues; errors: FormError[] }) {
    const form = await caseConferenceService.form(req.account as CurrentAccount, numberOf(req));
    if (!form.ok) {
      if (form.problem === 'not_found') throw new HttpError(404, 'Case not found or not visible');
      if (form.problem === 'case_closed') throw new HttpError(409, 'The case is closed');
      throw new PermissionDeniedError('Only a supervisor records a case conference');
    }
    const errors = problem?.errors ?? [];
    res.status(problem?.status ?? 200).render('staff/case/conferenceNew', {
      detail: form.detail,
      staff: form.staff,
      partners: form.partners,
      today: jakartaDate(now()),
      values: problem?.values ?? {},
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  router.get('/staff/cases/:slug/conferences/new', supervisors, (req, res) => renderForm(req, res));

  router.post('/staff/cases/:slug/conferences', supervisors, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: ConferenceValues = {
      'conference-held_on': textValue(body['conference-held_on']),
      'conference-staff': listValue(body['conference-staff']),
      'conference-partners': listValue(body['conference-partners']),
      'conference-others': textValue(body['conference-others']),
      'conference-decisions': textValue(body['conference-decisions']),
      'conference-next_steps': textValue(body['conference-next_steps']),
    };
    const parsed = conferenceSchema(jakartaDate(now())).safeParse(values);
    if (!parsed.success) {
      const errors = formErrors(parsed.error.issues, res.locals.t, 'caseConference.errors', conferenceFieldOrder, {
        'conference-staff': 'conference-attendees',
        'conference-partners': 'conference-attendees',
      });
      return renderForm(req, res, { status: 400, values, errors });
    }
    const outcome = caseConferenceService.record(req.account as CurrentAccount, numberOf(req), parsed.data);
    if (!outcome.ok) {
      if (outcome.problem === 'not_found') throw new HttpError(404, 'Case not found or not visible');
      if (outcome.problem === 'not_allowed') throw new PermissionDeniedError('Only a supervisor records a case conference');
      const status = outcome.problem === 'case_closed' ? 409 : 400;
      const text = res.locals.t(`caseConference.refusal.${outcome.problem}`);
      return renderForm(req, res, { status, values, errors: [{ field: 'form', text, href: '#conference-attendees' }] });
    }
    req.session.notice = 'caseConference.done';
    res.redirect(303, `/staff/cases/${String(req.params.slug)}/conferences/${outcome.id}`);
  });

  router.get('/staff/cases/:slug/conferences/:id', readers, async (req, res) => {
    const page = await caseConferenceService.view(req.account as CurrentAccount, numberOf(req), conferenceIdOf(req));
    if (!page) throw new HttpError(404, 'Conference not found or not visible');
    res.render('staff/case/conference', page);
  });

  // The minutes on a page of their own, for the paper file: no back office around them, who printed them and when at the foot.
  router.get('/staff/cases/:slug/conferences/:id/print', readers, async (req, res) => {
    const page = await caseConferenceService.view(req.account as CurrentAccount, numberOf(req), conferenceIdOf(req), 'print');
    if (!page) throw new HttpError(404, 'Conference not found or not visible');
    res.render('staff/print/conference', { ...page, printedBy: (req.account as CurrentAccount).name, printedAt: now() });
  });

  return router;
}
