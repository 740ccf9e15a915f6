import request from 'supertest';
import { createTestApp, fileReport, formBody, openStatus, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';

/** The paper file: print views of a case and of a report, without the back office around them, each print audited. */
describe('print views', () => {
  let lentera: TestApp;
  let triage: StaffAccount;
  let supervisor: StaffAccount;
  let worker: StaffAccount;
  let otherWorker: StaffAccount;
  let admin: StaffAccount;
  let reference: string;
  let slug: string;
  let number: string;

  const as = (account: StaffAccount) => signedInAgent(lentera, account);

  async function post(agent: Agent, path: string, fields: Record<string, string>, page: string) {
    const token = await tokenFrom(agent, page);
    const res = await agent
      .post(path)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
    expect(res.status).toBe(303);
  }

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' });
    triage = await createStaffAccount(lentera, { role: 'triage', name: 'Tari Triase' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sari Koordinator' });
    worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
    otherWorker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Oki Peksos' });
    admin = await createStaffAccount(lentera, { role: 'admin' });

    // A resident's report: asked a question, answered, accepted as a case that its caseworker works.
    const resident = request.agent(lentera.app);
    const receipt = await fileReport(resident);
    reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const t = await as(triage);
    const page = `/staff/reports/${reference}`;
    await post(t, `${page}/ask`, { 'ask-message': 'Apakah anak sekarang sudah aman?' }, page);
    await openStatus(resident, receipt);
    const token = await tokenFrom(resident, '/status');
    await resident
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: 'Untuk sementara anak tinggal di rumah neneknya.', _csrf: token }))
      .expect(303);
    await post(
      t,
      `${page}/accept`,
      {
        'accept-case_mode': 'new',
        'accept-case_number': '',
        'accept-assignee': String(worker.id),
        'accept-risk': 'medium',
        'accept-note': '',
      },
      page,
    );
    number = lentera.db
      .prepare('SELECT c.number FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?')
      .pluck()
      .get(reference) as string;
    slug = number.replace(/\//g, '-');
    const w = await as(worker);
    const casePage = `/staff/cases/${slug}`;
    await post(w, `${casePage}/note`, { 'note-text': 'Kunjungan rumah pertama: ibu bersedia didampingi.' }, casePage);
    await post(w, `${casePage}/stage`, { 'stage-stage': 'initial_assessment' }, casePage);
    await post(
      w,
      `${casePage}/risk`,
      { 'risk-level': 'high', 'risk-factors': 'Ayah sering mabuk dan marah', 'risk-protective': 'Nenek tinggal dekat dan peduli' },
      casePage,
    );
  });
  afterAll(() => lentera.cleanup());

  const printAudits = (action: string) =>
    lentera.db
      .prepare('SELECT actor_account_id AS actor, subject_id AS subject FROM audit_events WHERE action = ? ORDER BY id')
      .all(action) as {
      actor: number;
      subject: string;
    }[];

  /** Nothing of the staff chrome: no menu, header, buttons, forms, quick exit or script. */
  function expectNoChrome(html: string): void {
    for (const chrome of [
      '<nav',
      'site-header',
      'staff-nav',
      '<form',
      '<button',
      'data-quick-exit',
      '<script',
      'skip-link',
      '/css/site.css',
      'style=',
    ]) {
      expect(html).not.toContain(chrome);
    }
    expect(html).toContain('<link rel="stylesheet" href="/css/print-view.css">');
  }

  it('prints a case: stages, assessment, factors, notes and decisions, marked confidential, with who printed it and when', async () => {
    const agent = await as(worker);
    const res = await agent.get(`/staff/cases/${slug}/print`).expect(200);
    const html = res.text;
    for (const text of [
      number,
      'Tahapan layanan LK3',
      'Penerimaan',
      'Asesmen awal',
      'tahap saat ini',
      'Riwayat tahapan',
      'Asesmen',
      'Tinggi',
      'Ayah sering mabuk dan marah',
      'Nenek tinggal dekat dan peduli',
      'Catatan kasus',
      'Kunjungan rumah pertama: ibu bersedia didampingi.',
      'Riwayat keputusan',
      reference,
      'RAHASIA / CONFIDENTIAL',
      'Dicetak oleh Wulan Peksos pada',
      'WIB',
    ]) {
      expect(html).toContain(text);
    }
    expectNoChrome(html);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(printAudits('case.printed').map((a) => a.actor)).toEqual([worker.id]);
  });

  it('in English with ?lang=en', async () => {
    const html = (await (await as(supervisor)).get(`/staff/cases/${slug}/print?lang=en`).expect(200)).text;
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('LK3 service stages');
    expect(html).toContain('Printed by Sari Koordinator on');
    expect(html).toContain('RAHASIA / CONFIDENTIAL');
  });

  it("prints a report: its content, decision, timeline and messages; the report's caseworker may print it too", async () => {
    const before = printAudits('report.printed').length;
    const html = (await (await as(triage)).get(`/staff/reports/${reference}/print`).expect(200)).text;
    for (const text of [
      reference,
      'Isi laporan',
      'Anak tetangga sering ditinggal sendirian berhari-hari tanpa makanan.',
      'Dekat masjid, gang ketiga',
      'Riwayat',
      'Apakah anak sekarang sudah aman?',
      'Untuk sementara anak tinggal di rumah neneknya.',
      'Tidak ada lampiran.',
      number,
      'RAHASIA / CONFIDENTIAL',
      'Dicetak oleh Tari Triase pada',
    ]) {
      expect(html).toContain(text);
    }
    expectNoChrome(html);
    await (await as(worker)).get(`/staff/reports/${reference}/print`).expect(200);
    const audits = printAudits('report.printed').slice(before);
    expect(audits).toEqual([
      { actor: triage.id, subject: reference },
      { actor: worker.id, subject: reference },
    ]);
    // A print is its own action in the log, not a view.
    const detail = lentera.db.prepare("SELECT detail FROM audit_events WHERE action = 'report.printed'").pluck().all() as (string | null)[];
    for (const d of detail) expect(d ?? '').not.toContain('Anak');
  });

  it("refuses another caseworker's case and report (404), an administrator (403), and the signed-out", async () => {
    const before = printAudits('case.printed').length + printAudits('report.printed').length;
    const other = await as(otherWorker);
    await other.get(`/staff/cases/${slug}/print`).expect(404);
    await other.get(`/staff/reports/${reference}/print`).expect(404);
    await other.get('/staff/cases/not-a-case/print').expect(404);
    const adminAgent = await as(admin);
    await adminAgent.get(`/staff/cases/${slug}/print`).expect(403);
    await adminAgent.get(`/staff/reports/${reference}/print`).expect(403);
    const anonymous = await request.agent(lentera.app).get(`/staff/cases/${slug}/print`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    expect(printAudits('case.printed').length + printAudits('report.printed').length).toBe(before);
  });

  it('the case and report pages link to their print views', async () => {
    const agent = await as(supervisor);
    expect((await agent.get(`/staff/cases/${slug}`).expect(200)).text).toContain(`href="/staff/cases/${slug}/print"`);
    expect((await agent.get(`/staff/reports/${reference}`).expect(200)).text).toContain(`href="/staff/reports/${reference}/print"`);
  });
});
