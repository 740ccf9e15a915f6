import request from 'supertest';
import { createTestApp, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, signIn, type StaffAccount } from '../helpers/staff';
import { validReferralForm } from '../helpers/referrals';

describe('department referrals', () => {
  let lentera: TestApp;
  let officer: StaffAccount;
  let colleague: StaffAccount;
  let otherDepartmentOfficer: StaffAccount;
  let triage: StaffAccount;
  let caseworker: StaffAccount;

  beforeAll(async () => {
    lentera = createTestApp();
    officer = await createStaffAccount(lentera, { role: 'department', name: 'Lina BK' });
    colleague = await createStaffAccount(lentera, { role: 'department', departmentId: officer.departmentId! });
    otherDepartmentOfficer = await createStaffAccount(lentera, { role: 'department' });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    caseworker = await createStaffAccount(lentera, { role: 'caseworker' });
  });
  afterAll(() => lentera.cleanup());

  const as = (account: StaffAccount) => signedInAgent(lentera, account);

  async function refer(agent: Agent, fields: Record<string, string | string[]>) {
    const token = await tokenFrom(agent, '/department/referrals/new');
    return agent
      .post('/department/referrals/new')
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  async function submitted(agent: Agent, fields = validReferralForm()): Promise<string> {
    const res = await refer(agent, fields);
    expect(res.status).toBe(303);
    return /\/department\/referrals\/(LAP-\d{4}-\d{6})$/.exec(res.headers.location as string)![1]!;
  }

  it('an officer lands on their department page after signing in, with the department prefilled on the form', async () => {
    const agent = request.agent(lentera.app);
    expect(await signIn(agent, lentera, officer)).toBe('/department');
    const form = await agent.get('/department/referrals/new').expect(200);
    expect(form.text).toContain('Lina BK');
    expect(form.text).toMatch(/Dinas Uji \d+/);
  });

  it('files a referral into the triage queue, marked with the department, with sensitive fields encrypted', async () => {
    const agent = await as(officer);
    const reference = await submitted(agent, validReferralForm({ client_nik: '1371011234567890', client_phone: '0812 3333 4444' }));
    const row = lentera.db
      .prepare(
        'SELECT r.source, r.status, r.receipt_hash, f.client_enc, f.consent, f.channel FROM reports r JOIN referrals f ON f.report_id = r.id WHERE r.reference = ?',
      )
      .get(reference) as Record<string, unknown>;
    expect(row).toMatchObject({ source: 'department', status: 'new', receipt_hash: null, consent: 'obtained', channel: 'form' });
    expect(row.client_enc).toMatch(/^v1:/);
    const disk = JSON.stringify(lentera.db.prepare('SELECT * FROM referrals').all());
    for (const secret of ['Rina Putri', '1371011234567890', '0812 3333 4444', 'Bu Lina']) expect(disk).not.toContain(secret);
    const queue = (await (await as(triage)).get('/staff/queue?source=department').expect(200)).text;
    expect(queue).toContain(reference);
    expect(queue).toMatch(/Dinas Uji \d+/);
    const detail = (await (await as(triage)).get(`/staff/reports/${reference}`).expect(200)).text;
    for (const text of [
      'Rina Putri',
      '1371011234567890',
      'Jl. Sawahan No. 5',
      'Konseling oleh guru BK',
      'Bu Lina, guru BK',
      'Siswi sering tidak masuk sekolah',
    ]) {
      expect(detail).toContain(text);
    }
    expect(lentera.db.prepare('SELECT action FROM audit_events WHERE subject_id = ? ORDER BY id').pluck().all(reference)).toContain(
      'referral.submitted',
    );
  });

  it('an urgent referral tells triage by email at once, as an urgent resident report does', async () => {
    const count = () => lentera.db.prepare("SELECT count(*) FROM outbox WHERE template = 'new_urgent_report'").pluck().get() as number;
    const before = count();
    await submitted(await as(officer), validReferralForm({ urgency: 'urgent' }));
    expect(count()).toBe(before + 1);
    await submitted(await as(officer), validReferralForm({ urgency: 'normal' }));
    expect(count()).toBe(before + 1);
  });

  it('without consent: only for a child at risk or a danger to life, with a justification shown to triage', async () => {
    const agent = await as(officer);
    const noGround = await refer(agent, validReferralForm({ consent: 'not_obtained' }));
    expect(noGround.status).toBe(400);
    expect(noGround.text).toContain('<a href="#no_consent_ground-child_at_risk">');
    expect(noGround.text).toContain('<a href="#no_consent_justification">');
    const adultAsChild = await refer(
      agent,
      validReferralForm({
        consent: 'not_obtained',
        no_consent_ground: 'child_at_risk',
        no_consent_justification: 'Klien menolak, tetapi keadaannya berbahaya.',
        client_age: '34',
        affected_groups: ['woman'],
      }),
    );
    expect(adultAsChild.status).toBe(400);
    expect(adultAsChild.text).toContain('membutuhkan klien anak');
    const reference = await submitted(
      agent,
      validReferralForm({
        consent: 'not_obtained',
        no_consent_ground: 'child_at_risk',
        no_consent_justification: 'Orang tua menolak; anak menunjukkan tanda kekerasan fisik.',
      }),
    );
    const detail = (await (await as(triage)).get(`/staff/reports/${reference}`).expect(200)).text;
    expect(detail).toContain('Dirujuk tanpa persetujuan klien');
    expect(detail).toContain('Orang tua menolak; anak menunjukkan tanda kekerasan fisik.');
  });

  it.each<[string, Record<string, string | string[]>, string]>([
    ['no department reference', { department_reference: '' }, '#department_reference'],
    ['no client name', { client_name: '' }, '#client_name'],
    ['neither age nor birth date', { client_age: '', client_dob: '' }, '#client_age'],
    ['an age that is not a number', { client_age: 'tiga belas' }, '#client_age'],
    ['an impossible birth date', { client_age: '', client_dob: '2012-02-30' }, '#client_dob'],
    ['a birth date in the future', { client_age: '', client_dob: '2099-01-01' }, '#client_dob'],
    ['no sex', { client_sex: '' }, '#client_sex-female'],
    ['a short NIK', { client_nik: '12345' }, '#client_nik'],
    ['no address', { client_address: '' }, '#client_address'],
    ['an unknown kecamatan', { kecamatan: '99.99.99' }, '#kecamatan'],
    ['a kelurahan elsewhere', { kelurahan: '13.71.01.1001' }, '#kelurahan'],
    ['a phone with letters', { client_phone: 'telepon saya' }, '#client_phone'],
    ['no category', { category: '' }, '#category-physical_violence'],
    ['no affected group', { affected_groups: [] }, '#affected_groups-child'],
    ['no urgency', { urgency: '' }, '#urgency-immediate'],
    ['a short reason', { reason: 'Perlu bantuan' }, '#reason'],
    ['no consent answer', { consent: '' }, '#consent-obtained'],
    ['consent without its form', { consent_method: '' }, '#consent_method-written'],
    ['consent without who obtained it', { consent_by: '' }, '#consent_by'],
  ])('%s: 400 with a linked error and everything typed kept', async (_name, change, href) => {
    const agent = await as(officer);
    const fields = validReferralForm(change);
    const before = lentera.db.prepare('SELECT count(*) FROM referrals').pluck().get();
    const res = await refer(agent, fields);
    expect(res.status).toBe(400);
    expect(res.text).toContain(`<a href="${href}">`);
    expect(res.text).toContain(`>${String(fields.reason)}</textarea>`);
    expect(res.text).toContain(`value="${String(fields.department_reference)}"`);
    expect(lentera.db.prepare('SELECT count(*) FROM referrals').pluck().get()).toBe(before);
  });

  it('refuses the same department reference twice, keeping the form', async () => {
    const agent = await as(officer);
    const fields = validReferralForm();
    await submitted(agent, fields);
    const again = await refer(agent, fields);
    expect(again.status).toBe(400);
    expect(again.text).toContain('<a href="#department_reference">Nomor rujukan ini sudah pernah dikirim');
  });

  it('lists only the department’s own referrals, to every officer of that department', async () => {
    const reference = await submitted(await as(officer));
    const mine = (await (await as(colleague)).get('/department').expect(200)).text;
    expect(mine).toContain(reference);
    const theirs = (await (await as(otherDepartmentOfficer)).get('/department').expect(200)).text;
    expect(theirs).not.toContain(reference);
  });

  it('refuses another department’s referral, even by guessing its reference (404)', async () => {
    const reference = await submitted(await as(officer));
    const other = await as(otherDepartmentOfficer);
    await other.get(`/department/referrals/${reference}`).expect(404);
    const token = await tokenFrom(other, '/department');
    await other
      .post(`/department/referrals/${reference}/messages`)
      .type('form')
      .send(formBody({ message: 'halo', _csrf: token }))
      .expect(404);
    await other.get('/department/referrals/LAP-2099-000001').expect(404);
  });

  it('refuses department pages to staff, and staff pages to officers', async () => {
    await (await as(triage)).get('/department').expect(403);
    const agent = await as(officer);
    await agent.get('/staff/queue').expect(403);
    await agent.get('/staff/cases').expect(403);
    const reference = await submitted(agent);
    await agent.get(`/staff/reports/${reference}`).expect(403);
  });

  it('the officer sees the outcome and the response written for them — never case notes — and talks with triage', async () => {
    const dept = await as(officer);
    const reference = await submitted(dept);
    const staff = await as(triage);
    const token = await tokenFrom(staff, `/staff/reports/${reference}`);
    await staff
      .post(`/staff/reports/${reference}/ask`)
      .type('form')
      .send(formBody({ 'ask-message': 'Apakah orang tua sudah dihubungi sekolah?', _csrf: token }))
      .expect(303);
    let page = (await dept.get(`/department/referrals/${reference}`).expect(200)).text;
    expect(page).toContain('Menunggu jawaban Anda');
    expect(page).toContain('Apakah orang tua sudah dihubungi sekolah?');
    const deptToken = await tokenFrom(dept, `/department/referrals/${reference}`);
    await dept
      .post(`/department/referrals/${reference}/messages`)
      .type('form')
      .send(formBody({ message: 'Sudah, ibunya datang kemarin.', _csrf: deptToken }))
      .expect(303);
    expect(lentera.db.prepare('SELECT status FROM reports WHERE reference = ?').pluck().get(reference)).toBe('in_review');

    const t2 = await tokenFrom(staff, `/staff/reports/${reference}`);
    await staff
      .post(`/staff/reports/${reference}/accept`)
      .type('form')
      .send(
        formBody({
          'accept-case_mode': 'new',
          'accept-case_number': '',
          'accept-assignee': String(caseworker.id),
          'accept-risk': 'medium',
          'accept-note': 'CATATAN-INTERNAL rumah tangga',
          _csrf: t2,
        }),
      )
      .expect(303);
    const t3 = await tokenFrom(staff, `/staff/reports/${reference}`);
    await staff
      .post(`/staff/reports/${reference}/respond`)
      .type('form')
      .send(formBody({ 'respond-response': 'Klien kami dampingi; pekerja sosial akan menghubungi sekolah minggu ini.', _csrf: t3 }))
      .expect(303);
    // A case note, which the department must never see.
    const number = lentera.db
      .prepare('SELECT c.number FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?')
      .pluck()
      .get(reference) as string;
    const cw = await as(caseworker);
    const t4 = await tokenFrom(cw, `/staff/cases/${number.replace(/\//g, '-')}`);
    await cw
      .post(`/staff/cases/${number.replace(/\//g, '-')}/note`)
      .type('form')
      .send(formBody({ 'note-text': 'CATATAN-KASUS ayah mengancam', _csrf: t4 }))
      .expect(303);

    page = (await dept.get(`/department/referrals/${reference}`).expect(200)).text;
    expect(page).toContain('Ditangani pekerja sosial');
    expect(page).toContain('Klien kami dampingi; pekerja sosial akan menghubungi sekolah minggu ini.');
    expect(page).not.toContain('CATATAN-INTERNAL');
    expect(page).not.toContain('CATATAN-KASUS');
    expect(page).not.toContain(number);
    const list = (await dept.get('/department').expect(200)).text;
    expect(list).toContain('Ditangani pekerja sosial');
  });

  it('the respond form is only for referrals', async () => {
    const resident = request.agent(lentera.app);
    const token = await tokenFrom(resident, '/report');
    await resident
      .post('/report')
      .type('form')
      .send(
        formBody({
          category: 'neglect',
          affected_groups: 'child',
          kecamatan: '13.71.01',
          kelurahan: '',
          narrative: 'Anak tetangga sering ditinggal sendirian.',
          urgency: 'normal',
          relation: 'neighbour',
          wants_contact: 'no',
          _csrf: token,
        }),
      )
      .expect(303);
    const reference = lentera.db
      .prepare("SELECT reference FROM reports WHERE source = 'public' ORDER BY id DESC LIMIT 1")
      .pluck()
      .get() as string;
    const staff = await as(triage);
    const t = await tokenFrom(staff, `/staff/reports/${reference}`);
    const res = await staff
      .post(`/staff/reports/${reference}/respond`)
      .type('form')
      .send(formBody({ 'respond-response': 'x', _csrf: t }));
    expect(res.status).toBe(409);
  });
});

describe('a deactivated department', () => {
  it('keeps its officers signed in but refuses new referrals, with a clear message and the form kept', async () => {
    const lentera = createTestApp();
    try {
      const officer = await createStaffAccount(lentera, { role: 'department' });
      lentera.db.prepare('UPDATE departments SET active = 0 WHERE id = ?').run(officer.departmentId);
      const agent = await signedInAgent(lentera, officer);
      const fields = validReferralForm();
      const token = await tokenFrom(agent, '/department/referrals/new');
      const res = await agent
        .post('/department/referrals/new')
        .type('form')
        .send(formBody({ ...fields, _csrf: token }));
      expect(res.status).toBe(400);
      expect(res.text).toContain('Instansi Anda sedang tidak aktif');
      expect(res.text).toContain(String(fields.reason));
      expect(lentera.db.prepare('SELECT count(*) FROM referrals').pluck().get()).toBe(0);
    } finally {
      lentera.cleanup();
    }
  });
});
