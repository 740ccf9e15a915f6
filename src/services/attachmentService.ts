import type { AttachmentRepository } from '../data/attachmentRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { ReportRepository } from '../data/reportRepository';
import type { GroupCommit } from '../data/transaction';
import { canViewReport } from '../domain/access';
import {
  checkUploadLimits,
  displayName,
  type AttachmentFile,
  type AttachmentLimits,
  type AttachmentProblem,
  type AttachmentSummary,
  type PreparedAttachment,
  type UploadedFiles,
} from '../domain/attachments';
import { done, refuse, type Done, type Refused } from '../domain/outcome';
import type { CurrentAccount } from '../domain/roles';
import { sanitiseAttachment } from '../security/attachmentSanitiser';

export interface AttachmentServiceDeps {
  attachments: AttachmentRepository;
  reports: Pick<ReportRepository, 'findForStaff'>;
  audit: Pick<AuditRepository, 'append'>;
  groupCommit: GroupCommit;
  limits: AttachmentLimits;
  now: () => Date;
}

/** Files ready to store, or why not and which file (1-based, in the order sent; 0 for the whole set). */
export type PreparedFiles = Done<{ files: PreparedAttachment[] }> | Refused<AttachmentProblem, { position: number }>;

/**
 * Attachments, from any channel. `prepare` checks and cleans what a form or an API call delivered,
 * before the transaction that stores it (cleaning is asynchronous; nothing inside a transaction is
 * awaited): the services that store reports and messages take the prepared files and write them
 * in their own transaction. `open` serves one to staff who may open its report, audited.
 */
export function createAttachmentService({ attachments, reports, audit, groupCommit, limits, now }: AttachmentServiceDeps) {
  return {
    limits,

    /**
     * Every file recognised by its bytes and cleaned (security/attachmentSanitiser.ts), or the
     * first refusal: too many, too large, not an accepted type, unreadable, a locked PDF.
     */
    async prepare(uploads: UploadedFiles): Promise<PreparedFiles> {
      const early = uploads.problem ?? checkUploadLimits(uploads.files, limits);
      if (early) return refuse(early, { position: 0 });
      const files: PreparedAttachment[] = [];
      for (const [index, upload] of uploads.files.entries()) {
        const cleaned = await sanitiseAttachment(upload.bytes);
        if (!cleaned.ok) return refuse(cleaned.problem, { position: index + 1 });
        files.push({
          name: displayName(upload.originalName, cleaned.mediaType, index + 1),
          mediaType: cleaned.mediaType,
          bytes: cleaned.bytes,
        });
      }
      return done({ files });
    },

    /** A report's attachments (no content), for a page that has already checked who may see the report. */
    listForReport(reportId: number): AttachmentSummary[] {
      return attachments.listForReport(reportId);
    },

    /**
     * One attachment, for staff who may open its report (the report page's rule, domain/access.ts);
     * the view is on the audit log (who, which report, which file) before the content is returned.
     * Undefined for a report or a file this person may not see, or that does not exist: the same 404.
     */
    async open(who: CurrentAccount, reference: string, attachmentId: number): Promise<AttachmentFile | undefined> {
      const report = reports.findForStaff(reference);
      if (!report || !canViewReport(who, report)) return undefined;
      if (!attachments.has(report.id, attachmentId)) return undefined;
      await groupCommit(() =>
        audit.append(
          {
            actorAccountId: who.id,
            action: 'attachment.viewed',
            subjectType: 'report',
            subjectId: report.reference,
            detail: { attachment: attachmentId },
          },
          now(),
        ),
      );
      return attachments.find(report.id, attachmentId);
    },
  };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
