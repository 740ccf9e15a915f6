import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { FloodLimit, RefusalAnswer } from '../../middleware/rateLimits';
import { z } from 'zod';
import { isOpen } from '../../domain/reportStatus';
import type { ReportService } from '../../services/reportService';
import { endSession, openReceiptSession, receiptSessionReport } from '../../middleware/receiptSession';
import { errorsByField, formErrors, textValue, type FormError } from '../formErrors';
import { multilineText } from '../../validation/textFields';
import { HttpError } from '../../errors';
import { jakartaDate } from '../../domain/sla';
import { MESSAGE_MAX } from '../../domain/limits';
import { onLanguageSwitch } from '../languageSwitch';
import { tryAgainAt } from './tryAgain';
import type { AttachmentService } from '../../services/attachmentService';
import { attachmentFieldView, formAttachments } from '../attachmentFields';

interface Deps {
  reportService: ReportService;
  /** Files she attaches to a message: checked and cleaned, then stored with the message. */
  attachmentService: Pick<AttachmentService, 'prepare' | 'limits'>;
  now: () => Date;
  /** Receipt checks per client, right or wrong; during a flood of wrong ones, the guessers are cut short. */
  receiptFlood: FloodLimit;
  /** Reporter messages per report; a refusal is answered by the given function (the page again, the message kept). */
  messageLimit: (answer: RefusalAnswer) => RequestHandler;
}

/** Retention purged the report a receipt session opened. */
const reportGone = () => new HttpError(404, 'Report behind a receipt session is gone');

export const messageSchema = z.object({
  message: multilineText().trim().min(1, 'message_empty').max(MESSAGE_MAX, 'message_long'),
});

export function statusRoutes({ reportService, attachmentService, now, receiptFlood, messageLimit }: Deps): Router {
  const router = Router();

  /** `summaryTitle`: the error summary's heading when there is nothing to correct (a rate limit). */
  function renderCheck(
    res: Response,
    receipt: string,
    errors: FormError[],
    status = errors.length > 0 ? 400 : 200,
    summaryTitle?: string,
  ): void {
    res.status(status).render('public/statusCheck', { values: { receipt }, errors, fieldErrors: errorsByField(errors), summaryTitle });
  }

  function renderStatus(
    req: Request,
    res: Response,
    reportId: number,
    message: string,
    errors: FormError[],
    status = errors.length > 0 ? 400 : 200,
    summaryTitle?: string,
  ): void {
    const view = reportService.statusForReporter(reportId);
    if (!view) throw reportGone();
    const { report, messages } = view;
    const nextUpdateDue = isOpen(report.status) && report.status !== 'awaiting_info' ? report.slaDueAt : null;
    res.status(status).render('public/status', {
      report,
      events: view.events,
      messages,
      redirect: view.redirect,
      leftContact: view.leftContact,
      sentFiles: view.attachments,
      // Staff are waiting on her: their latest question goes to the top, with the reply form under it.
      question: report.status === 'awaiting_info' ? (messages.filter((m) => m.author === 'staff').at(-1) ?? null) : null,
      nextUpdateDue,
      // An update due today (an urgent report) says the time; a later one, the day.
      nextUpdateToday: nextUpdateDue !== null && jakartaDate(nextUpdateDue) === jakartaDate(now()),
      values: { message },
      errors,
      fieldErrors: errorsByField(errors),
      summaryTitle,
      ...attachmentFieldView(attachmentService.limits, req),
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
    renderStatus(req, res, reportId, '', []);
  });

  router.post(
    '/status',
    onLanguageSwitch((req, res) => renderCheck(res, textValue(req.body.receipt), [])),
  );

  // Turned away by the limit: the receipt as typed, and when to try again.
  const checkRefused = receiptFlood.checkOr((req, res, retryAfterSeconds) => {
    const text = res.locals.t('status.errors.rateLimited', tryAgainAt(res, now(), retryAfterSeconds));
    renderCheck(res, textValue(req.body.receipt), [{ field: 'receipt', text, href: '#receipt' }], 429, res.locals.t('status.limitedTitle'));
  });

  router.post('/status', checkRefused, async (req, res) => {
    const receipt = textValue(req.body.receipt);
    const reportId = reportService.findReportByReceipt(receipt);
    await receiptFlood.record(req, reportId === undefined ? 'failure' : 'success');
    if (reportId === undefined) {
      // One answer for malformed, unknown and purged receipts alike.
      return renderCheck(res, receipt, [{ field: 'receipt', text: res.locals.t('status.errors.receipt'), href: '#receipt' }]);
    }
    await openReceiptSession(req, reportId, now().getTime());
    res.redirect(303, '/status');
  });

  router.post(
    '/status/messages',
    (req, _res, next) => (openReport(req) === null ? next(new HttpError(403, 'No receipt session')) : next()),
    onLanguageSwitch((req, res) => renderStatus(req, res, openReport(req) as number, textValue(req.body.message), [])),
    messageLimit((req, res, retryAfterSeconds) => {
      const text = res.locals.t('status.errors.messageRateLimited', tryAgainAt(res, now(), retryAfterSeconds));
      renderStatus(
        req,
        res,
        openReport(req) as number,
        textValue(req.body.message),
        [{ field: 'message', text, href: '#message' }],
        429,
        res.locals.t('status.messageLimitedTitle'),
      );
    }),
    async (req, res) => {
      const reportId = openReport(req) as number;
      const parsed = messageSchema.safeParse({ message: textValue(req.body.message) });
      const files = await formAttachments(attachmentService, req, res.locals.t);
      if (!parsed.success || !files.prepared.ok) {
        const errors = parsed.success ? [] : formErrors(parsed.error.issues, res.locals.t, 'status.errors', ['message']);
        return renderStatus(req, res, reportId, textValue(req.body.message), files.error ? [...errors, files.error] : errors);
      }
      if (!reportService.addReporterMessage(reportId, parsed.data.message, files.prepared.files).ok) throw reportGone();
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
