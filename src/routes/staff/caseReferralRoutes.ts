import { Router, type Request, type Response } from 'express';
import type { CurrentAccount } from '../../domain/roles';
import { consentMethods } from '../../domain/caseReferrals';
import { slugToCaseNumber } from '../../domain/cases';
import { jakartaDate } from '../../domain/sla';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError, PermissionDeniedError } from '../../errors';
import type { CaseReferralService } from '../../services/caseReferralService';
import { errorsByField, formErrors, textValue, type FormError } from '../formErrors';
import { parseAcknowledgementForm } from '../acknowledgementForm';
import { referralFieldOrder, referralSchema } from './caseReferralForms';

export interface CaseReferralRouteDeps {
  caseReferralService: CaseReferralService;
  now: () => Date;
}

/**
 * /staff/cases/:slug/referrals — referring a family out to a partner (the form on a page of its own),
 * one referral's page, and the partner's answer recorded by staff. The case page lists them.
 */
export function caseReferralRoutes({ caseReferralService, now }: CaseReferralRouteDeps): Router {
  const router = Router();
  const readers = requireRole('triage', 'caseworker', 'supervisor');
  const workers = requireRole('caseworker', 'supervisor');

  function numberOf(req: Request): string {
    const number = slugToCaseNumber(String(req.params.slug));
    if (!number) throw new HttpError(404, 'Not a case number');
    return number;
  }
  const referralIdOf = (req: Request) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'Not a referral');
    return id;
  };
  const refused = (problem: 'not_found' | 'not_allowed'): never => {
    if (problem === 'not_found') throw new HttpError(404, 'Case or referral not found or not visible');
    throw new PermissionDeniedError("Not this person's case to work");
  };

  async function renderForm(
    req: Request,
    res: Response,
    problem?: { status: number; values: Record<string, string>; errors: FormError[] },
  ): Promise<void> {
    const form = await caseReferralService.form(req.account as CurrentAccount, numberOf(req));
    if (!form.ok) {
      if (form.problem === 'case_closed') throw new HttpError(409, 'The case is closed');
      return refused(form.problem === 'not_found' ? 'not_found' : 'not_allowed');
    }
    const errors = problem?.errors ?? [];
    res.status(problem?.status ?? 200).render('staff/case/referralNew', {
      detail: form.detail,
      partners: form.partners,
      involved: form.involved,
      consentMethods,
      today: jakartaDate(now()),
      values: problem?.values ?? {},
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  router.get('/staff/cases/:slug/referrals/new', workers, (req, res) => renderForm(req, res));

  router.post('/staff/cases/:slug/referrals', workers, async (req, res) => {
    const values = Object.fromEntries(referralFieldOrder.map((f) => [f, textValue(req.body?.[f])]));
    const parsed = referralSchema(jakartaDate(now())).safeParse({
      ...values,
      // An unticked box sends nothing: refused as "no consent", like a missing field.
      'referral-consent': values['referral-consent'] === '' ? undefined : values['referral-consent'],
    });
    if (!parsed.success) {
      const errors = formErrors(parsed.error.issues, res.locals.t, 'caseReferral.errors', referralFieldOrder);
      return renderForm(req, res, { status: 400, values, errors });
    }
    const slug = String(req.params.slug);
    const outcome = caseReferralService.refer(req.account as CurrentAccount, numberOf(req), parsed.data);
    if (!outcome.ok) {
      if (outcome.problem === 'not_found' || outcome.problem === 'not_allowed') return refused(outcome.problem);
      const field =
        outcome.problem === 'case_closed' ? null : outcome.problem === 'unknown_partner' ? 'referral-partner' : 'referral-consent';
      const status = outcome.problem === 'case_closed' ? 409 : 400;
      const text = res.locals.t(`caseReferral.refusal.${outcome.problem}`);
      return renderForm(req, res, { status, values, errors: [{ field: field ?? 'form', text, href: field ? `#${field}` : '#main' }] });
    }
    // A second open referral to the same partner goes ahead, with a warning that the work may overlap.
    req.session.notice = outcome.overlapping
      ? 'caseReferral.done.overlapping'
      : outcome.emailed
        ? 'caseReferral.done.emailed'
        : 'caseReferral.done.noEmail';
    res.redirect(303, `/staff/cases/${slug}/referrals/${outcome.id}`);
  });

  async function renderReferral(
    req: Request,
    res: Response,
    problem?: { status: number; values: Record<string, string>; errors: FormError[] },
  ): Promise<void> {
    const page = await caseReferralService.view(req.account as CurrentAccount, numberOf(req), referralIdOf(req));
    if (!page) return refused('not_found');
    const errors = problem?.errors ?? [];
    res.status(problem?.status ?? 200).render('staff/case/referral', {
      ...page,
      values: problem?.values ?? {},
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  router.get('/staff/cases/:slug/referrals/:id', readers, (req, res) => renderReferral(req, res));

  // The partner's answer given by phone or otherwise (the email's link is /ack/:token).
  router.post('/staff/cases/:slug/referrals/:id/acknowledgement', workers, async (req, res) => {
    const values = { 'ack-answer': textValue(req.body?.['ack-answer']), 'ack-reason': textValue(req.body?.['ack-reason']) };
    const parsed = parseAcknowledgementForm(values['ack-answer'], values['ack-reason']);
    if (!parsed.ok) {
      const errors = formErrors(
        parsed.issues.map((i) => ({ ...i, path: [`ack-${String(i.path[0])}`] })),
        res.locals.t,
        'caseReferral.link.errors',
        ['ack-answer', 'ack-reason'],
      );
      return renderReferral(req, res, { status: 400, values, errors });
    }
    const outcome = caseReferralService.recordByStaff(
      req.account as CurrentAccount,
      numberOf(req),
      referralIdOf(req),
      parsed.answer,
      parsed.reason,
    );
    if (!outcome.ok) {
      if (outcome.problem === 'not_found' || outcome.problem === 'not_allowed') return refused(outcome.problem);
      const text = res.locals.t(`caseReferral.refusal.${outcome.problem}`);
      return renderReferral(req, res, { status: 409, values, errors: [{ field: 'form', text, href: '#ack-title' }] });
    }
    req.session.notice = 'caseReferral.done.recorded';
    res.redirect(303, `/staff/cases/${String(req.params.slug)}/referrals/${referralIdOf(req)}`);
  });

  return router;
}
