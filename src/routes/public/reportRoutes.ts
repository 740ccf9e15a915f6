import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { AreaDirectory } from '../../domain/areas';
import { affectedGroups, categories, contactChannels, reporterRelations, urgencies } from '../../domain/reference';
import { isDatabaseUnavailable } from '../../errors';
import type { ReportService } from '../../services/reportService';
import type { ReceiptHandoff } from '../../services/receiptHandoff';
import type { AttachmentService } from '../../services/attachmentService';
import { attachmentFieldView, formAttachments } from '../attachmentFields';
import type { Csrf } from '../../middleware/setUpCsrf';
import { saveSessionNow } from '../../middleware/setUpSession';
import type { FloodLimit } from '../../middleware/rateLimits';
import { errorsByField, formErrors, type FormError } from '../formErrors';
import { onLanguageSwitch } from '../languageSwitch';
import { tryAgainAt } from './tryAgain';
import { RECEIPT_KEY_COOKIE, RECEIPT_PATH, receiptKeyCookieOptions } from './receiptRoutes';
import { parseReportForm, reportFieldAnchors, reportFieldOrder, reportFormValues, type ReportFormValues } from './reportForm';

export const REPORT_PATH = '/report';

interface Deps {
  reportService: ReportService;
  receiptHandoff: ReceiptHandoff;
  /** Checks and cleans the files sent with a report (stored with it, in its transaction). */
  attachmentService: Pick<AttachmentService, 'prepare' | 'limits'>;
  areas: AreaDirectory;
  csrf: Csrf;
  /** Accepted reports per client, and a flood rule that still takes each client's first report. */
  flood: FloodLimit;
  secureCookies: boolean;
  now: () => Date;
}

const options = { categories, affectedGroups, urgencies, reporterRelations, contactChannels };

export function reportRoutes({ reportService, receiptHandoff, attachmentService, areas, csrf, flood, secureCookies, now }: Deps): Router {
  const router = Router();
  const receiptKeyCookie = receiptKeyCookieOptions(secureCookies);

  /** `limited`: turned away by the rate limit, with when to send again. */
  function renderForm(
    req: Request,
    res: Response,
    values: ReportFormValues,
    errors: FormError[],
    status = errors.length > 0 ? 400 : 200,
    limited: { time: string; wait: string } | null = null,
  ): void {
    res.status(status).render('public/report', formView(req, values, errors, limited));
  }

  function formView(req: Request, values: ReportFormValues, errors: FormError[], limited: { time: string; wait: string } | null = null) {
    return {
      values,
      errors,
      fieldErrors: errorsByField(errors),
      kecamatan: areas.kecamatan,
      options,
      limited,
      ...attachmentFieldView(attachmentService.limits, req),
    };
  }

  /** Errors about the whole form link to its first field. */
  const formTop = `#${reportFieldAnchors.category}`;

  /**
   * The blank form, as most residents first see it, is the same page for everyone in a language but
   * for its CSRF token (the hotlines and the office's contact come from the configuration): it is
   * rendered once per language with a stand-in for the token and kept, and each visitor gets the
   * copy with her own token put in (it was two fifths of the server's time per report filed). Only
   * for the plain address, and not for a page with a notice or a signed-in staff member, which
   * differ; those are rendered as any page is.
   */
  const blankForms = new Map<string, string>();
  const tokenStandIn = `csrf-${crypto.randomBytes(16).toString('hex')}`;

  router.get(REPORT_PATH, (req, res, next) => {
    const kept = req.originalUrl === REPORT_PATH && !req.account && !res.locals.notice;
    if (!kept) return renderForm(req, res, reportFormValues(), []);
    const send = (page: string) => {
      const token = csrf.tokenFor(req, res);
      // Put in as EJS would have escaped it: the token has nothing to escape (hex digits and a separator).
      if (/[&<>"']/.test(token)) return renderForm(req, res, reportFormValues(), []);
      res.type('html').send(page.replaceAll(tokenStandIn, token));
    };
    const page = blankForms.get(req.locale);
    if (page !== undefined) return send(page);
    res.render('public/report', { ...formView(req, reportFormValues(), []), csrfToken: () => tokenStandIn }, (err: Error | null, html?: string) => {
      if (err || html === undefined) return next(err);
      blankForms.set(req.locale, html);
      send(html);
    });
  });

  // The language switch of this page posts the form: the same form, in the other language, with
  // everything typed; nothing is checked, stored or counted against the limit.
  router.post(
    REPORT_PATH,
    onLanguageSwitch((req, res) => renderForm(req, res, reportFormValues(req.body), [])),
  );

  // Turned away by the limit: the form again with everything typed, when to try again, and the hotlines first.
  const refused = flood.checkOr((req, res, retryAfterSeconds) => {
    renderForm(req, res, reportFormValues(req.body), [], 429, tryAgainAt(res, now(), retryAfterSeconds));
  });

  router.post(REPORT_PATH, refused, async (req: Request, res: Response) => {
    const values = reportFormValues(req.body);
    const t = res.locals.t;
    // The form may have been open longer than the session lives: keep everything and ask to send again.
    if (!csrf.isTokenValid(req)) {
      return renderForm(req, res, values, [{ field: 'form', text: t('report.errors.expired'), href: formTop }]);
    }
    const parsed = parseReportForm(values, areas, req.locale);
    // Files are checked even when a field is wrong, so that every error shows at once.
    const files = await formAttachments(attachmentService, req, t);
    if (!parsed.ok || !files.prepared.ok) {
      const errors = parsed.ok ? [] : formErrors(parsed.issues, t, 'report.errors', reportFieldOrder, reportFieldAnchors);
      return renderForm(req, res, values, files.error ? [...errors, files.error] : errors);
    }
    const attachments = files.prepared.files;
    let key = '';
    try {
      // The session row (ciphertext) is written in the report's own transaction: both are committed
      // before the redirect leaves, in one fsync, or neither is. The key stays in the browser.
      await reportService.filePublicReport(
        parsed.input,
        (receipt) => {
          const sealed = receiptHandoff.seal({ receipt, urgency: parsed.input.urgency });
          req.session.pendingReceipt = sealed.sealed;
          saveSessionNow(req);
          key = sealed.key;
        },
        attachments,
      );
    } catch (err) {
      // Nothing was saved (read-only, full or damaged database): keep everything typed and say so.
      if (!isDatabaseUnavailable(err)) throw err;
      delete req.session.pendingReceipt;
      return renderForm(req, res, values, [{ field: 'form', text: t('report.errors.unavailable'), href: formTop }], 503);
    }
    // Only accepted reports count: a form sent back with errors costs the person nothing.
    await flood.record(req, 'success');
    res.cookie(RECEIPT_KEY_COOKIE, key, receiptKeyCookie);
    res.redirect(303, RECEIPT_PATH);
  });
  // The receipt pages that follow are in receiptRoutes.ts.

  return router;
}
