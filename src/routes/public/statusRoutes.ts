import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { FloodLimit } from '../../middleware/rateLimits';
import { z } from 'zod';
import { isOpen } from '../../domain/reportStatus';
import type { ReportService } from '../../services/reportService';
import { endSession, openReceiptSession, receiptSessionReport } from '../../middleware/receiptSession';
import { errorsByField, formErrors, textValue, type FormError } from '../formErrors';
import { multilineText } from '../textFields';
import { HttpError } from '../../errors';

export const MESSAGE_MAX = 4000;

interface Deps {
  reportService: ReportService;
  now: () => Date;
  /** Receipt checks per client, right or wrong; during a flood of wrong ones, the guessers are cut short. */
  receiptFlood: FloodLimit;
  messageLimit: RequestHandler;
}

const messageSchema = z.object({
  message: multilineText().trim().min(1, 'message_empty').max(MESSAGE_MAX, 'message_long'),
});

export function statusRoutes({ reportService, now, receiptFlood, messageLimit }: Deps): Router {
  const router = Router();

  function renderCheck(res: Response, receipt: string, errors: FormError[]): void {
    res.status(errors.length > 0 ? 400 : 200).render('public/statusCheck', { values: { receipt }, errors, fieldErrors: errorsByField(errors) });
  }

  function renderStatus(res: Response, reportId: number, message: string, errors: FormError[]): void {
    const view = reportService.statusForReporter(reportId);
    if (!view) throw new HttpError(404, 'Report behind a receipt session is gone');
    res.status(errors.length > 0 ? 400 : 200).render('public/status', {
      report: view.report,
      events: view.events,
      messages: view.messages,
      redirect: view.redirect,
      nextUpdateDue: isOpen(view.report.status) && view.report.status !== 'awaiting_info' ? view.report.slaDueAt : null,
      values: { message },
      errors,
      fieldErrors: errorsByField(errors),
      messageMax: MESSAGE_MAX,
    });
  }

  /** The report this receipt session opened, if the session is still valid and the report still exists (not purged). */
  function openReport(req: Request): number | null {
    const reportId = receiptSessionReport(req, now().getTime());
    if (reportId !== null && !reportService.reportExists(reportId)) {
      delete req.session.receiptReportId;
      return null;
    }
    return reportId;
  }

  router.get('/status', (req, res) => {
    const reportId = openReport(req);
    if (reportId === null) return renderCheck(res, '', []);
    renderStatus(res, reportId, '', []);
  });

  router.post('/status', receiptFlood.check, async (req, res) => {
    const receipt = textValue(req.body.receipt);
    const reportId = reportService.findReportByReceipt(receipt);
    receiptFlood.record(req, reportId === null ? 'failure' : 'success');
    if (reportId === null) {
      // One answer for malformed, unknown and purged receipts alike.
      return renderCheck(res, receipt, [{ field: 'receipt', text: res.locals.t('status.errors.receipt'), href: '#receipt' }]);
    }
    await openReceiptSession(req, reportId, now().getTime());
    res.redirect(303, '/status');
  });

  router.post(
    '/status/messages',
    (req, _res, next) => (openReport(req) === null ? next(new HttpError(403, 'No receipt session')) : next()),
    messageLimit,
    (req, res) => {
      const reportId = openReport(req) as number;
      const parsed = messageSchema.safeParse({ message: textValue(req.body.message) });
      if (!parsed.success) {
        const errors = formErrors(parsed.error.issues, res.locals.t, 'status.errors', ['message']);
        return renderStatus(res, reportId, textValue(req.body.message), errors);
      }
      reportService.addReporterMessage(reportId, parsed.data.message);
      req.session.notice = 'status.messageSent';
      res.redirect(303, '/status#messages');
    },
  );

  router.post('/status/end', async (req, res) => {
    await endSession(req);
    res.redirect(303, '/');
  });

  return router;
}
