import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { AreaDirectory } from '../../domain/areas';
import type { CurrentAccount } from '../../domain/roles';
import { closeReasons, escalationTargets, redirectReasons, riskLevels } from '../../domain/decisions';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import type { Refusal, TriageOutcome, TriageService } from '../../services/triageService';
import type { CaseService } from '../../services/caseService';
import type { AcknowledgementService } from '../../services/acknowledgementService';
import type { PartnerService } from '../../services/partnerService';
import type { AttachmentService } from '../../services/attachmentService';
import { formatBytes } from '../../domain/attachments';
import type { SavedReplyService } from '../../services/savedReplyService';
import { savedReplyBody, withSavedReply } from '../../domain/savedReplies';
import { isLocale } from '../../domain/locales';
import { errorsByField, formErrors, issueFields, type FormError } from '../formErrors';
import { parseAcknowledgementForm } from '../acknowledgementForm';
import { askSchema, decisionSchemas, escalateSchema, formValues, respondSchema, type DecisionForm } from './decisionForms';

/** A refusal that belongs to a field of the form, and which field. */
const refusalField: Partial<Record<Refusal, string>> = {
  unknown_case: 'accept-case_number',
  unknown_assignee: 'accept-assignee',
  unknown_partner: 'redirect-partner',
  unknown_duplicate: 'duplicate-reference',
  duplicate_of_itself: 'duplicate-reference',
};

interface Problem {
  status: number;
  form: string;
  values: Record<string, string>;
  errors: FormError[];
  /** The message field a saved reply was just put into. */
  insertedInto?: string;
}

export interface StaffReportRouteDeps {
  triageService: TriageService;
  caseService: Pick<CaseService, 'assignableWorkers'>;
  acknowledgementService: Pick<AcknowledgementService, 'recordByStaff'>;
  /** The partners a report can be redirected to. */
  partnerService: Pick<PartnerService, 'listActive'>;
  /** The saved replies the message forms offer to insert. */
  savedReplyService: Pick<SavedReplyService, 'list' | 'findById'>;
  /** The report's attachments, listed with links to /staff/reports/:ref/attachments/:id (attachmentRoutes.ts). */
  attachmentService: Pick<AttachmentService, 'listForReport'>;
  areas: AreaDirectory;
}

/** /staff/reports/:ref — the whole report, its history and messages, and the decision forms. */
export function staffReportRoutes({
  triageService,
  caseService,
  acknowledgementService,
  partnerService,
  savedReplyService,
  attachmentService,
  areas,
}: StaffReportRouteDeps): Router {
  const router = Router();
  const readers = requireRole('triage', 'supervisor', 'caseworker');

  async function render(req: Request, res: Response, problem?: Problem): Promise<void> {
    const page = await triageService.viewReport(req.account as CurrentAccount, String(req.params.ref));
    if (!page) throw new HttpError(404, 'Report not found or not visible');
    const kecamatan = areas.findKecamatan(page.report.kecamatanCode);
    const kelurahan = page.report.kelurahanCode ? areas.findKelurahan(page.report.kecamatanCode, page.report.kelurahanCode) : undefined;
    res.status(problem?.status ?? 200).render('staff/report', {
      ...page,
      kecamatanName: kecamatan?.name ?? page.report.kecamatanCode,
      kelurahanName: kelurahan?.name ?? null,
      partners: page.canAct ? partnerService.listActive() : [],
      workers: page.canAct ? caseService.assignableWorkers() : [],
      savedReplies: page.canAct ? savedReplyService.list() : [],
      insertedInto: problem?.insertedInto ?? null,
      options: { closeReasons, redirectReasons, riskLevels, escalationTargets },
      form: problem?.form ?? null,
      values: problem?.values ?? {},
      errors: problem?.errors ?? [],
      fieldErrors: errorsByField(problem?.errors ?? []),
      attachments: attachmentService.listForReport(page.report.id).map((a) => ({ ...a, size: formatBytes(a.sizeBytes) })),
    });
  }

  /** After an action: back to the report, or the page again with a clear reason. */
  function finish(req: Request, res: Response, outcome: TriageOutcome, form: string, notice: string): Promise<void> | void {
    if (outcome.ok) {
      req.session.notice = notice;
      return res.redirect(303, `/staff/reports/${encodeURIComponent(String(req.params.ref))}`);
    }
    if (outcome.problem === 'not_found') throw new HttpError(404, 'Report not found or not actionable');
    const t = res.locals.t;
    const field = refusalField[outcome.problem];
    const text = t(`triage.refusal.${outcome.problem}`);
    return render(req, res, {
      status: field ? 400 : 409,
      form,
      values: formValues(req.body, form),
      errors: [{ field: field ?? 'form', text, href: field ? `#${field}` : '#decision-forms' }],
    });
  }

  router.get('/staff/reports/:ref', readers, (req, res) => render(req, res));

  /** A form on the report page: parse its fields, show the page again on bad input, else act and finish. */
  function formAction<T>(
    form: string,
    schema: z.ZodType<T>,
    act: (who: CurrentAccount, reference: string, data: T) => TriageOutcome,
    notice: string,
  ): RequestHandler {
    return (req, res) => {
      const values = formValues(req.body, form);
      const parsed = schema.safeParse(values);
      if (!parsed.success) {
        const errors = formErrors(parsed.error.issues, res.locals.t, 'staffForms.errors', issueFields(parsed.error.issues));
        return render(req, res, { status: 400, form, values, errors });
      }
      return finish(req, res, act(req.account as CurrentAccount, String(req.params.ref), parsed.data), form, notice);
    };
  }

  for (const form of Object.keys(decisionSchemas) as DecisionForm[]) {
    const decide = formAction(
      form,
      decisionSchemas[form],
      (who, ref, decision) => triageService.decide(who, ref, decision),
      `triage.done.${form}`,
    );
    router.post(`/staff/reports/:ref/${form}`, readers, decide);
  }
  router.post(
    '/staff/reports/:ref/ask',
    readers,
    formAction('ask', askSchema, (who, ref, d) => triageService.askReporter(who, ref, d['ask-message']), 'triage.done.ask'),
  );
  router.post(
    '/staff/reports/:ref/respond',
    readers,
    formAction(
      'respond',
      respondSchema,
      (who, ref, d) => triageService.respondToDepartment(who, ref, d['respond-response']),
      'referral.triage.responded',
    ),
  );
  router.post(
    '/staff/reports/:ref/escalate',
    readers,
    formAction('escalate', escalateSchema, (who, ref, d) => triageService.escalate(who, ref, d['escalate-to']), 'triage.done.escalate'),
  );

  // The partner's answer to a redirect, given by phone or otherwise (the email's link is /ack/:token).
  router.post('/staff/reports/:ref/acknowledgement', readers, (req, res) => {
    const values = formValues(req.body, 'ack');
    const parsed = parseAcknowledgementForm(values['ack-answer'], values['ack-reason']);
    if (!parsed.ok) {
      const errors = formErrors(
        parsed.issues.map((i) => ({ ...i, path: [`ack-${String(i.path[0])}`] })),
        res.locals.t,
        'ack.errors',
        ['ack-answer', 'ack-reason'],
      );
      return render(req, res, { status: 400, form: 'ack', values, errors });
    }
    const result = acknowledgementService.recordByStaff(
      req.account as CurrentAccount,
      String(req.params.ref),
      parsed.answer,
      parsed.reason,
    );
    if (!result.ok && result.problem === 'not_found') throw new HttpError(404, 'Report not found or not actionable');
    if (result.ok) {
      req.session.notice = 'ack.staff.recorded';
      return res.redirect(303, `/staff/reports/${encodeURIComponent(String(req.params.ref))}`);
    }
    const text =
      result.problem === 'claimed_by_other' ? res.locals.t('triage.refusal.claimed_by_other') : res.locals.t('ack.staff.refusal');
    return render(req, res, { status: 409, form: 'ack', values, errors: [{ field: 'form', text, href: '#ack-title' }] });
  });

  // A saved reply put into the message to the reporter (`ask`) or the response to a department
  // (`respond`) without JavaScript: the form comes back with the reply after what was typed, to edit
  // before sending. Nothing is stored or sent (public/js/savedReplies.js does the same in the page).
  router.post('/staff/reports/:ref/insert-reply', readers, (req, res) => {
    const target = req.body?.insert === 'respond' ? 'respond' : 'ask';
    const field = target === 'ask' ? 'ask-message' : 'respond-response';
    const values = formValues(req.body, target);
    const chosen = values[`${target}-saved_reply`] ?? '';
    const reply = /^\d{1,15}$/.test(chosen) ? savedReplyService.findById(Number(chosen)) : undefined;
    if (!reply) {
      const text = res.locals.t('savedReplies.insert.choose');
      return render(req, res, {
        status: 400,
        form: target,
        values,
        errors: [{ field: `${target}-saved_reply`, text, href: `#${target}-saved_reply` }],
      });
    }
    const language = values[`${target}-saved_reply_lang`];
    values[field] = withSavedReply(values[field] ?? '', savedReplyBody(reply, isLocale(language) ? language : res.locals.locale));
    return render(req, res, { status: 200, form: target, values, errors: [], insertedInto: field });
  });

  router.post('/staff/reports/:ref/claim', readers, (req, res) =>
    finish(req, res, triageService.claim(req.account as CurrentAccount, String(req.params.ref)), 'claim', 'triage.done.claim'),
  );
  router.post('/staff/reports/:ref/release', readers, (req, res) =>
    finish(req, res, triageService.release(req.account as CurrentAccount, String(req.params.ref)), 'claim', 'triage.done.release'),
  );
  router.post('/staff/reports/:ref/reopen', requireRole('supervisor'), (req, res) =>
    finish(req, res, triageService.reopen(req.account as CurrentAccount, String(req.params.ref)), 'reopen', 'triage.done.reopen'),
  );

  return router;
}
