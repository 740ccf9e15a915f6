import path from 'node:path';
import { loadAreaDirectory } from '../../src/data/areaReference';
import { projectRoot } from '../../src/paths';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/routes/api/openapi';
import { referralSchema } from '../../src/routes/referralSchema';
import { base64Length, DEFAULT_ATTACHMENT_LIMITS } from '../../src/domain/attachments';
import { createConformance, validateDocument, type Exchange } from '../helpers/openApiConformance';
import { validReferral, withClient } from '../helpers/referrals';

const areas = loadAreaDirectory(path.join(projectRoot, 'reference', 'padang-wilayah.csv'));
const document = buildOpenApiDocument({ apiBaseUrl: 'https://lentera.example.go.id/api/v1', areas, orgName: 'LK3 Uji' });
const conformance = createConformance(document);
const TODAY = '2026-03-10';
const zod = referralSchema(areas, TODAY);

const text = (n: number) => 'a'.repeat(n);

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    expect(validateDocument(document)).toEqual({ valid: true });
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes the bearer scheme and both operations', () => {
    const components = document.components as { securitySchemes: Record<string, unknown> };
    expect(components.securitySchemes.departmentToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(conformance.operationFor('POST', '/api/v1/referrals')?.operationId).toBe('submitReferral');
    expect(conformance.operationFor('GET', '/api/v1/referrals/LAP-2026-000001')?.operationId).toBe('getReferral');
  });

  describe('the conformance checker (test/helpers/openApiConformance.ts) can fail', () => {
    const created = (overrides: Partial<Exchange> = {}): Exchange => ({
      method: 'POST',
      path: '/api/v1/referrals',
      requestHeaders: { authorization: `Bearer lnt_${'a'.repeat(43)}` },
      requestBody: validReferral(),
      status: 201,
      responseHeaders: {
        'content-type': 'application/json; charset=utf-8',
        location: 'https://lentera.example.go.id/api/v1/referrals/LAP-2026-000001',
      },
      responseBody: {
        reference: 'LAP-2026-000001',
        status: 'new',
        statusUrl: 'https://lentera.example.go.id/api/v1/referrals/LAP-2026-000001',
      },
      ...overrides,
    });

    it('passes a conforming exchange', () => {
      expect(conformance.check(created())).toEqual([]);
      const key = { authorization: `Bearer lnt_${'a'.repeat(43)}`, 'idempotency-key': '"8e03978e-40d5-43e8-bc93-6894a57f9324"' };
      expect(conformance.check(created({ requestHeaders: key }))).toEqual([]);
    });

    it.each<[string, Partial<Exchange>]>([
      ['an undocumented status', { status: 418 }],
      ['a missing required header', { responseHeaders: { 'content-type': 'application/json' } }],
      ['an undocumented media type', { responseHeaders: { 'content-type': 'text/html', location: 'https://x/y' } }],
      ['a body missing a field', { responseBody: { reference: 'LAP-2026-000001', status: 'new' } }],
      ['a request body the document refuses, taken up', { requestBody: validReferral({ urgency: 'soon' }) }],
      [
        'a request header the document refuses, taken up',
        { requestHeaders: { authorization: `Bearer lnt_${'a'.repeat(43)}`, 'idempotency-key': 'short' } },
      ],
      ['an answer without a bearer token', { requestHeaders: {} }],
      ['a path the document does not have', { path: '/api/v1/cases' }],
      [
        'a body refused as invalid that the document accepts',
        {
          status: 400,
          responseHeaders: { 'content-type': 'application/problem+json' },
          responseBody: { type: 'urn:lentera:problem:validation', title: 't', status: 400, detail: 'd', errors: [] },
        },
      ],
    ])('flags %s', (_name, overrides) => {
      expect(conformance.check(created(overrides))).not.toEqual([]);
    });
  });

  // The document and the implementation's schema must accept and refuse the same referrals: each
  // case sits on one side of a limit, and both validators must agree on it.
  const cases: [string, Record<string, unknown>][] = [
    ['valid', validReferral()],
    ['reference at 50', validReferral({ departmentReference: text(50) })],
    ['reference at 51', validReferral({ departmentReference: text(51) })],
    ['reference blank', validReferral({ departmentReference: '   ' })],
    ['reference missing', validReferral({ departmentReference: undefined })],
    ['name at 100', withClient({ name: text(100) })],
    ['name at 101', withClient({ name: text(101) })],
    ['name empty', withClient({ name: '' })],
    ['age 0', withClient({ age: 0 })],
    ['age 120', withClient({ age: 120 })],
    ['age 121', withClient({ age: 121 })],
    ['age -1', withClient({ age: -1 })],
    ['age 1.5', withClient({ age: 1.5 })],
    ['age as text', withClient({ age: '12' })],
    ['age and birth date both null', withClient({ age: null, dateOfBirth: null })],
    ['birth date only', withClient({ age: null, dateOfBirth: '2014-05-17' })],
    ['birth date not a date', withClient({ age: null, dateOfBirth: '2014-02-30' })],
    ['birth date missing', withClient({ dateOfBirth: undefined })],
    ['sex other', withClient({ sex: 'other' })],
    ['NIK 16 digits', withClient({ nik: '1234567890123456' })],
    ['NIK 15 digits', withClient({ nik: '123456789012345' })],
    ['NIK null', withClient({ nik: null })],
    ['address at 300', withClient({ address: text(300) })],
    ['address at 301', withClient({ address: text(301) })],
    ['phone empty', withClient({ phone: '' })],
    ['phone +62', withClient({ phone: '+62 812 6677 8899' })],
    ['phone letters', withClient({ phone: 'call me' })],
    ['phone 7 characters', withClient({ phone: '1234567' })],
    ['phone 21 characters', withClient({ phone: '123456789012345678901' })],
    ['unknown kecamatan', validReferral({ kecamatanCode: '13.71.99' })],
    ['kelurahan null', validReferral({ kelurahanCode: null })],
    ['unknown kelurahan', validReferral({ kelurahanCode: '13.71.01.9999' })],
    ['kelurahan of another kecamatan', validReferral({ kelurahanCode: '13.71.02.1001' })],
    ['kelurahan of its kecamatan', validReferral({ kecamatanCode: '13.71.02', kelurahanCode: '13.71.02.1001' })],
    ['category unknown', validReferral({ category: 'gossip' })],
    ['no affected group', validReferral({ affectedGroups: [] })],
    ['affected group unknown', validReferral({ affectedGroups: ['child', 'alien'] })],
    ['several groups', validReferral({ affectedGroups: ['child', 'woman', 'family'] })],
    ['urgency unknown', validReferral({ urgency: 'soon' })],
    ['reason at 20', validReferral({ reason: text(20) })],
    ['reason at 19', validReferral({ reason: text(19) })],
    ['reason at 8000', validReferral({ reason: text(8000) })],
    ['reason at 8001', validReferral({ reason: text(8001) })],
    ['actions empty', validReferral({ actionsTaken: '' })],
    ['actions at 4001', validReferral({ actionsTaken: text(4001) })],
    ['consent verbal', validReferral({ consent: { state: 'obtained', method: 'verbal', obtainedBy: 'Rina' } })],
    ['consent method unknown', validReferral({ consent: { state: 'obtained', method: 'telepathy', obtainedBy: 'Rina' } })],
    ['consent by at 101', validReferral({ consent: { state: 'obtained', method: 'verbal', obtainedBy: text(101) } })],
    ['consent state unknown', validReferral({ consent: { state: 'maybe' } })],
    [
      'no consent, danger to life',
      validReferral({ consent: { state: 'not_obtained', ground: 'danger_to_life', justification: text(20) } }),
    ],
    [
      'no consent, justification at 19',
      validReferral({ consent: { state: 'not_obtained', ground: 'danger_to_life', justification: text(19) } }),
    ],
    [
      'no consent, justification at 2001',
      validReferral({ consent: { state: 'not_obtained', ground: 'danger_to_life', justification: text(2001) } }),
    ],
    ['no consent, ground unknown', validReferral({ consent: { state: 'not_obtained', ground: 'curiosity', justification: text(30) } })],
    ['unknown fields are ignored', validReferral({ internalId: 42 })],
  ];

  it.each(cases)('agrees with the implementation: %s', (_name, body) => {
    const json = JSON.parse(JSON.stringify(body)) as unknown;
    const implementation = zod.safeParse(json).success;
    const documented = conformance.schemaErrors('ReferralInput', json).length === 0;
    expect({ documented }).toEqual({ documented: implementation });
  });

  it('states in words the one rule JSON Schema cannot: a date of birth not after today', () => {
    const body = withClient({ age: null, dateOfBirth: '2026-03-11' });
    expect(zod.safeParse(body).success).toBe(false);
    expect(conformance.schemaErrors('ReferralInput', body)).toEqual([]);
    const schemas = (document.components as { schemas: Record<string, { properties: Record<string, { description: string }> }> }).schemas;
    expect(schemas.ClientIdentity!.properties.dateOfBirth!.description).toContain('not after today');
  });
});

describe('the limits in the document', () => {
  type Schemas = Record<string, { properties: Record<string, Record<string, unknown>> }>;
  const limits = jest.requireActual<Record<string, number>>('../../src/domain/limits');
  // Every limit moved to a value no one would write by hand: 700001, 700002, …
  const moved = Object.fromEntries(Object.keys(limits).map((name, i) => [name, 700_001 + i]));
  let changed: OpenApiDocument;

  beforeAll(async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('../../src/domain/limits', () => moved);
      const { buildOpenApiDocument: build } = await import('../../src/routes/api/openapi');
      changed = build({ apiBaseUrl: 'https://lentera.example.go.id/api/v1', areas, orgName: 'LK3 Uji' });
    });
  });

  it('follow src/domain/limits.ts: a limit changed there is changed in the document', () => {
    const schemas = (changed.components as { schemas: Schemas }).schemas;
    const input = schemas.ReferralInput!.properties;
    expect(input.departmentReference).toMatchObject({ minLength: 1, maxLength: moved.DEPARTMENT_REFERENCE_MAX });
    expect(input.reason).toMatchObject({ minLength: moved.REFERRAL_REASON_MIN, maxLength: moved.REFERRAL_REASON_MAX });
    expect(input.reason!.description).toContain(`(${moved.REFERRAL_REASON_MIN}–${moved.REFERRAL_REASON_MAX} characters`);
    expect(input.actionsTaken).toMatchObject({ maxLength: moved.ACTIONS_TAKEN_MAX });
    expect(schemas.ClientIdentity!.properties.name).toMatchObject({ maxLength: moved.CLIENT_NAME_MAX });
    expect(schemas.ClientIdentity!.properties.address).toMatchObject({ maxLength: moved.CLIENT_ADDRESS_MAX });
    expect(schemas.ConsentObtained!.properties.obtainedBy).toMatchObject({ maxLength: moved.CONSENT_BY_MAX });
    expect(schemas.ConsentNotObtained!.properties.justification).toMatchObject({
      minLength: moved.JUSTIFICATION_MIN,
      maxLength: moved.JUSTIFICATION_MAX,
    });
    const text = JSON.stringify(changed);
    expect(text).toContain(`larger than ${moved.BODY_MAX_KB} KB`);
    expect(text).toContain(`${moved.IDEMPOTENCY_KEY_MIN}–${moved.IDEMPOTENCY_KEY_MAX} letters`);
  });

  it('hold no limit of their own: every length bound is one of src/domain/limits.ts (or 0, 1)', () => {
    const bounds: number[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (['minLength', 'maxLength', 'minItems', 'maxItems'].includes(key) && typeof value === 'number') bounds.push(value);
        else walk(value);
      }
    };
    walk(changed);
    expect(bounds.length).toBeGreaterThan(10);
    // The attachments' count and size are configuration (ATTACHMENTS_MAX_FILES, ATTACHMENT_MAX_MB), passed in.
    const configured = [DEFAULT_ATTACHMENT_LIMITS.maxFiles, base64Length(DEFAULT_ATTACHMENT_LIMITS.maxBytes)];
    expect(bounds.filter((b) => b > 1 && !Object.values(moved).includes(b) && !configured.includes(b))).toEqual([]);
  });
});

describe('attachments in the document', () => {
  it('state the configured number and size of files', () => {
    const limits = { maxFiles: 2, maxBytes: 3 * 1024 * 1024 };
    const doc = buildOpenApiDocument({
      apiBaseUrl: 'https://lentera.example.go.id/api/v1',
      areas,
      orgName: 'LK3 Uji',
      attachmentLimits: limits,
    });
    const input = (doc.components as { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> }).schemas
      .ReferralInput!.properties;
    expect(input.attachments).toMatchObject({ type: 'array', maxItems: 2 });
    const item = input.attachments!.items as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(item.required).toEqual(['name', 'contentBase64']);
    expect(item.properties.contentBase64).toMatchObject({ maxLength: base64Length(limits.maxBytes) });
    expect(item.properties.contentBase64!.description).toContain('at most 3 MB');
    // Optional: a referral without files is as before.
    expect((doc.components as { schemas: Record<string, { required: string[] }> }).schemas.ReferralInput!.required).not.toContain(
      'attachments',
    );
  });
});
