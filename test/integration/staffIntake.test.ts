import request from 'supertest';
import sharp from 'sharp';
import { createTestApp, csrfTokenOf, formBody, openStatus, tokenFrom, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { receiptOn, receiptOnDisk } from '../helpers/receipts';
import type { CurrentAccount } from '../../src/domain/roles';
import { intakeChannels } from '../../src/domain/reference';

const HOUR = 60 * 60 * 1000;
// Wednesday 4 February 2026, 10:00 WIB.
const WEDNESDAY = new Date('2026-02-04T03:00:00Z');

describe('staff intake (/staff/intake)', () => {
  let clock = WEDNESDAY;
  let lentera: TestApp;
  let triage: StaffAccount;
  let supervisor: StaffAccount;
  let triageAgent: Agent;
  let supervisorAgent: Agent;

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' }, { now: () => clock });
    triage = await createStaffAccount(lentera, { role: 'triage', name: 'Rina Petugas' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Budi Koordinator' });
    triageAgent = await signedInAgent(lentera, triage);
    supervisorAgent = await signedInAgent(lentera, supervisor);
  });
  afterAll(() => lentera.cleanup());
  afterEach(() => {
    clock = WEDNESDAY;
  });

  const db = () => lentera.db;
  const reportCount = () => db().prepare('SELECT count(*) FROM reports').pluck().get() as number;
  const latest = () =>
    db()
      .prepare(
        `SELECT r.id, r.reference, r.source, r.created_at, r.sla_due_at, r.contact_enc, r.wants_contact, r.language, r.receipt_hash,
                i.channel, i.taken_by, i.recorded_by, i.recorded_at
         FROM reports r LEFT JOIN report_intakes i ON i.report_id = r.id ORDER BY r.id DESC LIMIT 1`,
      )
      .get() as Record<string, unknown>;

  function intakeFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
    return {
      ...validReport({ narrative: 'Ibu R menelepon: anak tetangganya sering ditinggal sendirian tanpa makanan.' }),
      channel: 'phone',
      received_at: '2026-02-04T09:00',
      taken_by: String(triage.id),
      language: 'id',
      ...overrides,
    };
  }

  async function post(agent: Agent, fields: Record<string, string | string[]>) {
    const token = await tokenFrom(agent, '/staff/intake');
    return agent
      .post('/staff/intake')
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  it('records a report from each channel: source intake, received time, the officer who took it, and the report page shows them', async () => {
    for (const channel of intakeChannels) {
      const before = reportCount();
      const res = await post(triageAgent, intakeFields({ channel }));
      expect(res.status).toBe(303);
      const row = latest();
      expect(res.headers.location).toBe(`/staff/reports/${row.reference as string}`);
      expect(reportCount()).toBe(before + 1);
      expect(row).toMatchObject({
        source: 'intake',
        channel,
        // 09:00 WIB, typed in at 10:00 WIB.
        created_at: '2026-02-04T02:00:00.000Z',
        recorded_at: WEDNESDAY.toISOString(),
        taken_by: triage.id,
        recorded_by: triage.id,
        language: 'id',
        receipt_hash: null,
      });
    }
    const reference = latest().reference as string;
    const page = await triageAgent.get(`/staff/reports/${reference}?lang=en`).expect(200);
    expect(page.text).toContain('<dd id="intake-channel">Outreach (staff in the field)</dd>');
    expect(page.text).toContain('<dd id="intake-taken-by">Rina Petugas</dd>');
    expect(page.text).toMatch(/<dd id="intake-recorded">[^<]* by Rina Petugas<\/dd>/);
    expect(page.text).toContain('Recorded by staff');
    // The paper file says how the report came in, too.
    const printed = await triageAgent.get(`/staff/reports/${reference}/print?lang=en`).expect(200);
    expect(printed.text).toContain('<dd>Outreach (staff in the field)</dd>');
    expect(printed.text).toContain('<dd>Rina Petugas</dd>');
    await triageAgent.get('/staff/queue?lang=id').expect(200);
  });

  it('lets a supervisor record a report another officer took, in English', async () => {
    const res = await post(supervisorAgent, intakeFields({ channel: 'office', language: 'en' }));
    expect(res.status).toBe(303);
    expect(latest()).toMatchObject({ taken_by: triage.id, recorded_by: supervisor.id, language: 'en' });
    const page = await supervisorAgent.get(res.headers.location as string).expect(200);
    expect(page.text).toContain('<dd id="intake-taken-by">Rina Petugas</dd>');
    expect(page.text).toContain('Budi Koordinator');
  });

  it('offers the officer signed in as the one who took it, and the time now', async () => {
    const page = await triageAgent.get('/staff/intake').expect(200);
    expect(page.text).toMatch(new RegExp(`<option value="${triage.id}" selected>Rina Petugas</option>`));
    expect(page.text).toContain('value="2026-02-04T10:00"');
    expect(page.text).toContain('<form method="post" action="/staff/intake"');
  });

  it('refuses a time received in the future with 400, the error summary and everything typed kept', async () => {
    const before = reportCount();
    const res = await post(
      triageAgent,
      intakeFields({ received_at: '2026-02-04T11:30', channel: 'letter', location_detail: 'Gang Melati no. 4' }),
    );
    expect(res.status).toBe(400);
    expect(reportCount()).toBe(before);
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('<a href="#received_at">Waktu diterima tidak boleh lebih lambat dari sekarang');
    expect(res.text).toContain('value="2026-02-04T11:30"');
    expect(res.text).toContain('value="Gang Melati no. 4"');
    expect(res.text).toContain('anak tetangganya sering ditinggal');
    expect(res.text).toMatch(/id="channel-letter" name="channel" value="letter" checked/);
  });

  it('refuses a time received more than 30 days ago, a malformed one, and lists the report fields the public form checks', async () => {
    const before = reportCount();
    const old = await post(triageAgent, intakeFields({ received_at: '2025-02-04T09:00' }));
    expect(old.status).toBe(400);
    expect(old.text).toContain('paling lama 30 hari yang lalu');
    const bad = await post(triageAgent, intakeFields({ received_at: 'kemarin', channel: 'fax', narrative: 'pendek', taken_by: '999999' }));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<a href="#channel-office">');
    expect(bad.text).toContain('<a href="#received_at">');
    expect(bad.text).toContain('<a href="#narrative">');
    expect(reportCount()).toBe(before);
    // An officer who cannot take reports (here: none such account) is refused by the service.
    const unknown = await post(triageAgent, intakeFields({ taken_by: '999999' }));
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('<a href="#taken_by">');
    expect(reportCount()).toBe(before);
  });

  it('keeps the contact only with the reporter’s consent', async () => {
    const contact = {
      contact_name: 'Ibu R',
      contact_phone: '0812 3456 7890',
      contact_channel: 'phone',
      contact_leave_message: 'no',
    };
    const without = await post(triageAgent, { ...intakeFields(contact), wants_contact: [] });
    expect(without.status).toBe(303);
    expect(latest()).toMatchObject({ contact_enc: null, wants_contact: 0 });
    const page = await triageAgent.get(without.headers.location as string).expect(200);
    expect(page.text).not.toContain('0812 3456 7890');

    const withConsent = await post(triageAgent, intakeFields({ ...contact, wants_contact: 'yes' }));
    expect(withConsent.status).toBe(303);
    expect(latest()).toMatchObject({ wants_contact: 1 });
    expect(latest().contact_enc).not.toBeNull();
    // Encrypted at rest, shown to triage.
    expect(String(latest().contact_enc)).not.toContain('3456');
    const shown = await triageAgent.get(withConsent.headers.location as string).expect(200);
    expect(shown.text).toContain('0812 3456 7890');

    // With consent, the contact is checked as on the public form.
    const invalid = await post(triageAgent, intakeFields({ ...contact, contact_phone: 'abc', wants_contact: 'yes' }));
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('<a href="#contact_phone">');
  });

  it('takes attachments as a multipart form: stored as staff’s, and a refused file gives 400 with everything kept', async () => {
    const multipart = async (fields: Record<string, string | string[]>, file: { bytes: Buffer; name: string }) => {
      const token = await tokenFrom(triageAgent, '/staff/intake');
      let req = triageAgent.post('/staff/intake').field('_csrf', token);
      for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) req = req.field(key, v);
      return req.attach('attachments', file.bytes, file.name);
    };
    const photo = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#c00' } })
      .png()
      .toBuffer();
    const before = reportCount();
    const ok = await multipart(intakeFields({ channel: 'letter' }), { bytes: photo, name: 'surat.png' });
    expect(ok.status).toBe(303);
    const id = latest().id as number;
    expect(db().prepare('SELECT source, added_by_account_id, media_type FROM attachments WHERE report_id = ?').all(id)).toEqual([
      { source: 'staff', added_by_account_id: triage.id, media_type: 'image/png' },
    ]);

    const refused = await multipart(intakeFields({ location_detail: 'Jalan Sawahan' }), {
      bytes: Buffer.from('<html><script>alert(1)</script></html>'),
      name: 'foto.jpg',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('<a href="#attachments">');
    expect(refused.text).toContain('value="Jalan Sawahan"');
    expect(reportCount()).toBe(before + 1);
  });

  it('joins the queue with its source, and the source filter finds it', async () => {
    const res = await post(triageAgent, intakeFields({ category: 'child_marriage' }));
    const reference = latest().reference as string;
    expect(res.status).toBe(303);
    const filtered = await triageAgent.get('/staff/queue?source=intake&category=child_marriage').expect(200);
    expect(filtered.text).toContain(reference);
    expect(filtered.text).toMatch(/<option value="intake" selected>Dicatat petugas<\/option>/);
    const publicOnly = await triageAgent.get('/staff/queue?source=public&category=child_marriage').expect(200);
    expect(publicOnly.text).not.toContain(reference);
  });

  it('runs the triage target, and the time to a decision, from the time received', async () => {
    // Received on Monday 2 February at 09:00 WIB, typed in on Wednesday: a normal report is due at
    // the end of the third working day after Monday (Thursday), not after Wednesday.
    await post(triageAgent, intakeFields({ received_at: '2026-02-02T09:00', urgency: 'normal' }));
    expect(latest()).toMatchObject({ created_at: '2026-02-02T02:00:00.000Z', sla_due_at: '2026-02-05T16:59:59.999Z' });
    // Immediate: two clock hours from receipt.
    await post(triageAgent, intakeFields({ received_at: '2026-02-04T09:15', urgency: 'immediate' }));
    expect(latest()).toMatchObject({ sla_due_at: new Date(Date.parse('2026-02-04T02:15:00Z') + 2 * HOUR).toISOString() });
    const reference = latest().reference as string;
    const id = latest().id as number;

    // Decided at 10:00 WIB: 45 minutes after receipt.
    const who: CurrentAccount = { id: triage.id, email: triage.email, name: triage.name, role: 'triage', departmentId: null };
    expect(lentera.services.triageService.decide(who, reference, { kind: 'close', reason: 'resolved_at_intake', note: '' })).toMatchObject({
      ok: true,
    });
    const stats = db()
      .prepare('SELECT source, filed_on, hours_to_decision, hours_to_first_decision FROM report_statistics WHERE report_id = ?')
      .get(id);
    expect(stats).toEqual({ source: 'intake', filed_on: '2026-02-04', hours_to_decision: 0.75, hours_to_first_decision: 0.75 });
  });

  it('is counted in the statistics by source, in the CSV, and the count survives the report', async () => {
    // Enough for the public summary to show the number (counts of 1–4 are published as "< 5").
    for (let i = 0; i < 5; i += 1) await post(triageAgent, intakeFields({ received_at: '2026-02-03T08:00' }));
    const id = latest().id as number;
    const intakeCount = () =>
      db()
        .prepare("SELECT coalesce(sum(count), 0) FROM report_statistics_daily WHERE dimension = 'source' AND code = 'intake'")
        .pluck()
        .get() as number;
    const expected = db().prepare("SELECT count(*) FROM reports WHERE source = 'intake'").pluck().get() as number;
    expect(intakeCount()).toBe(expected);

    const range = 'from=2026-02-01&to=2026-02-28';
    const page = await supervisorAgent.get(`/staff/stats?${range}`).expect(200);
    const table = /<table data-dimension="source">([\s\S]*?)<\/table>/.exec(page.text)![1]!;
    expect(table).toMatch(new RegExp(`<tr data-code="intake">[\\s\\S]*?<td class="numeric">${expected}</td>`));
    const csv = await supervisorAgent.get(`/staff/stats.csv?${range}&lang=en`).expect(200);
    expect(csv.text).toContain(`source,intake,Recorded by staff,${expected}`);
    await supervisorAgent.get('/staff/queue?lang=id').expect(200);

    // Retention deletes the report (and with it how it came in); its statistics stay.
    db().prepare('DELETE FROM reports WHERE id = ?').run(id);
    expect(db().prepare('SELECT count(*) FROM report_intakes WHERE report_id = ?').pluck().get(id)).toBe(0);
    expect(intakeCount()).toBe(expected);
    expect(db().prepare("SELECT count(*) FROM report_statistics WHERE report_id IS NULL AND source = 'intake'").pluck().get()).toBe(1);

    // The public summary counts them too, once their month is over (here every report is from the office).
    clock = new Date('2026-03-02T03:00:00Z');
    const all = db().prepare("SELECT count(*) FROM report_statistics WHERE filed_on LIKE '2026-02-%'").pluck().get() as number;
    expect(all).toBe(expected);
    const transparency = await request(lentera.app).get('/transparency?year=2026').expect(200);
    expect(/<dd data-total="reports">([\s\S]*?)<\/dd>/.exec(transparency.text)![1]!.trim()).toBe(String(all));
  });

  it('refuses caseworkers, administrators and department officers, and has no menu item for them', async () => {
    for (const role of ['caseworker', 'admin', 'department'] as const) {
      const agent = await signedInAgent(lentera, await createStaffAccount(lentera, { role }));
      const form = await agent.get('/staff/intake');
      expect(form.status).toBe(403);
      const before = reportCount();
      // A token from a page they may open.
      const token = csrfTokenOf((await agent.get('/account').expect(200)).text);
      const posted = await agent
        .post('/staff/intake')
        .type('form')
        .send(formBody({ ...intakeFields(), _csrf: token }));
      expect(posted.status).toBe(403);
      expect(reportCount()).toBe(before);
      expect((await agent.get('/account').expect(200)).text).not.toContain('href="/staff/intake"');
      expect((await agent.get('/staff/intake/receipt/slip')).status).toBe(403);
    }
    const menu = await triageAgent.get('/staff/queue').expect(200);
    expect(menu.text).toContain('<a href="/staff/intake">Catat laporan</a>');
    // Not signed in: the sign-in page.
    await request(lentera.app).get('/staff/intake').expect(303).expect('Location', '/login?next=%2Fstaff%2Fintake');
  });

  it('refuses a post without its CSRF token: nothing stored, the form again with what was typed', async () => {
    const before = reportCount();
    await triageAgent.get('/staff/intake').expect(200);
    const res = await triageAgent
      .post('/staff/intake')
      .type('form')
      .send(formBody(intakeFields({ location_detail: 'Tanpa token' })));
    expect(res.status).toBe(400);
    expect(res.text).toContain('Halaman ini terbuka terlalu lama');
    expect(res.text).toContain('value="Tanpa token"');
    expect(reportCount()).toBe(before);
    const forged = await triageAgent
      .post('/staff/intake')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send(formBody(intakeFields()));
    expect(forged.status).toBe(403);
    expect(reportCount()).toBe(before);
  });

  it('shows the receipt once, prints the slip while the hand-off lasts, then neither; the code opens /status for the reporter', async () => {
    const res = await post(triageAgent, intakeFields({ give_receipt: 'yes', urgency: 'urgent', language: 'en' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/intake/receipt');
    const { id, reference } = latest() as { id: number; reference: string };
    expect(latest().receipt_hash).not.toBeNull();

    const first = await triageAgent.get('/staff/intake/receipt').expect(200);
    const code = receiptOn(first.text);
    expect(code).toMatch(/^\d{16}$/);
    expect(first.text).toContain(reference);
    expect(first.headers['cache-control']).toBe('no-store');
    // Never in a URL, never in clear on disk.
    expect(first.text).not.toMatch(new RegExp(`href="[^"]*${code}`));
    expect(receiptOnDisk(lentera.dir, code!)).toBe(false);

    const second = await triageAgent.get('/staff/intake/receipt').expect(200);
    expect(receiptOn(second.text)).toBeNull();
    expect(second.text).toContain('/staff/intake/receipt/slip');

    // The slip: in the reporter's language, the code, how to check, hotlines, the office, nothing of the back office.
    const slip = await triageAgent.get('/staff/intake/receipt/slip').expect(200);
    expect(receiptOn(slip.text)).toBe(code);
    expect(slip.text).toContain('<html lang="en">');
    expect(slip.text).toContain('/status');
    expect(slip.text).toContain('class="hotlines"');
    expect(slip.text).toContain('Dinas Sosial Kota Padang');
    expect(slip.text).toContain('/css/slip.css');
    expect(slip.text).not.toContain('staff-nav');
    expect(slip.text).not.toContain(triage.name);

    // Done: both halves go; the code cannot be shown or printed again.
    const doneToken = csrfTokenOf(second.text);
    await triageAgent
      .post('/staff/intake/receipt/done')
      .type('form')
      .send(formBody({ _csrf: doneToken }))
      .expect(303)
      .expect('Location', `/staff/reports/${reference}`);
    await triageAgent.get('/staff/intake/receipt/slip').expect(404);
    const gone = await triageAgent.get('/staff/intake/receipt').expect(200);
    expect(receiptOn(gone.text)).toBeNull();
    expect(gone.text).toContain('Tidak ada kode tanda terima');

    // The reporter follows it on the website.
    const resident = request.agent(lentera.app);
    await openStatus(resident, code!);
    const status = await resident.get('/status').expect(200);
    expect(status.text).toContain('class="status-panel"');
    expect(lentera.services.reportService.findReportByReceipt(code!)).toBe(id);
  });

  it('keeps the slip only for the hand-off’s minutes', async () => {
    await post(triageAgent, intakeFields({ give_receipt: 'yes' }));
    expect(receiptOn((await triageAgent.get('/staff/intake/receipt').expect(200)).text)).not.toBeNull();
    clock = new Date(WEDNESDAY.getTime() + 16 * 60 * 1000);
    await triageAgent.get('/staff/intake/receipt/slip').expect(404);
  });

  it('records who recorded which report from which channel, and each slip printed, never the content', async () => {
    await post(triageAgent, intakeFields({ channel: 'whatsapp', give_receipt: 'yes' }));
    const reference = latest().reference as string;
    await triageAgent.get('/staff/intake/receipt/slip').expect(200);
    const events = db()
      .prepare('SELECT actor_account_id, action, subject_type, subject_id, detail FROM audit_events WHERE subject_id = ? ORDER BY id')
      .all(reference) as Record<string, unknown>[];
    expect(events.map((e) => e.action)).toEqual(['report.intake_recorded', 'report.receipt_slip_printed']);
    expect(events[0]).toMatchObject({ actor_account_id: triage.id, subject_type: 'report' });
    expect(JSON.parse(events[0]!.detail as string)).toEqual({ channel: 'whatsapp', taken_by: triage.id, receipt: true, attachments: 0 });
    expect(events[1]).toMatchObject({ actor_account_id: triage.id });
    const all = JSON.stringify(events);
    expect(all).not.toContain('tetangganya');
    // The audit page names both actions.
    const log = await supervisorAgent.get(`/staff/audit?subject_id=${reference}&lang=en`).expect(200);
    expect(log.text).toContain('Report recorded by staff');
  });
});
