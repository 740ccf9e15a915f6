import request from 'supertest';
import { createTestApp, csrfTokenOf, fileReport, formBody, openStatus, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { validReferralForm } from '../helpers/referrals';

/**
 * What text a form may hold (issue "Step 5", items 10 and 22): a control character, a line break
 * in a one-line field, U+FFFD or bytes that are not UTF-8 are refused on their own field — 400, the
 * error linked, everything typed kept, nothing stored — while ordinary multi-line Indonesian text
 * goes through.
 */
describe('free text in the forms', () => {
  let lentera: TestApp;
  let admin: StaffAccount;
  let officer: StaffAccount;
  let triage: StaffAccount;
  let adminAgent: Agent;
  let officerAgent: Agent;
  let departmentId: number;

  const lineBreak = 'Isian ini harus ditulis dalam satu baris';
  const control = 'Isian ini berisi karakter tersembunyi';
  const damaged = 'Isian ini berisi karakter yang rusak (�)';

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' }, { now: () => new Date('2026-03-10T02:00:00Z') });
    admin = await createStaffAccount(lentera, { role: 'admin' });
    officer = await createStaffAccount(lentera, { role: 'department' });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    adminAgent = await signedInAgent(lentera, admin);
    officerAgent = await signedInAgent(lentera, officer);
    const created = lentera.services.departmentService.create(admin.id, 'Dinas Pendidikan Kota Padang');
    if (!created.ok) throw new Error('department');
    departmentId = created.id;
  });
  afterAll(() => lentera.cleanup());

  const count = (table: string) => lentera.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

  /** GETs the form's page for its CSRF token, then posts `body` (already encoded) as a browser would. */
  async function send(agent: Agent, page: string, action: string, body: string) {
    const token = csrfTokenOf((await agent.get(page).expect(200)).text);
    return agent
      .post(action)
      .type('form')
      .send(`${body}&_csrf=${encodeURIComponent(token)}`);
  }

  function expectRefused(res: { status: number; text: string }, field: string, message: string, kept: string[]) {
    expect(res.status).toBe(400);
    expect(res.text).toContain(`<a href="#${field}">${message}`);
    for (const value of kept) expect(res.text).toContain(value);
  }

  describe('a line break in a one-line field', () => {
    const cases: [string, () => Agent, string, string, Record<string, string | string[]>, string, string][] = [
      [
        "a partner's name",
        () => adminAgent,
        '/staff/partners/new',
        '/staff/partners',
        { name: 'UPTD PPA\r\nBcc: orang@luar.test', type: 'uptd_ppa', phone: '0751-123456', email: '', address: 'Jl. Contoh 1' },
        'name',
        'partners',
      ],
      [
        "a partner's email address",
        () => adminAgent,
        '/staff/partners/new',
        '/staff/partners',
        {
          name: 'Puspaga Kota Padang',
          type: 'puspaga',
          phone: '',
          email: 'puspaga@padang.test\nBcc: x@luar.test',
          address: 'Jl. Contoh 2',
        },
        'email',
        'partners',
      ],
      [
        "a department's name",
        () => adminAgent,
        '/staff/departments',
        '/staff/departments',
        { name: 'Dinas\r\nSosial' },
        'name',
        'departments',
      ],
      [
        "an API token's label",
        () => adminAgent,
        '/staff/departments/DEPT',
        '/staff/departments/DEPT/tokens',
        { label: 'SIMPUS\nserver 2' },
        'label',
        'api_tokens',
      ],
      [
        "a holiday's name",
        () => adminAgent,
        '/staff/settings',
        '/staff/settings/holidays',
        { date: '2026-12-24', name_id: 'Cuti\r\nbersama', name_en: 'Christmas leave' },
        'name_id',
        'holidays',
      ],
      [
        "an account's name",
        () => adminAgent,
        '/staff/users/new',
        '/staff/users',
        { email: 'baru@lk3.test', name: 'Budi\r\nAdmin', role: 'admin', department: '' },
        'name',
        'accounts',
      ],
      [
        "a reporter's contact name",
        () => request.agent(lentera.app),
        '/report',
        '/report',
        validReport({
          wants_contact: 'yes',
          contact_name: 'Bu\nAni',
          contact_phone: '0812 1111 2222',
          contact_channel: 'whatsapp',
          contact_hours: 'Pagi',
          contact_leave_message: 'no',
        }),
        'contact_name',
        'reports',
      ],
      [
        "a report's location",
        () => request.agent(lentera.app),
        '/report',
        '/report',
        validReport({ location_detail: 'Dekat masjid\r\ngang ketiga' }),
        'location_detail',
        'reports',
      ],
      [
        "a client's name",
        () => officerAgent,
        '/department/referrals/new',
        '/department/referrals/new',
        validReferralForm({ client_name: 'Rina\r\nPutri' }),
        'client_name',
        'reports',
      ],
      [
        "a department's own reference",
        () => officerAgent,
        '/department/referrals/new',
        '/department/referrals/new',
        validReferralForm({ department_reference: 'SMPN1/BK\n7' }),
        'department_reference',
        'reports',
      ],
      [
        'who obtained consent',
        () => officerAgent,
        '/department/referrals/new',
        '/department/referrals/new',
        validReferralForm({ consent_by: 'Bu Lina\r\nguru BK' }),
        'consent_by',
        'reports',
      ],
      [
        "a client's address",
        () => officerAgent,
        '/department/referrals/new',
        '/department/referrals/new',
        validReferralForm({ client_address: 'Jl. Sawahan\nNo. 5' }),
        'client_address',
        'reports',
      ],
    ];

    it.each(cases)(
      '%s: 400, the error linked, what was typed kept, nothing stored',
      async (_name, agentOf, page, action, fields, field, table) => {
        const before = count(table);
        const path = (p: string) => p.replace('DEPT', String(departmentId));
        const res = await send(agentOf(), path(page), path(action), formBody(fields));
        const kept = Object.entries(fields)
          .filter(
            ([key, value]) =>
              key !== field &&
              typeof value === 'string' &&
              value.length > 3 &&
              ![
                'type',
                'role',
                'urgency',
                'relation',
                'category',
                'kecamatan',
                'kelurahan',
                'consent',
                'consent_method',
                'client_sex',
                'wants_contact',
                'contact_channel',
                'contact_leave_message',
              ].includes(key),
          )
          .map(([, value]) => value as string);
        expectRefused(res, field, lineBreak, kept);
        expect(count(table)).toBe(before);
      },
    );
  });

  describe('a NUL byte', () => {
    const cases: [string, () => Agent, string, Record<string, string | string[]>, string][] = [
      [
        'in a narrative',
        () => request.agent(lentera.app),
        '/report',
        validReport({ narrative: 'Anak tetangga sering ditinggal\u0000 sendirian berhari-hari.' }),
        'narrative',
      ],
      [
        'in a location',
        () => request.agent(lentera.app),
        '/report',
        validReport({ location_detail: 'Dekat masjid\u0000' }),
        'location_detail',
      ],
      [
        "in a client's name",
        () => officerAgent,
        '/department/referrals/new',
        validReferralForm({ client_name: 'Rina\u0000Putri' }),
        'client_name',
      ],
      [
        "in a department's own reference",
        () => officerAgent,
        '/department/referrals/new',
        validReferralForm({ department_reference: 'SMPN1/\u0000BK/7' }),
        'department_reference',
      ],
      [
        'in the reason for a referral',
        () => officerAgent,
        '/department/referrals/new',
        validReferralForm({ reason: 'Siswi sering tidak masuk sekolah\u0000 dan tampak ketakutan.' }),
        'reason',
      ],
    ];

    it.each(cases)('%s: refused on its field, nothing stored', async (_name, agentOf, page, fields, field) => {
      const before = count('reports');
      expectRefused(await send(agentOf(), page, page, formBody(fields)), field, control, []);
      expect(count('reports')).toBe(before);
    });
  });

  it('refuses a percent-encoded byte that is not UTF-8 in a narrative, showing it as � and keeping the rest', async () => {
    const before = count('reports');
    const { narrative: _narrative, ...rest } = validReport();
    // A browser never sends %FF on a UTF-8 page; the form parser used to keep such a value raw ("%FF" as text).
    const body = `${formBody(rest)}&narrative=${encodeURIComponent('Anak tetangga sering ditinggal ')}%FF${encodeURIComponent(' sendirian berhari-hari.')}`;
    const res = await send(request.agent(lentera.app), '/report', '/report', body);
    expectRefused(res, 'narrative', damaged, ['Anak tetangga sering ditinggal � sendirian', 'Dekat masjid, gang ketiga']);
    expect(count('reports')).toBe(before);
  });

  it('refuses a date of birth of 0000-01-01 (and one in the future) on the department form', async () => {
    const before = count('reports');
    const old = await send(
      officerAgent,
      '/department/referrals/new',
      '/department/referrals/new',
      formBody(validReferralForm({ client_age: '', client_dob: '0000-01-01' })),
    );
    expectRefused(old, 'client_dob', 'Tanggal lahir ini lebih dari 120 tahun yang lalu', ['0000-01-01', 'Rina Putri']);
    const future = await send(
      officerAgent,
      '/department/referrals/new',
      '/department/referrals/new',
      formBody(validReferralForm({ client_age: '', client_dob: '2026-03-11' })),
    );
    expectRefused(future, 'client_dob', 'Tanggal lahir tidak boleh sesudah hari ini', ['2026-03-11']);
    expect(count('reports')).toBe(before);
  });

  it("refuses a control character in a staff note and in a reporter's message", async () => {
    const resident = request.agent(lentera.app);
    const receipt = await fileReport(resident);
    const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const staff = await signedInAgent(lentera, triage);
    const note = await send(
      staff,
      `/staff/reports/${reference}`,
      `/staff/reports/${reference}/close`,
      formBody({ 'close-reason': 'spam', 'close-note': 'Catatan\u0007 saya' }),
    );
    expectRefused(note, 'close-note', control, ['Catatan']);
    expect(lentera.db.prepare('SELECT status FROM reports WHERE reference = ?').pluck().get(reference)).toBe('new');

    await openStatus(resident, receipt);
    const messages = count('messages');
    const reply = await send(resident, '/status', '/status/messages', formBody({ message: 'Anak sudah\u001b aman di rumah nenek.' }));
    expectRefused(reply, 'message', control, ['aman di rumah nenek']);
    expect(count('messages')).toBe(messages);
  });

  it('accepts a narrative of several lines in Indonesian, with tabs and line breaks, as it was typed', async () => {
    const narrative =
      'Anak tetangga (7 tahun) sering ditinggal sendirian.\r\nIbunya berangkat ke pasar sejak subuh —\tpulang larut malam.\r\n\r\n“Kasihan,” kata warga; ia tampak kurus & sering menangis.';
    const res = await send(request.agent(lentera.app), '/report', '/report', formBody(validReport({ narrative, contact_name: 'Bu Ani' })));
    expect(res.status).toBe(303);
    const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    expect(
      lentera.services.triageService.openReport(
        { id: triage.id, email: triage.email, name: triage.name, role: 'triage', departmentId: null },
        reference,
      )?.report.narrative,
    ).toBe(narrative);
  });
});
