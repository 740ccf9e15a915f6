import request from 'supertest';
import type { Role } from '../../src/domain/roles';
import { createTestApp, fileReport, formBody, tokenFrom, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { auditTrail } from '../helpers/auditTrail';

const clock = new Date('2026-11-27T02:00:00Z'); // Friday 27 November 2026, 09:00 WIB

describe('settings: holidays and triage targets (/staff/settings)', () => {
  let lentera: TestApp;
  let admin: StaffAccount;
  let adminAgent: Agent;

  const holidayDates = () => lentera.db.prepare('SELECT date FROM holidays ORDER BY date').pluck().all();
  const lastAudit = () => lentera.db.prepare('SELECT * FROM audit_events ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>;
  const latestDueAt = () => lentera.db.prepare('SELECT sla_due_at FROM reports ORDER BY id DESC LIMIT 1').pluck().get();

  async function addHoliday(fields: Record<string, string>, status: number) {
    const token = await tokenFrom(adminAgent, '/staff/settings');
    return adminAgent
      .post('/staff/settings/holidays')
      .type('form')
      .send(formBody({ ...fields, _csrf: token }))
      .expect(status);
  }

  async function removeHoliday(date: string, status: number) {
    const token = await tokenFrom(adminAgent, '/staff/settings');
    return adminAgent
      .post(`/staff/settings/holidays/${date}/remove`)
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(status);
  }

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' }, { now: () => clock });
    admin = await createStaffAccount(lentera, { role: 'admin' });
    adminAgent = await signedInAgent(lentera, admin);
  });
  afterAll(() => lentera.cleanup());

  it.each(['triage', 'caseworker', 'supervisor', 'department'] as Role[])('refuses %s', async (role) => {
    const agent = await signedInAgent(lentera, await createStaffAccount(lentera, { role }));
    await agent.get('/staff/settings').expect(403);
    const token = await tokenFrom(agent, '/report');
    await agent
      .post('/staff/settings/holidays')
      .type('form')
      .send(formBody({ date: '2026-12-24', name_id: 'Libur', name_en: 'Holiday', _csrf: token }))
      .expect(403);
    lentera.db
      .prepare("INSERT INTO holidays (date, name_id, name_en) VALUES ('2027-01-01', 'Tahun Baru', 'New Year') ON CONFLICT DO NOTHING")
      .run();
    await agent
      .post('/staff/settings/holidays/2027-01-01/remove')
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(403);
    expect(holidayDates()).toContain('2027-01-01');
    expect(holidayDates()).not.toContain('2026-12-24');
  });

  it('sends a visitor who is not signed in to the login page, and refuses their posts', async () => {
    const agent = request.agent(lentera.app);
    await agent.get('/staff/settings').expect(303).expect('Location', '/login?next=%2Fstaff%2Fsettings');
    const token = await tokenFrom(agent, '/report');
    await agent
      .post('/staff/settings/holidays')
      .type('form')
      .send(formBody({ date: '2026-12-24', name_id: 'Libur', name_en: 'Holiday', _csrf: token }))
      .expect(403);
    await agent
      .post('/staff/settings/holidays/2027-01-01/remove')
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(403);
    expect(holidayDates()).not.toContain('2026-12-24');
  });

  it('shows the triage targets from the configuration, read-only', async () => {
    const page = await adminAgent.get('/staff/settings').expect(200);
    expect(page.text).toContain('<h2 id="targets-title">Target triase</h2>');
    expect(page.text).toMatch(/<dt>Ada yang dalam bahaya sekarang<\/dt><dd>2 jam<\/dd>/);
    expect(page.text).toMatch(/<dt>Mendesak<\/dt><dd>1 hari kerja<\/dd>/);
    expect(page.text).toMatch(/<dt>Biasa<\/dt><dd>3 hari kerja<\/dd>/);
    expect(page.text).not.toContain('name="immediateHours"');
  });

  it('adds a holiday, lists it and records it', async () => {
    expect((await addHoliday({ date: '2026-12-25', name_id: 'Hari Raya Natal', name_en: 'Christmas Day' }, 303)).headers.location).toBe(
      '/staff/settings',
    );
    expect(lentera.db.prepare("SELECT * FROM holidays WHERE date = '2026-12-25'").get()).toEqual({
      date: '2026-12-25',
      name_id: 'Hari Raya Natal',
      name_en: 'Christmas Day',
    });
    expect(lastAudit()).toMatchObject({
      actor_account_id: admin.id,
      action: 'holiday.added',
      subject_type: 'holiday',
      subject_id: '2026-12-25',
    });
    const page = await adminAgent.get('/staff/settings').expect(200);
    expect(page.text).toContain('Hari libur sudah ditambahkan.');
    const row = /<tr data-holiday="2026-12-25">[\s\S]*?<\/tr>/.exec(page.text)![0];
    expect(row).toContain('Jumat, 25 Desember 2026');
    expect(row).toContain('Hari Raya Natal');
    expect(row).toContain('Christmas Day');
    expect(row).toContain('action="/staff/settings/holidays/2026-12-25/remove"');
  });

  it('lists only holidays from today on', async () => {
    lentera.db.prepare("INSERT INTO holidays (date, name_id, name_en) VALUES ('2026-08-17', 'Hari Kemerdekaan', 'Independence Day')").run();
    const page = await adminAgent.get('/staff/settings').expect(200);
    expect(page.text).not.toContain('Hari Kemerdekaan');
  });

  it('refuses wrong values with a summary, keeping them', async () => {
    const res = await addHoliday({ date: '2026-02-30', name_id: '', name_en: 'x'.repeat(101) }, 400);
    expect(res.text).toContain('<a href="#date">Tuliskan tanggal yang benar');
    expect(res.text).toContain('<a href="#name_id">Tuliskan nama hari libur dalam Bahasa Indonesia</a>');
    expect(res.text).toContain('<a href="#name_en">Nama hari libur paling banyak 100 karakter</a>');
    expect(res.text).toContain('value="2026-02-30"');
    expect(res.text).toContain(`value="${'x'.repeat(101)}"`);
  });

  it('refuses a date that has passed, and one already in the list', async () => {
    const past = await addHoliday({ date: '2026-11-26', name_id: 'Kemarin', name_en: 'Yesterday' }, 400);
    expect(past.text).toContain('Tanggal sudah lewat');
    const before = lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get();
    const taken = await addHoliday({ date: '2026-12-25', name_id: 'Natal lagi', name_en: 'Christmas again' }, 400);
    expect(taken.text).toContain('<a href="#date">Tanggal ini sudah ada di daftar hari libur</a>');
    expect(lentera.db.prepare("SELECT name_id FROM holidays WHERE date = '2026-12-25'").pluck().get()).toBe('Hari Raya Natal');
    expect(lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get()).toBe(before);
  });

  it('removes a holiday once, and says so plainly when it is already gone', async () => {
    await addHoliday({ date: '2026-12-24', name_id: 'Cuti bersama Natal', name_en: 'Christmas leave' }, 303);
    expect((await removeHoliday('2026-12-24', 303)).headers.location).toBe('/staff/settings');
    expect(holidayDates()).not.toContain('2026-12-24');
    expect(lastAudit()).toMatchObject({ actor_account_id: admin.id, action: 'holiday.removed', subject_id: '2026-12-24' });
    expect((await adminAgent.get('/staff/settings')).text).toContain('Hari libur sudah dihapus.');

    const before = lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get();
    await removeHoliday('2026-12-24', 303);
    expect((await adminAgent.get('/staff/settings')).text).toContain('Hari libur itu sudah tidak ada di daftar.');
    expect(lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get()).toBe(before);
    await removeHoliday('not-a-date', 404);
  });

  it('moves the due date of reports filed after a holiday is added, and back after it is removed', async () => {
    const resident = request.agent(lentera.app);
    // Filed Friday 09:00 WIB, normal urgency: three working days → end of Wednesday 2 December.
    await fileReport(resident, validReport({ urgency: 'normal' }));
    expect(latestDueAt()).toBe('2026-12-02T16:59:59.999Z');

    await addHoliday({ date: '2026-11-30', name_id: 'Libur daerah', name_en: 'Local holiday' }, 303);
    await fileReport(resident, validReport({ urgency: 'normal' }));
    expect(latestDueAt()).toBe('2026-12-03T16:59:59.999Z');
    await fileReport(resident, validReport({ urgency: 'urgent' }));
    expect(latestDueAt()).toBe('2026-12-01T16:59:59.999Z'); // Monday is off: Tuesday
    // Reports already filed keep the due date they were given.
    expect(lentera.db.prepare('SELECT sla_due_at FROM reports ORDER BY id LIMIT 1').pluck().get()).toBe('2026-12-02T16:59:59.999Z');

    await removeHoliday('2026-11-30', 303);
    await fileReport(resident, validReport({ urgency: 'normal' }));
    expect(latestDueAt()).toBe('2026-12-02T16:59:59.999Z');
  });

  it('leaves the audit chain intact', () => {
    expect(auditTrail(lentera).verify()).toBeNull();
  });
});
