import fs from 'node:fs';
import request from 'supertest';
import { loadTranslator, type Locale } from '../../src/i18n';
import { jakartaDate } from '../../src/domain/sla';
import {
  createTestApp,
  csrfTokenOf,
  fileReport,
  formBody,
  tokenFrom,
  validReport,
  TEST_DATA_KEY,
  type Agent,
  type TestApp,
} from '../helpers/testApp';
import { createStaffAccount, signIn, type StaffAccount } from '../helpers/staff';
import { runAuditVerify } from '../../src/cli/auditVerify';
import { lastOutboxId, outboxEmails, readable } from '../helpers/outbox';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** 09:00 in Padang (WIB), a Monday. */
const START = new Date('2026-03-02T02:00:00Z');

const translator = loadTranslator();

/**
 * Issue 13, "Done means": a case walked through the whole LK3 working file — accepted from a
 * report, the initial and the in-depth assessment, a plan, two follow-ups, a referral out answered
 * by the partner through the signed link of the email, a case conference, and closure with an
 * outcome — through the real pages (real CSRF, real SQLite from the migrations), in Indonesian and
 * in English. Each text written about the family carries a marker; none of them is readable in the
 * database file, and the statistics count the case once it is closed.
 */
describe('a case walked from acceptance to closure through the working file', () => {
  let clock: Date;
  let lentera: TestApp;
  let triage: StaffAccount;
  let worker: StaffAccount;
  let supervisor: StaffAccount;
  let otherWorker: StaffAccount;
  let admin: StaffAccount;
  let partnerId: number;

  beforeAll(async () => {
    clock = START;
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' }, { now: () => clock });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Kori Koordinator' });
    otherWorker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Oki Peksos' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
    const at = clock.toISOString();
    partnerId = Number(
      lentera.db
        .prepare('INSERT INTO partners (name, type, phone, email, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'uptdppa@padang.test', 'Jl. Contoh 1', at, at).lastInsertRowid,
    );
  });
  afterAll(() => lentera.cleanup());

  /** A signed-in agent whose pages come in `lang` (the language cookie set first, as a person's browser would hold it). */
  async function as(account: StaffAccount, lang: Locale): Promise<Agent> {
    const agent = request.agent(lentera.app);
    await agent.get(`/?lang=${lang}`).expect(200);
    await signIn(agent, lentera, account);
    return agent;
  }

  /** POSTs a form with the CSRF token of the page that shows it; returns the answer. */
  async function submit(agent: Agent, pagePath: string, action: string, fields: Record<string, string | string[]>) {
    const shown = await agent.get(pagePath);
    if (shown.status !== 200) throw new Error(`${pagePath} answered ${shown.status} ${String(shown.headers.location)}`);
    const token = await tokenFrom(agent, pagePath);
    return agent
      .post(action)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  async function expectSubmitted(agent: Agent, pagePath: string, action: string, fields: Record<string, string | string[]>) {
    const res = await submit(agent, pagePath, action, fields);
    if (res.status !== 303) throw new Error(`${action} answered ${res.status}: ${res.text.slice(0, 2000)}`);
    return res;
  }

  const factorIds = (kind: 'risk' | 'protective') =>
    lentera.db.prepare('SELECT id FROM assessment_factors WHERE kind = ? ORDER BY position').pluck().all(kind) as number[];

  for (const lang of ['id', 'en'] as const) {
    it(`in ${lang === 'id' ? 'Indonesian' : 'English'}`, async () => {
      const t = translator.forLocale(lang);
      // Each walk on its own days; a person signs in again each working day (a session ends after 30 idle minutes).
      const base = START.getTime() + (lang === 'id' ? 0 : 42 * DAY);
      const onDay = (days: number) => {
        clock = new Date(base + days * DAY);
      };
      onDay(0);
      const firstEvent = (lentera.db.prepare('SELECT coalesce(max(id), 0) FROM audit_events').pluck().get() as number) + 1;
      const mark = (part: string) => `RAHASIA-${lang}-${part}`;
      const today = () => jakartaDate(clock);

      // A resident's report, accepted by triage as a case for the caseworker.
      await fileReport(request.agent(lentera.app), validReport({ category: 'family_conflict' }));
      const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
      const triageAgent = await as(triage, lang);
      await expectSubmitted(triageAgent, `/staff/reports/${reference}`, `/staff/reports/${reference}/accept`, {
        'accept-case_mode': 'new',
        'accept-case_number': '',
        'accept-assignee': String(worker.id),
        'accept-risk': 'medium',
        'accept-note': mark('acceptance'),
      });
      const number = lentera.db
        .prepare('SELECT c.number FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?')
        .pluck()
        .get(reference) as string;
      const slug = number.replace(/\//g, '-');
      const casePath = `/staff/cases/${slug}`;
      const stageOf = () => lentera.db.prepare('SELECT stage FROM cases WHERE number = ?').pluck().get(number) as string;

      let w = await as(worker, lang);
      const opened = (await w.get(casePath).expect(200)).text;
      expect(opened).toContain(t('caseWork.caseTitle', { number }));
      expect(opened).toContain(t('caseStage.intake'));

      // The initial assessment, on the next working day: on to an in-depth assessment.
      onDay(1);
      w = await as(worker, lang);
      await expectSubmitted(w, `${casePath}/assessments/initial/edit`, `${casePath}/assessments/initial`, {
        presenting_problem: mark('presenting-problem'),
        household_rows: '2',
        'member-0-name': 'Bu Sari',
        'member-0-relation': 'mother',
        'member-0-age': 'age_18_59',
        'member-0-role': 'pengasuh utama',
        'member-1-name': 'Dodi',
        'member-1-relation': 'child',
        'member-1-age': 'age_13_17',
        'member-1-role': 'anak sulung',
        safety: mark('safety'),
        safety_plan: 'Bila ayah datang, ibu menelepon Pak RT.',
        risk_factors: [String(factorIds('risk')[0])],
        risk_notes: '',
        protective_factors: [String(factorIds('protective')[0])],
        protective_notes: '',
        decision: 'in_depth_assessment',
        decision_reason: 'Perlu pendampingan pengasuhan',
        action: 'save',
      });
      expect(stageOf()).toBe('in_depth_assessment');

      // The in-depth assessment, two days later: attitudes, thoughts and behaviour per member, and the risk level.
      onDay(3);
      w = await as(worker, lang);
      await expectSubmitted(w, `${casePath}/assessments/in-depth/edit`, `${casePath}/assessments/in-depth`, {
        'concern-0-attitudes': mark('attitudes'),
        'concern-0-thoughts': 'Ibu berpikir anak-anak lebih baik tanpa dia',
        'concern-0-behaviour': 'Ibu sering membentak',
        'concern-1-attitudes': '',
        'concern-1-thoughts': '',
        'concern-1-behaviour': 'Dodi sering bolos',
        family_functioning: mark('family-functioning'),
        strengths: 'Nenek rutin membantu',
        risk_level: 'high',
        risk_reason: 'Ibu sangat tertekan',
      });
      const assessed = (await w.get(`${casePath}/assessments/in-depth`).expect(200)).text;
      expect(assessed).toContain(mark('attitudes'));
      expect(assessed).toContain(t('riskLevel.high'));

      // The intervention plan: a goal with two activities tagged by LK3 function.
      onDay(4);
      w = await as(worker, lang);
      const planPath = `${casePath}/plan`;
      await expectSubmitted(w, planPath, `${planPath}/goals`, { 'goal-text': mark('goal') });
      const goalId = lentera.db
        .prepare('SELECT g.id FROM case_plan_goals g JOIN cases c ON c.id = g.case_id WHERE c.number = ?')
        .pluck()
        .get(number) as number;
      for (const [title, lk3Function] of [
        [mark('activity-protection'), 'protection'],
        ['Konseling pengasuhan bersama nenek', 'family_strengthening'],
      ]) {
        await expectSubmitted(w, planPath, `${planPath}/activities`, {
          'activity-goal': String(goalId),
          'activity-title': title!,
          'activity-function': lk3Function!,
          'activity-responsible': String(worker.id),
          'activity-other': '',
          'activity-due': jakartaDate(new Date(clock.getTime() + 14 * DAY)),
        });
      }
      expect(stageOf()).toBe('intervention_plan');
      const plan = (await w.get(planPath).expect(200)).text;
      expect(plan).toContain(mark('goal'));
      expect(plan).toContain(t('lk3Function.protection'));
      expect(plan).toContain(t('lk3Function.family_strengthening'));

      // Two follow-ups: a home visit, then a call a week later.
      const followUpsPath = `${casePath}/follow-ups`;
      for (const [days, kind, outcome] of [
        [7, 'home_visit', mark('home-visit')],
        [14, 'call', 'Ibu mengabarkan anak sudah kembali sekolah'],
      ] as const) {
        onDay(days);
        w = await as(worker, lang);
        await expectSubmitted(w, followUpsPath, followUpsPath, {
          'followup-kind': kind,
          'followup-held': today(),
          'followup-staff': [String(worker.id)],
          'followup-outcome': outcome,
          'followup-next': jakartaDate(new Date(clock.getTime() + 7 * DAY)),
        });
      }
      const followUps = (await w.get(followUpsPath).expect(200)).text;
      expect(followUps).toContain(mark('home-visit'));
      expect(followUps).toContain('Ibu mengabarkan anak sudah kembali sekolah');

      // A referral out to UPTD PPA with the family's consent; the partner answers through the signed link of its email.
      onDay(15);
      w = await as(worker, lang);
      const before = lastOutboxId(lentera);
      await expectSubmitted(w, `${casePath}/referrals/new`, `${casePath}/referrals`, {
        'referral-partner': String(partnerId),
        'referral-consent': 'yes',
        'referral-consent_by': mark('consent-by'),
        'referral-consent_method': 'written',
        'referral-consent_on': today(),
        'referral-summary': `${mark('referral-summary')} Ibu butuh pendampingan hukum`,
        'referral-request': 'Mohon pendampingan hukum untuk ibu',
      });
      const referralId = lentera.db.prepare('SELECT max(id) FROM case_referrals').pluck().get() as number;
      const email = outboxEmails(lentera, before).find((e) => e.template === 'case_referral_to_partner');
      expect(email?.to).toBe('uptdppa@padang.test');
      const text = readable(lentera, email!);
      expect(text).toContain(mark('referral-summary'));
      expect(text).not.toContain(mark('consent-by'));
      const link = /https?:\/\/[^/\s]+(\/ack\/[^\s?]+)\?answer=accepted/.exec(text)![1]!;
      const partner = request.agent(lentera.app);
      const ackPage = await partner.get(`${link}?answer=accepted&lang=${lang}`).expect(200);
      await partner
        .post(link)
        .type('form')
        .send(formBody({ answer: 'accepted', _csrf: csrfTokenOf(ackPage.text) }))
        .expect(303);
      expect((await w.get(casePath).expect(200)).text).toMatch(new RegExp(`data-referral="${referralId}" data-ack="accepted"`));

      // A case conference recorded by the supervisor, with printable minutes.
      onDay(16);
      let s = await as(supervisor, lang);
      await expectSubmitted(s, `${casePath}/conferences/new`, `${casePath}/conferences`, {
        'conference-held_on': today(),
        'conference-staff': [String(worker.id), String(supervisor.id)],
        'conference-partners': [String(partnerId)],
        'conference-others': 'Pak RT',
        'conference-decisions': mark('conference-decisions'),
        'conference-next_steps': 'Tutup kasus setelah UPTD PPA menerima',
      });
      const conferenceId = lentera.db.prepare('SELECT max(id) FROM case_conferences').pluck().get() as number;
      const minutes = (await s.get(`${casePath}/conferences/${conferenceId}/print`).expect(200)).text;
      expect(minutes).toContain(mark('conference-decisions'));
      expect(minutes).toContain('UPTD PPA Kota Padang');

      // Closure: referred and accepted, with the closing summary.
      onDay(20);
      w = await as(worker, lang);
      const closeFields = { 'closecase-outcome': 'referred_accepted', 'closecase-summary': '' };
      const noSummary = await submit(w, casePath, `${casePath}/close`, closeFields);
      expect(noSummary.status).toBe(400);
      expect(noSummary.text).toContain(t('staffForms.errors.closing_summary'));
      await expectSubmitted(w, casePath, `${casePath}/close`, { ...closeFields, 'closecase-summary': mark('closing-summary') });
      expect(stageOf()).toBe('terminated');

      // The closed case shows the whole file, in the page's language; its print holds it for the paper file.
      const closed = (await w.get(casePath).expect(200)).text;
      expect(closed).toContain(t('caseClosure.sectionTitle'));
      expect(closed).toContain(t('caseClosureReason.referred_accepted'));
      expect(closed).toContain(mark('closing-summary'));
      const print = (await w.get(`${casePath}/print`).expect(200)).text;
      expect(print).toContain(t('caseClosureReason.referred_accepted'));
      expect(print).toContain(mark('closing-summary'));
      // The supervisor reads it too; another caseworker, and the administrator, do not.
      s = await as(supervisor, lang);
      expect((await s.get(casePath).expect(200)).text).toContain(mark('closing-summary'));
      const other = await as(otherWorker, lang);
      for (const path of [
        casePath,
        `${casePath}/print`,
        planPath,
        followUpsPath,
        `${casePath}/assessments/initial`,
        `${casePath}/referrals/${referralId}`,
      ]) {
        await other.get(path).expect(404);
      }
      await (await as(admin, lang)).get(casePath).expect(403);

      // Every view and every change of the working file is on the audit log, by code (never a word of the content),
      // and the hash chain holds.
      const events = lentera.db.prepare('SELECT action, detail FROM audit_events WHERE id >= ? ORDER BY id').all(firstEvent) as {
        action: string;
        detail: string | null;
      }[];
      expect([...new Set(events.map((e) => e.action))]).toEqual(
        expect.arrayContaining([
          'case.opened',
          'case.viewed',
          'case.printed',
          'case.stage_changed',
          'case.closed',
          'case_assessment.saved',
          'case_assessment.viewed',
          'case_plan.goal_added',
          'case_plan.activity_added',
          'case_plan.viewed',
          'case_follow_up.logged',
          'case_follow_up.viewed',
          'case_referral.created',
          'case_referral.link_opened',
          'case_referral.acknowledged',
          'case_conference.recorded',
          'case_conference.printed',
        ]),
      );
      expect(events.filter((e) => (e.detail ?? '').includes('RAHASIA'))).toEqual([]);
      const verified: string[] = [];
      expect(
        runAuditVerify(
          { DATABASE_PATH: lentera.config.databasePath, DATA_KEY: TEST_DATA_KEY },
          (l) => verified.push(l),
          () => undefined,
        ),
      ).toBe(0);

      // The statistics count it: closed as referred and accepted, two activities, and the time in each stage it left.
      const stats = (await s.get(`/staff/stats?from=${jakartaDate(new Date(base))}&to=${today()}`).expect(200)).text;
      expect(stats).toContain(t('caseStats.dimension.outcome'));
      expect(stats.replace(/\s+/g, ' ')).toContain(
        `<tr data-code="referred_accepted"> <th scope="row">${t('caseClosureReason.referred_accepted')}</th> <td class="numeric">1</td>`,
      );
      expect(
        lentera.db
          .prepare(
            `SELECT d.stage FROM case_stage_durations d JOIN case_statistics s ON s.id = d.case_statistics_id
              WHERE s.case_id = (SELECT id FROM cases WHERE number = ?) ORDER BY d.id`,
          )
          .pluck()
          .all(number),
      ).toEqual(['intake', 'in_depth_assessment', 'intervention_plan']); // the initial assessment's decision moved it on

      // Nothing written about the family is readable in the database file (or its write-ahead log).
      const file = fs.readFileSync(lentera.config.databasePath);
      const wal = fs.existsSync(`${lentera.config.databasePath}-wal`)
        ? fs.readFileSync(`${lentera.config.databasePath}-wal`)
        : Buffer.alloc(0);
      for (const part of [
        'acceptance',
        'presenting-problem',
        'safety',
        'attitudes',
        'family-functioning',
        'goal',
        'activity-protection',
        'home-visit',
        'consent-by',
        'referral-summary',
        'conference-decisions',
        'closing-summary',
      ]) {
        expect(file.includes(mark(part))).toBe(false);
        expect(wal.includes(mark(part))).toBe(false);
      }
    });
  }
});
