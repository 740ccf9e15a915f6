import crypto from 'node:crypto';
import type { GroupCommit, Transactor } from '../data/transaction';
import type { NewReport, ReportRepository } from '../data/reportRepository';
import type { ReportTimelineRepository } from '../data/reportTimelineRepository';
import type { RedirectRepository } from '../data/redirectRepository';
import type { KeyedHasher } from '../data/fieldCipher';
import { RECEIPT_DIGITS, normalizeReceipt } from '../domain/receipt';
import type { Intake } from './intake';
import { statusAfterReporterMessage } from '../domain/reportStatus';
import type { AcknowledgementStatus } from '../domain/acknowledgements';
import type { Message, ReportForReporter, TimelineEvent } from '../domain/reports';
import { done, refuse, type Outcome } from '../domain/outcome';
import type { AttachmentRepository } from '../data/attachmentRepository';
import type { PreparedAttachment } from '../domain/attachments';

/** A resident's report as the form collected it, already validated: what the report row stores of it. */
export type PublicReportInput = Pick<
  NewReport,
  | 'category'
  | 'affectedGroups'
  | 'kecamatanCode'
  | 'kelurahanCode'
  | 'locationDetail'
  | 'narrative'
  | 'urgency'
  | 'reporterRelation'
  | 'contact'
  | 'language'
>;

/** Where a redirected report went, in the words staff wrote for the reporter. */
export interface RedirectForReporter {
  partnerName: string;
  partnerPhone: string;
  partnerEmail: string;
  partnerAddress: string;
  explanation: string;
  /** The partner's answer so far, told to the reporter in plain words. */
  acknowledgementStatus: AcknowledgementStatus;
}

export interface ReporterStatusView {
  report: ReportForReporter;
  events: TimelineEvent[];
  messages: Message[];
  redirect: RedirectForReporter | null;
  /** Whether she left a way to contact her (so the page can say who will): never the details. */
  leftContact: boolean;
  /** The files she sent (with the report or a message): names and times, never the content. */
  attachments: { name: string; at: Date }[];
}

export interface ReportServiceDeps {
  transaction: Transactor;
  groupCommit: GroupCommit;
  reports: ReportRepository;
  intake: Intake;
  timeline: ReportTimelineRepository;
  redirects: RedirectRepository;
  receiptHasher: KeyedHasher;
  /** Files that come with a report or a message (prepared by attachmentService), stored in the same transaction. */
  attachments: Pick<AttachmentRepository, 'addAll' | 'listForReport'>;
  now: () => Date;
}

/** A new receipt: RECEIPT_DIGITS random digits (CSPRNG). Also drawn for reports recorded at the office (staffIntakeService). */
export function newReceipt(): string {
  let digits = '';
  for (let i = 0; i < RECEIPT_DIGITS; i += 1) digits += crypto.randomInt(10).toString();
  return digits;
}

/** Two equal receipts (the receipt_hash UNIQUE constraint): all but impossible, answered by drawing again. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function createReportService(deps: ReportServiceDeps) {
  const { transaction, groupCommit, intake, reports, timeline, redirects, receiptHasher, attachments, now } = deps;

  /** What filing a public report writes, in whichever transaction runs it; `keepReceipt` writes alongside. */
  function filing(
    input: PublicReportInput,
    receipt: string,
    keepReceipt?: (receipt: string) => void,
    files: readonly PreparedAttachment[] = [],
  ): () => string {
    const filedAt = now();
    return () => {
      const { id, reference } = intake.file(
        { ...input, receiptHash: receiptHasher.hash(receipt), departmentId: null, source: 'public' },
        filedAt,
      );
      attachments.addAll(id, files, { source: 'reporter' }, filedAt);
      keepReceipt?.(receipt);
      return reference;
    };
  }

  return {
    /**
     * Stores a resident's report and returns its receipt. The transaction has committed (with
     * synchronous=FULL) before this returns, so a receipt is never shown for a report not on disk.
     */
    submitPublicReport(input: PublicReportInput): { reference: string; receipt: string } {
      for (let attempt = 0; ; attempt += 1) {
        const receipt = newReceipt();
        try {
          return { reference: transaction(filing(input, receipt)), receipt };
        } catch (err) {
          // Two equal receipts out of 10^16 are all but impossible; draw again rather than fail.
          if (!isUniqueViolation(err) || attempt >= 2) throw err;
        }
      }
    },

    /**
     * The web form's way to file: as submitPublicReport, but committed together with the other
     * reports (and page views) of the same moment, one fsync for all (data/transaction.ts, group
     * commit); it resolves once committed. `keepReceipt` runs inside that transaction with the new
     * receipt: what it writes on the same database commits with the report or not at all (the form
     * keeps the sealed receipt in the visitor's session row this way, instead of a second commit).
     */
    async filePublicReport(
      input: PublicReportInput,
      keepReceipt?: (receipt: string) => void,
      files: readonly PreparedAttachment[] = [],
    ): Promise<{ reference: string; receipt: string }> {
      for (let attempt = 0; ; attempt += 1) {
        const receipt = newReceipt();
        try {
          return { reference: await groupCommit(filing(input, receipt, keepReceipt, files)), receipt };
        } catch (err) {
          if (!isUniqueViolation(err) || attempt >= 2) throw err;
        }
      }
    },

    /** The report a receipt opens, or undefined; unknown, malformed and purged receipts look the same. */
    findReportByReceipt(input: string): number | undefined {
      const digits = normalizeReceipt(input);
      if (digits === null) return undefined;
      return reports.findIdByReceiptHash(receiptHasher.hash(digits));
    },

    /** False once retention has purged the report a receipt session opened. */
    reportExists(reportId: number): boolean {
      return reports.findForReporter(reportId) !== undefined;
    },

    statusForReporter(reportId: number): ReporterStatusView | undefined {
      const report = reports.findForReporter(reportId);
      if (!report) return undefined;
      const redirect = report.status === 'redirected' ? redirects.latestForReport(reportId) : undefined;
      return {
        report,
        events: timeline.events(reportId),
        messages: timeline.messages(reportId),
        redirect: redirect
          ? {
              partnerName: redirect.partnerName,
              partnerPhone: redirect.partnerPhone,
              partnerEmail: redirect.partnerEmail,
              partnerAddress: redirect.partnerAddress,
              explanation: redirect.reporterExplanation,
              acknowledgementStatus: redirect.acknowledgementStatus,
            }
          : null,
        leftContact: reports.leftContact(reportId),
        attachments: attachments
          .listForReport(reportId)
          .filter((a) => a.source === 'reporter')
          .map((a) => ({ name: a.name, at: a.at })),
      };
    },

    /** More information from the reporter (with any files she attached); a report that was waiting on them goes back to review. `not_found` once purged. */
    addReporterMessage(reportId: number, body: string, files: readonly PreparedAttachment[] = []): Outcome<object, 'not_found'> {
      const at = now();
      return transaction(() => {
        const report = reports.findForReporter(reportId);
        if (!report) return refuse('not_found');
        const messageId = timeline.addMessage(reportId, 'reporter', body, at);
        attachments.addAll(reportId, files, { source: 'reporter', messageId }, at);
        timeline.addEvent(reportId, 'reporter_message', null, at);
        const next = statusAfterReporterMessage(report.status);
        if (next !== report.status) {
          reports.updateStatus(reportId, next, at);
          timeline.addEvent(reportId, 'status_changed', next, at);
        }
        return done();
      });
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
