import { Router, type Response } from 'express';
import {
  acknowledgementAnswers,
  isAcknowledgementAnswer,
  type AcknowledgementAnswer,
} from '../../domain/acknowledgements';
import type { AcknowledgementService, AcknowledgementPage } from '../../services/acknowledgementService';
import { HttpError } from '../../errors';
import { parseAcknowledgementForm } from '../acknowledgementForm';
import { errorsByField, formErrors, textValue, type FormError } from '../formErrors';

interface Deps {
  acknowledgementService: AcknowledgementService;
  /** SERVICE_CONTACT, for the pages that send the partner back to the service. */
  serviceContact: string;
}

/** Tokens are short; anything longer is not one of ours and is not even looked at. */
const TOKEN_MAX = 100;

/**
 * /ack/:token — a partner answers a redirect, or a family referred from a case, from the link in our email. GET only shows the
 * choices (mail scanners open links); each choice is a POST button, with the usual CSRF token.
 */
export function acknowledgementRoutes({ acknowledgementService, serviceContact }: Deps): Router {
  const router = Router();

  function render(
    res: Response,
    token: string,
    page: AcknowledgementPage,
    options: { status?: number; first?: AcknowledgementAnswer; reason?: string; errors?: FormError[] } = {},
  ): void {
    const errors = options.errors ?? [];
    switch (page.state) {
      case 'forged':
        throw new HttpError(404, 'Unknown acknowledgement link');
      case 'expired':
        return res.status(410).render('public/acknowledgementNotice', { kind: 'expired', reference: null, contact: serviceContact });
      case 'withdrawn':
        return res
          .status(options.status ?? 200)
          .render('public/acknowledgementNotice', { kind: 'withdrawn', reference: page.reference, contact: serviceContact });
      case 'final':
        return res.status(options.status ?? 200).render('public/acknowledgementNotice', {
          kind: 'recorded',
          linkKind: page.kind,
          reference: page.reference,
          status: page.acknowledgementStatus,
          at: page.acknowledgedAt,
          contact: serviceContact,
        });
      case 'open': {
        // The answer named in the link the partner clicked comes first; the others follow.
        const first = options.first;
        const choices = first && page.choices.includes(first) ? [first, ...page.choices.filter((c) => c !== first)] : [...page.choices];
        return res.status(errors.length > 0 ? 400 : (options.status ?? 200)).render('public/acknowledgement', {
          token,
          page,
          choices,
          values: { reason: options.reason ?? '' },
          errors,
          fieldErrors: errorsByField(errors),
          contact: serviceContact,
        });
      }
    }
  }

  const tokenOf = (value: unknown) => {
    const token = String(value);
    if (token.length > TOKEN_MAX) throw new HttpError(404, 'Unknown acknowledgement link');
    return token;
  };

  router.get('/ack/:token', (req, res) => {
    const token = tokenOf(req.params.token);
    const asked = req.query.answer;
    render(res, token, acknowledgementService.page(token), { first: isAcknowledgementAnswer(asked) ? asked : undefined });
  });

  router.post('/ack/:token', (req, res) => {
    const token = tokenOf(req.params.token);
    const answer = textValue(req.body.answer);
    const parsed = parseAcknowledgementForm(answer, req.body.reason);
    if (!parsed.ok) {
      const page = acknowledgementService.page(token);
      // A case referral's page words its messages for a family, not a report.
      const prefix = 'kind' in page && page.kind === 'case_referral' ? 'caseReferral.link.errors' : 'ack.errors';
      const errors = formErrors(parsed.issues, res.locals.t, prefix, ['answer', 'reason']).map((e) =>
        e.field === 'reason' ? e : { ...e, href: `#answer-${acknowledgementAnswers[0]}` },
      );
      return render(res, token, page, {
        first: isAcknowledgementAnswer(answer) ? answer : undefined,
        reason: textValue(req.body.reason),
        errors,
      });
    }
    const result = acknowledgementService.answerByLink(token, parsed.answer, parsed.reason);
    if (result.ok) {
      req.session.notice = 'ack.thanks';
      return res.redirect(303, `/ack/${encodeURIComponent(token)}`);
    }
    // Reused, expired, forged or withdrawn: the page says which, as GET would (409 for "already recorded").
    render(res, token, acknowledgementService.page(token), { status: result.problem === 'already_recorded' ? 409 : undefined });
  });

  return router;
}
