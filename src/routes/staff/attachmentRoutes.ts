import { Router } from 'express';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import type { CurrentAccount } from '../../domain/roles';
import type { AttachmentService } from '../../services/attachmentService';

/** `filename*` (RFC 6266 / 5987) for the name as given, and a plain ASCII `filename` for old clients. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * /staff/reports/:ref/attachments/:id — one attachment, for those who may open the report (the
 * report page's role and object rule), audited before it is sent. Served so that it can never run
 * in Lentera's origin: always as a download (`Content-Disposition: attachment`), with its detected
 * type and `nosniff`, and a CSP sandbox besides in case a browser shows it anyway; never cached.
 */
export function attachmentRoutes({ attachmentService }: { attachmentService: Pick<AttachmentService, 'open'> }): Router {
  const router = Router();
  router.get('/staff/reports/:ref/attachments/:id', requireRole('triage', 'supervisor', 'caseworker'), async (req, res) => {
    const id = /^[1-9]\d{0,15}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
    const file = Number.isSafeInteger(id)
      ? await attachmentService.open(req.account as CurrentAccount, String(req.params.ref), id)
      : undefined;
    if (!file) throw new HttpError(404, 'Attachment not found or not visible');
    res.set({
      'Content-Type': file.mediaType,
      'Content-Length': String(file.bytes.length),
      'Content-Disposition': contentDisposition(file.name),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.end(file.bytes);
  });
  return router;
}
