import { Router, type Request, type Response } from 'express';
import type { AreaDirectory } from '../../domain/areas';
import { affectedGroups, categories, contactChannels, reporterRelations, urgencies } from '../../domain/reference';
import { formatReceipt } from '../../domain/receipt';
import { isDatabaseUnavailable } from '../../errors';
import type { ReportService } from '../../services/reportService';
import type { ReceiptHandoff } from '../../services/receiptHandoff';
import type { Csrf } from '../../middleware/setUpCsrf';
import type { FloodLimit } from '../../middleware/rateLimits';
import { errorsByField, formErrors, type FormError } from '../formErrors';
import { NARRATIVE_MAX, parseReportForm, reportFieldAnchors, reportFieldOrder, reportFormValues, type ReportFormValues } from './reportForm';

export const REPORT_PATH = '/report';
const RECEIPT_PATH = `${REPORT_PATH}/receipt`;
/** The key to the sealed receipt in the session row; sent only to the receipt page. */
const RECEIPT_KEY_COOKIE = 'lentera.receipt';

interface Deps {
  reportService: ReportService;
  receiptHandoff: ReceiptHandoff;
  areas: AreaDirectory;
  csrf: Csrf;
  /** Accepted reports per client, and a flood rule that still takes each client's first report. */
  flood: FloodLimit;
  secureCookies: boolean;
}

const options = { categories, affectedGroups, urgencies, reporterRelations, contactChannels, narrativeMax: NARRATIVE_MAX };

export function reportRoutes({ reportService, receiptHandoff, areas, csrf, flood, secureCookies }: Deps): Router {
  const router = Router();
  const receiptKeyCookie = { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: RECEIPT_PATH } as const;

  function renderForm(res: Response, values: ReportFormValues, errors: FormError[], status = errors.length > 0 ? 400 : 200): void {
    res.status(status).render('public/report', {
      values,
      errors,
      fieldErrors: errorsByField(errors),
      kecamatan: areas.kecamatan,
      options,
    });
  }

  router.get(REPORT_PATH, (_req, res) => renderForm(res, reportFormValues(), []));

  router.post(REPORT_PATH, flood.check, (req: Request, res: Response) => {
    const values = reportFormValues(req.body);
    const t = res.locals.t;
    // The form may have been open longer than the session lives: keep everything and ask to send again.
    if (!csrf.isTokenValid(req)) {
      return renderForm(res, values, [{ field: 'form', text: t('report.errors.expired'), href: '#category' }]);
    }
    const parsed = parseReportForm(values, areas, req.locale);
    if (!parsed.ok) {
      return renderForm(res, values, formErrors(parsed.issues, t, 'report.errors', reportFieldOrder, reportFieldAnchors));
    }
    let receipt: string;
    try {
      ({ receipt } = reportService.submitPublicReport(parsed.input));
    } catch (err) {
      // Nothing was saved (read-only, full or damaged database): keep everything typed and say so.
      if (!isDatabaseUnavailable(err)) throw err;
      return renderForm(res, values, [{ field: 'form', text: t('report.errors.unavailable'), href: '#category' }], 503);
    }
    // Only accepted reports count: a form sent back with errors costs the person nothing.
    flood.record(req, 'success');
    // The session row (ciphertext) is committed before the redirect leaves; the key stays in the browser.
    const { sealed, key } = receiptHandoff.seal({ receipt, urgency: parsed.input.urgency });
    req.session.pendingReceipt = sealed;
    res.cookie(RECEIPT_KEY_COOKIE, key, receiptKeyCookie);
    res.redirect(303, RECEIPT_PATH);
  });

  // Shown once: both halves are discarded as the page is shown.
  router.get(RECEIPT_PATH, (req, res) => {
    const sealed = req.session?.pendingReceipt;
    if (sealed !== undefined) delete req.session.pendingReceipt;
    const pending = receiptHandoff.open(sealed, req.cookies?.[RECEIPT_KEY_COOKIE]);
    res.clearCookie(RECEIPT_KEY_COOKIE, receiptKeyCookie);
    if (!pending) return res.render('public/receiptGone');
    res.render('public/receipt', { receipt: formatReceipt(pending.receipt), urgency: pending.urgency });
  });

  return router;
}
