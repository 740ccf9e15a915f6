import { createTestApp, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { reportAcceptedAsNewCase } from '../helpers/cases';

describe('cases through the LK3 stages', () => {
  let lentera: TestApp;
  let triage: StaffAccount;
  let supervisor: StaffAccount;
  let worker: StaffAccount;
  let otherWorker: StaffAccount;
  let admin: StaffAccount;

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor' });
    worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
    otherWorker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Oki Peksos' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
  });
  afterAll(() => lentera.cleanup());

  const as = (account: StaffAccount) => signedInAgent(lentera, account);

  /** A resident's report accepted by triage as a new case for `assignee`; returns the case slug and report reference. */
  async function newCase(assignee: StaffAccount): Promise<{ slug: string; number: string; reference: string }> {
    return reportAcceptedAsNewCase(lentera, await as(triage), assignee.id);
  }

  async function change(agent: Agent, slug: string, form: string, fields: Record<string, string>) {
    const token = await tokenFrom(agent, `/staff/cases/${slug}`);
    return agent
      .post(`/staff/cases/${slug}/${form}`)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  it('numbers cases LK3/<year>/<n> in sequence', async () => {
    const a = await newCase(worker);
    const b = await newCase(worker);
    const [, yearA, nA] = a.number.split('/');
    const [, yearB, nB] = b.number.split('/');
    expect(yearB).toBe(yearA);
    expect(Number(nB)).toBe(Number(nA) + 1);
  });

  it('a caseworker lists only their own cases; a supervisor and triage see all', async () => {
    const mine = await newCase(worker);
    const theirs = await newCase(otherWorker);
    const list = (await (await as(worker)).get('/staff/cases').expect(200)).text;
    expect(list).toContain(mine.number);
    expect(list).not.toContain(theirs.number);
    for (const who of [supervisor, triage]) {
      const all = (await (await as(who)).get('/staff/cases').expect(200)).text;
      expect(all).toContain(mine.number);
      expect(all).toContain(theirs.number);
    }
    await (await as(admin)).get('/staff/cases').expect(403);
  });

  it("refuses another caseworker's case and its report, even by guessing the number", async () => {
    const theirs = await newCase(otherWorker);
    const agent = await as(worker);
    await agent.get(`/staff/cases/${theirs.slug}`).expect(404);
    await agent.get(`/staff/reports/${theirs.reference}`).expect(404);
    await agent.get('/staff/cases/LK3-2099-9999').expect(404);
    await agent.get('/staff/cases/not-a-number').expect(404);
    const token = await tokenFrom(agent, '/staff/cases');
    await agent
      .post(`/staff/cases/${theirs.slug}/note`)
      .type('form')
      .send(formBody({ 'note-text': 'menyusup', _csrf: token }))
      .expect(404);
    expect(lentera.db.prepare("SELECT count(*) FROM case_events WHERE kind = 'note'").pluck().get()).toBe(0);
  });

  it('triage may read a case but not change it', async () => {
    const c = await newCase(worker);
    const agent = await as(triage);
    await agent.get(`/staff/cases/${c.slug}`).expect(200);
    const token = await tokenFrom(agent, `/staff/cases/${c.slug}`);
    await agent
      .post(`/staff/cases/${c.slug}/note`)
      .type('form')
      .send(formBody({ 'note-text': 'catatan', _csrf: token }))
      .expect(403);
  });

  it('the assigned caseworker moves the case through the stages, with notes, risk and hold, all audited', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    expect((await change(agent, c.slug, 'note', { 'note-text': 'Kunjungan rumah pertama: ibu bersedia didampingi.' })).status).toBe(303);
    expect((await change(agent, c.slug, 'stage', { 'stage-stage': 'initial_assessment' })).status).toBe(303);
    expect(
      (
        await change(agent, c.slug, 'risk', {
          'risk-level': 'high',
          'risk-factors': 'Ayah sering mabuk',
          'risk-protective': 'Nenek tinggal dekat',
        })
      ).status,
    ).toBe(303);
    expect((await change(agent, c.slug, 'hold', { 'hold-on_hold': 'yes' })).status).toBe(303);
    expect((await change(agent, c.slug, 'hold', { 'hold-on_hold': 'no' })).status).toBe(303);
    const page = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
    for (const text of [
      'Kunjungan rumah pertama',
      'Asesmen awal',
      'Tinggi',
      'Ayah sering mabuk',
      'Nenek tinggal dekat',
      'Kasus ditunda',
      'Kasus dilanjutkan',
    ]) {
      expect(page).toContain(text);
    }
    const caseId = lentera.db.prepare('SELECT id FROM cases WHERE number = ?').pluck().get(c.number);
    const actions = lentera.db
      .prepare("SELECT action FROM audit_events WHERE subject_type = 'case' AND subject_id = ? ORDER BY id")
      .pluck()
      .all(String(caseId));
    expect(actions).toEqual(
      expect.arrayContaining([
        'case.opened',
        'case.viewed',
        'case.note_added',
        'case.stage_changed',
        'case.risk_changed',
        'case.hold_changed',
      ]),
    );
    // Notes and factors are encrypted at rest; the audit log holds none of them.
    const row = lentera.db.prepare('SELECT risk_factors_enc, protective_factors_enc FROM cases WHERE id = ?').get(caseId) as Record<
      string,
      string
    >;
    expect(row.risk_factors_enc).toMatch(/^v1:/);
    expect(JSON.stringify(lentera.db.prepare('SELECT * FROM audit_events').all())).not.toContain('mabuk');
  });

  it('a stage move not in the table is refused (409) and writes nothing; the form offers only the allowed moves', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    const page = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
    const stageSelect = /<select id="stage-stage"[\s\S]*?<\/select>/.exec(page)![0];
    expect(stageSelect).not.toContain('value="intake"');
    expect(stageSelect).not.toContain('value="terminated"');
    expect(stageSelect).toContain('value="initial_assessment"');

    const caseId = lentera.db.prepare('SELECT id FROM cases WHERE number = ?').pluck().get(c.number);
    const snapshot = () => ({
      row: lentera.db.prepare('SELECT stage, updated_at FROM cases WHERE id = ?').get(caseId),
      events: lentera.db.prepare('SELECT count(*) FROM case_events WHERE case_id = ?').pluck().get(caseId),
      audit: lentera.db
        .prepare("SELECT count(*) FROM audit_events WHERE action = 'case.stage_changed' AND subject_id = ?")
        .pluck()
        .get(String(caseId)),
    });
    const before = snapshot();
    const refused = await change(agent, c.slug, 'stage', { 'stage-stage': 'intake' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('<a href="#stage-stage">');
    expect(refused.text).toContain('Kasus tidak dapat dipindah ke tahap itu dari tahapnya sekarang.');
    expect(snapshot()).toEqual(before);

    // Back to an earlier stage is a move in the table.
    expect((await change(agent, c.slug, 'stage', { 'stage-stage': 'intervention_plan' })).status).toBe(303);
    expect((await change(agent, c.slug, 'stage', { 'stage-stage': 'initial_assessment' })).status).toBe(303);
    expect(lentera.db.prepare('SELECT stage FROM cases WHERE id = ?').pluck().get(caseId)).toBe('initial_assessment');
  });

  it('closure needs an outcome and a summary; a closed case takes no more changes', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    const bad = await change(agent, c.slug, 'close', { 'closecase-outcome': '', 'closecase-summary': 'Tujuan tercapai, keluarga stabil' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<a href="#closecase-outcome">');
    expect(bad.text).toContain('Tujuan tercapai, keluarga stabil');
    const closed = await change(agent, c.slug, 'close', { 'closecase-outcome': 'goals_met', 'closecase-summary': 'Tujuan tercapai' });
    expect(closed.status).toBe(303);
    expect(lentera.db.prepare('SELECT stage, closure_reason FROM cases WHERE number = ?').get(c.number)).toEqual({
      stage: 'terminated',
      closure_reason: 'goals_met',
    });
    // The page no longer offers changes, and a forged one is refused.
    const page = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
    expect(page).not.toContain(`/staff/cases/${c.slug}/note`);
    const token = await tokenFrom(agent, `/staff/cases/${c.slug}`);
    await agent
      .post(`/staff/cases/${c.slug}/note`)
      .type('form')
      .send(formBody({ 'note-text': 'terlambat', _csrf: token }))
      .expect(409);
  });

  it('bad input on each case form: 400 with a linked error and the text kept', async () => {
    const c = await newCase(worker);
    const agent = await as(worker);
    const cases: [string, Record<string, string>, string][] = [
      ['note', { 'note-text': ' ' }, '#note-text'],
      ['stage', { 'stage-stage': 'terminated' }, '#stage-stage'],
      ['risk', { 'risk-level': 'extreme', 'risk-factors': 'faktor yang saya tulis', 'risk-protective': '' }, '#risk-level'],
      ['note', { 'note-text': 'x'.repeat(4001) }, '#note-text'],
    ];
    for (const [form, fields, href] of cases) {
      const res = await change(agent, c.slug, form, fields);
      expect(res.status).toBe(400);
      expect(res.text).toContain(`<a href="${href}">`);
    }
    const res = await change(agent, c.slug, 'risk', {
      'risk-level': 'extreme',
      'risk-factors': 'faktor yang saya tulis',
      'risk-protective': '',
    });
    expect(res.text).toContain('faktor yang saya tulis');
  });

  it('only a supervisor assigns, and only to an active caseworker or supervisor', async () => {
    const c = await newCase(worker);
    const w = await as(worker);
    const token = await tokenFrom(w, `/staff/cases/${c.slug}`);
    await w
      .post(`/staff/cases/${c.slug}/assign`)
      .type('form')
      .send(formBody({ 'assign-assignee': String(otherWorker.id), _csrf: token }))
      .expect(403);
    const sup = await as(supervisor);
    const wrong = await change(sup, c.slug, 'assign', { 'assign-assignee': String(triage.id) });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('<a href="#assign-assignee">');
    expect((await change(sup, c.slug, 'assign', { 'assign-assignee': String(otherWorker.id) })).status).toBe(303);
    // The case moved: the first worker no longer sees it, the second does.
    await (await as(worker)).get(`/staff/cases/${c.slug}`).expect(404);
    await (await as(otherWorker)).get(`/staff/cases/${c.slug}`).expect(200);
  });

  describe('a report whose acceptance a supervisor reverses', () => {
    async function onReport(agent: Agent, reference: string, action: string, fields: Record<string, string> = {}) {
      const token = await tokenFrom(agent, '/staff/cases');
      return agent
        .post(`/staff/reports/${reference}/${action}`)
        .type('form')
        .send(formBody({ ...fields, _csrf: token }));
    }
    async function bySupervisor(reference: string, action: string, fields: Record<string, string> = {}) {
      const agent = await as(supervisor);
      const token = await tokenFrom(agent, `/staff/reports/${reference}`);
      const res = await agent
        .post(`/staff/reports/${reference}/${action}`)
        .type('form')
        .send(formBody({ ...fields, _csrf: token }));
      expect(res.status).toBe(303);
    }

    it('leaves the case: its caseworker can no longer read, claim or decide it, and the case records the detachment', async () => {
      const c = await newCase(worker);
      const agent = await as(worker);
      await agent.get(`/staff/reports/${c.reference}`).expect(200);

      await bySupervisor(c.reference, 'reopen');
      // Access follows the report's state now: back in review, it belongs to no case.
      await agent.get(`/staff/reports/${c.reference}`).expect(404);
      await bySupervisor(c.reference, 'close', { 'close-reason': 'not_actionable', 'close-note': '' });
      await agent.get(`/staff/reports/${c.reference}`).expect(404);
      await bySupervisor(c.reference, 'reopen');
      await bySupervisor(c.reference, 'release');
      expect((await onReport(agent, c.reference, 'claim')).status).toBe(404);
      expect((await onReport(agent, c.reference, 'close', { 'close-reason': 'spam', 'close-note': '' })).status).toBe(404);
      expect(lentera.db.prepare('SELECT status, claimed_by, case_id FROM reports WHERE reference = ?').get(c.reference)).toEqual({
        status: 'new',
        claimed_by: null,
        case_id: null,
      });

      // The case keeps the history, and no longer counts the report among its own.
      const page = (await agent.get(`/staff/cases/${c.slug}`).expect(200)).text;
      expect(page).not.toContain(`href="/staff/reports/${c.reference}"`);
      expect(page).toContain(`Laporan ${c.reference} dilepas dari kasus`);
      const caseId = lentera.db.prepare('SELECT id FROM cases WHERE number = ?').pluck().get(c.number);
      const detached = lentera.db
        .prepare("SELECT actor_account_id, subject_type, subject_id, detail FROM audit_events WHERE action = 'case.report_detached'")
        .all();
      expect(detached).toEqual([
        {
          actor_account_id: supervisor.id,
          subject_type: 'case',
          subject_id: String(caseId),
          detail: JSON.stringify({ report: c.reference }),
        },
      ]);
      const english = (await agent.get(`/staff/cases/${c.slug}?lang=en`).expect(200)).text;
      expect(english).toContain(`Report ${c.reference} detached from the case`);
    });

    it('accepted again into the same case, it comes back to it', async () => {
      const c = await newCase(worker);
      await bySupervisor(c.reference, 'reopen');
      await bySupervisor(c.reference, 'accept', {
        'accept-case_mode': 'existing',
        'accept-case_number': c.number,
        'accept-assignee': '',
        'accept-risk': '',
        'accept-note': '',
      });
      const page = (await (await as(worker)).get(`/staff/cases/${c.slug}`).expect(200)).text;
      expect(page).toContain(`href="/staff/reports/${c.reference}"`);
      await (await as(worker)).get(`/staff/reports/${c.reference}`).expect(200);
    });
  });
});
