import request from 'supertest';
import type { Role } from '../../src/domain/roles';
import { createTestApp, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { agentPerRole, createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { auditTrail } from '../helpers/auditTrail';

const clock = new Date('2026-03-10T02:00:00Z'); // Tuesday 09:00 WIB

describe('departments and their API tokens (/staff/departments)', () => {
  let lentera: TestApp;
  let admin: StaffAccount;
  let adminAgent: Agent;
  const signedIn = agentPerRole(() => lentera);

  async function post(pagePath: string, action: string, fields: Record<string, string> = {}, agent: Agent = adminAgent) {
    const token = await tokenFrom(agent, pagePath);
    return agent
      .post(action)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  async function createDepartment(name: string): Promise<number> {
    const res = await post('/staff/departments', '/staff/departments', { name });
    expect(res.status).toBe(303);
    const id = lentera.db.prepare('SELECT id FROM departments WHERE name = ?').pluck().get(name) as number;
    expect(res.headers.location).toBe(`/staff/departments/${id}`);
    return id;
  }

  async function issueToken(departmentId: number, label: string): Promise<{ status: number; token: string | null; text: string }> {
    const page = `/staff/departments/${departmentId}`;
    const res = await post(page, `${page}/tokens`, { label });
    return { status: res.status, token: /data-api-token>([^<]+)</.exec(res.text)?.[1] ?? null, text: res.text };
  }

  const auditRows = (subjectType: string, subjectId: number) =>
    lentera.db
      .prepare('SELECT actor_account_id, action, detail FROM audit_events WHERE subject_type = ? AND subject_id = ? ORDER BY id')
      .all(subjectType, String(subjectId)) as {
      actor_account_id: number;
      action: string;
      detail: string | null;
    }[];

  const rowOf = (html: string, attribute: string, id: number) =>
    new RegExp(`<tr ${attribute}="${id}"[^>]*>[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';

  beforeAll(async () => {
    lentera = createTestApp({}, { now: () => clock });
    admin = await createStaffAccount(lentera, { role: 'admin', name: 'Admin Uji' });
    adminAgent = await signedInAgent(lentera, admin);
  });
  afterAll(() => lentera.cleanup());

  describe('who may use it', () => {
    let departmentId: number;
    beforeAll(async () => {
      departmentId = await createDepartment('Dinas Pendidikan Kota Padang');
    });

    it('is in the administrator’s menu only', async () => {
      expect((await adminAgent.get('/staff/partners').expect(200)).text).toContain('href="/staff/departments"');
      expect((await (await signedIn('supervisor')).get('/staff/audit').expect(200)).text).not.toContain('href="/staff/departments"');
    });

    it.each(['triage', 'caseworker', 'supervisor', 'department'] as Role[])('refuses %s on every page and form', async (role) => {
      const agent = await signedIn(role);
      for (const path of ['/staff/departments', `/staff/departments/${departmentId}`]) await agent.get(path).expect(403);
      const token = await tokenFrom(agent, '/account');
      for (const path of [
        '/staff/departments',
        `/staff/departments/${departmentId}`,
        `/staff/departments/${departmentId}/deactivate`,
        `/staff/departments/${departmentId}/tokens`,
      ]) {
        await agent
          .post(path)
          .type('form')
          .send(formBody({ name: `Dari ${role}`, label: 'x', _csrf: token }))
          .expect(403);
      }
      expect(lentera.db.prepare('SELECT count(*) FROM departments WHERE name = ?').pluck().get(`Dari ${role}`)).toBe(0);
      expect(lentera.db.prepare('SELECT count(*) FROM api_tokens WHERE department_id = ?').pluck().get(departmentId)).toBe(0);
      expect(lentera.db.prepare('SELECT active, name FROM departments WHERE id = ?').get(departmentId)).toEqual({
        active: 1,
        name: 'Dinas Pendidikan Kota Padang',
      });
    });

    it('sends a visitor who is not signed in to the login page, and refuses their posts', async () => {
      const agent = request.agent(lentera.app);
      await agent.get('/staff/departments').expect(303).expect('Location', '/login?next=%2Fstaff%2Fdepartments');
      await agent
        .get(`/staff/departments/${departmentId}`)
        .expect(303)
        .expect('Location', `/login?next=%2Fstaff%2Fdepartments%2F${departmentId}`);
      const token = await tokenFrom(agent, '/report');
      await agent
        .post('/staff/departments')
        .type('form')
        .send(formBody({ name: 'Tanpa masuk', _csrf: token }))
        .expect(403);
      await agent
        .post(`/staff/departments/${departmentId}/tokens`)
        .type('form')
        .send(formBody({ label: 'x', _csrf: token }))
        .expect(403);
      expect(lentera.db.prepare('SELECT count(*) FROM departments WHERE name = ?').pluck().get('Tanpa masuk')).toBe(0);
    });

    it('refuses an administrator’s post without the CSRF token', async () => {
      await adminAgent.post(`/staff/departments/${departmentId}/deactivate`).type('form').send(formBody({})).expect(403);
      expect(lentera.db.prepare('SELECT active FROM departments WHERE id = ?').pluck().get(departmentId)).toBe(1);
    });

    it('answers 404 for a department that does not exist', async () => {
      await adminAgent.get('/staff/departments/999999').expect(404);
      await adminAgent.get('/staff/departments/abc').expect(404);
    });
  });

  describe('the list and adding', () => {
    it('adds a department, audits it, and lists it with its counts', async () => {
      const id = await createDepartment('Puskesmas Andalas');
      expect(auditRows('department', id)).toEqual([{ actor_account_id: admin.id, action: 'department.created', detail: null }]);
      await createStaffAccount(lentera, { role: 'department', departmentId: id, name: 'Bidan Rina' });
      await issueToken(id, 'SIMPUS');
      const list = await adminAgent.get('/staff/departments').expect(200);
      expect(list.text).toContain('<h1>Perangkat daerah</h1>');
      expect(list.text).toContain('tidak dapat dihapus');
      const row = rowOf(list.text, 'data-department', id);
      expect(row).toContain(`<a href="/staff/departments/${id}">Puskesmas Andalas</a>`);
      expect(row).toContain('<td data-officer-count>1</td>');
      expect(row).toContain('<td data-token-count>1</td>');
      expect(row).toContain('Aktif');
      expect((await adminAgent.get('/staff/departments?lang=en').expect(200)).text).toContain('<h1>Departments</h1>');
      await adminAgent.get('/staff/departments?lang=id').expect(200);
    });

    it('refuses an empty name with an error summary, and records nothing', async () => {
      const before = lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get();
      const res = await post('/staff/departments', '/staff/departments', { name: '   ' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('<title>Ada kesalahan: Perangkat daerah · Lentera</title>');
      expect(res.text).toContain('<a href="#name">Tuliskan nama perangkat daerah');
      expect(res.text).toContain('id="name-error"');
      expect(res.text).toContain('aria-invalid="true"');
      expect(lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get()).toBe(before);
    });

    it('refuses a name already taken, ignoring case and spacing, and keeps what was typed, escaped', async () => {
      await createDepartment('SMP Negeri 1 Padang');
      const res = await post('/staff/departments', '/staff/departments', { name: '  smp  negeri 1 PADANG ' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Sudah ada perangkat daerah dengan nama ini');
      expect(res.text).toContain('value="  smp  negeri 1 PADANG "');
      const escaped = await post('/staff/departments', '/staff/departments', { name: `"${'<b>'.repeat(70)}` });
      expect(escaped.status).toBe(400);
      expect(escaped.text).toContain('paling banyak 200 karakter');
      expect(escaped.text).toContain('value="&#34;&lt;b&gt;');
      expect(escaped.text).not.toContain('<b>');
      expect(lentera.db.prepare("SELECT count(*) FROM departments WHERE name LIKE 'smp negeri 1 padang'").pluck().get()).toBe(1);
    });

    it('stores a name with its spacing tidied', async () => {
      const res = await post('/staff/departments', '/staff/departments', { name: '  Kelurahan   Jati  ' });
      expect(res.status).toBe(303);
      expect(lentera.db.prepare("SELECT name FROM departments WHERE name LIKE '%Jati%'").pluck().all()).toEqual(['Kelurahan Jati']);
    });
  });

  describe('a department’s page', () => {
    let id: number;
    beforeAll(async () => {
      id = await createDepartment('Kantor Camat Kuranji');
    });

    it('lists its officers, with a link to invite one, and its tokens', async () => {
      const officer = await createStaffAccount(lentera, { role: 'department', departmentId: id, name: 'Pak Yusuf' });
      const other = await createStaffAccount(lentera, { role: 'department', name: 'Petugas Lain' });
      await issueToken(id, 'Aplikasi kecamatan');
      const page = await adminAgent.get(`/staff/departments/${id}`).expect(200);
      expect(page.text).toContain('<h1>Kantor Camat Kuranji</h1>');
      expect(page.text).toContain(`<a href="/staff/users/${officer.id}">Pak Yusuf</a>`);
      expect(page.text).not.toContain(other.name);
      expect(page.text).toContain('href="/staff/users/new"');
      expect(page.text).toContain('pilih Kantor Camat Kuranji');
      expect(page.text).toContain('Aplikasi kecamatan');
      expect(page.text).toContain('Belum pernah');
      expect(page.text).toContain('href="/api/v1/openapi.json"');
    });

    it('renames it, audits the change, and refuses another department’s name', async () => {
      const renamed = await post(`/staff/departments/${id}`, `/staff/departments/${id}`, { name: 'Kantor Camat Kuranji Baru' });
      expect([renamed.status, renamed.headers.location]).toEqual([303, `/staff/departments/${id}`]);
      expect((await adminAgent.get(`/staff/departments/${id}`).expect(200)).text).toContain('Nama perangkat daerah sudah diubah.');
      expect(auditRows('department', id).map((r) => r.action)).toEqual(['department.created', 'department.renamed']);

      const taken = await post(`/staff/departments/${id}`, `/staff/departments/${id}`, { name: 'puskesmas ANDALAS' });
      expect(taken.status).toBe(400);
      expect(taken.text).toContain('<a href="#name">Sudah ada perangkat daerah dengan nama ini');
      expect(taken.text).toContain('value="puskesmas ANDALAS"');
      const empty = await post(`/staff/departments/${id}`, `/staff/departments/${id}`, { name: '' });
      expect(empty.status).toBe(400);
      expect(lentera.db.prepare('SELECT name FROM departments WHERE id = ?').pluck().get(id)).toBe('Kantor Camat Kuranji Baru');
      // Saving the same name records nothing.
      await post(`/staff/departments/${id}`, `/staff/departments/${id}`, { name: 'Kantor Camat Kuranji Baru' });
      expect(auditRows('department', id)).toHaveLength(2);
    });
  });

  describe('API tokens', () => {
    let id: number;
    beforeAll(async () => {
      id = await createDepartment('Puskesmas Lapai');
    });

    it('issues a token shown once, audited without the token', async () => {
      const issued = await issueToken(id, 'SIMPUS Lapai (server utama)');
      expect(issued.status).toBe(200);
      expect(issued.token).toMatch(/^lnt_[A-Za-z0-9_-]{43}$/);
      expect(issued.text).toContain('hanya ditampilkan sekali');
      const tokenId = lentera.db.prepare('SELECT max(id) FROM api_tokens').pluck().get() as number;
      const rows = auditRows('api_token', tokenId);
      expect(rows).toEqual([{ actor_account_id: admin.id, action: 'api_token.issued', detail: JSON.stringify({ department: id }) }]);
      const everything = JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all());
      expect(everything).not.toContain(issued.token!.slice(4));
      const page = await adminAgent.get(`/staff/departments/${id}`).expect(200);
      expect(page.text).not.toContain(issued.token!);
      expect(rowOf(page.text, 'data-token', tokenId)).toContain('oleh Admin Uji');
    });

    it('refuses a token without a label, keeping the page as it was', async () => {
      const res = await post(`/staff/departments/${id}`, `/staff/departments/${id}/tokens`, { label: ' ' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('<a href="#label">Tuliskan keterangan token</a>');
      const long = await post(`/staff/departments/${id}`, `/staff/departments/${id}/tokens`, { label: 'x'.repeat(101) });
      expect(long.status).toBe(400);
      expect(long.text).toContain(`value="${'x'.repeat(101)}"`);
      expect(long.text).not.toContain('data-api-token');
    });

    it('revokes a token, audited, and shows it as revoked', async () => {
      const issued = await issueToken(id, 'Untuk dicabut');
      const tokenId = lentera.db.prepare('SELECT max(id) FROM api_tokens').pluck().get() as number;
      const res = await post(`/staff/departments/${id}`, `/staff/departments/${id}/tokens/${tokenId}/revoke`);
      expect([res.status, res.headers.location]).toEqual([303, `/staff/departments/${id}`]);
      expect(lentera.db.prepare('SELECT revoked_at FROM api_tokens WHERE id = ?').pluck().get(tokenId)).toBe(clock.toISOString());
      expect(auditRows('api_token', tokenId).map((r) => [r.action, JSON.parse(r.detail!)])).toEqual([
        ['api_token.issued', { department: id }],
        ['api_token.revoked', { department: id, why: 'revoked' }],
      ]);
      const page = await adminAgent.get(`/staff/departments/${id}`).expect(200);
      expect(page.text).toContain('Token sudah dicabut.');
      expect(rowOf(page.text, 'data-token', tokenId)).toContain('data-token-status="revoked"');
      await request(lentera.app).get('/api/v1/referrals/LAP-2026-000001').set('Authorization', `Bearer ${issued.token}`).expect(401);
    });

    it('answers 404 to revoking another department’s token', async () => {
      const other = await createDepartment('Puskesmas Pauh');
      await issueToken(other, 'Pauh');
      const otherToken = lentera.db.prepare('SELECT max(id) FROM api_tokens').pluck().get() as number;
      const res = await post(`/staff/departments/${id}`, `/staff/departments/${id}/tokens/${otherToken}/revoke`);
      expect(res.status).toBe(404);
      expect(lentera.db.prepare('SELECT revoked_at FROM api_tokens WHERE id = ?').pluck().get(otherToken)).toBeNull();
    });
  });

  describe('deactivation', () => {
    it('revokes the department’s tokens and changes nothing else; reactivation leaves the tokens revoked', async () => {
      const id = await createDepartment('SMA Negeri 2 Padang');
      const officer = await createStaffAccount(lentera, { role: 'department', departmentId: id, name: 'Bu Guru BK' });
      const first = await issueToken(id, 'Sistem sekolah');
      await issueToken(id, 'Cadangan');
      const tokenIds = lentera.db.prepare('SELECT id FROM api_tokens WHERE department_id = ? ORDER BY id').pluck().all(id) as number[];

      const page = await adminAgent.get(`/staff/departments/${id}`).expect(200);
      expect(page.text).toContain('juga mencabut semua token API-nya');
      expect(page.text).toContain('akun petugasnya tetap aktif');

      const res = await post(`/staff/departments/${id}`, `/staff/departments/${id}/deactivate`);
      expect([res.status, res.headers.location]).toEqual([303, `/staff/departments/${id}`]);
      expect(lentera.db.prepare('SELECT active FROM departments WHERE id = ?').pluck().get(id)).toBe(0);
      expect(lentera.db.prepare('SELECT count(*) FROM api_tokens WHERE department_id = ? AND revoked_at IS NULL').pluck().get(id)).toBe(0);
      expect(lentera.db.prepare('SELECT active FROM accounts WHERE id = ?').pluck().get(officer.id)).toBe(1);
      expect(auditRows('department', id).map((r) => [r.action, r.detail && JSON.parse(r.detail)])).toEqual([
        ['department.created', null],
        ['department.deactivated', { tokensRevoked: 2 }],
      ]);
      for (const tokenId of tokenIds) {
        expect(auditRows('api_token', tokenId).map((r) => [r.action, JSON.parse(r.detail!)])).toEqual([
          ['api_token.issued', { department: id }],
          ['api_token.revoked', { department: id, why: 'department_deactivated' }],
        ]);
      }
      await request(lentera.app).get('/api/v1/referrals/LAP-2026-000001').set('Authorization', `Bearer ${first.token}`).expect(401);

      const inactivePage = await adminAgent.get(`/staff/departments/${id}`).expect(200);
      expect(inactivePage.text).toContain('dan semua token API-nya sudah dicabut');
      expect(inactivePage.text).toContain('data-department-status="inactive"');
      expect(inactivePage.text).not.toContain(`action="/staff/departments/${id}/tokens"`);
      // A token cannot be issued to an inactive department, even by a crafted post.
      const refused = await issueToken(id, 'Tidak boleh');
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('Aktifkan kembali sebelum menerbitkan token');
      expect(lentera.db.prepare('SELECT count(*) FROM api_tokens WHERE department_id = ?').pluck().get(id)).toBe(2);
      // An inactive department is not offered on the invitation form.
      expect((await adminAgent.get('/staff/users/new').expect(200)).text).not.toContain('SMA Negeri 2 Padang');

      const back = await post(`/staff/departments/${id}`, `/staff/departments/${id}/reactivate`);
      expect(back.status).toBe(303);
      expect(lentera.db.prepare('SELECT active FROM departments WHERE id = ?').pluck().get(id)).toBe(1);
      expect(lentera.db.prepare('SELECT count(*) FROM api_tokens WHERE department_id = ? AND revoked_at IS NULL').pluck().get(id)).toBe(0);
      expect(auditRows('department', id).map((r) => r.action)).toEqual([
        'department.created',
        'department.deactivated',
        'department.reactivated',
      ]);
      await request(lentera.app).get('/api/v1/referrals/LAP-2026-000001').set('Authorization', `Bearer ${first.token}`).expect(401);
      const list = await adminAgent.get('/staff/departments').expect(200);
      expect(rowOf(list.text, 'data-department', id)).toContain('<td data-token-count>0</td>');
    });

    it('keeps the audit chain intact through it all', () => {
      expect(auditTrail(lentera).verify()).toBeNull();
    });
  });
});
