import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AreaDirectory } from '../../domain/areas';
import { affectedGroups, categories, contactChannels, reporterRelations, urgencies } from '../../domain/reference';
import { formatReceipt } from '../../domain/receipt';
import type { ReportService } from '../../services/reportService';
import type { ReceiptHandoff } from '../../services/receiptHandoff';
import type { Csrf } from '../../middleware/setUpCsrf';
import { errorsByField, formErrors, type FormError } from '../formErrors';
import { NARRATIVE_MAX, parseReportForm, reportFieldAnchors, reportFieldOrder, reportFormValues, type ReportFormValues } from './reportForm';

export const REPORT_PATH = '/report';

interface Deps {
  reportService: ReportService;
  receiptHandoff: ReceiptHandoff;
  areas: AreaDirectory;
  csrf: Csrf;
  limits: RequestHandler[];
}

const options = { categories, affectedGroups, urgencies, reporterRelations, contactChannels, narrativeMax: NARRATIVE_MAX };

export function reportRoutes({ reportService, receiptHandoff, areas, csrf, limits }: Deps): Router {
  const router = Router();

  function renderForm(res: Response, values: ReportFormValues, errors: FormError[]): void {
    res.status(errors.length > 0 ? 400 : 200).render('public/report', {
      values,
      errors,
      fieldErrors: errorsByField(errors),
      kecamatan: areas.kecamatan,
      options,
    });
  }

  router.get(REPORT_PATH, (_req, res) => renderForm(res, reportFormValues(), []));

  router.post(REPORT_PATH, ...limits, (req: Request, res: Response) => {
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
    const { receipt } = reportService.submitPublicReport(parsed.input);
    req.session.pendingReceiptToken = receiptHandoff.put({ receipt, urgency: parsed.input.urgency });
    res.redirect(303, `${REPORT_PATH}/receipt`);
  });

  // Shown once: the token is taken from the session and the receipt from memory, then both are gone.
  router.get(`${REPORT_PATH}/receipt`, (req, res) => {
    const token = req.session?.pendingReceiptToken;
    if (token) delete req.session.pendingReceiptToken;
    const pending = token ? receiptHandoff.take(token) : null;
    if (!pending) return res.render('public/receiptGone');
    res.render('public/receipt', { receipt: formatReceipt(pending.receipt), urgency: pending.urgency });
  });

  return router;
}
