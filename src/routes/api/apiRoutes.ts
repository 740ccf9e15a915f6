import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Config } from '../../config';
import type { AreaDirectory } from '../../domain/areas';
import { BODY_MAX_KB } from '../../domain/limits';
import { locales, type Locale, type Translator } from '../../i18n';
import type { ApiTokenService } from '../../services/apiTokenService';
import type { ReferralService } from '../../services/referralService';
import type { AttachmentService } from '../../services/attachmentService';
import { apiBodyLimit } from '../../domain/attachments';
import { perKey } from '../../middleware/rateLimits';
import type { SharedWindowCounter } from '../../security/clientLimits';
import { bearerAuth } from './bearerAuth';
import { buildOpenApiDocument } from './openapi';
import { ApiProblem, sendProblem } from './problem';
import { referralApiRoutes } from './referralApiRoutes';

export const API_PATH = '/api/v1';

export interface ApiRouteDeps {
  apiTokenService: ApiTokenService;
  referralService: ReferralService;
  /** Files sent with a referral (base64 in the JSON body): checked and cleaned before it is filed. */
  attachmentService: Pick<AttachmentService, 'prepare' | 'limits'>;
  areas: AreaDirectory;
  translator: Translator;
  /** BASE_URL and ORG_NAME (the description's addresses and title), DEFAULT_LOCALE, and the per-token rate limit. */
  config: Pick<Config, 'baseUrl' | 'orgName' | 'defaultLocale' | 'rateLimits' | 'rateWindowMs'>;
  now: () => Date;
  log: (message: string) => void;
  /** Where the calls per token are counted (in memory, shared by every server process). */
  callsPerToken: SharedWindowCounter;
}

/** JSON bodies of the API only; the rest of the app takes forms. */

/**
 * `Accept-Language: en` → English; anything else (or nothing) → the default language. The API
 * sets no cookie, so there is no remembered choice to read.
 */
function negotiateLocale(defaultLocale: Locale): RequestHandler {
  const preference = [defaultLocale, ...locales.filter((l) => l !== defaultLocale)];
  return (req, _res, next) => {
    const chosen = req.acceptsLanguages(preference);
    req.locale = chosen === 'id' || chosen === 'en' ? chosen : defaultLocale;
    next();
  };
}

const methodNotAllowed =
  (allow: string): RequestHandler =>
  (_req, _res, next) =>
    next(new ApiProblem('methodNotAllowed', { headers: { Allow: allow } }));

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Any error as one of the API's problems: the body parser's, the rate limiter's, or a fault. */
function asProblem(err: unknown): ApiProblem {
  if (err instanceof ApiProblem) return err;
  const status = statusOf(err);
  if (status === 413) return new ApiProblem('tooLarge');
  if (status === 415) return new ApiProblem('unsupportedMediaType');
  if (status === 429) return new ApiProblem('rateLimited');
  if (status === 404) return new ApiProblem('notFound');
  if (status !== undefined && status >= 400 && status < 500) return new ApiProblem('malformed');
  return new ApiProblem('serverError');
}

/**
 * The JSON API for departments' systems (DESIGN.md, "Pages and routes"), mounted in app.ts before
 * cookies, sessions and CSRF. A call is authenticated by its bearer token alone: the API reads no
 * cookie, starts no session and sets no cookie, so a browser's cookies can never make a call on
 * someone's behalf — which is why it needs no CSRF token. Every answer under /api/v1, errors and
 * unknown paths included, is JSON from this router; nothing falls through to the HTML pages.
 */
export function apiRoutes({
  apiTokenService,
  referralService,
  attachmentService,
  areas,
  translator,
  config,
  now,
  log,
  callsPerToken,
}: ApiRouteDeps): Router {
  const router = Router();
  const apiBaseUrl = `${config.baseUrl}${API_PATH}`;
  const attachmentLimits = attachmentService.limits;
  const document = buildOpenApiDocument({ apiBaseUrl, areas, orgName: config.orgName, attachmentLimits });

  router.use(negotiateLocale(config.defaultLocale));

  // The description is public: it holds no data, and a department's developers read it before they have a token.
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.all('/openapi.json', methodNotAllowed('GET, HEAD'));

  router.use(bearerAuth(apiTokenService));
  // Per token, every call counted (refused ones too), in memory like the other limits.
  router.use(perKey(config.rateLimits.apiPerToken, config.rateWindowMs, callsPerToken, (req) => `api-token:${req.apiToken!.tokenId}`));
  // The text, and room for the files in base64 (ATTACHMENTS_MAX_FILES × ATTACHMENT_MAX_MB); read only once the token holds.
  router.use(express.json({ limit: apiBodyLimit(BODY_MAX_KB, attachmentLimits) }));

  router.use(referralApiRoutes({ referralService, attachmentService, areas, translator, apiBaseUrl, now }));
  router.all('/referrals', methodNotAllowed('POST'));
  router.all('/referrals/:reference', methodNotAllowed('GET, HEAD'));

  router.use((_req, _res, next) => next(new ApiProblem('notFound')));

  const handleErrors: ErrorRequestHandler = (err, req, res, _next) => {
    const problem = asProblem(err);
    if (problem.status >= 500) log(`Error while serving ${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) return res.end();
    const locale = req.locale ?? config.defaultLocale;
    sendProblem(res, problem, translator.forLocale(locale), locale);
  };
  router.use(handleErrors);
  return router;
}
