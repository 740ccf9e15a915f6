import type { AreaDirectory } from '../../domain/areas';
import { affectedGroups, categories, urgencies } from '../../domain/reference';
import { consentMethods, noConsentGrounds, sexes } from '../../domain/referrals';
import { reportStatuses } from '../../domain/reportStatus';
import { IDEMPOTENCY_HEADER_PATTERN, IDEMPOTENCY_KEY_DAYS } from '../../domain/idempotency';
import { JUSTIFICATION_MIN, REASON_MAX, REASON_MIN } from '../referralSchema';
import { problemTypes } from './problem';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type OpenApiDocument = { [key: string]: Json };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });

/**
 * Text as referralSchema takes it: surrounding white space is removed before the length is
 * counted, and a required text must hold something other than white space.
 */
function text(min: number, max: number, description: string): { [key: string]: Json } {
  const schema: { [key: string]: Json } = {
    type: 'string',
    maxLength: max,
    description: `${description} (${min}–${max} characters, counted after surrounding white space is removed).`,
  };
  if (min > 0) {
    schema.minLength = min;
    schema.pattern = '\\S';
  }
  return schema;
}

const problemContent = { 'application/problem+json': { schema: ref('Problem') } };

function problemResponse(description: string, headers?: { [key: string]: Json }): { [key: string]: Json } {
  return headers ? { description, headers, content: problemContent } : { description, content: problemContent };
}

const rateHeaders = {
  RateLimit: { description: 'Calls left in the current window for this token (IETF draft-8 `RateLimit`).', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'The limit per token and its window (IETF draft-8 `RateLimit-Policy`).', schema: { type: 'string' } },
};

const typesList = Object.values(problemTypes)
  .map((p) => `\`${p.type}\` (${p.status})`)
  .join(', ');

/**
 * The OpenAPI 3.1 description of the referral API, built from the same lists (categories, areas,
 * statuses) and limits the implementation uses. Served at /api/v1/openapi.json; the integration
 * tests validate the document and every request and response they make against it.
 */
export function buildOpenApiDocument({
  apiBaseUrl,
  areas,
  orgName,
}: {
  apiBaseUrl: string;
  areas: AreaDirectory;
  orgName: string;
}): OpenApiDocument {
  const kecamatanCodes = areas.kecamatan.map((k) => k.code);
  const kelurahanCodes = areas.kecamatan.flatMap((k) => k.kelurahan.map((l) => l.code));

  return {
    openapi: '3.1.0',
    info: {
      title: `Lentera referral API — ${orgName}`,
      version: '1.0.0',
      description: [
        'Departments (Perangkat Daerah) refer a client to the LK3 service from their own systems, and follow what became of each referral.',
        'A referral through the API is the same as one made on the department form at /department/referrals/new, and lands in the same triage queue.',
        '',
        'Authentication: `Authorization: Bearer <token>`, with a token an administrator issued to the department (shown once, starting `lnt_`). A token sees only its own department’s referrals. The API uses no cookies and no sessions.',
        '',
        'Language: texts meant for people (`title`, `detail`, `statusLabel`) are in Indonesian, or in English with `Accept-Language: en`.',
        '',
        `Errors are \`application/problem+json\` (RFC 9457) with \`type\`, \`title\`, \`status\` and \`detail\`; field errors add \`errors\`, each with a JSON Pointer into the request body. Problem types: ${typesList}. A method a path does not support answers 405 with \`Allow\`.`,
        '',
        'Rate limits: a number of calls per token per hour (every call counts, refused ones too); past it, 429. An address that sends too many invalid tokens in an hour also gets 429 for every token it sends, a valid one too, until `Retry-After` has passed.',
        '',
        `Retries: send an \`Idempotency-Key\` header with \`POST /referrals\` (a new key for each new referral, such as a UUID) and the same key when you send the same referral again. A retry whose first attempt was filed gets that first answer again; the key is remembered for ${IDEMPOTENCY_KEY_DAYS} days. Without a key, a retry answers 409 and names the referral already filed.`,
      ].join('\n'),
    },
    servers: [{ url: apiBaseUrl }],
    security: [{ departmentToken: [] }],
    paths: {
      '/referrals': {
        post: {
          operationId: 'submitReferral',
          summary: 'Refer a client',
          description: [
            'Files a referral. `departmentReference` must be new for the department: sending the same one again answers 409, files nothing, and names the referral already filed (`reference`, `statusUrl`), so a call that timed out can safely be retried. Unknown fields are ignored.',
            '',
            `With an \`Idempotency-Key\`, the first call that files the referral stores the key with its answer, for ${IDEMPOTENCY_KEY_DAYS} days. The same key with the same body (compared as the service reads it: unknown fields left out, surrounding white space removed, field order not counting) answers exactly as the first call did — 201 with the same \`Location\` and body — and files nothing more. The same key with another body answers 422 (\`urn:lentera:problem:idempotency-key-reused\`). A key belongs to the department: another department may use the same one. A call refused (400, 409, 422) stores nothing, so its key may be used again.`,
          ].join('\n'),
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'A key your system makes up for this referral, sent again unchanged with every retry of it: 8–128 letters, digits, `.`, `_`, `:` or `-` (a UUID fits), bare or as a quoted string (`"…"`). Any other value answers 400 (`urn:lentera:problem:invalid-idempotency-key`).',
              schema: { type: 'string', pattern: IDEMPOTENCY_HEADER_PATTERN, examples: ['"8e03978e-40d5-43e8-bc93-6894a57f9324"'] },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('ReferralInput') } } },
          responses: {
            '201': {
              description: 'Filed. Follow it at `statusUrl` (also in `Location`).',
              headers: {
                Location: { required: true, description: 'The referral’s status URL.', schema: { type: 'string', format: 'uri' } },
                ...rateHeaders,
              },
              content: { 'application/json': { schema: ref('ReferralCreated') } },
            },
            '400': response('BadRequest'),
            '401': response('Unauthorized'),
            '409': {
              description:
                'This `departmentReference` was already used by the department (`urn:lentera:problem:duplicate-reference`): nothing is filed. `errors` points at it; `reference` and `statusUrl` name the referral already on record.',
              headers: rateHeaders,
              content: { 'application/problem+json': { schema: ref('DuplicateReferenceProblem') } },
            },
            '413': problemResponse('The body is larger than 64 KB.'),
            '415': problemResponse('The body is not `application/json`.'),
            '422': problemResponse(
              'A rule between fields is broken (`urn:lentera:problem:consent-rule`): without consent on the ground `child_at_risk`, the referral must concern a child — `affectedGroups` includes `child` or `client.age` is under 18. `errors` points at `/consent/ground`. Or the `Idempotency-Key` was used before by the department with another body (`urn:lentera:problem:idempotency-key-reused`). Nothing is filed.',
              rateHeaders,
            ),
            '429': response('TooManyRequests'),
            '500': response('ServerError'),
          },
        },
      },
      '/referrals/{reference}': {
        get: {
          operationId: 'getReferral',
          summary: 'What became of a referral',
          description:
            'The status of one of the department’s referrals and the service’s written response. Another department’s referral answers 404, as an unknown one does.',
          parameters: [
            {
              name: 'reference',
              in: 'path',
              required: true,
              description: 'The service’s reference, as returned on filing.',
              schema: { type: 'string', examples: ['LAP-2026-000123'] },
            },
          ],
          responses: {
            '200': {
              description: 'The referral.',
              headers: rateHeaders,
              content: { 'application/json': { schema: ref('ReferralStatus') } },
            },
            '401': response('Unauthorized'),
            '404': problemResponse('No referral of this department has that reference (`urn:lentera:problem:not-found`).', rateHeaders),
            '429': response('TooManyRequests'),
            '500': response('ServerError'),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        departmentToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A department’s API token (`lnt_` followed by 43 characters), issued by an administrator at /staff/departments. Revoked tokens, and tokens of a deactivated department, answer 401.',
        },
      },
      responses: {
        BadRequest: problemResponse(
          'The body is not valid JSON or not an object (`urn:lentera:problem:malformed-body`), a field is wrong (`urn:lentera:problem:validation`, with `errors`, one per field), or the `Idempotency-Key` header is not a key (`urn:lentera:problem:invalid-idempotency-key`).',
          rateHeaders,
        ),
        Unauthorized: {
          description: 'No token, or a token that is unknown, revoked or of a deactivated department (`urn:lentera:problem:unauthorized`).',
          headers: {
            'WWW-Authenticate': {
              required: true,
              description: 'The Bearer challenge (RFC 6750).',
              schema: { type: 'string', pattern: '^Bearer ' },
            },
          },
          content: problemContent,
        },
        TooManyRequests: problemResponse(
          'Too many calls with this token in the current window, or too many invalid tokens from this address — then every token it sends is refused, a valid one too, without being looked up (`urn:lentera:problem:rate-limited`). Wait for `Retry-After` seconds.',
          {
            ...rateHeaders,
            'Retry-After': { required: true, description: 'Seconds to wait.', schema: { type: 'string', pattern: '^\\d+$' } },
          },
        ),
        ServerError: problemResponse('A fault on the service’s side (`urn:lentera:problem:server-error`); try again later.'),
      },
      schemas: {
        ReferralInput: {
          type: 'object',
          description:
            'A referral, as the department form takes it. No text may hold a control character (line breaks and tabs only in `reason`, `actionsTaken` and `consent.justification`), U+FFFD or a lone surrogate; a body that is not UTF-8 reads as U+FFFD.',
          required: [
            'departmentReference',
            'client',
            'kecamatanCode',
            'kelurahanCode',
            'category',
            'affectedGroups',
            'urgency',
            'reason',
            'actionsTaken',
            'consent',
          ],
          properties: {
            departmentReference: text(1, 50, 'The department’s own reference (letter or file number); unique per department'),
            client: ref('ClientIdentity'),
            kecamatanCode: {
              type: 'string',
              enum: kecamatanCodes,
              description: 'Kemendagri code of the kecamatan where the client lives.',
            },
            kelurahanCode: {
              type: ['string', 'null'],
              enum: [...kelurahanCodes, null],
              description: 'Kemendagri code of the kelurahan, which must lie in `kecamatanCode`; null when unknown.',
            },
            category: { type: 'string', enum: [...categories], description: 'The kind of problem.' },
            affectedGroups: {
              type: 'array',
              minItems: 1,
              items: { type: 'string', enum: [...affectedGroups] },
              description: 'Who is affected; at least one.',
            },
            urgency: { type: 'string', enum: [...urgencies], description: '`immediate`: danger now; `urgent`; `normal`.' },
            reason: text(REASON_MIN, REASON_MAX, 'What happened and what help is needed'),
            actionsTaken: text(0, 4000, 'What the department has already done; may be empty'),
            consent: ref('Consent'),
          },
          // The kelurahan must lie in the kecamatan given.
          allOf: areas.kecamatan.map((k) => ({
            if: { properties: { kecamatanCode: { const: k.code } }, required: ['kecamatanCode'] },
            then: { properties: { kelurahanCode: { enum: [...k.kelurahan.map((l) => l.code), null] } } },
          })),
        },
        ClientIdentity: {
          type: 'object',
          description: 'Who the referral is about. Give `age` or `dateOfBirth` (or both).',
          required: ['name', 'age', 'dateOfBirth', 'sex', 'nik', 'address', 'phone'],
          properties: {
            name: text(1, 100, 'Full name'),
            age: {
              type: ['integer', 'null'],
              minimum: 0,
              maximum: 120,
              description: 'Age in years; null when the date of birth is given instead.',
            },
            dateOfBirth: {
              type: ['string', 'null'],
              format: 'date',
              description: 'YYYY-MM-DD, not after today (Asia/Jakarta) and not more than 120 years before it; null when unknown.',
            },
            sex: { type: 'string', enum: [...sexes] },
            nik: {
              type: ['string', 'null'],
              pattern: '^\\d{16}$',
              description: 'The 16-digit population number (NIK); null when unknown.',
            },
            address: text(1, 300, 'Address'),
            phone: {
              type: 'string',
              pattern: '^(\\+?[0-9 ()-]{8,20})?$',
              description:
                'Digits, spaces, +, - or brackets, 8–20 characters after surrounding white space is removed; an empty string when unknown.',
            },
          },
          anyOf: [{ properties: { age: { type: 'integer' } } }, { properties: { dateOfBirth: { type: 'string' } } }],
        },
        Consent: {
          description: 'The client’s consent. Without it, a referral is allowed only for a child at risk or a danger to life.',
          oneOf: [ref('ConsentObtained'), ref('ConsentNotObtained')],
          discriminator: {
            propertyName: 'state',
            mapping: { obtained: '#/components/schemas/ConsentObtained', not_obtained: '#/components/schemas/ConsentNotObtained' },
          },
        },
        ConsentObtained: {
          type: 'object',
          required: ['state', 'method', 'obtainedBy'],
          properties: {
            state: { const: 'obtained' },
            method: { type: 'string', enum: [...consentMethods] },
            obtainedBy: text(1, 100, 'Name and position of the officer who obtained it'),
          },
        },
        ConsentNotObtained: {
          type: 'object',
          required: ['state', 'ground', 'justification'],
          properties: {
            state: { const: 'not_obtained' },
            ground: { type: 'string', enum: [...noConsentGrounds] },
            justification: text(JUSTIFICATION_MIN, 2000, 'Why the referral must go ahead without consent; read by triage'),
          },
        },
        ReferralCreated: {
          type: 'object',
          required: ['reference', 'status', 'statusUrl'],
          properties: {
            reference: ref('Reference'),
            status: { type: 'string', const: 'new' },
            statusUrl: { type: 'string', format: 'uri' },
          },
        },
        ReferralStatus: {
          type: 'object',
          required: ['reference', 'departmentReference', 'status', 'statusLabel', 'submittedAt', 'decidedAt', 'response'],
          properties: {
            reference: ref('Reference'),
            departmentReference: { type: 'string' },
            status: {
              type: 'string',
              enum: [...reportStatuses],
              description:
                '`new` → `in_review` (or `awaiting_info` while triage waits for an answer) → `accepted` (handled as a case), `redirected` (to another institution), `duplicate` (handled with another report) or `closed`.',
            },
            statusLabel: { type: 'string', description: 'The status in plain words, in the request’s language.' },
            submittedAt: { type: 'string', format: 'date-time' },
            decidedAt: { type: ['string', 'null'], format: 'date-time', description: 'When triage decided; null before.' },
            response: {
              type: ['string', 'null'],
              description: 'What the service wrote for the department; null until it writes something.',
            },
          },
        },
        Reference: { type: 'string', pattern: '^LAP-\\d{4}-\\d{6,}$', description: 'The service’s reference, like LAP-2026-000123.' },
        Problem: {
          type: 'object',
          description: 'Problem details (RFC 9457).',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string', format: 'uri', enum: Object.values(problemTypes).map((p) => p.type) },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: ref('FieldError'),
              description: 'On validation, duplicate-reference and consent-rule problems.',
            },
          },
        },
        DuplicateReferenceProblem: {
          description:
            'The duplicate-reference problem, with the referral already filed under that `departmentReference` as extension members (RFC 9457 §3.2).',
          allOf: [
            ref('Problem'),
            {
              type: 'object',
              required: ['reference', 'statusUrl'],
              properties: {
                type: { const: problemTypes.duplicateReference.type },
                reference: ref('Reference'),
                statusUrl: { type: 'string', format: 'uri', description: 'Where to follow that referral (GET).' },
              },
            },
          ],
        },
        FieldError: {
          type: 'object',
          required: ['pointer', 'detail'],
          properties: {
            pointer: { type: 'string', description: 'JSON Pointer (RFC 6901) into the request body, such as `/client/name`.' },
            detail: { type: 'string' },
          },
        },
      },
    },
  };
}
