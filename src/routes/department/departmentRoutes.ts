import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AreaDirectory } from '../../domain/areas';
import { affectedGroups, categories, urgencies } from '../../domain/reference';
import { consentMethods, noConsentGrounds, sexes } from '../../domain/referrals';
import { jakartaDate } from '../../domain/sla';
import { MESSAGE_MAX, REFERRAL_PAGE_SIZE } from '../../domain/limits';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError, PermissionDeniedError } from '../../errors';
import type { ReferralService, ReferralSubmitter } from '../../services/referralService';
import type { AttachmentService } from '../../services/attachmentService';
import { attachmentFieldView, formAttachments } from '../attachmentFields';
import { errorsByField, formErrors, textValue, type FormError } from '../formErrors';
import { multilineText } from '../../validation/textFields';
import { onLanguageSwitch } from '../languageSwitch';
import { parseReferralForm, referralFieldAnchors, referralFieldOrder, referralFormValues, type ReferralFormValues } from './referralForm';

export const messageSchema = z.object({ message: multilineText().trim().min(1, 'message_empty').max(MESSAGE_MAX, 'message_long') });
const listQuery = z.object({ before: z.coerce.number().int().positive().optional().catch(undefined) });

/** The officer's department; an officer account without one cannot act for any department. */
function submitterOf(req: Request): ReferralSubmitter {
  const account = req.account;
  if (!account || account.departmentId === null) throw new PermissionDeniedError('Department officer without a department');
  return { via: 'form', accountId: account.id, departmentId: account.departmentId };
}

export interface DepartmentRouteDeps {
  referralService: ReferralService;
  /** Letters and photos sent with a referral: checked, cleaned, stored with it. */
  attachmentService: Pick<AttachmentService, 'prepare' | 'limits'>;
  areas: AreaDirectory;
  now: () => Date;
}

/** /department — a department officer refers clients and follows what became of each referral. */
export function departmentRoutes({ referralService, attachmentService, areas, now }: DepartmentRouteDeps): Router {
  const router = Router();
  const officers = requireRole('department');

  const options = { categories, affectedGroups, urgencies, sexes, consentMethods, noConsentGrounds };

  function renderForm(req: Request, res: Response, values: ReferralFormValues, errors: FormError[]): void {
    res.status(errors.length > 0 ? 400 : 200).render('department/form', {
      values,
      errors,
      fieldErrors: errorsByField(errors),
      kecamatan: areas.kecamatan,
      options,
      departmentName: referralService.departmentName(submitterOf(req).departmentId),
      ...attachmentFieldView(attachmentService.limits, req),
    });
  }

  function renderDetail(req: Request, res: Response, message: string, errors: FormError[]): void {
    const page = referralService.open(submitterOf(req), String(req.params.ref));
    if (!page) throw new HttpError(404, 'Referral not found for this department');
    res.status(errors.length > 0 ? 400 : 200).render('department/detail', {
      ...page,
      values: { message },
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  router.get('/department', officers, (req, res) => {
    const submitter = submitterOf(req);
    const q = listQuery.parse(req.query);
    const page = referralService.list(submitter.departmentId, q.before ?? null, REFERRAL_PAGE_SIZE);
    res.render('department/list', {
      rows: page.rows,
      departmentName: referralService.departmentName(submitter.departmentId),
      nextHref: page.nextBefore ? `/department?before=${page.nextBefore}` : null,
    });
  });

  router.get('/department/referrals/new', officers, (req, res) => renderForm(req, res, referralFormValues(), []));

  router.post(
    '/department/referrals/new',
    officers,
    onLanguageSwitch((req, res) => renderForm(req, res, referralFormValues(req.body), [])),
    async (req, res) => {
      const values = referralFormValues(req.body);
      const t = res.locals.t;
      const parsed = parseReferralForm(values, areas, jakartaDate(now()));
      const files = await formAttachments(attachmentService, req, t);
      if (!parsed.ok || !files.prepared.ok) {
        const errors = parsed.ok ? [] : formErrors(parsed.issues, t, 'referral.errors', referralFieldOrder, referralFieldAnchors);
        return renderForm(req, res, values, files.error ? [...errors, files.error] : errors);
      }
      const outcome = referralService.submit(submitterOf(req), parsed.input, req.locale, files.prepared.files);
      if (!outcome.ok) {
        const field = {
          duplicate_reference: 'department_reference',
          child_ground_without_child: 'no_consent_ground',
          department_inactive: 'department_reference',
        }[outcome.problem];
        return renderForm(req, res, values, [
          { field, text: t(`referral.errors.${outcome.problem}`), href: `#${referralFieldAnchors[field] ?? field}` },
        ]);
      }
      req.session.notice = 'referral.detail.sentNotice';
      res.redirect(303, `/department/referrals/${outcome.reference}`);
    },
  );

  router.get('/department/referrals/:ref', officers, (req, res) => renderDetail(req, res, '', []));

  router.post('/department/referrals/:ref/messages', officers, (req, res) => {
    const message = textValue(req.body.message);
    const parsed = messageSchema.safeParse({ message });
    if (!parsed.success) {
      return renderDetail(req, res, message, formErrors(parsed.error.issues, res.locals.t, 'referral.errors', ['message']));
    }
    if (!referralService.addMessage(submitterOf(req), String(req.params.ref), parsed.data.message).ok) {
      throw new HttpError(404, 'Referral not found for this department');
    }
    req.session.notice = 'referral.detail.messageSent';
    res.redirect(303, `/department/referrals/${String(req.params.ref)}#messages`);
  });

  return router;
}
