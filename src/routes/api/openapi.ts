import { z } from 'zod';
import type { AreaDirectory } from '../../domain/areas';
import { API_TOKEN_PREFIX, API_TOKEN_SECRET_LENGTH } from '../../domain/departments';
import { IDEMPOTENCY_HEADER_PATTERN, IDEMPOTENCY_KEY_DAYS } from '../../domain/idempotency';
import { BODY_MAX_KB, IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_MIN } from '../../domain/limits';
import { referralSchema } from '../referralSchema';
import { apiBodyLimit, DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from '../../domain/attachments';
import { fieldErrorSchema, problemSchema, problemTypes } from './problem';
import { duplicateReferenceProblemSchema, referenceSchema, referralCreatedSchema, referralStatusSchema } from './responseSchemas';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
export type OpenApiDocument = JsonObject;

const SCHEMAS = '#/components/schemas/';
const ref = (name: string) => ({ $ref: `${SCHEMAS}${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });

/**
 * What JSON Schema says of a zod schema beyond what z.toJSONSchema writes. A text's length is
 * counted after surrounding white space is removed, which JSON Schema cannot do, so its
 * description says so. A date or a time is its `format`: the regular expression zod checks it with
 * says the same, unreadably. Any integer is bounded by the safe integers: that says nothing.
 */
function clarify({ jsonSchema: s }: { jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  if (s.type === 'string' && s.maxLength !== undefined && s.description !== undefined) {
    s.description = `${s.description} (${s.minLength ?? 0}–${s.maxLength} characters, counted after surrounding white space is removed).`;
  }
  if (s.format === 'date' || s.format === 'date-time') delete s.pattern;
  if (s.type === 'integer' && s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
  if (s.type === 'integer' && s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
}

/**
 * The request and response bodies, generated from the zod schemas that check the requests
 * (referralSchema) and type the answers (problem.ts, responseSchemas.ts) — limits, lists of codes
 * and patterns included — with JSON Schema 2020-12, the dialect of OpenAPI 3.1. Only the rules
 * between fields, which zod checks in refinements, are written here by hand.
 */
function componentSchemas(areas: AreaDirectory, attachmentLimits: AttachmentLimits): JsonObject {
  // `today` matters only to a refinement (a date of birth not after today), which JSON Schema cannot state.
  const referral = referralSchema(areas, '2000-01-01', attachmentLimits);
  const [consentObtained, consentNotObtained] = referral.shape.consent.options;
  const components = z.registry<{ id: string }>();
  components.add(referral, { id: 'ReferralInput' });
  components.add(referral.shape.client, { id: 'ClientIdentity' });
  components.add(referral.shape.consent, { id: 'Consent' });
  components.add(consentObtained, { id: 'ConsentObtained' });
  components.add(consentNotObtained, { id: 'ConsentNotObtained' });
  components.add(referralCreatedSchema, { id: 'ReferralCreated' });
  components.add(referralStatusSchema, { id: 'ReferralStatus' });
  components.add(referenceSchema, { id: 'Reference' });
  components.add(problemSchema, { id: 'Problem' });
  components.add(duplicateReferenceProblemSchema, { id: 'DuplicateReferenceProblem' });
  components.add(fieldErrorSchema, { id: 'FieldError' });

  const generated = z.toJSONSchema(components, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `${SCHEMAS}${id}`,
    override: clarify,
  }).schemas;
  // Each comes out as a document of its own; in OpenAPI, the document's dialect and place say that.
  const schemas = Object.fromEntries(
    Object.entries(generated).map(([name, { $schema: _dialect, $id: _id, ...schema }]) => [name, schema as JsonObject]),
  );

  // By hand, the rules between fields (referralSchema's refinements): the kelurahan lies in the
  // kecamatan given, and a client has an age or a date of birth.
  schemas.ReferralInput!.allOf = areas.kecamatan.map((k) => ({
    if: { properties: { kecamatanCode: { const: k.code } }, required: ['kecamatanCode'] },
    then: { properties: { kelurahanCode: { enum: [...k.kelurahan.map((l) => l.code), null] } } },
  }));
  schemas.ClientIdentity!.anyOf = [{ properties: { age: { type: 'integer' } } }, { properties: { dateOfBirth: { type: 'string' } } }];
  // OpenAPI's own keyword: which object a consent is, by its `state`.
  schemas.Consent!.discriminator = {
    propertyName: 'state',
    mapping: { obtained: `${SCHEMAS}ConsentObtained`, not_obtained: `${SCHEMAS}ConsentNotObtained` },
  };
  return schemas;
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
 * The OpenAPI 3.1 description of the referral API. Its schemas are generated from the zod schemas
 * the implementation checks and types with (componentSchemas), its texts take every limit from
 * domain/limits.ts; the operations, answers and headers, which have no zod schema, are written
 * here. Served at /api/v1/openapi.json; the tests validate the document and every request and
 * response they make against it.
 */
export function buildOpenApiDocument({
  apiBaseUrl,
  areas,
  orgName,
  attachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
}: {
  apiBaseUrl: string;
  areas: AreaDirectory;
  orgName: string;
  /** ATTACHMENTS_MAX_FILES and ATTACHMENT_MAX_MB, stated in the request schema. */
  attachmentLimits?: AttachmentLimits;
}): OpenApiDocument {
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
              description: `A key your system makes up for this referral, sent again unchanged with every retry of it: ${IDEMPOTENCY_KEY_MIN}–${IDEMPOTENCY_KEY_MAX} letters, digits, \`.\`, \`_\`, \`:\` or \`-\` (a UUID fits), bare or as a quoted string (\`"…"\`). Any other value answers 400 (\`${problemTypes.idempotencyKeyInvalid.type}\`).`,
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
            '413': problemResponse(
              `The body is larger than ${BODY_MAX_KB} KB of text plus room for the attachments in base64 (${Math.ceil(apiBodyLimit(BODY_MAX_KB, attachmentLimits) / 1024)} KB in all).`,
            ),
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
          description: `A department’s API token (\`${API_TOKEN_PREFIX}\` followed by ${API_TOKEN_SECRET_LENGTH} characters), issued by an administrator at /staff/departments. Revoked tokens, and tokens of a deactivated department, answer 401.`,
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
      schemas: componentSchemas(areas, attachmentLimits),
    },
  };
}
