import { createTestApp, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { reportAcceptedAsNewCase } from '../helpers/cases';

/**
 * The intervention plan and the follow-ups of a case, and the work lists (issue 13, parts 3 and 4),
 * through the real app at a fixed clock: 1 December 2026, 10.00 in Jakarta (03.00 UTC).
 */
describe('the working file: plan, follow-ups and the work lists', () => {
  let lentera: TestApp;
  let triage: StaffAccount;
  let supervisor: StaffAccount;
  let worker: StaffAccount;
  let otherWorker: StaffAccount;
  let admin: StaffAccount;
  const TODAY = '2026-12-01';
  const clock = new Date('2026-12-01T03:00:00Z');

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' }, { now: () => clock });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sari Koordinator' });
    worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
    otherWorker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Oki Peksos' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
  });
  afterAll(() => lentera.cleanup());

  const agents = new Map<number, Agent>();
  async function as(account: StaffAccount): Promise<Agent> {
    let agent = agents.get(account.id);
    if (!agent) agents.set(account.id, (agent = await signedInAgent(lentera, account)));
    return agent;
  }

  /** A resident's report accepted by triage as a new case for `assignee`. */
  async function newCase(assignee: StaffAccount): Promise<{ slug: string; number: string; id: number }> {
    return reportAcceptedAsNewCase(lentera, await as(triage), assignee.id);
  }

  async function post(agent: Agent, page: string, path: string, fields: Record<string, string | string[]>) {
    const token = await tokenFrom(agent, page);
    return agent
      .post(path)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  const planOf = (slug: string) => `/staff/cases/${slug}/plan`;
  const goalIds = (caseId: number) =>
    lentera.db.prepare('SELECT id FROM case_plan_goals WHERE case_id = ? ORDER BY id').pluck().all(caseId) as number[];
  const activityIds = (caseId: number) =>
    lentera.db.prepare('SELECT id FROM case_plan_activities WHERE case_id = ? ORDER BY id').pluck().all(caseId) as number[];

  async function addGoal(agent: Agent, slug: string, text: string): Promise<void> {
    expect((await post(agent, planOf(slug), `${planOf(slug)}/goals`, { 'goal-text': text })).status).toBe(303);
  }

  async function addActivity(agent: Agent, slug: string, goalId: number, fields: Record<string, string>): Promise<void> {
    const res = await post(agent, planOf(slug), `${planOf(slug)}/activities`, {
      'activity-goal': String(goalId),
      'activity-other': '',
      ...fields,
    });
    expect(res.status).toBe(303);
  }

  async function logFollowUp(agent: Agent, slug: string, fields: Record<string, string | string[]>) {
    return post(agent, `/staff/cases/${slug}/follow-ups`, `/staff/cases/${slug}/follow-ups`, fields);
  }

  it('a plan with two goals and activities of different LK3 functions, encrypted, audited, moving the case to the plan stage', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    await addGoal(agent, c.slug, 'Anak kembali bersekolah secara teratur');
    await addGoal(agent, c.slug, 'Ibu mampu mengelola emosi tanpa kekerasan');
    const [g1, g2] = goalIds(c.id);
    await addActivity(agent, c.slug, g1!, {
      'activity-title': 'Mendampingi ibu mendaftarkan anak ke SD Negeri 12',
      'activity-function': 'referral',
      'activity-responsible': String(worker.id),
      'activity-due': '2026-12-10',
    });
    await addActivity(agent, c.slug, g2!, {
      'activity-title': 'Konseling pengasuhan bersama nenek',
      'activity-function': 'family_strengthening',
      'activity-responsible': 'other',
      'activity-other': 'Nenek Rosna',
      'activity-due': '2026-12-15',
    });

    const page = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
    for (const text of [
      'Anak kembali bersekolah secara teratur',
      'Ibu mampu mengelola emosi tanpa kekerasan',
      'Mendampingi ibu mendaftarkan anak ke SD Negeri 12',
      'Rujukan',
      'Penguatan keluarga',
      'Nenek Rosna',
      'Rencana intervensi',
    ]) {
      expect(page).toContain(text);
    }
    // The stage moved as the stage form moves it: a stage_changed event and its audit.
    expect(lentera.db.prepare('SELECT stage FROM cases WHERE id = ?').pluck().get(c.id)).toBe('intervention_plan');
    expect(
      lentera.db
        .prepare("SELECT count(*) FROM case_events WHERE case_id = ? AND kind = 'stage_changed' AND code = 'intervention_plan'")
        .pluck()
        .get(c.id),
    ).toBe(1);

    // Ciphertext at rest; codes and dates plain.
    const rows = lentera.db
      .prepare('SELECT title_enc, responsible_other_enc, lk3_function, due_on FROM case_plan_activities WHERE case_id = ? ORDER BY id')
      .all(c.id) as {
      title_enc: string;
      responsible_other_enc: string | null;
      lk3_function: string;
      due_on: string;
    }[];
    expect(rows.map((r) => r.lk3_function)).toEqual(['referral', 'family_strengthening']);
    expect(rows.map((r) => r.due_on)).toEqual(['2026-12-10', '2026-12-15']);
    expect(rows[0]!.title_enc).toMatch(/^v1:/);
    expect(rows[1]!.responsible_other_enc).toMatch(/^v1:/);
    const goalTexts = lentera.db.prepare('SELECT text_enc FROM case_plan_goals WHERE case_id = ?').pluck().all(c.id) as string[];
    expect(goalTexts.every((t) => t.startsWith('v1:'))).toBe(true);
    const dump =
      JSON.stringify(lentera.db.prepare('SELECT * FROM case_plan_goals').all()) +
      JSON.stringify(lentera.db.prepare('SELECT * FROM case_plan_activities').all());
    expect(dump).not.toContain('bersekolah');
    expect(dump).not.toContain('Rosna');

    // Every change audited, codes only.
    const audit = lentera.db
      .prepare("SELECT action, detail FROM audit_events WHERE subject_type = 'case' AND subject_id = ? ORDER BY id")
      .all(String(c.id)) as { action: string; detail: string | null }[];
    const actions = audit.map((a) => a.action);
    expect(actions.filter((a) => a === 'case_plan.goal_added')).toHaveLength(2);
    expect(actions.filter((a) => a === 'case_plan.activity_added')).toHaveLength(2);
    expect(actions).toContain('case.stage_changed');
    expect(JSON.stringify(audit)).not.toContain('Rosna');
    expect(JSON.stringify(audit)).toContain('family_strengthening');
  });

  it('flags overdue activities and reviews on the case page at a fixed clock; done and dropped are never flagged', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    await addGoal(agent, c.slug, 'Keluarga aman dari kekerasan');
    const [g] = goalIds(c.id);
    await addActivity(agent, c.slug, g!, {
      'activity-title': 'Kunjungan keamanan ke rumah',
      'activity-function': 'protection',
      'activity-responsible': String(worker.id),
      'activity-due': '2026-11-28',
    });
    await addActivity(agent, c.slug, g!, {
      'activity-title': 'Informasi layanan hukum',
      'activity-function': 'information',
      'activity-responsible': String(worker.id),
      'activity-due': '2026-11-20',
    });
    await addActivity(agent, c.slug, g!, {
      'activity-title': 'Pertemuan jejaring dengan kelurahan',
      'activity-function': 'networking',
      'activity-responsible': String(worker.id),
      'activity-due': TODAY,
    });
    const [late, doneLater] = activityIds(c.id);
    // One of the past ones is done: not flagged.
    expect(
      (
        await post(agent, `${planOf(c.slug)}?edit=activity-${doneLater}`, `${planOf(c.slug)}/activities/${doneLater}/progress`, {
          'progress-status': 'done',
          'progress-note': 'Ibu sudah menerima informasi LBH',
        })
      ).status,
    ).toBe(303);
    expect((await post(agent, planOf(c.slug), `${planOf(c.slug)}/review-date`, { 'reviewdate-next': '2026-11-30' })).status).toBe(303);

    const page = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
    expect(page).toContain('data-flag="overdue-activities"');
    expect(page).toContain('1 kegiatan terlambat');
    const activityItem = (id: number) => new RegExp(`data-activity="${id}"[\\s\\S]*?</li>`).exec(page)![0];
    expect(activityItem(late!)).toContain('Terlambat');
    expect(activityItem(doneLater!)).not.toContain('Terlambat');
    expect(page).toContain('Jatuh tempo hari ini');
    expect(/Tinjauan berikutnya:[^<]*30 November 2026[\s\S]{0,80}Terlambat/.test(page)).toBe(true);

    // A review records progress and sets the next date: no longer overdue.
    expect(
      (
        await post(agent, planOf(c.slug), `${planOf(c.slug)}/review`, {
          'review-note': 'Kemajuan baik; ayah mulai ikut konseling',
          'review-next': '2026-12-15',
        })
      ).status,
    ).toBe(303);
    const plan = (await agent.get(planOf(c.slug)).expect(200)).text;
    expect(plan).toContain('Kemajuan baik; ayah mulai ikut konseling');
    expect(plan).toContain('Ibu sudah menerima informasi LBH');
    expect(lentera.db.prepare('SELECT next_review_on FROM case_plans WHERE case_id = ?').pluck().get(c.id)).toBe('2026-12-15');
    expect(lentera.db.prepare('SELECT note_enc FROM case_plan_reviews WHERE case_id = ?').pluck().get(c.id)).toMatch(/^v1:/);
    // The plan page's view is audited.
    expect(
      lentera.db
        .prepare("SELECT count(*) FROM audit_events WHERE action = 'case_plan.viewed' AND subject_id = ?")
        .pluck()
        .get(String(c.id)),
    ).toBeGreaterThan(0);
  });

  it('logs follow-ups with who went and the next date; the latest one sets what is due', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    expect(
      (
        await logFollowUp(agent, c.slug, {
          'followup-kind': 'home_visit',
          'followup-held': '2026-11-25',
          'followup-staff': [String(worker.id), String(supervisor.id)],
          'followup-outcome': 'Ibu menerima kunjungan; anak terlihat sehat',
          'followup-next': '2026-11-29',
        })
      ).status,
    ).toBe(303);
    let page = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
    expect(page).toContain('Ibu menerima kunjungan; anak terlihat sehat');
    expect(/Tindak lanjut berikutnya:[^<]*29 November 2026[\s\S]{0,80}Terlambat/.test(page)).toBe(true);

    expect(
      (
        await logFollowUp(agent, c.slug, {
          'followup-kind': 'call',
          'followup-held': TODAY,
          'followup-staff': String(worker.id),
          'followup-outcome': 'Telepon ke ibu: jadwal sekolah sudah diatur',
          'followup-next': '2026-12-08',
        })
      ).status,
    ).toBe(303);
    page = (await agent.get(`/staff/cases/${c.slug}/follow-ups`).expect(200)).text;
    expect(page).toContain('Telepon ke ibu');
    expect(page).toContain('Sari Koordinator');
    expect(/Tindak lanjut berikutnya:[\s\S]{0,40}8 Desember 2026/.test(page)).toBe(true);
    expect(page).not.toMatch(/Tindak lanjut berikutnya:[\s\S]{0,120}Terlambat/);
    const stored = lentera.db
      .prepare('SELECT kind, held_on, next_on, outcome_enc FROM case_follow_ups WHERE case_id = ? ORDER BY id')
      .all(c.id) as {
      kind: string;
      held_on: string;
      next_on: string;
      outcome_enc: string;
    }[];
    expect(stored.map((f) => [f.kind, f.held_on, f.next_on])).toEqual([
      ['home_visit', '2026-11-25', '2026-11-29'],
      ['call', TODAY, '2026-12-08'],
    ]);
    expect(stored.every((f) => f.outcome_enc.startsWith('v1:'))).toBe(true);
    expect(
      lentera.db
        .prepare("SELECT count(*) FROM audit_events WHERE action = 'case_follow_up.logged' AND subject_id = ?")
        .pluck()
        .get(String(c.id)),
    ).toBe(2);
  });

  it('answers bad input with 400, the error summary and everything typed kept', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    const bad = await logFollowUp(agent, c.slug, {
      'followup-kind': 'home_visit',
      'followup-held': '2026-02-30',
      'followup-outcome': '',
      'followup-next': 'besok',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#followup-held"');
    expect(bad.text).toContain('href="#followup-staff"');
    expect(bad.text).toContain('href="#followup-outcome"');
    expect(bad.text).toContain('href="#followup-next"');
    expect(bad.text).toContain('value="besok"');
    expect(bad.text).toMatch(/<option value="home_visit" selected>/);

    await addGoal(agent, c.slug, 'Tujuan uji');
    const [g] = goalIds(c.id);
    const res = await post(agent, planOf(c.slug), `${planOf(c.slug)}/activities`, {
      'activity-goal': String(g),
      'activity-title': 'Menghubungkan ibu dengan kelompok usaha',
      'activity-function': 'empowerment',
      'activity-responsible': 'other',
      'activity-other': '',
      'activity-due': '31-12-2026',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#activity-other"');
    expect(res.text).toContain('href="#activity-due"');
    expect(res.text).toContain('value="Menghubungkan ibu dengan kelompok usaha"');
    expect(res.text).toContain('value="31-12-2026"');
    expect(activityIds(c.id)).toHaveLength(0);
    // A staff account that may not work cases is refused as the person responsible.
    const refused = await post(agent, planOf(c.slug), `${planOf(c.slug)}/activities`, {
      'activity-goal': String(g),
      'activity-title': 'Tugas untuk admin',
      'activity-function': 'empowerment',
      'activity-responsible': String(admin.id),
      'activity-due': '2026-12-31',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#activity-responsible"');
  });

  it("lists what is due today and overdue on the caseworker's own cases, and the team's for a supervisor", async () => {
    const mine = await newCase(worker);
    const theirs = await newCase(otherWorker);
    const me = await as(worker);
    const them = await as(otherWorker);
    await addGoal(me, mine.slug, 'Tujuan kasus saya');
    const [gm] = goalIds(mine.id);
    await addActivity(me, mine.slug, gm!, {
      'activity-title': 'Kegiatan hari ini untuk kasus saya',
      'activity-function': 'empowerment',
      'activity-responsible': String(worker.id),
      'activity-due': TODAY,
    });
    await addActivity(me, mine.slug, gm!, {
      'activity-title': 'Kegiatan minggu depan untuk kasus saya',
      'activity-function': 'empowerment',
      'activity-responsible': String(worker.id),
      'activity-due': '2026-12-08',
    });
    await logFollowUp(me, mine.slug, {
      'followup-kind': 'office_meeting',
      'followup-held': '2026-11-20',
      'followup-staff': String(worker.id),
      'followup-outcome': 'Pertemuan pertama',
      'followup-next': '2026-11-27',
    });
    await addGoal(them, theirs.slug, 'Tujuan kasus rekan');
    const [gt] = goalIds(theirs.id);
    await addActivity(them, theirs.slug, gt!, {
      'activity-title': 'Kegiatan terlambat milik rekan',
      'activity-function': 'protection',
      'activity-responsible': String(otherWorker.id),
      'activity-due': '2026-11-15',
    });

    const list = (await me.get('/staff/my-work').expect(200)).text;
    expect(list).toContain('Kegiatan hari ini untuk kasus saya');
    expect(list).not.toContain('Kegiatan minggu depan');
    expect(list).not.toContain('Kegiatan terlambat milik rekan');
    expect(list).not.toContain(theirs.number);
    const overdueTable = /data-list="overdue"[\s\S]*?<\/table>/.exec(list)![0];
    const todayTable = /data-list="dueToday"[\s\S]*?<\/table>/.exec(list)![0];
    expect(overdueTable).toContain(mine.number);
    expect(overdueTable).toContain('data-kind="follow_up"');
    expect(todayTable).toContain('Kegiatan hari ini untuk kasus saya');
    expect(list).toContain('href="/staff/my-work"');

    const team = (await (await as(supervisor)).get('/staff/my-work').expect(200)).text;
    expect(team).toContain('Pekerjaan tim');
    expect(team).toContain('<h2 id="work-group-');
    expect(team).toContain('Wulan Peksos');
    expect(team).toContain('Oki Peksos');
    expect(team).toContain('Kegiatan terlambat milik rekan');
    expect(team).toContain('Kegiatan hari ini untuk kasus saya');
    const oki = /data-worker="(\d+)"[\s\S]*?<\/section>/g;
    const groups = [...team.matchAll(oki)].map((m) => [m[1], m[0]] as const);
    const okiGroup = groups.find(([id]) => id === String(otherWorker.id))![1];
    expect(okiGroup).toContain('Kegiatan terlambat milik rekan');
    expect(okiGroup).not.toContain('Kegiatan hari ini untuk kasus saya');

    // English, and the view audited.
    const en = (await me.get('/staff/my-work?lang=en').expect(200)).text;
    expect(en).toContain('My work');
    expect(en).toContain('Overdue');
    expect(
      lentera.db
        .prepare("SELECT count(*) FROM audit_events WHERE action = 'work_list.viewed' AND actor_account_id = ?")
        .pluck()
        .get(worker.id),
    ).toBeGreaterThan(0);
  });

  it('lists an initial assessment not saved by its due date', async () => {
    const late = await newCase(worker);
    const fresh = await newCase(worker);
    // Opened two weeks before the clock: its initial assessment is past due.
    lentera.db.prepare('UPDATE cases SET opened_at = ? WHERE id = ?').run('2026-11-16T03:00:00.000Z', late.id);
    const list = (await (await as(worker)).get('/staff/my-work?lang=id').expect(200)).text;
    const overdueTable = /data-list="overdue"[\s\S]*?<\/table>/.exec(list)![0];
    expect(overdueTable).toContain(`href="/staff/cases/${late.slug}/assessments/initial"`);
    expect(list).not.toContain(`href="/staff/cases/${fresh.slug}/assessments/initial"`);
    expect(overdueTable).toContain('Asesmen awal (belum disimpan)');
  });

  it('refuses another caseworker, the admin, triage changes and a missing CSRF token', async () => {
    const c = await newCase(worker);
    await addGoal(await as(worker), c.slug, 'Tujuan yang dijaga');
    const other = await as(otherWorker);
    await other.get(planOf(c.slug)).expect(404);
    await other.get(`/staff/cases/${c.slug}/follow-ups`).expect(404);
    expect((await post(other, '/staff/my-work', `${planOf(c.slug)}/goals`, { 'goal-text': 'menyusup' })).status).toBe(404);
    expect(
      (
        await post(other, '/staff/my-work', `/staff/cases/${c.slug}/follow-ups`, {
          'followup-kind': 'call',
          'followup-held': TODAY,
          'followup-staff': String(otherWorker.id),
          'followup-outcome': 'menyusup',
        })
      ).status,
    ).toBe(404);

    const adminAgent = await as(admin);
    await adminAgent.get(planOf(c.slug)).expect(403);
    await adminAgent.get('/staff/my-work').expect(403);

    const triageAgent = await as(triage);
    const readOnly = (await triageAgent.get(planOf(c.slug)).expect(200)).text;
    expect(readOnly).toContain('Tujuan yang dijaga');
    expect(readOnly).not.toContain('action="/staff/cases/');
    expect((await post(triageAgent, planOf(c.slug), `${planOf(c.slug)}/goals`, { 'goal-text': 'dari triase' })).status).toBe(403);
    await triageAgent.get('/staff/my-work').expect(403);

    const me = await as(worker);
    await me.get(planOf(c.slug)).expect(200);
    await me
      .post(`${planOf(c.slug)}/goals`)
      .type('form')
      .send(formBody({ 'goal-text': 'tanpa token' }))
      .expect(403);
    // Another case's goal is not this case's.
    const second = await newCase(worker);
    const [foreignGoal] = goalIds(c.id);
    const res = await post(me, planOf(second.slug), `${planOf(second.slug)}/goals/${foreignGoal}`, { 'goaledit-text': 'salah kasus' });
    expect(res.status).toBe(404);
    expect(lentera.db.prepare('SELECT count(*) FROM case_plan_goals WHERE case_id = ?').pluck().get(c.id)).toBe(1);
  });

  it('goes with its case when the case is purged (retention deletes the case row)', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    await addGoal(agent, c.slug, 'Tujuan yang akan dihapus');
    const [g] = goalIds(c.id);
    await addActivity(agent, c.slug, g!, {
      'activity-title': 'Kegiatan yang akan dihapus',
      'activity-function': 'information',
      'activity-responsible': String(worker.id),
      'activity-due': '2026-12-20',
    });
    await logFollowUp(agent, c.slug, {
      'followup-kind': 'call',
      'followup-held': TODAY,
      'followup-staff': String(worker.id),
      'followup-outcome': 'Telepon yang akan dihapus',
    });
    const db = lentera.db;
    db.transaction(() => {
      db.prepare('UPDATE reports SET case_id = NULL WHERE case_id = ?').run(c.id);
      db.prepare('DELETE FROM case_events WHERE case_id = ?').run(c.id);
      db.prepare('DELETE FROM cases WHERE id = ?').run(c.id);
    })();
    for (const table of ['case_plans', 'case_plan_goals', 'case_plan_activities', 'case_plan_progress', 'case_follow_ups']) {
      expect(`${table}: ${String(db.prepare(`SELECT count(*) FROM ${table} WHERE case_id = ?`).pluck().get(c.id))}`).toBe(`${table}: 0`);
    }
  });

  it('a closed case flags nothing, leaves the work lists and refuses changes with 409', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    await addGoal(agent, c.slug, 'Tujuan kasus yang ditutup');
    const [g] = goalIds(c.id);
    await addActivity(agent, c.slug, g!, {
      'activity-title': 'Kegiatan terlambat di kasus yang ditutup',
      'activity-function': 'protection',
      'activity-responsible': String(worker.id),
      'activity-due': '2026-11-20',
    });
    expect((await agent.get(`/staff/cases/${c.slug}?lang=id`).expect(200)).text).toContain('data-flag="overdue-activities"');
    const closed = await post(agent, `/staff/cases/${c.slug}`, `/staff/cases/${c.slug}/close`, {
      'closecase-outcome': 'moved_away',
      'closecase-summary': 'Keluarga pindah ke luar kota.',
    });
    expect(closed.status).toBe(303);
    const page = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
    expect(page).toContain('Kegiatan terlambat di kasus yang ditutup');
    expect(page).not.toContain('data-flag="overdue-activities"');
    expect((await agent.get('/staff/my-work').expect(200)).text).not.toContain('Kegiatan terlambat di kasus yang ditutup');
    const refused = await post(agent, planOf(c.slug), `${planOf(c.slug)}/goals`, { 'goal-text': 'terlambat' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('sudah ditutup');
    expect(goalIds(c.id)).toHaveLength(1);
  });

  it('prints the plan and the follow-ups with the case', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    await addGoal(agent, c.slug, 'Tujuan untuk dicetak');
    const [g] = goalIds(c.id);
    await addActivity(agent, c.slug, g!, {
      'activity-title': 'Kegiatan untuk dicetak',
      'activity-function': 'networking',
      'activity-responsible': String(worker.id),
      'activity-due': '2026-12-20',
    });
    await logFollowUp(agent, c.slug, {
      'followup-kind': 'home_visit',
      'followup-held': TODAY,
      'followup-staff': String(worker.id),
      'followup-outcome': 'Kunjungan untuk dicetak',
    });
    const print = (await agent.get(`/staff/cases/${c.slug}/print?lang=en`).expect(200)).text;
    expect(print).toContain('Intervention plan');
    expect(print).toContain('Tujuan untuk dicetak');
    expect(print).toContain('Kegiatan untuk dicetak');
    expect(print).toContain('Networking');
    expect(print).toContain('Follow-ups');
    expect(print).toContain('Kunjungan untuk dicetak');
  });
});
