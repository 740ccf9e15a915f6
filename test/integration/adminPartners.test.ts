import request from 'supertest';
import type { Role } from '../../src/domain/roles';
import { createTestApp, fileReport, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { agentPerRole, createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { auditTrail } from '../helpers/auditTrail';

const clock = new Date('2026-11-27T02:00:00Z'); // Friday 09:00 WIB

const validPartner = {
  name: 'UPTD PPA Kota Padang',
  type: 'uptd_ppa',
  phone: '(0751) 123456',
  email: 'uptdppa@padang.go.id',
  address: 'Jl. Contoh No. 1, Padang',
  areas: ['13.71.01', '13.71.02'],
};

describe('partner institutions (/staff/partners)', () => {
  let lentera: TestApp;
  let admin: StaffAccount;
  let adminAgent: Agent;
  const signedIn = agentPerRole(() => lentera);

  async function createPartner(fields: Record<string, string | string[]> = {}): Promise<number> {
    const token = await tokenFrom(adminAgent, '/staff/partners/new');
    await adminAgent
      .post('/staff/partners')
      .type('form')
      .send(formBody({ ...validPartner, ...fields, _csrf: token }))
      .expect(303)
      .expect('Location', '/staff/partners');
    return lentera.db.prepare('SELECT max(id) FROM partners').pluck().get() as number;
  }

  function lastAudit() {
    return lentera.db.prepare('SELECT * FROM audit_events ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>;
  }

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' }, { now: () => clock });
    admin = await createStaffAccount(lentera, { role: 'admin', name: 'Admin Uji' });
    adminAgent = await signedInAgent(lentera, admin);
  });
  afterAll(() => lentera.cleanup());

  describe('who may use it', () => {
    let partnerId: number;
    beforeAll(async () => {
      partnerId = await createPartner({ name: 'Puspaga Kota Padang', type: 'puspaga' });
    });

    it.each(['triage', 'caseworker', 'supervisor', 'department'] as Role[])('refuses %s on every page and form', async (role) => {
      const agent = await signedIn(role);
      for (const path of ['/staff/partners', '/staff/partners/new', `/staff/partners/${partnerId}`]) {
        await agent.get(path).expect(403);
      }
      const token = await tokenFrom(agent, '/report');
      for (const path of [
        '/staff/partners',
        `/staff/partners/${partnerId}`,
        `/staff/partners/${partnerId}/deactivate`,
        `/staff/partners/${partnerId}/reactivate`,
      ]) {
        await agent
          .post(path)
          .type('form')
          .send(formBody({ ...validPartner, name: `Dari ${role}`, _csrf: token }))
          .expect(403);
      }
      expect(lentera.db.prepare('SELECT count(*) FROM partners WHERE name = ?').pluck().get(`Dari ${role}`)).toBe(0);
      expect(lentera.db.prepare('SELECT active, name FROM partners WHERE id = ?').get(partnerId)).toEqual({
        active: 1,
        name: 'Puspaga Kota Padang',
      });
    });

    it('sends a visitor who is not signed in to the login page, and refuses their posts', async () => {
      const agent = request.agent(lentera.app);
      await agent.get('/staff/partners').expect(303).expect('Location', '/login?next=%2Fstaff%2Fpartners');
      await agent.get(`/staff/partners/${partnerId}`).expect(303).expect('Location', `/login?next=%2Fstaff%2Fpartners%2F${partnerId}`);
      const token = await tokenFrom(agent, '/report');
      await agent
        .post('/staff/partners')
        .type('form')
        .send(formBody({ ...validPartner, name: 'Tanpa masuk', _csrf: token }))
        .expect(403);
      await agent
        .post(`/staff/partners/${partnerId}/deactivate`)
        .type('form')
        .send(formBody({ _csrf: token }))
        .expect(403);
      expect(lentera.db.prepare('SELECT count(*) FROM partners WHERE name = ?').pluck().get('Tanpa masuk')).toBe(0);
    });

    it('refuses an administrator post without the CSRF token', async () => {
      await adminAgent.post(`/staff/partners/${partnerId}/deactivate`).type('form').send(formBody({})).expect(403);
      expect(lentera.db.prepare('SELECT active FROM partners WHERE id = ?').pluck().get(partnerId)).toBe(1);
    });
  });

  it('lists partners and says why there is no delete', async () => {
    const page = await adminAgent.get('/staff/partners').expect(200);
    expect(page.text).toContain('<h1>Lembaga mitra</h1>');
    expect(page.text).toContain('tidak dapat dihapus');
    expect(page.text).toContain('href="/staff/partners/new"');
    const en = await adminAgent.get('/staff/partners?lang=en').expect(200);
    expect(en.text).toContain('cannot be deleted');
    await adminAgent.get('/staff/partners?lang=id').expect(200);
  });

  it('creates a partner, records it in the audit log and lists it', async () => {
    const id = await createPartner();
    expect(lentera.db.prepare('SELECT name, type, phone, email, address, areas_served, active FROM partners WHERE id = ?').get(id)).toEqual(
      {
        name: 'UPTD PPA Kota Padang',
        type: 'uptd_ppa',
        phone: '(0751) 123456',
        email: 'uptdppa@padang.go.id',
        address: 'Jl. Contoh No. 1, Padang',
        areas_served: '13.71.01,13.71.02',
        active: 1,
      },
    );
    expect(lastAudit()).toMatchObject({
      actor_account_id: admin.id,
      action: 'partner.created',
      subject_type: 'partner',
      subject_id: String(id),
      detail: '{"type":"uptd_ppa"}',
    });
    const list = await adminAgent.get('/staff/partners').expect(200);
    expect(list.text).toContain('Lembaga mitra sudah ditambahkan.');
    const row = new RegExp(`<tr data-partner="${id}">[\\s\\S]*?</tr>`).exec(list.text)![0];
    expect(row).toContain('UPTD PPA Kota Padang');
    expect(row).toContain('UPTD PPA / P2TP2A');
    expect(row).toContain('Aktif');
    expect(row).toContain('(0751) 123456');
  });

  it('refuses an empty form with a summary linking to each field', async () => {
    const token = await tokenFrom(adminAgent, '/staff/partners/new');
    const before = lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get();
    const res = await adminAgent
      .post('/staff/partners')
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(400);
    expect(res.text).toContain('<title>Ada kesalahan: Tambah lembaga mitra · Lentera</title>');
    expect(res.text).toContain('<a href="#name">Tuliskan nama lembaga');
    expect(res.text).toContain('<a href="#type">Pilih jenis lembaga</a>');
    expect(res.text).toContain('<a href="#phone">Isi nomor telepon atau alamat email lembaga</a>');
    expect(res.text).toContain('id="name-error"');
    expect(lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get()).toBe(before);
  });

  it('keeps what was typed when something is wrong, escaped', async () => {
    const token = await tokenFrom(adminAgent, '/staff/partners/new');
    const res = await adminAgent
      .post('/staff/partners')
      .type('form')
      .send(formBody({ ...validPartner, name: 'LBH "Padang" <b>', email: 'bukan email', areas: ['13.71.03', '99.99.99'], _csrf: token }))
      .expect(400);
    expect(res.text).toContain('<a href="#email">Tuliskan alamat email yang benar');
    expect(res.text).toContain('<a href="#areas-');
    expect(res.text).toContain('value="LBH &#34;Padang&#34; &lt;b&gt;"');
    expect(res.text).toContain('value="bukan email"');
    expect(res.text).toMatch(/id="areas-13\.71\.03" name="areas" value="13\.71\.03" checked/);
    expect(res.text).toContain('<option value="uptd_ppa" selected>');
    expect(res.text).not.toContain('<b>');
  });

  it('refuses a second partner of the same name', async () => {
    await createPartner({ name: 'Puskesmas Andalas', type: 'health', areas: [] });
    const token = await tokenFrom(adminAgent, '/staff/partners/new');
    const res = await adminAgent
      .post('/staff/partners')
      .type('form')
      .send(formBody({ ...validPartner, name: 'puskesmas andalas', _csrf: token }))
      .expect(400);
    expect(res.text).toContain('Sudah ada lembaga mitra dengan nama ini');
    expect(lentera.db.prepare("SELECT count(*) FROM partners WHERE name LIKE 'puskesmas andalas'").pluck().get()).toBe(1);
  });

  it('shows a partner serving no chosen area as serving the whole city', async () => {
    const id = await createPartner({ name: 'Dinas Sosial Kota Padang', type: 'social_assistance', areas: [] });
    const list = await adminAgent.get('/staff/partners').expect(200);
    expect(new RegExp(`<tr data-partner="${id}">[\\s\\S]*?</tr>`).exec(list.text)![0]).toContain('Seluruh kota');
  });

  describe('editing', () => {
    let id: number;
    beforeAll(async () => {
      id = await createPartner({ name: 'LBH Padang', type: 'legal_aid', areas: ['13.71.01'] });
    });

    it('shows the saved values', async () => {
      const page = await adminAgent.get(`/staff/partners/${id}`).expect(200);
      expect(page.text).toContain('value="LBH Padang"');
      expect(page.text).toContain('<option value="legal_aid" selected>');
      expect(page.text).toMatch(/id="areas-13\.71\.01" name="areas" value="13\.71\.01" checked/);
      expect(page.text).toContain(`action="/staff/partners/${id}/deactivate"`);
    });

    it('refuses invalid changes with 400 and keeps them', async () => {
      const token = await tokenFrom(adminAgent, `/staff/partners/${id}`);
      const res = await adminAgent
        .post(`/staff/partners/${id}`)
        .type('form')
        .send(formBody({ ...validPartner, name: 'LBH Padang Baru', phone: 'telepon', _csrf: token }))
        .expect(400);
      expect(res.text).toContain('<a href="#phone">');
      expect(res.text).toContain('value="LBH Padang Baru"');
      expect(lentera.db.prepare('SELECT name FROM partners WHERE id = ?').pluck().get(id)).toBe('LBH Padang');
    });

    it('saves changes and records which fields changed, without their values', async () => {
      const token = await tokenFrom(adminAgent, `/staff/partners/${id}`);
      await adminAgent
        .post(`/staff/partners/${id}`)
        .type('form')
        .send(
          formBody({
            name: 'LBH Padang',
            type: 'legal_aid',
            phone: '0751-111222',
            email: '',
            address: 'Jl. Baru 2',
            areas: ['13.71.01', '13.71.04'],
            _csrf: token,
          }),
        )
        .expect(303)
        .expect('Location', '/staff/partners');
      expect(lentera.db.prepare('SELECT phone, email, address, areas_served FROM partners WHERE id = ?').get(id)).toEqual({
        phone: '0751-111222',
        email: '',
        address: 'Jl. Baru 2',
        areas_served: '13.71.01,13.71.04',
      });
      const event = lastAudit();
      expect(event).toMatchObject({ action: 'partner.updated', subject_id: String(id), actor_account_id: admin.id });
      expect(JSON.parse(event.detail as string)).toEqual({ changed: 'phone,email,address,areasServed' });
      expect(event.detail).not.toContain('0751');
    });

    it("refuses to take another partner's name", async () => {
      const token = await tokenFrom(adminAgent, `/staff/partners/${id}`);
      await adminAgent
        .post(`/staff/partners/${id}`)
        .type('form')
        .send(formBody({ ...validPartner, _csrf: token }))
        .expect(400);
    });

    it('answers 404 for a partner that does not exist', async () => {
      await adminAgent.get('/staff/partners/99999').expect(404);
      await adminAgent.get('/staff/partners/abc').expect(404);
      const token = await tokenFrom(adminAgent, '/staff/partners/new');
      await adminAgent
        .post('/staff/partners/99999')
        .type('form')
        .send(formBody({ ...validPartner, name: 'Tidak ada', _csrf: token }))
        .expect(404);
      await adminAgent
        .post('/staff/partners/99999/deactivate')
        .type('form')
        .send(formBody({ _csrf: token }))
        .expect(404);
    });
  });

  describe('deactivating instead of deleting', () => {
    it('deactivates and reactivates, each recorded once; the redirect form only offers active partners', async () => {
      const id = await createPartner({ name: 'BNN Kota Padang', type: 'drug_rehab', email: '' });
      const token = await tokenFrom(adminAgent, '/staff/partners');
      await adminAgent
        .post(`/staff/partners/${id}/deactivate`)
        .type('form')
        .send(formBody({ _csrf: token }))
        .expect(303)
        .expect('Location', '/staff/partners');
      expect(lastAudit()).toMatchObject({ action: 'partner.deactivated', subject_id: String(id), actor_account_id: admin.id });
      expect(lentera.services.partnerService.listActive().map((p) => p.id)).not.toContain(id);
      expect(lentera.services.partnerService.findById(id)).toMatchObject({ id, active: false, name: 'BNN Kota Padang' });

      const list = await adminAgent.get('/staff/partners').expect(200);
      expect(list.text).toContain('Lembaga mitra sudah dinonaktifkan.');
      const row = new RegExp(`<tr data-partner="${id}">[\\s\\S]*?</tr>`).exec(list.text)![0];
      expect(row).toContain('Nonaktif');
      expect(row).toContain(`action="/staff/partners/${id}/reactivate"`);

      // Deactivating twice changes nothing and records nothing.
      const partnerEvents = () => lentera.db.prepare("SELECT count(*) FROM audit_events WHERE action LIKE 'partner.%'").pluck().get();
      const before = partnerEvents();
      await adminAgent
        .post(`/staff/partners/${id}/deactivate`)
        .type('form')
        .send(formBody({ _csrf: token }))
        .expect(303);
      expect(partnerEvents()).toBe(before);

      await adminAgent
        .post(`/staff/partners/${id}/reactivate`)
        .type('form')
        .send(formBody({ _csrf: token }))
        .expect(303);
      expect(lastAudit()).toMatchObject({ action: 'partner.reactivated', subject_id: String(id) });
      expect(lentera.services.partnerService.listActive()).toContainEqual({
        id,
        name: 'BNN Kota Padang',
        type: 'drug_rehab',
        phone: '(0751) 123456',
        email: '',
        address: 'Jl. Contoh No. 1, Padang',
      });
    });

    it('keeps a partner a report was redirected to, and has no way to delete one', async () => {
      const id = await createPartner({ name: 'Unit PPA Polresta Padang', type: 'unit_ppa' });
      await fileReport(request.agent(lentera.app));
      const at = clock.toISOString();
      lentera.db
        .prepare(
          `INSERT INTO redirects (report_id, partner_id, reason_code, summary_enc, reporter_explanation_enc, created_by, created_at)
           VALUES ((SELECT max(id) FROM reports), ?, 'mandate', 'x', 'x', ?, ?)`,
        )
        .run(id, admin.id, at);
      const page = await adminAgent.get(`/staff/partners/${id}`).expect(200);
      expect(page.text).toContain('Jumlah laporan yang pernah dialihkan ke lembaga ini: 1.');
      const token = await tokenFrom(adminAgent, `/staff/partners/${id}`);
      await adminAgent
        .post(`/staff/partners/${id}/delete`)
        .type('form')
        .send(formBody({ _csrf: token }))
        .expect(404);
      await adminAgent
        .post(`/staff/partners/${id}/deactivate`)
        .type('form')
        .send(formBody({ _csrf: token }))
        .expect(303);
      expect(lentera.db.prepare('SELECT count(*) FROM redirects WHERE partner_id = ?').pluck().get(id)).toBe(1);
      expect(lentera.services.partnerService.findById(id)?.active).toBe(false);
    });
  });

  it('leaves the audit chain intact after all of this', () => {
    expect(auditTrail(lentera).verify()).toBeNull();
  });
});
