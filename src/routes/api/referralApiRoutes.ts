import { Router, type Request } from 'express';
import type { AreaDirectory } from '../../domain/areas';
import { jakartaDate } from '../../domain/sla';
import { parseIdempotencyKey } from '../../domain/idempotency';
import type { Translator } from '../../i18n';
import type { ReferralService, ReferralSubmitter } from '../../services/referralService';
import type { AttachmentService } from '../../services/attachmentService';
import { errorKey, type FieldIssue } from '../formErrors';
import { referralSchema } from '../referralSchema';
import { ApiProblem, jsonPointer, type FieldError } from './problem';
import type { ReferralStatusBody } from './responseSchemas';

export interface ReferralApiDeps {
  referralService: ReferralService;
  attachmentService: Pick<AttachmentService, 'prepare' | 'limits'>;
  areas: AreaDirectory;
  translator: Translator;
  /** Where the API lives, for status URLs (`BASE_URL` + /api/v1). */
  apiBaseUrl: string;
  now: () => Date;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body's media type, without parameters (`application/json; charset=utf-8` → `application/json`). */
const mediaType = (req: Request) => (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

function submitterOf(req: Request): ReferralSubmitter {
  const holder = req.apiToken;
  if (!holder) throw new ApiProblem('unauthorized');
  return { via: 'api', tokenId: holder.tokenId, departmentId: holder.departmentId };
}

/**
 * POST /referrals and GET /referrals/:reference — the same referral as the department form, from a
 * department's own system. The service files and audits it; this only speaks JSON.
 */
export function referralApiRoutes({ referralService, attachmentService, areas, translator, apiBaseUrl, now }: ReferralApiDeps): Router {
  const limits = attachmentService.limits;
  const router = Router();

  /** One error per place in the body, in the caller's language; messages are keys under referral.errors, or shared ones (forms.errors). */
  function fieldErrors(req: Request, issues: readonly FieldIssue[]): FieldError[] {
    const t = translator.forLocale(req.locale);
    const byPointer = new Map<string, string>();
    for (const issue of issues) {
      const pointer = jsonPointer(issue.path);
      if (byPointer.has(pointer)) continue;
      const key = errorKey('referral.errors', issue.message);
      byPointer.set(pointer, translator.has(req.locale, key) ? t(key) : t('api.problems.validation.invalidValue'));
    }
    return [...byPointer].map(([pointer, detail]) => ({ pointer, detail }));
  }

  const statusUrlOf = (reference: string) => `${apiBaseUrl}/referrals/${encodeURIComponent(reference)}`;

  router.post('/referrals', async (req, res) => {
    const submitter = submitterOf(req);
    if (mediaType(req) !== 'application/json') throw new ApiProblem('unsupportedMediaType');
    const idempotencyKey = parseIdempotencyKey(req.get('idempotency-key'));
    if (idempotencyKey === 'invalid') throw new ApiProblem('idempotencyKeyInvalid');
    if (!isPlainObject(req.body)) throw new ApiProblem('malformed');
    const parsed = referralSchema(areas, jakartaDate(now()), limits).safeParse(req.body);
    if (!parsed.success) throw new ApiProblem('validation', { errors: fieldErrors(req, parsed.error.issues) });
    const t = translator.forLocale(req.locale);

    // The files: recognised by their bytes and cleaned before anything is filed; a refused one points at itself.
    const sent = parsed.data.attachments ?? [];
    const files = await attachmentService.prepare({
      files: sent.map((a) => ({ originalName: a.name, bytes: Buffer.from(a.contentBase64, 'base64') })),
      problem: null,
    });
    if (!files.ok) {
      const mb = Math.round(limits.maxBytes / (1024 * 1024));
      const detail = t(`attachments.errors.${files.problem}`, { max: limits.maxFiles, mb, position: files.position });
      const pointer = files.position > 0 ? `/attachments/${files.position - 1}/contentBase64` : '/attachments';
      throw new ApiProblem('validation', { errors: [{ pointer, detail }] });
    }

    const outcome = referralService.submitFromApi(submitter, parsed.data, idempotencyKey, statusUrlOf, req.locale, files.files);
    if (!outcome.ok && outcome.problem === 'duplicate_reference') {
      // The referral already on record, so a retry whose first attempt was saved learns its reference.
      throw new ApiProblem('duplicateReference', {
        errors: [{ pointer: '/departmentReference', detail: t('api.problems.duplicateReference.field') }],
        extensions: { reference: outcome.existingReference, statusUrl: statusUrlOf(outcome.existingReference) },
      });
    }
    if (!outcome.ok && outcome.problem === 'idempotency_key_reused') throw new ApiProblem('idempotencyKeyReused');
    if (!outcome.ok && outcome.problem === 'department_inactive') {
      // Deactivated between authentication and filing: answered as bearerAuth answers such a token.
      throw new ApiProblem('unauthorized', { headers: { 'WWW-Authenticate': 'Bearer realm="Lentera API", error="invalid_token"' } });
    }
    if (!outcome.ok) {
      throw new ApiProblem('consentRule', { errors: [{ pointer: '/consent/ground', detail: t('api.problems.consentRule.field') }] });
    }
    // A replay answers exactly as the first attempt did: the same status, Location and body.
    const { answer } = outcome;
    res.status(201).location(answer.statusUrl).json({ reference: answer.reference, status: answer.status, statusUrl: answer.statusUrl });
  });

  router.get('/referrals/:reference', (req, res) => {
    // Another department's referral and one that does not exist get the same answer.
    const page = referralService.open(submitterOf(req), String(req.params.reference));
    if (!page) throw new ApiProblem('notFound');
    const r = page.referral;
    const t = translator.forLocale(req.locale);
    res.set('Content-Language', req.locale).json({
      reference: r.reference,
      departmentReference: r.departmentReference,
      status: r.status,
      statusLabel: t(`publicStatus.${r.status}.name`),
      submittedAt: r.createdAt.toISOString(),
      decidedAt: r.decidedAt ? r.decidedAt.toISOString() : null,
      response: r.response === '' ? null : r.response,
    } satisfies ReferralStatusBody);
  });

  return router;
}
