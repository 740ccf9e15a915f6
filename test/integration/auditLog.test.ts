import request from 'supertest';
import type { Role } from '../../src/domain/roles';
import { createTestApp, fileReport, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { auditTrail } from '../helpers/auditTrail';

const clock = new Date('2026-11-27T02:00:00Z'); // Friday 09:00 WIB

const eventIds = (html: string) => [...html.matchAll(/<tr data-event="(\d+)">/g)].map((m) => Number(m[1]));
const hrefOf = (html: string, rel: string) => {
  const m = new RegExp(`<a href="([^"]+)"${rel}>`).exec(html);
  return m ? m[1]!.replace(/&amp;/g, '&') : null;
};

describe('the audit log (/staff/audit)', () => {
  let lentera: TestApp;
  let supervisor: StaffAccount;
  let supervisorAgent: Agent;
  let admin: StaffAccount;
  let adminAgent: Agent;

  const viewEvents = (accountId: number) =>
    lentera.db
      .prepare("SELECT * FROM audit_events WHERE action = 'audit.viewed' AND actor_account_id = ? ORDER BY id")
      .all(accountId) as Record<string, unknown>[];

  beforeAll(async () => {
    lentera = createTestApp({}, { now: () => clock });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Koordinator Uji' });
    admin = await createStaffAccount(lentera, { role: 'admin', name: 'Admin Uji' });
    supervisorAgent = await signedInAgent(lentera, supervisor);
    adminAgent = await signedInAgent(lentera, admin);
    const audit = auditTrail(lentera);
    audit.append(
      { actorAccountId: admin.id, action: 'partner.created', subjectType: 'partner', subjectId: 41, detail: { type: 'puspaga' } },
      new Date('2026-11-20T03:05:00Z'),
    );
    audit.append(
      { actorAccountId: admin.id, action: 'holiday.added', subjectType: 'holiday', subjectId: '2026-12-25' },
      new Date('2026-11-24T16:59:00Z'),
    );
    audit.append(
      { actorAccountId: null, action: 'outbox.retried', subjectType: 'email', subjectId: 9, detail: { attempt: 2 } },
      new Date('2026-11-24T17:00:00Z'),
    );
    audit.append(
      { actorAccountId: supervisor.id, action: 'report.viewed', subjectType: 'report', subjectId: 'LAP-2026-000001' },
      new Date('2026-11-26T01:00:00Z'),
    );
  });
  afterAll(() => lentera.cleanup());

  it('opens for supervisors and administrators', async () => {
    const page = await supervisorAgent.get('/staff/audit').expect(200);
    expect(page.text).toContain('<h1>Log audit</h1>');
    await adminAgent.get('/staff/audit').expect(200);
  });

  it.each(['triage', 'caseworker', 'department'] as Role[])('refuses %s', async (role) => {
    const agent = await signedInAgent(lentera, await createStaffAccount(lentera, { role }));
    await agent.get('/staff/audit').expect(403);
    await agent.get('/staff/audit?action=partner.created').expect(403);
  });

  it('sends a visitor who is not signed in to the login page', async () => {
    await request(lentera.app).get('/staff/audit?action=x').expect(303).expect('Location', '/login?next=%2Fstaff%2Faudit%3Faction%3Dx');
  });

  it('shows time in WIB, actor, action, subject and detail codes', async () => {
    const page = await supervisorAgent.get('/staff/audit?subject_type=partner').expect(200);
    const row = /<tr data-event="\d+">[\s\S]*?<\/tr>/.exec(page.text)![0];
    expect(row).toMatch(/20 November 2026 pukul 10[.:]05 WIB/);
    expect(row).toContain('>Admin Uji</a>');
    expect(row).toContain('Lembaga mitra ditambahkan (partner.created)');
    expect(row).toContain('<code>partner 41</code>');
    expect(row).toContain('type=puspaga');
    expect(row).toContain(`href="/staff/audit?actor=${admin.id}"`);
    expect(row).toContain('href="/staff/audit?subject_type=partner&amp;subject_id=41"');
    const system = await supervisorAgent.get('/staff/audit?actor=system').expect(200);
    expect(system.text).toMatch(/<a href="\/staff\/audit\?actor=system">Sistem<\/a>/);
  });

  it('records every view, with the filters used, after reading the page', async () => {
    const before = viewEvents(supervisor.id).length;
    const page = await supervisorAgent.get('/staff/audit?action=holiday.added&from=2026-11-01').expect(200);
    const views = viewEvents(supervisor.id);
    expect(views).toHaveLength(before + 1);
    const view = views[views.length - 1]!;
    expect(JSON.parse(view.detail as string)).toEqual({ action: 'holiday.added', fromAt: '2026-10-31T17:00:00.000Z' });
    expect(view.at).toBe(clock.toISOString());
    // The page shows the log as it was when opened: its own view is not on it.
    expect(eventIds(page.text)).not.toContain(view.id);
    // The next view shows it.
    const next = await supervisorAgent.get(`/staff/audit?action=audit.viewed&actor=${supervisor.id}`).expect(200);
    expect(eventIds(next.text)[0]).toBe(view.id);
  });

  describe('filters', () => {
    const ids = async (query: string) => eventIds((await adminAgent.get(`/staff/audit?${query}`).expect(200)).text);
    const idOf = (action: string) => lentera.db.prepare('SELECT id FROM audit_events WHERE action = ?').pluck().get(action) as number;

    it('by action', async () => {
      expect(await ids('action=holiday.added')).toEqual([idOf('holiday.added')]);
    });

    it('by actor, and by the system', async () => {
      expect(await ids(`actor=${supervisor.id}&action=report.viewed`)).toEqual([idOf('report.viewed')]);
      // Creating accounts from the command line is recorded as the system, too.
      const system = await ids('actor=system');
      expect(system).toContain(idOf('outbox.retried'));
      expect(system).toEqual(
        lentera.db.prepare('SELECT id FROM audit_events WHERE actor_account_id IS NULL ORDER BY id DESC').pluck().all(),
      );
    });

    it('by subject type and id', async () => {
      expect(await ids('subject_type=report&subject_id=LAP-2026-000001')).toEqual([idOf('report.viewed')]);
      expect(await ids('subject_type=report&subject_id=LAP-2026-999999')).toEqual([]);
    });

    it('by date range on the Jakarta calendar, both ends included', async () => {
      // 24 Nov 16:59 UTC is 24 Nov 23:59 WIB; 24 Nov 17:00 UTC is already 25 Nov WIB.
      expect(await ids('from=2026-11-24&to=2026-11-24')).toEqual([idOf('holiday.added')]);
      expect(await ids('from=2026-11-25&to=2026-11-26')).toEqual([idOf('report.viewed'), idOf('outbox.retried')]);
      expect(await ids('to=2026-11-20')).toEqual([idOf('partner.created')]);
    });

    it('offers the actions, subject types and accounts that exist', async () => {
      const page = await adminAgent.get('/staff/audit').expect(200);
      expect(page.text).toContain('<option value="holiday.added">Hari libur ditambahkan (holiday.added)</option>');
      expect(page.text).toContain('<option value="report">report</option>');
      expect(page.text).toContain(`<option value="${supervisor.id}">Koordinator Uji (${supervisor.email})</option>`);
      const filtered = await adminAgent.get('/staff/audit?action=holiday.added').expect(200);
      expect(filtered.text).toContain('<option value="holiday.added" selected>');
      expect(filtered.text).toContain('<a href="/staff/audit">Hapus saringan</a>');
      // A filter from a link, on something the log does not hold, still shows as applied.
      const absent = await adminAgent.get('/staff/audit?action=nothing.here&actor=424242').expect(200);
      expect(absent.text).toContain('<option value="nothing.here" selected>nothing.here</option>');
      expect(absent.text).toContain('<option value="424242" selected>#424242</option>');
      expect(eventIds(absent.text)).toEqual([]);
    });

    it('refuses filters that are not valid with 400 and a summary, and records no view', async () => {
      const before = viewEvents(admin.id).length;
      const res = await adminAgent.get('/staff/audit?from=2026-02-30&to=kemarin&actor=abc&before=-1').expect(400);
      expect(res.text).toContain('<a href="#actor">Pilih pelaku dari daftar</a>');
      expect(res.text).toContain('<a href="#from">Tuliskan tanggal awal');
      expect(res.text).toContain('<a href="#to">Tuliskan tanggal akhir');
      expect(res.text).toContain('<a href="#before-error">');
      expect(res.text).toContain('value="2026-02-30"');
      expect(eventIds(res.text)).toEqual([]);
      const reversed = await adminAgent.get('/staff/audit?from=2026-11-26&to=2026-11-20').expect(400);
      expect(reversed.text).toContain('Tanggal akhir tidak boleh sebelum tanggal awal');
      await adminAgent.get('/staff/audit?action=%3Cscript%3E').expect(400);
      expect(viewEvents(admin.id)).toHaveLength(before);
    });

    it('takes only strings from the query', async () => {
      await adminAgent.get('/staff/audit?action=a&action=b').expect(200);
    });
  });

  it('pages by id, newest first, 50 at a time, keeping the filters', async () => {
    for (let i = 0; i < 120; i += 1) {
      auditTrail(lentera).append({ actorAccountId: null, action: 'test.bulk', subjectType: 'test', subjectId: i }, clock);
    }
    const all = lentera.db.prepare("SELECT id FROM audit_events WHERE action = 'test.bulk' ORDER BY id DESC").pluck().all() as number[];

    const first = await adminAgent.get('/staff/audit?action=test.bulk').expect(200);
    expect(eventIds(first.text)).toEqual(all.slice(0, 50));
    expect(hrefOf(first.text, ' rel="next"')).toBe(`/staff/audit?action=test.bulk&before=${all[49]}`);
    expect(first.text).not.toContain('Kembali ke yang terbaru');

    const second = await adminAgent.get(hrefOf(first.text, ' rel="next"')!).expect(200);
    expect(eventIds(second.text)).toEqual(all.slice(50, 100));
    expect(second.text).toContain('<a href="/staff/audit?action=test.bulk">Kembali ke yang terbaru</a>');

    const third = await adminAgent.get(hrefOf(second.text, ' rel="next"')!).expect(200);
    expect(eventIds(third.text)).toEqual(all.slice(100));
    expect(hrefOf(third.text, ' rel="next"')).toBeNull();

    const views = viewEvents(admin.id);
    expect(JSON.parse(views[views.length - 1]!.detail as string)).toEqual({ action: 'test.bulk', before: all[99] });
  });

  it('never shows report content', async () => {
    await fileReport(
      request.agent(lentera.app),
      validReport({ narrative: 'Isi rahasia yang tidak boleh muncul di log audit sama sekali.' }),
    );
    const page = await adminAgent.get('/staff/audit').expect(200);
    expect(page.text).not.toContain('Isi rahasia');
  });

  it('leaves the chain intact', () => {
    expect(auditTrail(lentera).verify()).toBeNull();
  });
});
