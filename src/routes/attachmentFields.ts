import type { Request } from 'express';
import { attachmentAccept, type AttachmentLimits, type AttachmentProblem } from '../domain/attachments';
import type { Translate } from '../i18n';
import { uploadsOf } from '../middleware/setUpMultipart';
import type { AttachmentService, PreparedFiles } from '../services/attachmentService';
import type { FormError } from './formErrors';

/** What views/partials/attachmentsField.ejs needs: the limits, and whether files chosen before are gone. */
export function attachmentFieldView(limits: AttachmentLimits, req: Request) {
  return {
    attachmentRules: { maxFiles: limits.maxFiles, maxMb: Math.round(limits.maxBytes / (1024 * 1024)), accept: attachmentAccept },
    // A page shown again cannot give back the files chosen: the field says to choose them again.
    filesDropped: (req.uploads?.files.length ?? 0) > 0 || req.uploads?.problem != null,
  };
}

/** The error summary's entry for refused files; it links to the file field and asks to choose them again. */
export function attachmentError(problem: AttachmentProblem, position: number, limits: AttachmentLimits, t: Translate): FormError {
  const text = t(`attachments.errors.${problem}`, {
    max: limits.maxFiles,
    mb: Math.round(limits.maxBytes / (1024 * 1024)),
    position,
  });
  return { field: 'attachments', text: `${text} ${t('attachments.chooseAgain')}`, href: '#attachments' };
}

/** Checks and cleans the files a form sent; the refusal, if any, as a form error. */
export async function formAttachments(
  service: Pick<AttachmentService, 'prepare' | 'limits'>,
  req: Request,
  t: Translate,
): Promise<{ prepared: PreparedFiles; error: FormError | null }> {
  const prepared = await service.prepare(uploadsOf(req));
  return { prepared, error: prepared.ok ? null : attachmentError(prepared.problem, prepared.position, service.limits, t) };
}
