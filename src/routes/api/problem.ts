import type { Response } from 'express';
import { z } from 'zod';
import type { Locale, Translate } from '../../i18n';

/**
 * Problem details (RFC 9457) for the API: every error is `application/problem+json` with a stable
 * `type` a program can branch on, a `title` and `detail` in the caller's language, and the status.
 * A `type` is a URN that names the problem; it is not meant to be fetched.
 */
export const problemTypes = {
  malformed: { status: 400, type: 'urn:lentera:problem:malformed-body' },
  validation: { status: 400, type: 'urn:lentera:problem:validation' },
  unauthorized: { status: 401, type: 'urn:lentera:problem:unauthorized' },
  notFound: { status: 404, type: 'urn:lentera:problem:not-found' },
  methodNotAllowed: { status: 405, type: 'urn:lentera:problem:method-not-allowed' },
  duplicateReference: { status: 409, type: 'urn:lentera:problem:duplicate-reference' },
  tooLarge: { status: 413, type: 'urn:lentera:problem:body-too-large' },
  unsupportedMediaType: { status: 415, type: 'urn:lentera:problem:unsupported-media-type' },
  consentRule: { status: 422, type: 'urn:lentera:problem:consent-rule' },
  idempotencyKeyInvalid: { status: 400, type: 'urn:lentera:problem:invalid-idempotency-key' },
  idempotencyKeyReused: { status: 422, type: 'urn:lentera:problem:idempotency-key-reused' },
  rateLimited: { status: 429, type: 'urn:lentera:problem:rate-limited' },
  serverError: { status: 500, type: 'urn:lentera:problem:server-error' },
} as const;

export type ProblemName = keyof typeof problemTypes;

/** One field's error: an RFC 6901 JSON Pointer into the request body, and what is wrong there. */
export const fieldErrorSchema = z.object({
  pointer: z.string().describe('JSON Pointer (RFC 6901) into the request body, such as `/client/name`.'),
  detail: z.string(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** Extension members (RFC 9457 §3.2) a problem may carry, such as the referral a duplicate reference names. */
export type ProblemExtensions = Record<string, string>;

/** The body of every error answer; the OpenAPI document's `Problem` is generated from it. */
export const problemSchema = z
  .object({
    type: z.enum(Object.values(problemTypes).map((p) => p.type)),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(fieldErrorSchema).optional().describe('On validation, duplicate-reference and consent-rule problems.'),
  })
  .describe('Problem details (RFC 9457).');
export type ProblemBody = z.infer<typeof problemSchema> & { [extension: string]: unknown };

/** A problem to answer with; thrown (or passed to next) and turned into a response by the API's error handler. */
export class ApiProblem extends Error {
  constructor(
    readonly problem: ProblemName,
    readonly options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      detailParams?: Record<string, string | number>;
      /** Another text for `detail` than api.problems.<name>.detail (the same problem, for another cause). */
      detailKey?: string;
      extensions?: ProblemExtensions;
    } = {},
  ) {
    super(`API problem: ${problem}`);
    this.name = 'ApiProblem';
  }

  get status(): number {
    return problemTypes[this.problem].status;
  }
}

/** A JSON Pointer (RFC 6901) to a place in the body, from a validation issue's path. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function sendProblem(res: Response, problem: ApiProblem, t: Translate, locale: Locale): void {
  const { type, status } = problemTypes[problem.problem];
  const body: ProblemBody = {
    type,
    title: t(`api.problems.${problem.problem}.title`),
    status,
    detail: t(problem.options.detailKey ?? `api.problems.${problem.problem}.detail`, problem.options.detailParams),
  };
  if (problem.options.errors) body.errors = problem.options.errors;
  // Set after the standard members, which an extension may never replace.
  for (const [name, value] of Object.entries(problem.options.extensions ?? {})) if (!(name in body)) body[name] = value;
  if (problem.options.headers) res.set(problem.options.headers);
  res.status(status).set('Content-Language', locale).type('application/problem+json').send(JSON.stringify(body));
}
