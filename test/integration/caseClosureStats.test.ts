import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { openDatabase, type Db } from '../../src/data/db';
import { migrate } from '../../src/data/migrate';
import { createCaseStatisticsRepository, rebuildCaseStatistics } from '../../src/data/caseStatisticsRepository';
import { migrationsDir } from '../../src/paths';
import type { CurrentAccount } from '../../src/domain/roles';
import { createTestApp, fileReport, formBody, tokenFrom, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** 09:00 in Padang (WIB) on a Monday. */
const START = new Date('2026-03-02T02:00:00Z');

const current = (a: StaffAccount): CurrentAccount => ({
  id: a.id,
  email: a.email,
  name: a.name,
  role: a.role,
  departmentId: a.departmentId,
});

/**
 * Closing a case with an outcome and a closing summary, and the case statistics (issue 13, part 7):
 * cases closed by outcome, plan activities by LK3 function, time spent in each stage — kept apart
 * from the content (migration 0022), so retention leaves them as they were.
 */
describe('closing a case, and the case statistics', () => {
  let clock: Date;
  let lentera: TestApp;
  let triage: StaffAccount;
  let supervisor: StaffAccount;
  let worker: StaffAccount;
  let otherWorker: StaffAccount;

  const at = (ms: number) => {
    clock = new Date(START.getTime() + ms);
  };
  const as = (account: StaffAccount) => signedInAgent(lentera, account);

  beforeAll(async () => {
    clock = START;
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000', RETENTION_DAYS: '30' }, { now: () => clock });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor' });
    worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
    otherWorker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Oki Peksos' });
  });
  afterAll(() => lentera.cleanup());

  /** A resident's report (kecamatan 13.71.01, `category`) accepted by triage as a new case for `assignee`. */
  async function newCase(assignee: StaffAccount, category = 'neglect'): Promise<{ slug: string; number: string; id: number }> {
    await fileReport(request.agent(lentera.app), validReport({ category }));
    const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const decided = lentera.services.triageService.decide(current(triage), reference, {
      kind: 'accept',
      existingCaseNumber: null,
      assigneeId: assignee.id,
      riskLevel: 'medium',
      note: '',
    });
    expect(decided).toMatchObject({ ok: true });
    const row = lentera.db
      .prepare('SELECT c.id, c.number FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?')
      .get(reference) as { id: number; number: string };
    return { ...row, slug: row.number.replace(/\//g, '-') };
  }

  /** POSTs a case form with the CSRF token of the person's own page (the case list, for one who may not open the case). */
  async function post(agent: Agent, slug: string, form: string, fields: Record<string, string>, withToken = true) {
    const page = await agent.get(`/staff/cases/${slug}`);
    const token = await tokenFrom(agent, page.status === 200 ? `/staff/cases/${slug}` : '/staff/cases');
    return agent
      .post(`/staff/cases/${slug}/${form}`)
      .type('form')
      .send(formBody(withToken ? { ...fields, _csrf: token } : fields));
  }

  const stage = (account: StaffAccount, number: string, s: 'initial_assessment' | 'in_depth_assessment' | 'intervention') =>
    expect(lentera.services.caseService.change(current(account), number, { kind: 'stage', stage: s })).toEqual({ ok: true });

  it('asks for an outcome and a closing summary, keeps what was typed, and refuses the wrong people', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);

    const empty = await post(agent, c.slug, 'close', { 'closecase-outcome': '', 'closecase-summary': '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<a href="#closecase-outcome">');
    expect(empty.text).toContain('<a href="#closecase-summary">');
    const noSummary = await post(agent, c.slug, 'close', { 'closecase-outcome': 'moved_away', 'closecase-summary': '  ' });
    expect(noSummary.status).toBe(400);
    expect(noSummary.text).toMatch(/<option value="moved_away" selected>/);
    const unknown = await post(agent, c.slug, 'close', {
      'closecase-outcome': 'goals_achieved',
      'closecase-summary': 'Ringkasan yang diketik',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Ringkasan yang diketik');
    // The old codes are no longer offered.
    expect(unknown.text).not.toContain('<option value="goals_achieved"');
    expect(unknown.text).not.toContain('<option value="referred_out"');

    const fields = { 'closecase-outcome': 'goals_met', 'closecase-summary': 'Ringkasan penutupan' };
    await post(await as(triage), c.slug, 'close', fields).then((r) => expect(r.status).toBe(403));
    await post(await as(otherWorker), c.slug, 'close', fields).then((r) => expect(r.status).toBe(404));
    await post(agent, c.slug, 'close', fields, false).then((r) => expect(r.status).toBe(403));
    expect(lentera.db.prepare('SELECT closed_at FROM cases WHERE id = ?').pluck().get(c.id)).toBeNull();
  });

  it('shows the outcome and the summary on the closed case and in its print, in both languages; the summary is encrypted', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    const summary = 'Keluarga sudah stabil; anak kembali bersekolah dan ibu bekerja.';
    const closed = await post(agent, c.slug, 'close', { 'closecase-outcome': 'family_declined', 'closecase-summary': summary });
    expect(closed.status).toBe(303);

    const row = lentera.db.prepare('SELECT closure_reason, closing_summary_enc FROM cases WHERE id = ?').get(c.id) as {
      closure_reason: string;
      closing_summary_enc: string;
    };
    expect(row.closure_reason).toBe('family_declined');
    expect(row.closing_summary_enc).not.toContain('stabil');
    const audit = lentera.db
      .prepare("SELECT detail FROM audit_events WHERE action = 'case.closed' AND subject_id = ? ORDER BY id DESC")
      .pluck()
      .get(String(c.id)) as string;
    expect(audit).toContain('family_declined');
    expect(audit).not.toContain('stabil');

    const page = (await agent.get(`/staff/cases/${c.slug}?lang=id`).expect(200)).text;
    expect(page).toContain('Penutupan kasus');
    expect(page).toContain('Keluarga menolak atau tidak melanjutkan layanan');
    expect(page).toContain('anak kembali bersekolah dan ibu bekerja.');
    const english = (await agent.get(`/staff/cases/${c.slug}?lang=en`).expect(200)).text;
    expect(english).toContain('Case closure');
    expect(english).toContain('The family declined or stopped the service');
    const print = (await agent.get(`/staff/cases/${c.slug}/print`).expect(200)).text;
    expect(print).toContain('Case closure');
    expect(print).toContain('anak kembali bersekolah dan ibu bekerja.');
    // A supervisor reads it; another caseworker does not.
    expect((await (await as(supervisor)).get(`/staff/cases/${c.slug}`).expect(200)).text).toContain('ibu bekerja');
    await (await as(otherWorker)).get(`/staff/cases/${c.slug}`).expect(404);
    await (await as(otherWorker)).get(`/staff/cases/${c.slug}/print`).expect(404);
  });

  describe('statistics by outcome, by LK3 function and by stage, through retention', () => {
    const range = { from: '2026-03-10', to: '2026-04-30' }; // the cases of the tests above were opened and closed before it
    const statsPath = `/staff/stats?from=${range.from}&to=${range.to}`;
    const csvPath = `/staff/stats.csv?from=${range.from}&to=${range.to}`;
    let walked: { id: number; number: string; slug: string };
    let admin: StaffAccount;

    beforeAll(async () => {
      admin = await createStaffAccount(lentera, { role: 'admin' });

      // One case walked through the stages: intake 2 days, initial assessment 3, in-depth 4, the plan 11 (with two
      // activities: protection and family strengthening), then closed as referred and accepted.
      at(10 * DAY);
      walked = await newCase(worker, 'physical_violence');
      at(12 * DAY);
      stage(worker, walked.number, 'initial_assessment');
      at(15 * DAY);
      stage(worker, walked.number, 'in_depth_assessment');
      at(19 * DAY);
      const plans = lentera.services.casePlanService;
      expect(plans.change(current(worker), walked.number, { kind: 'add_goal', text: 'Anak aman di rumah' })).toMatchObject({ ok: true });
      const goalId = lentera.db.prepare('SELECT id FROM case_plan_goals WHERE case_id = ?').pluck().get(walked.id) as number;
      for (const lk3Function of ['protection', 'family_strengthening'] as const) {
        expect(
          plans.change(current(worker), walked.number, {
            kind: 'add_activity',
            goalId,
            activity: { title: 'Kegiatan', lk3Function, responsible: { kind: 'staff', accountId: worker.id }, dueOn: '2026-04-01' },
          }),
        ).toMatchObject({ ok: true });
      }
      expect(lentera.db.prepare('SELECT stage FROM cases WHERE id = ?').pluck().get(walked.id)).toBe('intervention_plan');
      at(30 * DAY);
      expect(
        lentera.services.caseService.change(current(worker), walked.number, {
          kind: 'close',
          outcome: 'referred_accepted',
          summary: 'Dirujuk ke UPTD PPA dan diterima.',
        }),
      ).toEqual({ ok: true });

      // Two more: intake 1 day then closed at once (goals met), and intake 6 days then still open at the next stage.
      at(10 * DAY);
      const quick = await newCase(otherWorker);
      at(11 * DAY);
      stage(otherWorker, quick.number, 'intervention');
      at(12 * DAY);
      expect(
        lentera.services.caseService.change(current(otherWorker), quick.number, {
          kind: 'close',
          outcome: 'goals_met',
          summary: 'Selesai.',
        }),
      ).toEqual({ ok: true });
      const slow = await newCase(worker);
      at(18 * DAY);
      stage(worker, slow.number, 'initial_assessment');
    });

    it('keeps a row per case and per stage left, as a recount from the cases gives', () => {
      const kept = lentera.db
        .prepare(
          `SELECT d.stage, d.left_on, d.hours FROM case_stage_durations d JOIN case_statistics s ON s.id = d.case_statistics_id
            WHERE s.case_id = ? ORDER BY d.id`,
        )
        .all(walked.id);
      expect(kept).toEqual([
        { stage: 'intake', left_on: '2026-03-14', hours: 48 },
        { stage: 'initial_assessment', left_on: '2026-03-17', hours: 72 },
        { stage: 'in_depth_assessment', left_on: '2026-03-21', hours: 96 },
        { stage: 'intervention_plan', left_on: '2026-04-01', hours: 264 },
      ]);
      expect(
        lentera.db
          .prepare('SELECT category, kecamatan_code, opened_on, closed_on, outcome FROM case_statistics WHERE case_id = ?')
          .get(walked.id),
      ).toEqual({
        category: 'physical_violence',
        kecamatan_code: '13.71.01',
        opened_on: '2026-03-12',
        closed_on: '2026-04-01',
        outcome: 'referred_accepted',
      });
      // The triggers keep what the recount views give (for the cases made in this block).
      const recount = lentera.db
        .prepare('SELECT stage, left_on, hours FROM case_stage_durations_recount WHERE case_id = ? ORDER BY left_on')
        .all(walked.id);
      expect(recount).toEqual(kept);
      expect(
        lentera.db
          .prepare(
            'SELECT lk3_function, planned_on, status FROM case_activity_statistics WHERE case_statistics_id = (SELECT id FROM case_statistics WHERE case_id = ?) ORDER BY id',
          )
          .all(walked.id),
      ).toEqual([
        { lk3_function: 'protection', planned_on: '2026-03-21', status: 'planned' },
        { lk3_function: 'family_strengthening', planned_on: '2026-03-21', status: 'planned' },
      ]);
    });

    it('shows cases closed by outcome, activities by LK3 function and days in each stage, on the page and in the CSV', async () => {
      const agent = await as(supervisor);
      const page = (await agent.get(`${statsPath}&lang=en`).expect(200)).text;
      expect(page).toMatch(/data-total="cases_opened">3</);
      expect(page).toMatch(/data-total="cases_closed">2</);
      expect(page).toMatch(/data-total="activities">2</);
      const row = (dimension: string, code: string) => {
        const table = page.slice(page.indexOf(`data-dimension="${dimension}"`));
        const start = table.indexOf(`<tr data-code="${code}">`);
        return table.slice(start, table.indexOf('</tr>', start)).replace(/\s+/g, ' ');
      };
      expect(row('outcome', 'referred_accepted')).toContain('<td class="numeric">1</td>');
      expect(row('outcome', 'goals_met')).toContain('<td class="numeric">1</td>');
      expect(row('outcome', 'moved_away')).toContain('<td class="numeric">0</td>');
      expect(row('lk3_function', 'protection')).toContain('<td class="numeric">1</td>');
      expect(row('lk3_function', 'information')).toContain('<td class="numeric">0</td>');
      // Intake was left three times: after 1, 2 and 6 days (median 2, average 3); the plan once, after 11.
      expect(row('stage_days', 'intake')).toMatch(
        /<td class="numeric">3<\/td> <td class="numeric" data-median>2<\/td> <td class="numeric" data-average>3<\/td>/,
      );
      expect(row('stage_days', 'intervention_plan')).toContain('data-median>11</td>');
      expect(row('stage_days', 'monitoring')).toContain('data-median>none yet</td>');

      const csv = (await agent.get(`${csvPath}&lang=en`).expect(200)).text;
      expect(csv).toContain('\r\ncase_total,opened,Cases opened,3\r\n');
      expect(csv).toContain('\r\ncase_outcome,referred_accepted,Referred and accepted by another institution,1\r\n');
      expect(csv).toContain('\r\nactivity_lk3_function,family_strengthening,');
      expect(csv).toContain('\r\nstage_median_days,intake,Median days in the stage Intake,2\r\n');
      expect(csv).toContain('\r\nstage_average_days,intervention_plan,Average days in the stage Intervention plan,11\r\n');

      // Statistics are for supervisors and the admin (codes only), never for caseworkers or triage.
      await (await as(worker)).get(statsPath).expect(403);
      await (await as(triage)).get(csvPath).expect(403);
      expect((await (await as(admin)).get(statsPath).expect(200)).text).toMatch(/data-total="cases_closed">2</);
    });

    it('gives the same figures after retention has deleted the closed cases', async () => {
      const agent = await as(supervisor);
      const before = { page: (await agent.get(statsPath).expect(200)).text, csv: (await agent.get(csvPath).expect(200)).text };
      const rows = lentera.db.prepare('SELECT count(*) FROM case_statistics').pluck().get() as number;

      at(80 * DAY); // the closed cases closed more than 30 days ago
      const run = lentera.services.retentionService.run({ dryRun: false });
      expect(run.counts.cases).toBeGreaterThanOrEqual(2);
      expect(lentera.db.prepare('SELECT count(*) FROM cases WHERE id = ?').pluck().get(walked.id)).toBe(0);
      expect(lentera.db.prepare('SELECT count(*) FROM case_plan_activities WHERE case_id = ?').pluck().get(walked.id)).toBe(0);

      expect(lentera.db.prepare('SELECT count(*) FROM case_statistics').pluck().get()).toBe(rows);
      expect(lentera.db.prepare('SELECT count(*) FROM case_statistics WHERE case_id IS NULL').pluck().get()).toBe(run.counts.cases);
      expect(lentera.db.prepare('SELECT count(*) FROM case_activity_statistics WHERE activity_id IS NULL').pluck().get()).toBe(2);
      const again = await as(supervisor); // signed in again: the session did not last the eighty days
      const after = { page: (await again.get(statsPath).expect(200)).text, csv: (await again.get(csvPath).expect(200)).text };
      const figures = (html: string) => html.slice(html.indexOf('data-totals'), html.indexOf('class="site-footer"'));
      expect(figures(after.page)).toEqual(figures(before.page));
      expect(after.csv).toEqual(before.csv);

      // A rebuild keeps the rows of purged cases and gives the same figures again.
      rebuildCaseStatistics(lentera.db);
      expect((await again.get(csvPath).expect(200)).text).toEqual(before.csv);
    });
  });
});

/** Migration 0022 on a database made before it: old closure codes become outcomes, and past cases get their statistics. */
describe('migration 0022 on an existing database', () => {
  let dir: string;
  let db: Db;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-0022-'));
    const before = path.join(dir, 'before');
    fs.mkdirSync(before);
    for (const file of fs.readdirSync(migrationsDir).filter((f) => /^\d{4}_/.test(f) && f < '0022')) {
      fs.copyFileSync(path.join(migrationsDir, file), path.join(before, file));
    }
    db = openDatabase(path.join(dir, 'lentera.db'));
    migrate(db, before);

    const t = (iso: string) => iso;
    db.prepare(
      "INSERT INTO accounts (id, email, name, role, password_hash, created_at, updated_at) VALUES (1, 'w@lk3.test', 'Wulan', 'caseworker', 'x', ?, ?)",
    ).run(t('2025-01-01T00:00:00.000Z'), t('2025-01-01T00:00:00.000Z'));
    const insertCase = db.prepare(
      'INSERT INTO cases (id, number, stage, assigned_to, opened_at, closed_at, closure_reason, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?)',
    );
    insertCase.run(
      1,
      'LK3/2025/0001',
      'terminated',
      '2025-05-01T01:00:00.000Z',
      '2025-05-20T20:00:00.000Z',
      'goals_achieved',
      '2025-05-20T20:00:00.000Z',
    );
    insertCase.run(
      2,
      'LK3/2025/0002',
      'terminated',
      '2025-06-01T01:00:00.000Z',
      '2025-06-03T01:00:00.000Z',
      'client_withdrew',
      '2025-06-03T01:00:00.000Z',
    );
    insertCase.run(
      3,
      'LK3/2025/0003',
      'terminated',
      '2025-06-01T01:00:00.000Z',
      '2025-06-02T01:00:00.000Z',
      'referred_out',
      '2025-06-02T01:00:00.000Z',
    );
    insertCase.run(4, 'LK3/2025/0004', 'initial_assessment', '2025-07-01T01:00:00.000Z', null, null, '2025-07-01T01:00:00.000Z');
    db.prepare(
      `INSERT INTO reports (reference, source, category, kecamatan_code, narrative_enc, urgency, reporter_relation, status, sla_due_at, created_at, updated_at, case_id)
       VALUES ('LAP-2025-000001', 'public', 'family_conflict', '13.71.02', 'v1:x', 'normal', 'self', 'accepted', ?, ?, ?, 1)`,
    ).run('2025-05-01T00:00:00.000Z', '2025-05-01T00:00:00.000Z', '2025-05-01T01:00:00.000Z');
    const event = db.prepare('INSERT INTO case_events (case_id, account_id, kind, code, created_at) VALUES (?, 1, ?, ?, ?)');
    event.run(1, 'opened', 'LAP-2025-000001', '2025-05-01T01:00:00.000Z');
    event.run(1, 'note', null, '2025-05-02T01:00:00.000Z');
    event.run(1, 'stage_changed', 'initial_assessment', '2025-05-03T01:00:00.000Z');
    event.run(1, 'stage_changed', 'intervention', '2025-05-10T13:00:00.000Z');
    event.run(1, 'closed', 'goals_achieved', '2025-05-20T20:00:00.000Z');
    event.run(2, 'opened', 'LAP-2025-000099', '2025-06-01T01:00:00.000Z');
    event.run(2, 'closed', 'client_withdrew', '2025-06-03T01:00:00.000Z');
    event.run(3, 'closed', 'referred_out', '2025-06-02T01:00:00.000Z');
    event.run(4, 'opened', 'LAP-2025-000100', '2025-07-01T01:00:00.000Z');
    event.run(4, 'stage_changed', 'initial_assessment', '2025-07-02T01:00:00.000Z');

    migrate(db, migrationsDir);
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('turns the old closure codes into outcomes, in the cases and their timelines; referred_out stays', () => {
    expect(db.prepare('SELECT closure_reason FROM cases ORDER BY id').pluck().all()).toEqual([
      'goals_met',
      'family_declined',
      'referred_out',
      null,
    ]);
    expect(db.prepare("SELECT code FROM case_events WHERE kind = 'closed' ORDER BY case_id").pluck().all()).toEqual([
      'goals_met',
      'family_declined',
      'referred_out',
    ]);
  });

  it('gives each case its statistics row and each stage left its time, from the timelines', () => {
    expect(
      db.prepare('SELECT case_id, opened_on, category, kecamatan_code, closed_on, outcome FROM case_statistics ORDER BY case_id').all(),
    ).toEqual([
      {
        case_id: 1,
        opened_on: '2025-05-01',
        category: 'family_conflict',
        kecamatan_code: '13.71.02',
        closed_on: '2025-05-21',
        outcome: 'goals_met',
      },
      { case_id: 2, opened_on: '2025-06-01', category: null, kecamatan_code: null, closed_on: '2025-06-03', outcome: 'family_declined' },
      { case_id: 3, opened_on: '2025-06-01', category: null, kecamatan_code: null, closed_on: '2025-06-02', outcome: 'referred_out' },
      { case_id: 4, opened_on: '2025-07-01', category: null, kecamatan_code: null, closed_on: null, outcome: null },
    ]);
    expect(
      db
        .prepare(
          'SELECT s.case_id, d.stage, d.left_on, d.hours FROM case_stage_durations d JOIN case_statistics s ON s.id = d.case_statistics_id ORDER BY s.case_id, d.id',
        )
        .all(),
    ).toEqual([
      { case_id: 1, stage: 'intake', left_on: '2025-05-03', hours: 48 },
      { case_id: 1, stage: 'initial_assessment', left_on: '2025-05-10', hours: 180 },
      { case_id: 1, stage: 'intervention', left_on: '2025-05-21', hours: 247 },
      { case_id: 2, stage: 'intake', left_on: '2025-06-03', hours: 48 },
      { case_id: 3, stage: 'intake', left_on: '2025-06-02', hours: 24 },
      { case_id: 4, stage: 'intake', left_on: '2025-07-02', hours: 24 },
    ]);
  });

  it('then keeps them by trigger as the cases move on', () => {
    db.prepare(
      "UPDATE cases SET stage = 'terminated', closed_at = '2025-07-09T01:00:00.000Z', closure_reason = 'lost_contact' WHERE id = 4",
    ).run();
    db.prepare(
      "INSERT INTO case_events (case_id, account_id, kind, code, created_at) VALUES (4, 1, 'closed', 'lost_contact', '2025-07-09T01:00:00.000Z')",
    ).run();
    expect(db.prepare('SELECT closed_on, outcome FROM case_statistics WHERE case_id = 4').get()).toEqual({
      closed_on: '2025-07-09',
      outcome: 'lost_contact',
    });
    expect(
      db
        .prepare(
          'SELECT stage, hours FROM case_stage_durations WHERE case_statistics_id = (SELECT id FROM case_statistics WHERE case_id = 4) ORDER BY id',
        )
        .all(),
    ).toEqual([
      { stage: 'intake', hours: 24 },
      { stage: 'initial_assessment', hours: 168 },
    ]);
  });
});

/**
 * The time in each stage comes from a monthly histogram and the stays of the days a range cuts
 * (migration 0022): the same counts, medians and averages as reading every stay, for any range.
 */
describe('time in each stage, from the monthly histogram', () => {
  let dir: string;
  let db: Db;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-stages-'));
    db = openDatabase(path.join(dir, 'lentera.db'));
    migrate(db, migrationsDir);
    const owner = Number(db.prepare("INSERT INTO case_statistics (opened_on) VALUES ('2024-01-01')").run().lastInsertRowid);
    const stay = db.prepare('INSERT INTO case_stage_durations (case_statistics_id, stage, left_on, hours) VALUES (?, ?, ?, ?)');
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const stages = ['intake', 'initial_assessment', 'in_depth_assessment', 'intervention_plan', 'intervention', 'monitoring'];
    db.transaction(() => {
      for (let i = 0; i < 4000; i += 1) {
        const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 800) * 86_400_000).toISOString().slice(0, 10);
        // Short and long stays, some exactly equal, and a few negative (a clock set back).
        const hours = random() < 0.02 ? -Math.round(random() * 300) / 100 : Math.round(random() ** 3 * 3000 * 100) / 100;
        stay.run(owner, stages[Math.floor(random() * (i % 7 === 0 ? 2 : 6))], day, i % 11 === 0 ? 48 : hours);
      }
    })();
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every stay read one by one (what the page showed before the histogram). */
  const everyStay = (range: { from: string; to: string }) =>
    db
      .prepare(
        `SELECT stage, n AS count, mean AS averageHours, avg(hours) AS medianHours FROM (
           SELECT stage, hours, row_number() OVER (PARTITION BY stage ORDER BY hours) AS rn,
                  count(*) OVER (PARTITION BY stage) AS n, avg(hours) OVER (PARTITION BY stage) AS mean
             FROM case_stage_durations WHERE left_on BETWEEN @from AND @to)
          WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY stage ORDER BY stage`,
      )
      .all(range) as { stage: string; count: number; medianHours: number; averageHours: number }[];

  it('keeps the histogram as a recount gives it', () => {
    const kept = db.prepare('SELECT stage, month, bucket, count FROM case_stage_durations_monthly WHERE count > 0 ORDER BY 1, 2, 3').all();
    expect(kept).toEqual(db.prepare('SELECT stage, month, bucket, count FROM case_stage_durations_monthly_recount ORDER BY 1, 2, 3').all());
    expect(kept.length).toBeGreaterThan(100);
  });

  it.each([
    ['a calendar year', '2024-01-01', '2024-12-31'],
    ['a year cut mid-month', '2024-03-15', '2025-03-14'],
    ['a month', '2025-02-01', '2025-02-28'],
    ['days within one month', '2024-07-04', '2024-07-19'],
    ['one day', '2024-05-31', '2024-05-31'],
    ['every day there is', '2023-12-01', '2026-06-30'],
    ['none', '2030-01-01', '2030-12-31'],
  ])('gives what reading every stay gives: %s', (_name, from, to) => {
    const got = createCaseStatisticsRepository(db).counts({ from, to }).stageTimes;
    const expected = everyStay({ from, to });
    expect(got.map((s) => [s.stage, s.count, s.medianHours])).toEqual(expected.map((s) => [s.stage, s.count, s.medianHours]));
    got.forEach((s, i) => expect(s.averageHours).toBeCloseTo(expected[i]!.averageHours, 6));
  });
});
