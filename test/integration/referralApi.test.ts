import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { BODY_MAX_KB } from '../../src/domain/limits';
import { apiBodyLimit, DEFAULT_ATTACHMENT_LIMITS } from '../../src/domain/attachments';
import { createFieldCipher } from '../../src/data/fieldCipher';
import { createReferralRepository } from '../../src/data/referralRepository';
import { loadTranslator } from '../../src/i18n';
import { createTestApp, formBody, tokenFrom, TEST_DATA_KEY, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { createConformance, validateDocument, type Conformance, type Exchange } from '../helpers/openApiConformance';
import { validReferral, withClient } from '../helpers/referrals';

const clock = new Date('2026-03-10T02:00:00Z'); // Tuesday 09:00 WIB
/** A text from the locale files (any limit it names filled in), to compare what the API says with. */
const translator = loadTranslator();
const text = (l: 'id' | 'en', key: string): string => {
  if (!translator.has(l, key)) throw new Error(`no text ${key}`);
  return translator.forLocale(l)(key);
};

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface CallOptions {
  token?: string;
  /** A JSON body, sent as application/json. */
  body?: unknown;
  /** A body sent as it is (bytes too), with `contentType`. */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  agent?: Agent;
  /** The request breaks a rule the document states in words only (see openApiConformance.ts). */
  ruleInWords?: boolean;
}

/**
 * The departments' API (/api/v1) through the real app. Every exchange is checked, as it happens,
 * against the served OpenAPI document, and for the absence of any cookie.
 */
describe('referral API (/api/v1)', () => {
  let lentera: TestApp;
  let conformance: Conformance;
  let document: Record<string, unknown>;
  let admin: StaffAccount;
  let adminAgent: Agent;
  let triageAgent: Agent;
  let deptA: { id: number; token: string; tokenId: number };
  let deptB: { id: number; token: string; tokenId: number };
  let exchanges = 0;

  /** Makes a call, checks it against the document and for cookies, and returns the answer. */
  async function call(lentera_: TestApp, method: Method, url: string, options: CallOptions = {}) {
    const client = options.agent ?? request(lentera_.app);
    let req =
      method === 'GET' ? client.get(url) : method === 'POST' ? client.post(url) : method === 'PUT' ? client.put(url) : client.delete(url);
    const requestHeaders: Record<string, string> = {};
    if (options.token !== undefined) requestHeaders.authorization = `Bearer ${options.token}`;
    for (const [k, v] of Object.entries(options.headers ?? {})) requestHeaders[k.toLowerCase()] = v;
    for (const [k, v] of Object.entries(requestHeaders)) req = req.set(k, v);
    if (options.body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(options.body));
    else if (options.raw !== undefined)
      req = req
        .set('content-type', options.contentType ?? 'application/json')
        .serialize((raw: unknown) => raw as string)
        .send(options.raw);
    const res = await req;

    expect(res.headers['set-cookie']).toBeUndefined();
    const isJson = /json/.test(String(res.headers['content-type'] ?? ''));
    const exchange: Exchange = {
      method,
      path: url.split('?')[0]!,
      requestHeaders,
      requestBody: options.body,
      status: res.status,
      responseHeaders: res.headers as Record<string, string>,
      responseBody: isJson ? (JSON.parse(res.text) as unknown) : res.text,
    };
    const op = conformance.operationFor(method, exchange.path);
    expect(op ? conformance.check(exchange, { ruleInWords: options.ruleInWords }) : conformance.checkProblem(exchange)).toEqual([]);
    exchanges += 1;
    return {
      status: res.status,
      headers: res.headers,
      body: exchange.responseBody as Record<string, unknown> & { errors?: { pointer: string; detail: string }[] },
    };
  }

  const api = (method: Method, url: string, options: CallOptions = {}) => call(lentera, method, url, options);

  async function departmentWithToken(name: string): Promise<{ id: number; token: string; tokenId: number }> {
    const created = lentera.services.departmentService.create(admin.id, name);
    if (!created.ok) throw new Error('department name taken');
    const issued = lentera.services.apiTokenService.issue(admin.id, created.id, `${name} system`);
    if (!issued.ok) throw new Error('token refused');
    return { id: created.id, token: issued.token, tokenId: issued.id };
  }

  async function post(agent: Agent, pagePath: string, action: string, fields: Record<string, string>) {
    const csrf = await tokenFrom(agent, pagePath);
    return agent
      .post(action)
      .type('form')
      .send(formBody({ ...fields, _csrf: csrf }));
  }

  const reportCount = () => lentera.db.prepare('SELECT count(*) FROM reports').pluck().get() as number;

  beforeAll(async () => {
    lentera = createTestApp({ RATE_API_PER_TOKEN: '1000' }, { now: () => clock });
    admin = await createStaffAccount(lentera, { role: 'admin', name: 'Admin Uji' });
    adminAgent = await signedInAgent(lentera, admin);
    triageAgent = await signedInAgent(lentera, await createStaffAccount(lentera, { role: 'triage', name: 'Tari Triase' }));
    const served = await request(lentera.app).get('/api/v1/openapi.json').expect(200);
    document = served.body as Record<string, unknown>;
    conformance = createConformance(document);
    deptA = await departmentWithToken('Puskesmas Andalas');
    deptB = await departmentWithToken('SMP Negeri 7 Padang');
  });
  afterAll(() => lentera.cleanup());

  describe('the description', () => {
    it('serves a valid OpenAPI 3.1 document without a token and without cookies', async () => {
      const res = await request(lentera.app)
        .get('/api/v1/openapi.json?lang=en')
        .expect(200)
        .expect('Content-Type', /application\/json/);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(validateDocument(res.body as Record<string, unknown>)).toEqual({ valid: true });
      expect((res.body as { servers: { url: string }[] }).servers[0]!.url).toBe(`${lentera.config.baseUrl}/api/v1`);
    });

    it('refuses other methods on it with 405 and Allow', async () => {
      const res = await request(lentera.app).post('/api/v1/openapi.json').expect(405).expect('Allow', 'GET, HEAD');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('tokens', () => {
    it('issues a token on the admin page, shows it once, and stores only its HMAC', async () => {
      const departmentId = lentera.services.departmentService.create(admin.id, 'Kelurahan Jati').ok
        ? (lentera.db.prepare("SELECT id FROM departments WHERE name = 'Kelurahan Jati'").pluck().get() as number)
        : -1;
      const page = `/staff/departments/${departmentId}`;
      const res = await post(adminAgent, page, `${page}/tokens`, { label: 'SIMKEL (server kantor)' });
      expect(res.status).toBe(200);
      const match = /data-api-token>(lnt_[A-Za-z0-9_-]{43})</.exec(res.text);
      expect(match).not.toBeNull();
      const token = match![1]!;

      // Works at once.
      expect((await api('GET', '/api/v1/referrals/LAP-2026-999999', { token })).status).toBe(404);
      // Shown once: the department page lists the token by its label, never the token.
      const after = await adminAgent.get(page).expect(200);
      expect(after.text).toContain('SIMKEL (server kantor)');
      expect(after.text).not.toContain(token);
      // Not stored in clear anywhere: not in the database file, its WAL, or the audit log.
      lentera.db.pragma('wal_checkpoint(PASSIVE)');
      const secretPart = token.slice(4);
      for (const file of fs.readdirSync(lentera.dir)) {
        const bytes = fs.readFileSync(path.join(lentera.dir, file));
        expect({ file, found: bytes.includes(Buffer.from(secretPart)) }).toEqual({ file, found: false });
      }
      const row = lentera.db
        .prepare('SELECT label, token_hash, last_used_at FROM api_tokens WHERE department_id = ?')
        .get(departmentId) as {
        label: string;
        token_hash: Buffer;
        last_used_at: string | null;
      };
      expect(row.token_hash).toHaveLength(32);
      expect(row.last_used_at).toBe(clock.toISOString());
      const audit = lentera.db
        .prepare(
          "SELECT actor_account_id, subject_type, detail FROM audit_events WHERE action = 'api_token.issued' ORDER BY id DESC LIMIT 1",
        )
        .get() as Record<string, unknown>;
      expect(audit).toMatchObject({
        actor_account_id: admin.id,
        subject_type: 'api_token',
        detail: JSON.stringify({ department: departmentId }),
      });
    });

    it('answers 401 with a Bearer challenge without a token, with an unknown or malformed one, and with another scheme', async () => {
      const none = await api('GET', '/api/v1/referrals/LAP-2026-000001');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="Lentera API"');
      expect(none.body.type).toBe('urn:lentera:problem:unauthorized');

      const unknownToken = `lnt_${'A'.repeat(43)}`;
      for (const token of [unknownToken, 'lnt_short', 'not-a-token']) {
        const res = await api('GET', '/api/v1/referrals/LAP-2026-000001', { token });
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="Lentera API", error="invalid_token"');
      }
      const basic = await api('POST', '/api/v1/referrals', {
        headers: { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
        body: validReferral(),
      });
      expect(basic.status).toBe(401);
    });

    it('stops a token the administrator revokes', async () => {
      const dept = await departmentWithToken('Puskesmas Lubuk Buaya');
      expect((await api('GET', '/api/v1/referrals/LAP-2026-000001', { token: dept.token })).status).toBe(404);
      const page = `/staff/departments/${dept.id}`;
      const res = await post(adminAgent, page, `${page}/tokens/${dept.tokenId}/revoke`, {});
      expect(res.status).toBe(303);
      const refused = await api('POST', '/api/v1/referrals', { token: dept.token, body: validReferral() });
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toContain('invalid_token');
    });

    it('stops every token of a department that is deactivated', async () => {
      const dept = await departmentWithToken('Kecamatan Kuranji');
      lentera.services.departmentService.deactivate(admin.id, dept.id);
      expect((await api('GET', '/api/v1/referrals/LAP-2026-000001', { token: dept.token })).status).toBe(401);
      lentera.services.departmentService.reactivate(admin.id, dept.id);
      // Reactivating does not bring a revoked token back.
      expect((await api('GET', '/api/v1/referrals/LAP-2026-000001', { token: dept.token })).status).toBe(401);
    });

    it('is not authenticated by a signed-in session: only the bearer token counts', async () => {
      const officer = await createStaffAccount(lentera, { role: 'department', departmentId: deptA.id });
      const agent = await signedInAgent(lentera, officer);
      const res = await api('GET', '/api/v1/referrals/LAP-2026-000001', { agent });
      expect(res.status).toBe(401);
    });
  });

  describe('POST /referrals', () => {
    it('files a valid referral: 201 with Location, audited, and in the triage queue under the department’s name', async () => {
      const body = validReferral({ departmentReference: 'PKM-AND/2026/031' });
      const res = await api('POST', '/api/v1/referrals', { token: deptA.token, body });
      expect(res.status).toBe(201);
      const reference = res.body.reference as string;
      expect(reference).toMatch(/^LAP-2026-\d{6}$/);
      expect(res.body).toEqual({ reference, status: 'new', statusUrl: `${lentera.config.baseUrl}/api/v1/referrals/${reference}` });
      expect(res.headers.location).toBe(res.body.statusUrl);

      const report = lentera.db
        .prepare('SELECT source, department_id, status, category, urgency FROM reports WHERE reference = ?')
        .get(reference);
      expect(report).toEqual({ source: 'department', department_id: deptA.id, status: 'new', category: 'neglect', urgency: 'urgent' });
      const referral = lentera.db
        .prepare(
          'SELECT channel, officer_account_id, department_reference FROM referrals r JOIN reports p ON p.id = r.report_id WHERE p.reference = ?',
        )
        .get(reference);
      expect(referral).toEqual({ channel: 'api', officer_account_id: null, department_reference: 'PKM-AND/2026/031' });
      const audit = lentera.db
        .prepare("SELECT actor_account_id, detail FROM audit_events WHERE action = 'referral.submitted' AND subject_id = ?")
        .get(reference) as { actor_account_id: null; detail: string };
      expect(audit.actor_account_id).toBeNull();
      expect(JSON.parse(audit.detail)).toMatchObject({ via: 'api', token: deptA.tokenId, department: deptA.id });

      const queue = await triageAgent.get('/staff/queue?source=department').expect(200);
      const row = queue.text.slice(queue.text.indexOf(reference));
      expect(queue.text).toContain(reference);
      expect(row.slice(0, row.indexOf('</tr>'))).toContain('Puskesmas Andalas');
    });

    it('refuses each invalid field with 400 and a pointer to it, in Indonesian by default', async () => {
      const cases: [Record<string, unknown>, string, string][] = [
        [validReferral({ departmentReference: '' }), '/departmentReference', 'department_reference'],
        [withClient({ name: '' }), '/client/name', 'client_name'],
        [withClient({ age: 130 }), '/client/age', 'client_age'],
        [withClient({ age: null, dateOfBirth: null }), '/client/age', 'client_age_or_dob'],
        [withClient({ age: null, dateOfBirth: '2030-01-01' }), '/client/dateOfBirth', 'client_dob_future'],
        [withClient({ sex: 'x' }), '/client/sex', 'client_sex'],
        [withClient({ nik: '123' }), '/client/nik', 'client_nik'],
        [withClient({ address: '' }), '/client/address', 'client_address'],
        [withClient({ phone: 'call me' }), '/client/phone', 'client_phone'],
        [validReferral({ kecamatanCode: '99.99.99' }), '/kecamatanCode', 'kecamatan'],
        [validReferral({ kelurahanCode: '13.71.02.1001' }), '/kelurahanCode', 'kelurahan'],
        [validReferral({ category: 'gossip' }), '/category', 'category'],
        [validReferral({ affectedGroups: [] }), '/affectedGroups', 'affected_groups'],
        [validReferral({ affectedGroups: ['child', 'alien'] }), '/affectedGroups/1', 'affected_groups'],
        [validReferral({ urgency: 'soon' }), '/urgency', 'urgency'],
        [validReferral({ reason: 'terlalu pendek' }), '/reason', 'reason'],
        [validReferral({ actionsTaken: 'x'.repeat(4001) }), '/actionsTaken', 'actions_taken_long'],
        [withClient({ name: 'n'.repeat(101) }), '/client/name', 'client_name_long'],
        [validReferral({ consent: { state: 'maybe' } }), '/consent/state', 'consent'],
        [validReferral({ consent: { state: 'obtained', obtainedBy: 'Rina' } }), '/consent/method', 'consent_method'],
        [validReferral({ consent: { state: 'obtained', method: 'verbal', obtainedBy: '' } }), '/consent/obtainedBy', 'consent_by'],
        [
          validReferral({ consent: { state: 'not_obtained', ground: 'curiosity', justification: 'x'.repeat(30) } }),
          '/consent/ground',
          'no_consent_ground',
        ],
        [
          validReferral({ consent: { state: 'not_obtained', ground: 'danger_to_life', justification: 'pendek' } }),
          '/consent/justification',
          'no_consent_justification',
        ],
      ];
      const before = reportCount();
      for (const [body, pointer, key] of cases) {
        const res = await api('POST', '/api/v1/referrals', { token: deptA.token, body, ruleInWords: pointer === '/client/dateOfBirth' });
        expect({ pointer, status: res.status, type: res.body.type }).toEqual({
          pointer,
          status: 400,
          type: 'urn:lentera:problem:validation',
        });
        expect(res.body.errors).toEqual([{ pointer, detail: text('id', `referral.errors.${key}`) }]);
        expect(res.headers['content-language']).toBe('id');
      }
      expect(reportCount()).toBe(before);
    });

    it('lists every error at once, in English with Accept-Language: en', async () => {
      const res = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: {},
        headers: { 'Accept-Language': 'en-GB,en;q=0.9' },
      });
      expect(res.status).toBe(400);
      expect(res.body.title).toBe(text('en', 'api.problems.validation.title'));
      const pointers = res.body.errors!.map((e) => e.pointer);
      expect(pointers).toEqual(
        expect.arrayContaining([
          '/departmentReference',
          '/client',
          '/kecamatanCode',
          '/kelurahanCode',
          '/category',
          '/affectedGroups',
          '/urgency',
          '/reason',
          '/actionsTaken',
          '/consent',
        ]),
      );
      expect(res.body.errors).toContainEqual({
        pointer: '/departmentReference',
        detail: text('en', 'referral.errors.department_reference'),
      });
      expect(res.headers['content-language']).toBe('en');
    });

    it('refuses a body that is not a JSON object (400), not JSON (415) or too large (413)', async () => {
      const broken = await api('POST', '/api/v1/referrals', { token: deptA.token, raw: '{"departmentReference": ' });
      expect([broken.status, broken.body.type]).toEqual([400, 'urn:lentera:problem:malformed-body']);
      const list = await api('POST', '/api/v1/referrals', { token: deptA.token, raw: '[1, 2]' });
      expect([list.status, list.body.type]).toEqual([400, 'urn:lentera:problem:malformed-body']);
      const form = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        raw: 'departmentReference=x',
        contentType: 'application/x-www-form-urlencoded',
      });
      expect([form.status, form.body.type]).toEqual([415, 'urn:lentera:problem:unsupported-media-type']);
      const none = await api('POST', '/api/v1/referrals', { token: deptA.token });
      expect(none.status).toBe(415);
      // The limit holds the text and the attachments in base64 (ATTACHMENTS_MAX_FILES × ATTACHMENT_MAX_MB).
      const huge = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: validReferral({ reason: 'x'.repeat(apiBodyLimit(BODY_MAX_KB, DEFAULT_ATTACHMENT_LIMITS)) }),
      });
      expect([huge.status, huge.body.type]).toEqual([413, 'urn:lentera:problem:body-too-large']);
    });

    it('answers 409 to a department reference already used, and files nothing', async () => {
      const body = validReferral({ departmentReference: 'PKM-AND/2026/040' });
      expect((await api('POST', '/api/v1/referrals', { token: deptA.token, body })).status).toBe(201);
      const before = reportCount();
      const again = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: { ...body, reason: 'Dikirim ulang setelah waktu habis; isi sama seperti sebelumnya.' },
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ type: 'urn:lentera:problem:duplicate-reference', status: 409 });
      // It names the referral already on record, so a retry whose first attempt was filed learns its reference.
      const first = lentera.db
        .prepare(
          'SELECT r.reference FROM referrals f JOIN reports r ON r.id = f.report_id WHERE f.department_id = ? AND f.department_reference = ?',
        )
        .pluck()
        .get(deptA.id, 'PKM-AND/2026/040') as string;
      expect(again.body).toMatchObject({ reference: first, statusUrl: `${lentera.config.baseUrl}/api/v1/referrals/${first}` });
      expect(again.body.errors).toEqual([{ pointer: '/departmentReference', detail: text('id', 'api.problems.duplicateReference.field') }]);
      expect(reportCount()).toBe(before);
      // Another department may use the same reference for its own client.
      expect((await api('POST', '/api/v1/referrals', { token: deptB.token, body })).status).toBe(201);
    });

    it('answers 422 when consent is missing on the ground of a child at risk but no child is concerned', async () => {
      const body = withClient(
        { age: 35 },
        {
          affectedGroups: ['woman'],
          consent: {
            state: 'not_obtained',
            ground: 'child_at_risk',
            justification: 'Ibu dalam bahaya dan menolak dirujuk, anak tidak terlibat.',
          },
        },
      );
      const res = await api('POST', '/api/v1/referrals', { token: deptA.token, body });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ type: 'urn:lentera:problem:consent-rule', status: 422 });
      expect(res.body.errors!.map((e) => e.pointer)).toEqual(['/consent/ground']);
      const allowed = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: validReferral({
          consent: {
            state: 'not_obtained',
            ground: 'child_at_risk',
            justification: 'Anak ditelantarkan; orang tua tidak dapat dihubungi sama sekali.',
          },
        }),
      });
      expect(allowed.status).toBe(201);
    });

    it('refuses control characters, line breaks in one-line fields and text that is not UTF-8, each with a pointer and a clear message', async () => {
      const shared = (key: string) => text('id', `forms.errors.${key}`);
      const cases: [Record<string, unknown>, string, string][] = [
        [validReferral({ departmentReference: 'PKM-AND/\u0000/041' }), '/departmentReference', shared('control_character')],
        [withClient({ name: 'Siti\u0000Rahmawati' }), '/client/name', shared('control_character')],
        [
          validReferral({ reason: 'Anak sering tidak masuk sekolah\u0000 dan tampak kurang makan.' }),
          '/reason',
          shared('control_character'),
        ],
        [withClient({ address: 'Jl. Andalas\u0000 No. 12' }), '/client/address', shared('control_character')],
        [withClient({ name: 'Siti\r\nRahmawati' }), '/client/name', shared('line_break')],
        [validReferral({ departmentReference: 'PKM-AND/2026\n/042' }), '/departmentReference', shared('line_break')],
        [
          validReferral({ consent: { state: 'obtained', method: 'written', obtainedBy: 'Rina,\nbidan' } }),
          '/consent/obtainedBy',
          shared('line_break'),
        ],
        [
          validReferral({ reason: 'Anak sering tidak masuk sekolah \ud800 dan tampak kurang makan.' }),
          '/reason',
          shared('invalid_character'),
        ],
        [withClient({ age: null, dateOfBirth: '0000-01-01' }), '/client/dateOfBirth', text('id', 'referral.errors.client_dob_too_old')],
      ];
      const before = reportCount();
      for (const [body, pointer, detail] of cases) {
        // The document states these rules in words (descriptions), not as patterns.
        const res = await api('POST', '/api/v1/referrals', { token: deptA.token, body, ruleInWords: true });
        expect({ pointer, status: res.status, type: res.body.type }).toEqual({
          pointer,
          status: 400,
          type: 'urn:lentera:problem:validation',
        });
        expect(res.body.errors).toEqual([{ pointer, detail }]);
      }
      // Bytes that are not UTF-8 in the body itself: the parser reads them as U+FFFD, which is refused.
      const json = Buffer.from(JSON.stringify(withClient({ name: 'Siti XX Rahmawati' })), 'utf8');
      const at = json.indexOf('XX');
      json[at] = 0xff;
      json[at + 1] = 0xfe;
      const bytes = await api('POST', '/api/v1/referrals', { token: deptA.token, raw: json });
      expect([bytes.status, bytes.body.type]).toEqual([400, 'urn:lentera:problem:validation']);
      expect(bytes.body.errors).toEqual([{ pointer: '/client/name', detail: shared('invalid_character') }]);
      const english = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: withClient({ name: 'Siti\r\nR' }),
        headers: { 'Accept-Language': 'en' },
        ruleInWords: true,
      });
      expect(english.body.errors).toEqual([{ pointer: '/client/name', detail: text('en', 'forms.errors.line_break') }]);
      expect(reportCount()).toBe(before);

      // Line breaks where text runs over several lines are fine.
      const lines = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: validReferral({
          reason: 'Anak sering tidak masuk sekolah.\r\nOrang tua bekerja di luar kota;\n\tnenek sudah sakit-sakitan.',
        }),
      });
      expect(lines.status).toBe(201);
    });

    it('refuses other methods with 405 and Allow', async () => {
      const res = await api('PUT', '/api/v1/referrals', { token: deptA.token, body: validReferral() });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      const del = await api('DELETE', '/api/v1/referrals/LAP-2026-000001', { token: deptA.token });
      expect([del.status, del.headers.allow]).toEqual([405, 'GET, HEAD']);
    });
  });

  describe('Idempotency-Key', () => {
    const key = (suffix: string) => ({ 'Idempotency-Key': `"6f1d2c3b-0000-4000-8000-${suffix.padStart(12, '0')}"` });

    it('answers a retry with the same key and body exactly as the first attempt did, and files once', async () => {
      const body = validReferral({ departmentReference: 'PKM-AND/2026/060' });
      const first = await api('POST', '/api/v1/referrals', { token: deptA.token, body, headers: key('1') });
      expect(first.status).toBe(201);
      const before = reportCount();
      // The same referral, its fields in another order and its text with surrounding spaces: the same body.
      const reordered = Object.fromEntries(Object.entries({ ...body, reason: `  ${String(body.reason)} ` }).reverse());
      const again = await api('POST', '/api/v1/referrals', { token: deptA.token, body: reordered, headers: key('1') });
      expect(again.status).toBe(201);
      expect(again.headers.location).toBe(first.headers.location);
      expect(again.body).toEqual(first.body);
      expect(reportCount()).toBe(before);
      // The replay is recorded; what is stored of the call is a keyed hash and the answer, never the body.
      const replayed = lentera.db
        .prepare("SELECT actor_account_id, detail FROM audit_events WHERE action = 'referral.replayed' AND subject_id = ?")
        .all(first.body.reference);
      expect(replayed).toEqual([{ actor_account_id: null, detail: JSON.stringify({ via: 'api', token: deptA.tokenId }) }]);
      const stored = lentera.db
        .prepare('SELECT * FROM api_idempotency_keys WHERE department_id = ? AND idempotency_key = ?')
        .get(deptA.id, key('1')['Idempotency-Key'].slice(1, -1)) as Record<string, unknown>;
      expect(stored).toMatchObject({ reference: first.body.reference, status: 'new', status_url: first.body.statusUrl });
      expect(stored.request_hash).toHaveLength(32);
      expect(JSON.stringify(stored)).not.toContain('Siti');
    });

    it('refuses the same key with another body (422), filing nothing, in both languages', async () => {
      const body = validReferral({ departmentReference: 'PKM-AND/2026/061' });
      expect((await api('POST', '/api/v1/referrals', { token: deptA.token, body, headers: key('2') })).status).toBe(201);
      const before = reportCount();
      const other = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: { ...body, departmentReference: 'PKM-AND/2026/062' },
        headers: key('2'),
      });
      expect(other.status).toBe(422);
      expect(other.body).toMatchObject({
        type: 'urn:lentera:problem:idempotency-key-reused',
        title: text('id', 'api.problems.idempotencyKeyReused.title'),
      });
      const changedClient = withClient({ name: 'Rahmawati Siti' }, { departmentReference: 'PKM-AND/2026/061' });
      const english = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: changedClient,
        headers: { ...key('2'), 'Accept-Language': 'en' },
      });
      expect([english.status, english.body.detail]).toEqual([422, text('en', 'api.problems.idempotencyKeyReused.detail')]);
      expect(reportCount()).toBe(before);
    });

    it('keeps a key to its department, and stores none for a call it refused', async () => {
      const body = validReferral({ departmentReference: 'BERSAMA/2026/001' });
      const a = await api('POST', '/api/v1/referrals', { token: deptA.token, body, headers: key('3') });
      const b = await api('POST', '/api/v1/referrals', { token: deptB.token, body, headers: key('3') });
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.body.reference).not.toBe(a.body.reference);

      const refused = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: validReferral({ departmentReference: 'BERSAMA/2026/001' }),
        headers: key('4'),
      });
      expect(refused.status).toBe(409);
      const filed = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: validReferral({ departmentReference: 'PKM-AND/2026/063' }),
        headers: key('4'),
      });
      expect(filed.status).toBe(201);
    });

    it('refuses a header that is not a key with 400, filing nothing; takes a bare key too', async () => {
      const before = reportCount();
      for (const bad of ['pendek', 'ada spasi di dalamnya', 'x'.repeat(129), '"tanpa-penutup-12345', 'kunci/miring/12345']) {
        const res = await api('POST', '/api/v1/referrals', {
          token: deptA.token,
          body: validReferral(),
          headers: { 'Idempotency-Key': bad },
        });
        expect({ bad, status: res.status, type: res.body.type }).toEqual({
          bad,
          status: 400,
          type: 'urn:lentera:problem:invalid-idempotency-key',
        });
      }
      expect(reportCount()).toBe(before);
      const bare = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: validReferral(),
        headers: { 'Idempotency-Key': 'sistem-puskesmas:000123' },
      });
      expect(bare.status).toBe(201);
    });
  });

  describe('GET /referrals/:reference', () => {
    let reference: string;
    beforeAll(async () => {
      const res = await api('POST', '/api/v1/referrals', {
        token: deptA.token,
        body: validReferral({ departmentReference: 'PKM-AND/2026/050' }),
      });
      reference = res.body.reference as string;
    });

    it('returns the department’s own referral with its status in words, and audits the view', async () => {
      const res = await api('GET', `/api/v1/referrals/${reference}`, { token: deptA.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        reference,
        departmentReference: 'PKM-AND/2026/050',
        status: 'new',
        statusLabel: text('id', 'publicStatus.new.name'),
        submittedAt: clock.toISOString(),
        decidedAt: null,
        response: null,
      });
      const english = await api('GET', `/api/v1/referrals/${reference}`, { token: deptA.token, headers: { 'Accept-Language': 'en' } });
      expect(english.body.statusLabel).toBe(text('en', 'publicStatus.new.name'));
      const views = lentera.db
        .prepare("SELECT detail FROM audit_events WHERE action = 'referral.viewed' AND subject_id = ?")
        .pluck()
        .all(reference) as string[];
      expect(views.map((d) => JSON.parse(d))).toEqual([
        { via: 'api', token: deptA.tokenId },
        { via: 'api', token: deptA.tokenId },
      ]);
    });

    it('shows the decision time and the response written for the department', async () => {
      const decidedAt = '2026-03-10T05:30:00.000Z';
      const reportId = lentera.db.prepare('SELECT id FROM reports WHERE reference = ?').pluck().get(reference) as number;
      lentera.db.prepare("UPDATE reports SET status = 'accepted', decided_at = ? WHERE id = ?").run(decidedAt, reportId);
      createReferralRepository(lentera.db, createFieldCipher(Buffer.from(TEST_DATA_KEY, 'hex'))).setResponse(
        reportId,
        'Diterima sebagai kasus; pekerja sosial akan menghubungi klien.',
      );
      const res = await api('GET', `/api/v1/referrals/${reference}`, { token: deptA.token });
      expect(res.body).toMatchObject({
        status: 'accepted',
        decidedAt,
        response: 'Diterima sebagai kasus; pekerja sosial akan menghubungi klien.',
      });
    });

    it('answers another department’s referral exactly as an unknown one: 404', async () => {
      const other = await api('GET', `/api/v1/referrals/${reference}`, { token: deptB.token });
      const unknown = await api('GET', '/api/v1/referrals/LAP-2026-999999', { token: deptB.token });
      expect(other.status).toBe(404);
      expect(other.body).toEqual(unknown.body);
      expect(other.body.type).toBe('urn:lentera:problem:not-found');
    });

    it('answers unknown API paths with a 404 problem, never an HTML page', async () => {
      const res = await api('GET', '/api/v1/cases', { token: deptA.token });
      expect(res.status).toBe(404);
    });

    it('sets no cookie even when asked to switch language', async () => {
      const res = await api('GET', `/api/v1/referrals/${reference}?lang=en`, { token: deptA.token });
      expect(res.status).toBe(200);
      expect(res.body.statusLabel).toBe(text('id', 'publicStatus.accepted.name'));
    });
  });

  describe('rate limit', () => {
    let limited: TestApp;
    afterAll(() => limited.cleanup());

    it('answers 429 past the limit for a token, counted per token', async () => {
      limited = createTestApp({ RATE_API_PER_TOKEN: '3' }, { now: () => clock });
      const served = await request(limited.app).get('/api/v1/openapi.json').expect(200);
      expect(served.body).toEqual(document);
      const limitedAdmin = await createStaffAccount(limited, { role: 'admin' });
      const issue = (name: string) => {
        const created = limited.services.departmentService.create(limitedAdmin.id, name);
        if (!created.ok) throw new Error('taken');
        const issued = limited.services.apiTokenService.issue(limitedAdmin.id, created.id, 'system');
        if (!issued.ok) throw new Error('refused');
        return issued.token;
      };
      const busy = issue('Puskesmas Pauh');
      const quiet = issue('Puskesmas Belimbing');
      expect((await call(limited, 'POST', '/api/v1/referrals', { token: busy, body: validReferral() })).status).toBe(201);
      expect((await call(limited, 'GET', '/api/v1/referrals/LAP-2026-999999', { token: busy })).status).toBe(404);
      expect((await call(limited, 'GET', '/api/v1/referrals/LAP-2026-999998', { token: busy })).status).toBe(404);
      const refused = await call(limited, 'GET', '/api/v1/referrals/LAP-2026-999999', { token: busy });
      expect(refused.status).toBe(429);
      expect(refused.body.type).toBe('urn:lentera:problem:rate-limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      const refusedPost = await call(limited, 'POST', '/api/v1/referrals', { token: busy, body: validReferral() });
      expect(refusedPost.status).toBe(429);
      expect(limited.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(1);
      expect((await call(limited, 'GET', '/api/v1/referrals/LAP-2026-999999', { token: quiet })).status).toBe(404);
    });
  });

  describe('failed tokens', () => {
    let guarded: TestApp;
    afterAll(() => guarded.cleanup());

    it('refuses an address that sent too many invalid tokens before looking any token up; other addresses go on', async () => {
      let now = clock;
      guarded = createTestApp({ TRUST_PROXY: '1', RATE_API_AUTH_FAILURES_PER_IP: '3' }, { now: () => now });
      const guardedAdmin = await createStaffAccount(guarded, { role: 'admin' });
      const created = guarded.services.departmentService.create(guardedAdmin.id, 'Puskesmas Ambacang');
      if (!created.ok) throw new Error('taken');
      const issued = guarded.services.apiTokenService.issue(guardedAdmin.id, created.id, 'system');
      if (!issued.ok) throw new Error('refused');
      const lastUsed = () => guarded.db.prepare('SELECT last_used_at FROM api_tokens WHERE id = ?').pluck().get(issued.id);
      const from = (address: string, token: string) =>
        call(guarded, 'GET', '/api/v1/referrals/LAP-2026-999999', { token, headers: { 'X-Forwarded-For': address } });
      const guess = `lnt_${'G'.repeat(43)}`;

      for (const token of [guess, 'lnt_pendek', guess]) expect((await from('198.51.100.7', token)).status).toBe(401);
      // Blocked: even the valid token is refused, and it is not looked up (its use is not noted).
      const blocked = await from('198.51.100.7', issued.token);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toMatchObject({
        type: 'urn:lentera:problem:rate-limited',
        detail: text('id', 'api.problems.rateLimited.failedTokens'),
      });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(3600);
      expect((await from('198.51.100.7', guess)).status).toBe(429);
      expect(lastUsed()).toBeNull();

      // Another address is not affected, with the valid token or a wrong one.
      expect((await from('198.51.100.8', issued.token)).status).toBe(404);
      expect(lastUsed()).toBe(now.toISOString());
      expect((await from('198.51.100.8', guess)).status).toBe(401);

      // An hour later the address may try again.
      now = new Date(clock.getTime() + 60 * 60 * 1000 + 1000);
      expect((await from('198.51.100.7', issued.token)).status).toBe(404);

      // Counted in memory only: the address is in no file.
      guarded.db.pragma('wal_checkpoint(PASSIVE)');
      for (const file of fs.readdirSync(guarded.dir).filter((f) => f.startsWith('lentera.db'))) {
        expect({ file, found: fs.readFileSync(path.join(guarded.dir, file)).includes('198.51.100.7') }).toEqual({ file, found: false });
      }
    });
  });

  describe('conformance', () => {
    it('produced every documented answer but a server fault, each checked against the document', () => {
      expect(exchanges).toBeGreaterThan(40);
      expect(conformance.unexercised().sort()).toEqual(['getReferral 500', 'submitReferral 500']);
    });
  });
});
