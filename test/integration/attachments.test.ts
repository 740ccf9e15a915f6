import path from 'node:path';
import request from 'supertest';
import exifr from 'exifr';
import sharp from 'sharp';
import Database from 'better-sqlite3';
import { PDFDocument } from 'pdf-lib';
import { runBackup } from '../../src/cli/backup';
import { runRetention } from '../../src/cli/retention';
import { createFieldCipher } from '../../src/data/fieldCipher';
import { attachmentContext } from '../../src/data/attachmentRepository';
import type { CurrentAccount } from '../../src/domain/roles';
import {
  createTestApp,
  csrfTokenOf,
  openStatus,
  fileReport,
  tokenFrom,
  validReport,
  TEST_DATA_KEY,
  type Agent,
  type TestApp,
} from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { databaseBytes } from '../helpers/receipts';
import { validReferral, validReferralForm } from '../helpers/referrals';
import { createConformance, type Conformance, type Exchange } from '../helpers/openApiConformance';
import {
  htmlNamedJpg,
  jpegWithGps,
  multipartForm,
  pdfWithMetadata,
  PDF_SECRET_AUTHOR,
  png,
  type FormFile,
} from '../helpers/attachmentFiles';

const DAY = 24 * 60 * 60 * 1000;

describe('attachments', () => {
  let clock: Date;
  let lentera: TestApp;
  let triage: StaffAccount;
  let triageAgent: Agent;

  beforeAll(async () => {
    clock = new Date('2026-03-02T03:00:00Z');
    lentera = createTestApp(
      { RATE_REPORTS_PER_IP: '1000', ATTACHMENT_MAX_MB: '1', ATTACHMENTS_MAX_FILES: '3', RETENTION_DAYS: '30' },
      { now: () => clock },
    );
    triage = await createStaffAccount(lentera, { role: 'triage' });
    triageAgent = await signedInAgent(lentera, triage);
  });
  afterAll(() => lentera.cleanup());

  const reportCount = () => lentera.db.prepare('SELECT count(*) FROM reports').pluck().get() as number;
  const lastReference = () => lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
  const attachmentIds = (reference: string) =>
    lentera.db
      .prepare('SELECT a.id FROM attachments a JOIN reports r ON r.id = a.report_id WHERE r.reference = ? ORDER BY a.id')
      .pluck()
      .all(reference) as number[];

  /** Posts the public report form as a browser does with files chosen. */
  async function postReport(agent: Agent, fields: Record<string, string | string[]>, files: FormFile[], token?: string) {
    const csrf = token ?? (await tokenFrom(agent, '/report'));
    return multipartForm(agent.post('/report'), { ...fields, _csrf: csrf }, files);
  }

  /** Files a report with these files and returns its reference. */
  async function reportWith(files: FormFile[], fields = validReport()): Promise<string> {
    const agent = request.agent(lentera.app);
    const res = await postReport(agent, fields, files);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/report/receipt');
    return lastReference();
  }

  async function download(agent: Agent, reference: string, id: number) {
    return agent
      .get(`/staff/reports/${reference}/attachments/${id}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  }

  it('shows a plain multipart file field on the public form', async () => {
    const page = await request(lentera.app).get('/report').expect(200);
    expect(page.text).toContain('enctype="multipart/form-data"');
    expect(page.text).toMatch(/<input type="file" id="attachments" name="attachments" multiple accept="[^"]*image\/jpeg/);
  });

  it('stores a photo without its GPS position and a PDF without its metadata, encrypted, and serves them to triage as downloads', async () => {
    const photo = await jpegWithGps();
    const pdf = await pdfWithMetadata();
    const reference = await reportWith([
      { name: 'foto-luka-rina.jpg', bytes: photo, type: 'image/jpeg' },
      { name: 'surat sekolah.pdf', bytes: pdf, type: 'application/pdf' },
    ]);
    const [photoId, pdfId] = attachmentIds(reference);
    expect(photoId).toBeDefined();
    expect(pdfId).toBeDefined();

    // Listed on the report page with a link, the name shown as given.
    const page = await triageAgent.get(`/staff/reports/${reference}`).expect(200);
    expect(page.text).toContain(`href="/staff/reports/${reference}/attachments/${photoId}"`);
    expect(page.text).toContain('foto-luka-rina.jpg');
    expect(page.text).toContain('surat sekolah.pdf');
    // The queue says the report came with files (how many, not what).
    const queue = await triageAgent.get('/staff/queue?lang=id').expect(200);
    const row = queue.text.slice(
      queue.text.indexOf(`>${reference}</a>`),
      queue.text.indexOf('</tr>', queue.text.indexOf(`>${reference}</a>`)),
    );
    expect(row).toContain('Lampiran: 2');

    const served = await download(triageAgent, reference, photoId!);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['content-disposition']).toBe(`attachment; filename="foto-luka-rina.jpg"; filename*=UTF-8''foto-luka-rina.jpg`);
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['cache-control']).toBe('no-store');
    expect(served.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    const stored = served.body as Buffer;
    expect(await exifr.gps(stored)).toBeUndefined();
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    expect(stored.includes(Buffer.from('LenteraPhone'))).toBe(false);

    const servedPdf = await download(triageAgent, reference, pdfId!);
    expect(servedPdf.headers['content-type']).toBe('application/pdf');
    const pdfBytes = servedPdf.body as Buffer;
    expect(pdfBytes.toString('latin1')).not.toContain(PDF_SECRET_AUTHOR);
    expect((await PDFDocument.load(pdfBytes, { updateMetadata: false })).getAuthor()).toBeUndefined();

    // At rest: neither the bytes served nor the names are anywhere in the database files.
    const onDisk = databaseBytes(lentera.dir);
    expect(onDisk.includes(stored.subarray(200, 264))).toBe(false);
    expect(onDisk.includes(pdfBytes.subarray(0, 64))).toBe(false);
    expect(onDisk.includes(Buffer.from('foto-luka-rina'))).toBe(false);
    expect(onDisk.includes(Buffer.from('surat sekolah'))).toBe(false);

    // Every view is on the audit log: who, which report, which file.
    const views = lentera.db
      .prepare(
        "SELECT actor_account_id AS actor, subject_id AS subject, detail FROM audit_events WHERE action = 'attachment.viewed' ORDER BY id",
      )
      .all();
    expect(views).toEqual([
      { actor: triage.id, subject: reference, detail: JSON.stringify({ attachment: photoId }) },
      { actor: triage.id, subject: reference, detail: JSON.stringify({ attachment: pdfId }) },
    ]);
  });

  it('refuses an HTML file named .jpg with a 400, keeping everything typed, and stores nothing', async () => {
    const before = reportCount();
    const agent = request.agent(lentera.app);
    const fields = validReport({
      narrative: 'Narasi yang harus tetap ada setelah berkas ditolak oleh server.',
      location_detail: 'Gang Melati 3',
    });
    const res = await postReport(agent, fields, [{ name: 'foto.jpg', bytes: htmlNamedJpg, type: 'image/jpeg' }]);
    expect(res.status).toBe(400);
    expect(reportCount()).toBe(before);
    expect(res.text).toContain('href="#attachments"');
    expect(res.text).toContain('Berkas ke-1 bukan foto');
    expect(res.text).toContain('pilih lagi berkas Anda');
    expect(res.text).toContain('Narasi yang harus tetap ada setelah berkas ditolak oleh server.');
    expect(res.text).toContain('value="Gang Melati 3"');
    expect(res.text).toMatch(/id="category-neglect"[^>]*checked/);
    expect(res.text).toContain('aria-invalid="true"');
  });

  it('refuses too many files and too large a file, keeping what was typed', async () => {
    const agent = request.agent(lentera.app);
    const small = await png();
    const tooMany = await postReport(
      agent,
      validReport({ location_detail: 'Empat berkas' }),
      [1, 2, 3, 4].map((n) => ({ name: `${n}.png`, bytes: small, type: 'image/png' })),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain('lebih dari 3 berkas');
    expect(tooMany.text).toContain('value="Empat berkas"');

    const tooLarge = await postReport(agent, validReport({ location_detail: 'Berkas besar' }), [
      { name: 'besar.jpg', bytes: Buffer.alloc(1024 * 1024 + 1, 7), type: 'image/jpeg' },
    ]);
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.text).toContain('lebih besar dari 1 MB');
    expect(tooLarge.text).toContain('value="Berkas besar"');

    // A field sent after the file that was too large is kept too: the form is read to its end.
    const token = await tokenFrom(agent, '/report');
    const fieldAfter = await multipartForm(agent.post('/report'), { ...validReport(), _csrf: token }, [
      { name: 'besar.jpg', bytes: Buffer.alloc(1024 * 1024 + 1, 7), type: 'image/jpeg' },
    ]).field('contact_hours', 'Sesudah berkas besar');
    expect(fieldAfter.status).toBe(400);
    expect(fieldAfter.text).toContain('lebih besar dari 1 MB');
    expect(fieldAfter.text).toContain('value="Sesudah berkas besar"');

    // Errors in the fields and in the files show together; the field errors still link to their fields.
    const both = await postReport(agent, validReport({ narrative: 'pendek' }), [{ name: 'x.jpg', bytes: htmlNamedJpg }]);
    expect(both.status).toBe(400);
    expect(both.text).toContain('href="#narrative"');
    expect(both.text).toContain('href="#attachments"');
  });

  it('a report without files still goes through, multipart or not', async () => {
    const agent = request.agent(lentera.app);
    expect((await postReport(agent, validReport(), [{ name: '', bytes: Buffer.alloc(0) }])).status).toBe(303);
    expect(attachmentIds(lastReference())).toEqual([]);
    await fileReport(request.agent(lentera.app));
  });

  it('a multipart form with a stale token is shown again with everything typed; a forged one elsewhere is refused', async () => {
    const before = reportCount();
    const agent = request.agent(lentera.app);
    await agent.get('/report').expect(200);
    const res = await postReport(agent, validReport({ location_detail: 'Token basi' }), [{ name: 'a.png', bytes: await png() }], 'forged');
    expect(res.status).toBe(400);
    expect(res.text).toContain('value="Token basi"');
    expect(reportCount()).toBe(before);

    // The reporter's message form without a valid token: 403, nothing stored.
    const receipt = await fileReport(agent);
    await openStatus(agent, receipt);
    const messages = () => lentera.db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
    const count = messages();
    const forged = await multipartForm(agent.post('/status/messages'), { message: 'Pesan', _csrf: 'forged' }, [
      { name: 'a.png', bytes: await png() },
    ]);
    expect(forged.status).toBe(403);
    const noToken = await multipartForm(agent.post('/status/messages'), { message: 'Pesan' });
    expect(noToken.status).toBe(403);
    expect(messages()).toBe(count);
  });

  it('a reporter attaches a file to a follow-up message; a refused one keeps the message typed', async () => {
    const agent = request.agent(lentera.app);
    const receipt = await fileReport(agent);
    const reference = lastReference();
    await openStatus(agent, receipt);
    const statusPage = await agent.get('/status').expect(200);
    expect(statusPage.text).toMatch(/<form method="post" action="\/status\/messages" enctype="multipart\/form-data"/);

    const refused = await multipartForm(
      agent.post('/status/messages'),
      { message: 'Ini foto tambahan', _csrf: csrfTokenOf(statusPage.text) },
      [{ name: 'bukan-foto.jpg', bytes: htmlNamedJpg }],
    );
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Ini foto tambahan');
    expect(refused.text).toContain('href="#attachments"');
    expect(attachmentIds(reference)).toEqual([]);

    const token = csrfTokenOf((await agent.get('/status').expect(200)).text);
    const sent = await multipartForm(agent.post('/status/messages'), { message: 'Ini foto tambahan', _csrf: token }, [
      { name: 'tambahan.png', bytes: await png(), type: 'image/png' },
    ]);
    expect(sent.status).toBe(303);
    // Her status page names the file she sent (the content only staff open).
    const after = await agent.get('/status').expect(200);
    expect(after.text).toContain('Berkas yang Anda kirim');
    expect(after.text).toContain('tambahan.png');
    const row = lentera.db
      .prepare(
        'SELECT a.message_id AS messageId, a.source, a.media_type AS type FROM attachments a JOIN reports r ON r.id = a.report_id WHERE r.reference = ?',
      )
      .get(reference) as { messageId: number | null; source: string; type: string };
    expect(row).toMatchObject({ source: 'reporter', type: 'image/png' });
    expect(row.messageId).not.toBeNull();
    const page = await triageAgent.get(`/staff/reports/${reference}`).expect(200);
    expect(page.text).toContain('tambahan.png');
    expect(page.text).toContain('Pelapor, bersama pesan');
  });

  it('only those who may open the report open its attachments', async () => {
    const reference = await reportWith([{ name: 'a.png', bytes: await png(), type: 'image/png' }]);
    const [id] = attachmentIds(reference);
    const url = `/staff/reports/${reference}/attachments/${id}`;
    const viewsBefore = lentera.db.prepare("SELECT count(*) FROM audit_events WHERE action = 'attachment.viewed'").pluck().get() as number;

    // No session: to the sign-in page, nothing served.
    const anonymous = await request(lentera.app).get(url);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    // A caseworker whose case this is not: the same 404 as a report that does not exist.
    const caseworker = await signedInAgent(lentera, await createStaffAccount(lentera, { role: 'caseworker' }));
    await caseworker.get(url).expect(404);
    // A department officer, and an administrator, never.
    const department = await signedInAgent(lentera, await createStaffAccount(lentera, { role: 'department' }));
    expect((await department.get(url)).status).toBe(403);
    const admin = await signedInAgent(lentera, await createStaffAccount(lentera, { role: 'admin' }));
    expect((await admin.get(url)).status).toBe(403);
    // Triage: another report's attachment id under this reference, or a malformed id, is not found.
    const other = await reportWith([{ name: 'b.png', bytes: await png(), type: 'image/png' }]);
    await triageAgent.get(`/staff/reports/${other}/attachments/${id}`).expect(404);
    await triageAgent.get(`/staff/reports/${reference}/attachments/1e3`).expect(404);
    expect(lentera.db.prepare("SELECT count(*) FROM audit_events WHERE action = 'attachment.viewed'").pluck().get()).toBe(viewsBefore);

    // The caseworker of the report's case may.
    const worker = await createStaffAccount(lentera, { role: 'caseworker' });
    const who: CurrentAccount = { id: triage.id, email: triage.email, name: triage.name, role: 'triage', departmentId: null };
    const accepted = lentera.services.triageService.decide(who, reference, {
      kind: 'accept',
      existingCaseNumber: null,
      assigneeId: worker.id,
      riskLevel: 'medium',
      note: 'Diterima',
    });
    expect(accepted).toEqual({ ok: true });
    const workerAgent = await signedInAgent(lentera, worker);
    expect((await download(workerAgent, reference, id!)).status).toBe(200);
  });

  it('are in the backup, readable with the data key', async () => {
    const reference = await reportWith([{ name: 'cadangan.png', bytes: await png(), type: 'image/png' }]);
    const file = path.join(lentera.dir, 'backups', 'with-attachments.db');
    const code = await runBackup(
      { DATABASE_PATH: lentera.config.databasePath, DATA_KEY: TEST_DATA_KEY },
      [file],
      () => {},
      () => {},
    );
    expect(code).toBe(0);
    const copy = new Database(file, { readonly: true });
    try {
      const row = copy
        .prepare(
          'SELECT a.id, a.report_id AS reportId, a.name_enc AS nameEnc, a.content_enc AS contentEnc FROM attachments a JOIN reports r ON r.id = a.report_id WHERE r.reference = ?',
        )
        .get(reference) as { id: number; reportId: number; nameEnc: string; contentEnc: Buffer };
      const cipher = createFieldCipher(Buffer.from(TEST_DATA_KEY, 'hex'));
      expect(cipher.decrypt(row.nameEnc, attachmentContext.name(row.id, row.reportId))).toBe('cadangan.png');
      const bytes = cipher.decryptBytes(row.contentEnc, attachmentContext.content(row.id, row.reportId));
      expect((await sharp(bytes).metadata()).format).toBe('png');
      // Bound to its row: under another row's context it does not open.
      expect(() => cipher.decryptBytes(row.contentEnc, attachmentContext.content(row.id + 1, row.reportId))).toThrow();
    } finally {
      copy.close();
    }
  });

  it('go with their report when retention purges it', async () => {
    const reference = await reportWith([{ name: 'hapus.png', bytes: await png(), type: 'image/png' }]);
    const who: CurrentAccount = { id: triage.id, email: triage.email, name: triage.name, role: 'triage', departmentId: null };
    expect(lentera.services.triageService.decide(who, reference, { kind: 'close', reason: 'not_actionable', note: 'Tutup' })).toEqual({
      ok: true,
    });
    expect(attachmentIds(reference)).toHaveLength(1);
    const total = () => lentera.db.prepare('SELECT count(*) FROM attachments').pluck().get() as number;
    const before = total();
    clock = new Date(clock.getTime() + 31 * DAY);
    const out: string[] = [];
    const code = runRetention(
      [],
      { DATABASE_PATH: lentera.config.databasePath, DATA_KEY: TEST_DATA_KEY, RETENTION_DAYS: '30' },
      (l) => out.push(l),
      () => {},
      () => clock,
    );
    expect(code).toBe(0);
    expect(attachmentIds(reference)).toEqual([]);
    expect(total()).toBe(before - 1);
    expect(out.join('\n')).toContain('1 attachment(s)');
  });
});

describe('attachments from departments', () => {
  let lentera: TestApp;
  let officerAgent: Agent;
  let triageAgent: Agent;
  let token: string;
  let conformance: Conformance;

  beforeAll(async () => {
    lentera = createTestApp({ RATE_API_PER_TOKEN: '1000', ATTACHMENTS_MAX_FILES: '2' });
    const admin = await createStaffAccount(lentera, { role: 'admin' });
    const department = lentera.services.departmentService.create(admin.id, 'Puskesmas Lampiran');
    if (!department.ok) throw new Error('department');
    const issued = lentera.services.apiTokenService.issue(admin.id, department.id, 'Sistem puskesmas');
    if (!issued.ok) throw new Error('token');
    token = issued.token;
    officerAgent = await signedInAgent(lentera, await createStaffAccount(lentera, { role: 'department', departmentId: department.id }));
    triageAgent = await signedInAgent(lentera, await createStaffAccount(lentera, { role: 'triage' }));
    conformance = createConformance((await request(lentera.app).get('/api/v1/openapi.json').expect(200)).body as Record<string, never>);
  });
  afterAll(() => lentera.cleanup());

  const attachmentsOf = (reference: string) =>
    lentera.db
      .prepare(
        'SELECT a.source, a.media_type AS type FROM attachments a JOIN reports r ON r.id = a.report_id WHERE r.reference = ? ORDER BY a.id',
      )
      .all(reference);

  it('the referral form takes files as a multipart form; a refused one keeps what was typed', async () => {
    const page = await officerAgent.get('/department/referrals/new').expect(200);
    expect(page.text).toContain('enctype="multipart/form-data"');
    const fields = validReferralForm();
    const refused = await multipartForm(officerAgent.post('/department/referrals/new'), { ...fields, _csrf: csrfTokenOf(page.text) }, [
      { name: 'surat.pdf', bytes: htmlNamedJpg, type: 'application/pdf' },
    ]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#attachments"');
    expect(refused.text).toContain(`value="${fields.department_reference as string}"`);

    const sent = await multipartForm(officerAgent.post('/department/referrals/new'), { ...fields, _csrf: csrfTokenOf(refused.text) }, [
      { name: 'surat rujukan.pdf', bytes: await pdfWithMetadata(), type: 'application/pdf' },
    ]);
    expect(sent.status).toBe(303);
    const reference = String(sent.headers.location).split('/').pop()!;
    expect(attachmentsOf(reference)).toEqual([{ source: 'department', type: 'application/pdf' }]);
    const staffPage = await triageAgent.get(`/staff/reports/${reference}`).expect(200);
    expect(staffPage.text).toContain('surat rujukan.pdf');
    expect(staffPage.text).toContain('Dinas perujuk');
  });

  it('a department officer does not open attachments, not even of their own referrals', async () => {
    const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const id = lentera.db.prepare('SELECT max(id) FROM attachments').pluck().get() as number;
    expect((await officerAgent.get(`/staff/reports/${reference}/attachments/${id}`)).status).toBe(403);
  });

  async function api(body: Record<string, unknown>, ruleInWords = false) {
    const res = await request(lentera.app)
      .post('/api/v1/referrals')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', 'application/json')
      .send(JSON.stringify(body));
    const exchange: Exchange = {
      method: 'POST',
      path: '/api/v1/referrals',
      requestHeaders: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      requestBody: body as never,
      status: res.status,
      responseHeaders: res.headers as Record<string, string>,
      responseBody: JSON.parse(res.text) as never,
    };
    expect(conformance.check(exchange, { ruleInWords })).toEqual([]);
    return { status: res.status, body: res.body as { reference?: string; errors?: { pointer: string; detail: string }[] } };
  }

  it('the API takes files in base64, cleaned like any other, as its OpenAPI document says', async () => {
    const photo = await jpegWithGps();
    const created = await api(
      validReferral({
        attachments: [
          { name: 'foto.jpg', contentBase64: photo.toString('base64') },
          { name: 'surat.pdf', contentBase64: (await pdfWithMetadata()).toString('base64') },
        ],
      }),
    );
    expect(created.status).toBe(201);
    expect(attachmentsOf(created.body.reference!)).toEqual([
      { source: 'department', type: 'image/jpeg' },
      { source: 'department', type: 'application/pdf' },
    ]);
    const id = lentera.db.prepare("SELECT min(id) FROM attachments WHERE media_type = 'image/jpeg'").pluck().get() as number;
    const served = await triageAgent
      .get(`/staff/reports/${created.body.reference!}/attachments/${id}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(await exifr.gps(served.body as Buffer)).toBeUndefined();
  });

  it('the API refuses a file that is not what it claims, bad base64 and too many files, pointing at them; nothing is filed', async () => {
    const before = lentera.db.prepare('SELECT count(*) FROM reports').pluck().get();
    const html = await api(validReferral({ attachments: [{ name: 'foto.jpg', contentBase64: htmlNamedJpg.toString('base64') }] }), true);
    expect(html.status).toBe(400);
    expect(html.body.errors).toEqual([{ pointer: '/attachments/0/contentBase64', detail: expect.stringContaining('Berkas ke-1') }]);
    const badBase64 = await api(validReferral({ attachments: [{ name: 'a.png', contentBase64: 'bukan base64!' }] }));
    expect(badBase64.status).toBe(400);
    expect(badBase64.body.errors?.[0]?.pointer).toBe('/attachments/0/contentBase64');
    const small = (await png()).toString('base64');
    const tooMany = await api(validReferral({ attachments: [1, 2, 3].map((n) => ({ name: `${n}.png`, contentBase64: small })) }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors?.[0]?.pointer).toBe('/attachments');
    expect(lentera.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(before);
  });
});
