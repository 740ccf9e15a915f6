import fs from 'node:fs';
import path from 'node:path';
import { createTestApp, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { reportAcceptedAsNewCase } from '../helpers/cases';

/** Everything on disk under the data folder: the database and its WAL. */
function everythingOnDisk(dir: string): Buffer {
  return Buffer.concat(
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => fs.readFileSync(path.join(dir, e.name))),
  );
}

describe('the working file: initial and in-depth assessments, and the factor lists', () => {
  // Monday 2 March 2026, 09:00 in Jakarta; the clock moves only when a test moves it.
  let clock = new Date('2026-03-02T02:00:00Z');
  let lentera: TestApp;
  let triage: StaffAccount;
  let supervisor: StaffAccount;
  let worker: StaffAccount;
  let otherWorker: StaffAccount;
  let admin: StaffAccount;
  const agents = new Map<number, Agent>();

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000', INITIAL_ASSESSMENT_WORKING_DAYS: '3' }, { now: () => clock });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor' });
    worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
    otherWorker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Oki Peksos' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
  });
  afterAll(() => lentera.cleanup());

  /** Moves the app's clock; sessions idle out on it, so everyone signs in again. */
  function setClock(at: string): void {
    clock = new Date(at);
    agents.clear();
  }

  async function as(account: StaffAccount): Promise<Agent> {
    const known = agents.get(account.id);
    if (known) return known;
    const agent = await signedInAgent(lentera, account);
    agents.set(account.id, agent);
    return agent;
  }

  /** A resident's report accepted by triage as a new case for `assignee`. */
  async function newCase(assignee: StaffAccount): Promise<{ slug: string; number: string; id: number }> {
    return reportAcceptedAsNewCase(lentera, await as(triage), assignee.id);
  }

  const factorIds = (kind: 'risk' | 'protective') =>
    lentera.db.prepare('SELECT id FROM assessment_factors WHERE kind = ? ORDER BY position').pluck().all(kind) as number[];

  function initialFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
    return {
      presenting_problem: 'MASALAH-RAHASIA: ibu kewalahan mengasuh tiga anak sejak ayah pergi',
      household_rows: '3',
      'member-0-name': 'Bu Sari',
      'member-0-relation': 'mother',
      'member-0-age': 'age_18_59',
      'member-0-role': 'pengasuh utama',
      'member-1-name': 'Dodi',
      'member-1-relation': 'child',
      'member-1-age': 'age_13_17',
      'member-1-role': 'anak sulung',
      'member-2-name': '',
      'member-2-relation': '',
      'member-2-age': '',
      'member-2-role': '',
      safety: 'Saat ini aman; ayah tidak tinggal serumah.',
      safety_plan: 'Bila ayah datang, ibu menelepon Pak RT.',
      risk_factors: [String(factorIds('risk')[1])],
      risk_notes: '',
      protective_factors: [String(factorIds('protective')[0])],
      protective_notes: 'Nenek tinggal dekat',
      decision: 'in_depth_assessment',
      decision_reason: 'Perlu pendampingan pengasuhan',
      action: 'save',
      ...overrides,
    };
  }

  async function postForm(agent: Agent, url: string, pageUrl: string, fields: Record<string, string | string[]>) {
    const token = await tokenFrom(agent, pageUrl);
    return agent
      .post(url)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  const saveInitial = (agent: Agent, slug: string, overrides: Record<string, string | string[]> = {}) =>
    postForm(agent, `/staff/cases/${slug}/assessments/initial`, `/staff/cases/${slug}/assessments/initial/edit`, initialFields(overrides));

  const inDepthFields = (overrides: Record<string, string> = {}) => ({
    'concern-0-attitudes': 'SIKAP-RAHASIA: ibu merasa gagal',
    'concern-0-thoughts': 'Ibu berpikir anak-anak lebih baik tanpa dia',
    'concern-0-behaviour': 'Ibu sering membentak',
    'concern-1-attitudes': '',
    'concern-1-thoughts': '',
    'concern-1-behaviour': 'Dodi sering bolos',
    family_functioning: 'Komunikasi keluarga tegang',
    strengths: 'Nenek rutin membantu',
    risk_level: 'high',
    risk_reason: 'Ibu sangat tertekan',
    ...overrides,
  });

  const saveInDepth = (agent: Agent, slug: string, overrides: Record<string, string> = {}) =>
    postForm(
      agent,
      `/staff/cases/${slug}/assessments/in-depth`,
      `/staff/cases/${slug}/assessments/in-depth/edit`,
      inDepthFields(overrides),
    );

  it('saves the initial assessment as version 1, again as version 2, and version 1 stays readable', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    const first = await saveInitial(agent, c.slug);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/staff/cases/${c.slug}/assessments/initial`);
    const second = await saveInitial(agent, c.slug, { presenting_problem: 'Versi kedua: ibu mulai bekerja di pasar' });
    expect(second.status).toBe(303);

    const latest = (await agent.get(`/staff/cases/${c.slug}/assessments/initial`).expect(200)).text;
    expect(latest).toContain('data-version="2"');
    expect(latest).toContain('Versi kedua: ibu mulai bekerja di pasar');
    expect(latest).toContain('Bu Sari');
    expect(latest).toContain(`/staff/cases/${c.slug}/assessments/initial/versions/1`);
    const v1 = (await agent.get(`/staff/cases/${c.slug}/assessments/initial/versions/1`).expect(200)).text;
    expect(v1).toContain('data-version="1"');
    expect(v1).toContain('MASALAH-RAHASIA');
    await agent.get(`/staff/cases/${c.slug}/assessments/initial/versions/3`).expect(404);

    const rows = lentera.db
      .prepare("SELECT version, created_by FROM case_assessments WHERE case_id = ? AND kind = 'initial' ORDER BY version")
      .all(c.id);
    expect(rows).toEqual([
      { version: 1, created_by: worker.id },
      { version: 2, created_by: worker.id },
    ]);
    // The decision moved the case on, as the stage form would: an event and an audit entry, codes only.
    expect(lentera.db.prepare('SELECT stage FROM cases WHERE id = ?').pluck().get(c.id)).toBe('in_depth_assessment');
    expect(lentera.db.prepare("SELECT code FROM case_events WHERE case_id = ? AND kind = 'stage_changed'").pluck().all(c.id)).toEqual([
      'in_depth_assessment',
    ]);
    const audit = lentera.db
      .prepare(
        "SELECT action, detail FROM audit_events WHERE subject_type = 'case' AND subject_id = ? AND action LIKE 'case_assessment.%' ORDER BY id",
      )
      .all(String(c.id)) as { action: string; detail: string | null }[];
    expect(audit.filter((a) => a.action === 'case_assessment.saved')).toHaveLength(2);
    expect(audit.filter((a) => a.action === 'case_assessment.viewed').length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toContain('RAHASIA');
  });

  it('keeps everything typed and answers 400 with the error summary; "add a row" gives one more row', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    const bad = await saveInitial(agent, c.slug, { presenting_problem: '', decision: '', 'member-1-relation': '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('error-summary');
    expect(bad.text).toContain('href="#presenting_problem"');
    expect(bad.text).toContain('href="#member-1-relation"');
    expect(bad.text).toContain('href="#decision-in_depth_assessment"');
    expect(bad.text).toContain('Bu Sari');
    expect(bad.text).toContain('pengasuh utama');
    expect(lentera.db.prepare('SELECT count(*) FROM case_assessments WHERE case_id = ?').pluck().get(c.id)).toBe(0);

    const added = await saveInitial(agent, c.slug, { action: 'add_row' });
    expect(added.status).toBe(200);
    expect(added.text).toContain('name="member-3-name"');
    expect(added.text).not.toContain('name="member-4-name"');
    expect(added.text).toContain('value="Dodi"');
    expect(added.text).toContain('MASALAH-RAHASIA');
    expect(lentera.db.prepare('SELECT count(*) FROM case_assessments WHERE case_id = ?').pluck().get(c.id)).toBe(0);
  });

  it('saves in-depth versions per household member; the risk level becomes the case’s, with the factors beside it', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    // Before an initial assessment there is nothing to build on.
    const early = await postForm(
      agent,
      `/staff/cases/${c.slug}/assessments/in-depth`,
      `/staff/cases/${c.slug}/assessments/in-depth`,
      inDepthFields(),
    );
    expect(early.status).toBe(409);
    expect((await saveInitial(agent, c.slug)).status).toBe(303);
    const empty = await saveInDepth(agent, c.slug, {
      'concern-0-attitudes': '',
      'concern-0-thoughts': '',
      'concern-0-behaviour': '',
      'concern-1-behaviour': '',
      risk_level: '',
    });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('href="#concern-0-attitudes"');
    expect(empty.text).toContain('href="#risk_level-low"');
    expect((await saveInDepth(agent, c.slug)).status).toBe(303);
    expect((await saveInDepth(agent, c.slug, { risk_level: 'low', risk_reason: 'Sudah membaik' })).status).toBe(303);

    const page = (await agent.get(`/staff/cases/${c.slug}/assessments/in-depth`).expect(200)).text;
    expect(page).toContain('data-version="2"');
    expect(page).toContain('data-risk-level="low"');
    expect(page).toContain('data-factors-beside');
    expect(page).toContain('Penyalahgunaan alkohol atau narkoba');
    const v1 = (await agent.get(`/staff/cases/${c.slug}/assessments/in-depth/versions/1`).expect(200)).text;
    expect(v1).toContain('SIKAP-RAHASIA');
    expect(v1).toContain('Dodi sering bolos');
    expect(v1).toContain('data-risk-level="high"');
    expect(lentera.db.prepare('SELECT risk_level FROM cases WHERE id = ?').pluck().get(c.id)).toBe('low');
    expect(
      lentera.db.prepare("SELECT code FROM case_events WHERE case_id = ? AND kind = 'risk_changed' ORDER BY id").pluck().all(c.id),
    ).toEqual(['high', 'low']);

    // The case page links both; the print view carries both.
    const casePage = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
    expect(casePage).toContain(`/staff/cases/${c.slug}/assessments/in-depth`);
    expect(casePage).toContain('data-initial-due="done"');
    const print = (await agent.get(`/staff/cases/${c.slug}/print`).expect(200)).text;
    expect(print).toContain('MASALAH-RAHASIA');
    expect(print).toContain('Sudah membaik');
  });

  it('counts the due date in working days, skipping weekends and holidays, and flags it overdue', async () => {
    // Opened on Monday 2 March; Tuesday 3 March is made a holiday: due by the end of Friday 6 March.
    lentera.db.prepare("INSERT INTO holidays (date, name_id, name_en) VALUES ('2026-03-03', 'Libur uji', 'Test holiday')").run();
    const c = await newCase(worker);
    const agent = await as(worker);
    const page = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
    expect(page).toContain('data-initial-due="due"');
    expect(page).toContain('6 Maret 2026');
    const list = (await agent.get('/staff/cases').expect(200)).text;
    expect(list).toContain('6 Maret 2026');

    // Opened on Thursday 5 March: Friday, Monday, Tuesday — due by Tuesday 10 March.
    setClock('2026-03-05T03:00:00Z');
    const later = await newCase(worker);
    expect((await (await as(worker)).get(`/staff/cases/${later.slug}`).expect(200)).text).toContain('10 Maret 2026');

    // Saturday 7 March: the first is overdue, the second not yet.
    setClock('2026-03-07T03:00:00Z');
    const sameWorker = await as(worker);
    expect((await sameWorker.get(`/staff/cases/${c.slug}`).expect(200)).text).toContain('data-initial-due="overdue"');
    expect((await sameWorker.get(`/staff/cases/${later.slug}`).expect(200)).text).toContain('data-initial-due="due"');
    expect((await sameWorker.get('/staff/cases').expect(200)).text).toContain('data-initial-due="overdue"');
    // Saved late, it is done, no longer overdue.
    expect((await saveInitial(sameWorker, c.slug)).status).toBe(303);
    expect((await sameWorker.get(`/staff/cases/${c.slug}`).expect(200)).text).toContain('data-initial-due="done"');
  });

  it('refuses another caseworker (404 as the case page), triage and the admin (403), and a missing CSRF token', async () => {
    const c = await newCase(worker);
    expect((await saveInitial(await as(worker), c.slug)).status).toBe(303);
    const other = await as(otherWorker);
    await other.get(`/staff/cases/${c.slug}`).expect(404);
    await other.get(`/staff/cases/${c.slug}/assessments/initial`).expect(404);
    await other.get(`/staff/cases/${c.slug}/assessments/initial/versions/1`).expect(404);
    await other.get(`/staff/cases/${c.slug}/assessments/initial/edit`).expect(404);
    const otherToken = await tokenFrom(other, '/account');
    await other
      .post(`/staff/cases/${c.slug}/assessments/initial`)
      .type('form')
      .send(formBody({ ...initialFields(), _csrf: otherToken }))
      .expect(404);
    for (const who of [triage, admin]) {
      const agent = await as(who);
      await agent.get(`/staff/cases/${c.slug}/assessments/initial`).expect(403);
      await agent
        .post(`/staff/cases/${c.slug}/assessments/initial`)
        .type('form')
        .send(formBody({ ...initialFields(), _csrf: await tokenFrom(agent, '/account') }))
        .expect(403);
    }
    // Triage reads the case page, but not the working file.
    const triagePage = (await (await as(triage)).get(`/staff/cases/${c.slug}`).expect(200)).text;
    expect(triagePage).not.toContain(`/assessments/initial`);
    // The supervisor reads and writes every case's.
    expect((await saveInitial(await as(supervisor), c.slug, { decision_reason: 'Koordinator menambahkan' })).status).toBe(303);
    // No CSRF token: refused, nothing written.
    const noToken = await (
      await as(worker)
    )
      .post(`/staff/cases/${c.slug}/assessments/initial`)
      .type('form')
      .send(formBody(initialFields()));
    expect(noToken.status).toBe(403);
    expect(lentera.db.prepare('SELECT count(*) FROM case_assessments WHERE case_id = ?').pluck().get(c.id)).toBe(2);
  });

  it('keeps the text encrypted: the SQLite file holds none of it', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    const secret = 'KANARI-ASESMEN-7f3a rumah di belakang pasar';
    expect((await saveInitial(agent, c.slug, { safety_plan: secret, 'member-0-name': 'KANARI-NAMA-Sari' })).status).toBe(303);
    expect((await saveInDepth(agent, c.slug, { strengths: `${secret} kekuatan` })).status).toBe(303);
    lentera.db.pragma('wal_checkpoint(TRUNCATE)');
    const disk = everythingOnDisk(lentera.dir);
    for (const text of ['KANARI-ASESMEN-7f3a', 'KANARI-NAMA-Sari', 'SIKAP-RAHASIA']) expect(disk.includes(Buffer.from(text))).toBe(false);
    const stored = lentera.db.prepare('SELECT body_enc FROM case_assessments WHERE case_id = ?').pluck().all(c.id) as string[];
    for (const s of stored) expect(s.startsWith('v1:')).toBe(true);
  });

  it('lets only supervisors edit the factor lists; a retired factor still shows on an old assessment', async () => {
    const c = await newCase(worker);
    const workerAgent = await as(worker);
    const [firstRisk] = factorIds('risk');
    expect((await saveInitial(workerAgent, c.slug, { risk_factors: [String(firstRisk)] })).status).toBe(303);

    await workerAgent.get('/staff/factors').expect(403);
    await (await as(admin)).get('/staff/factors').expect(403);
    const sup = await as(supervisor);
    const list = (await sup.get('/staff/factors').expect(200)).text;
    expect(list).toContain('Ada kekerasan di dalam rumah');

    // Add: a missing English name is a 400 with everything kept.
    const bad = await postForm(sup, '/staff/factors', '/staff/factors', {
      'new-kind': 'risk',
      'new-label_id': 'Pernikahan anak',
      'new-label_en': '',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#new-label_en"');
    expect(bad.text).toContain('value="Pernikahan anak"');
    const added = await postForm(sup, '/staff/factors', '/staff/factors', {
      'new-kind': 'risk',
      'new-label_id': 'Pernikahan anak',
      'new-label_en': 'Child marriage',
    });
    expect(added.status).toBe(303);
    expect(factorIds('risk')).toHaveLength(9);

    // Rename, then retire the factor the assessment checked.
    expect(
      (
        await postForm(sup, `/staff/factors/${firstRisk}`, '/staff/factors', {
          [`factor-${firstRisk}-label_id`]: 'Kekerasan dalam rumah tangga',
          [`factor-${firstRisk}-label_en`]: 'Domestic violence',
        })
      ).status,
    ).toBe(303);
    expect((await postForm(sup, `/staff/factors/${firstRisk}/retire`, '/staff/factors', {})).status).toBe(303);
    // A caseworker may not change the lists.
    await workerAgent
      .post(`/staff/factors/${firstRisk}/restore`)
      .type('form')
      .send(formBody({ _csrf: await tokenFrom(workerAgent, '/account') }))
      .expect(403);

    const old = (await workerAgent.get(`/staff/cases/${c.slug}/assessments/initial`).expect(200)).text;
    expect(old).toContain('Kekerasan dalam rumah tangga (tidak dipakai lagi)');
    // A new case's form no longer offers it; the old case's form keeps it checked.
    const other = await newCase(worker);
    const fresh = (await workerAgent.get(`/staff/cases/${other.slug}/assessments/initial/edit`).expect(200)).text;
    expect(fresh).not.toContain('Kekerasan dalam rumah tangga');
    expect(fresh).toContain('Pernikahan anak');
    const again = (await workerAgent.get(`/staff/cases/${c.slug}/assessments/initial/edit`).expect(200)).text;
    expect(again).toMatch(new RegExp(`value="${firstRisk}" checked`));
    // Checking the retired factor on a case that never had it is refused.
    const refused = await saveInitial(workerAgent, other.slug, { risk_factors: [String(firstRisk)] });
    expect(refused.status).toBe(400);
    const actions = lentera.db.prepare("SELECT action FROM audit_events WHERE action LIKE 'assessment_factor.%' ORDER BY id").pluck().all();
    expect(actions).toEqual(['assessment_factor.added', 'assessment_factor.renamed', 'assessment_factor.retired']);
  });

  it('keeps a closed case’s assessments readable and refuses a new version (409)', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    expect((await saveInitial(agent, c.slug)).status).toBe(303);
    const token = await tokenFrom(agent, `/staff/cases/${c.slug}/assessments/initial/edit`);
    lentera.db.prepare("UPDATE cases SET closed_at = ?, stage = 'terminated' WHERE id = ?").run(clock.toISOString(), c.id);
    expect((await agent.get(`/staff/cases/${c.slug}/assessments/initial`).expect(200)).text).toContain('data-version="1"');
    await agent.get(`/staff/cases/${c.slug}/assessments/initial/edit`).expect(409);
    const refused = await agent
      .post(`/staff/cases/${c.slug}/assessments/initial`)
      .type('form')
      .send(formBody({ ...initialFields(), _csrf: token }));
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('error-summary');
    expect(lentera.db.prepare('SELECT count(*) FROM case_assessments WHERE case_id = ?').pluck().get(c.id)).toBe(1);
  });

  it('reads in English too', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    expect((await saveInitial(agent, c.slug)).status).toBe(303);
    const page = (await agent.get(`/staff/cases/${c.slug}/assessments/initial?lang=en`).expect(200)).text;
    expect(page).toContain('Initial assessment of case');
    expect(page).toContain('The presenting problem');
    expect(page).toContain('On to an in-depth assessment');
  });
});
