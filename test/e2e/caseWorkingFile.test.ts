import type { Page, Response } from 'playwright-core';
import request from 'supertest';
import { loadTranslator, type Locale } from '../../src/i18n';
import { jakartaDate } from '../../src/domain/sla';
import {
  axeChecker,
  expectNoThirdPartyRequests,
  signInWithPassword,
  useApp,
  useBrowser,
  type AxeChecker,
  type TrackedPage,
} from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';
import { fileReport, validReport } from '../helpers/testApp';
import { lastOutboxId, outboxEmails, readable } from '../helpers/outbox';

/**
 * Issue 13, "Done means", in a real browser (Debian's Chromium through playwright-core) against the
 * real app: a case walked through the LK3 working file — accepted by triage, the initial and the
 * in-depth assessment, a plan with two activities, two follow-ups, a referral out answered by the
 * partner through the signed link, a case conference with printable minutes, and closure with an
 * outcome and a closing summary — by the people who do each step, in Indonesian and in English,
 * every page checked with axe (WCAG 2.2 AA).
 */

jest.setTimeout(360_000); // a whole case, some twenty pages each checked with axe, on a shared machine

const translator = loadTranslator();
const pages = useBrowser();
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
let triage: StaffAccount;
let worker: StaffAccount;
let supervisor: StaffAccount;
let partnerId: number;

beforeAll(async () => {
  triage = await createStaffAccount(running.lentera, { role: 'triage', name: 'Tari Triase' });
  worker = await createStaffAccount(running.lentera, { role: 'caseworker', name: 'Wulan Peksos' });
  supervisor = await createStaffAccount(running.lentera, { role: 'supervisor', name: 'Kori Koordinator' });
  const at = new Date().toISOString();
  partnerId = Number(
    running.lentera.db
      .prepare('INSERT INTO partners (name, type, phone, email, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'uptdppa@padang.test', 'Jl. Contoh 1', at, at).lastInsertRowid,
  );
});

interface Person {
  page: Page;
  axe: AxeChecker;
  tracked: TrackedPage;
}

/** A browser of one's own (own cookies), the language chosen on the home page, signed in. */
async function signedIn(account: StaffAccount | null, lang: Locale): Promise<Person> {
  const tracked = await pages.open(running.baseUrl);
  const { page } = tracked;
  await page.goto(running.url(`/?lang=${lang}`));
  if (account) await signInWithPassword(page, running.url('/login'), account);
  return { page, axe: axeChecker(page, lang), tracked };
}

/** Clicks the (or the given) submit button of the form with this action; waits for the page that answers after the redirect. */
async function submit(page: Page, action: string, button = 'button[type=submit]'): Promise<Response | null> {
  const buttons = page.locator(`main form[action="${action}"] ${button}`);
  expect(await buttons.count()).toBe(1);
  const [response] = await Promise.all([page.waitForNavigation(), buttons.click()]);
  if ((response?.status() ?? 0) >= 400) {
    const errors = await page.locator('.error-summary').allInnerTexts();
    throw new Error(`POST ${action} answered ${response?.status()}: ${errors.join(' / ')}`);
  }
  return response;
}

async function visit(person: Person, path: string, check: string): Promise<void> {
  const response = await person.page.goto(running.url(path));
  expect(response?.status()).toBe(200);
  await person.axe.check(check);
}

const mainText = async (page: Page) => ((await page.locator('main').innerText()) ?? '').replace(/\s+/g, ' ');

describe('a case walked through the working file in a browser', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`in ${lang === 'id' ? 'Indonesian' : 'English'}`, async () => {
      const t = translator.forLocale(lang);
      const today = jakartaDate(new Date());
      const inDays = (n: number) => jakartaDate(new Date(Date.now() + n * 24 * 60 * 60 * 1000));
      const mark = (part: string) => `Catatan ${lang} ${part}`;

      // A resident's report; triage claims it and accepts it as a case for the caseworker.
      await fileReport(request.agent(running.lentera.app), validReport({ category: 'family_conflict' }));
      const reference = running.lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
      const tri = await signedIn(triage, lang);
      await visit(tri, `/staff/reports/${reference}`, 'report to accept');
      await submit(tri.page, `/staff/reports/${reference}/claim`);
      await tri.page.check('#accept-case_mode');
      await tri.page.selectOption('#accept-assignee', { label: worker.name });
      await tri.page.selectOption('#accept-risk', 'medium');
      await submit(tri.page, `/staff/reports/${reference}/accept`);
      const number = running.lentera.db
        .prepare('SELECT c.number FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?')
        .pluck()
        .get(reference) as string;
      const casePath = `/staff/cases/${number.replace(/\//g, '-')}`;

      // The caseworker opens the case and writes the initial assessment: on to an in-depth assessment.
      const w = await signedIn(worker, lang);
      await visit(w, casePath, 'new case');
      expect(await mainText(w.page)).toContain(t('caseStage.intake'));
      await visit(w, `${casePath}/assessments/initial/edit`, 'initial assessment form');
      await w.page.fill('#presenting_problem', mark('masalah utama'));
      await w.page.fill('#member-0-name', 'Bu Sari');
      await w.page.selectOption('#member-0-relation', 'mother');
      await w.page.selectOption('#member-0-age', 'age_18_59');
      await w.page.fill('#member-0-role', 'pengasuh utama');
      await w.page.fill('#safety', 'Saat ini aman; ayah tidak tinggal serumah.');
      await w.page.locator('#risk-factors input[type=checkbox]').first().check();
      await w.page.locator('#protective-factors input[type=checkbox]').first().check();
      await w.page.check('#decision-in_depth_assessment');
      await w.page.fill('#decision_reason', 'Perlu pendampingan pengasuhan');
      await submit(w.page, `${casePath}/assessments/initial`, 'button[value="save"]');
      await w.axe.check('initial assessment saved');

      // The in-depth assessment: attitudes, thoughts and behaviour of the member, the family, the risk level.
      await visit(w, `${casePath}/assessments/in-depth/edit`, 'in-depth assessment form');
      await w.page.fill('#concern-0-attitudes', mark('sikap'));
      await w.page.fill('#concern-0-behaviour', 'Ibu sering membentak');
      await w.page.fill('#family_functioning', 'Komunikasi keluarga tegang');
      await w.page.fill('#strengths', 'Nenek rutin membantu');
      await w.page.check('#risk_level-high');
      await w.page.fill('#risk_reason', 'Ibu sangat tertekan');
      await submit(w.page, `${casePath}/assessments/in-depth`);
      expect(await mainText(w.page)).toContain(mark('sikap'));
      await w.axe.check('in-depth assessment saved');

      // The plan: a goal, and two activities tagged by LK3 function.
      await visit(w, `${casePath}/plan`, 'plan, empty');
      await w.page.fill('#goal-text', mark('tujuan'));
      await submit(w.page, `${casePath}/plan/goals`);
      for (const [title, fn] of [
        [mark('kunjungan keamanan'), 'protection'],
        ['Konseling pengasuhan bersama nenek', 'family_strengthening'],
      ] as const) {
        await w.page.fill('#activity-title', title);
        await w.page.selectOption('#activity-function', fn);
        await w.page.selectOption('#activity-responsible', String(worker.id));
        await w.page.fill('#activity-due', inDays(14));
        await submit(w.page, `${casePath}/plan/activities`);
      }
      const plan = await mainText(w.page);
      expect(plan).toContain(mark('tujuan'));
      expect(plan).toContain(t('lk3Function.protection'));
      expect(plan).toContain(t('lk3Function.family_strengthening'));
      await w.axe.check('plan with two activities');

      // Two follow-ups: a home visit and a call.
      await visit(w, `${casePath}/follow-ups`, 'follow-ups, empty');
      for (const [kind, outcome] of [
        ['home_visit', mark('kunjungan rumah')],
        ['call', 'Ibu mengabarkan anak sudah kembali sekolah'],
      ] as const) {
        await w.page.selectOption('#followup-kind', kind);
        await w.page.fill('#followup-held', today);
        await w.page.check(`input[name="followup-staff"][value="${worker.id}"]`);
        await w.page.fill('#followup-outcome', outcome);
        await w.page.fill('#followup-next', inDays(7));
        await submit(w.page, `${casePath}/follow-ups`);
      }
      const followUps = await mainText(w.page);
      expect(followUps).toContain(mark('kunjungan rumah'));
      expect(followUps).toContain('Ibu mengabarkan anak sudah kembali sekolah');
      await w.axe.check('two follow-ups');

      // A referral out with the family's consent.
      await visit(w, `${casePath}/referrals/new`, 'referral form');
      await w.page.selectOption('#referral-partner', String(partnerId));
      await w.page.check('#referral-consent');
      await w.page.fill('#referral-consent_by', 'Bu Sari (ibu)');
      await w.page.selectOption('#referral-consent_method', 'written');
      await w.page.fill('#referral-consent_on', today);
      await w.page.fill('#referral-summary', mark('ringkasan untuk mitra'));
      await w.page.fill('#referral-request', 'Mohon pendampingan hukum untuk ibu');
      const before = lastOutboxId(running.lentera);
      await submit(w.page, `${casePath}/referrals`);
      await w.axe.check('referral sent');

      // The partner answers through the signed link of its email.
      const email = outboxEmails(running.lentera, before).find((e) => e.template === 'case_referral_to_partner');
      const link = /https?:\/\/[^/\s]+(\/ack\/[^\s?]+)\?answer=accepted/.exec(readable(running.lentera, email!))![1]!;
      const partner = await signedIn(null, lang);
      await visit(partner, `${link}?answer=accepted`, 'partner acknowledgement');
      expect(await mainText(partner.page)).toContain(mark('ringkasan untuk mitra'));
      await submit(partner.page, link, '#answer-accepted');
      await partner.axe.check('partner acknowledgement recorded');

      // The case shows the partner involved, and that it accepted.
      await visit(w, casePath, 'case with referral accepted');
      expect(await w.page.locator('[data-ack="accepted"]').count()).toBeGreaterThan(0);

      // The supervisor records a case conference; its minutes print.
      const s = await signedIn(supervisor, lang);
      await visit(s, `${casePath}/conferences/new`, 'conference form');
      await s.page.fill('#conference-held_on', today);
      await s.page.check(`#conference-staff-${worker.id}`);
      await s.page.check(`#conference-staff-${supervisor.id}`);
      await s.page.check(`#conference-partners-${partnerId}`);
      await s.page.fill('#conference-decisions', mark('keputusan konferensi'));
      await s.page.fill('#conference-next_steps', 'Tutup kasus setelah UPTD PPA menerima');
      await submit(s.page, `${casePath}/conferences`);
      await s.axe.check('conference recorded');
      const conferenceId = running.lentera.db.prepare('SELECT max(id) FROM case_conferences').pluck().get() as number;
      await visit(s, `${casePath}/conferences/${conferenceId}/print`, 'conference minutes');
      expect(await mainText(s.page)).toContain(mark('keputusan konferensi'));

      // The caseworker closes the case: the summary is asked for, then the outcome and summary are shown.
      await visit(w, casePath, 'case before closure');
      await w.page.selectOption('#closecase-outcome', 'referred_accepted');
      const [refused] = await Promise.all([
        w.page.waitForNavigation(),
        w.page.locator(`main form[action="${casePath}/close"] button[type=submit]`).click(),
      ]);
      expect(refused?.status()).toBe(400);
      expect(await w.page.locator('.error-summary a[href="#closecase-summary"]').count()).toBe(1);
      await w.axe.check('closure without a summary');
      await w.page.fill('#closecase-summary', mark('ringkasan penutupan'));
      await submit(w.page, `${casePath}/close`);
      const closed = await mainText(w.page);
      expect(closed).toContain(t('caseClosure.sectionTitle'));
      expect(closed).toContain(t('caseClosureReason.referred_accepted'));
      expect(closed).toContain(mark('ringkasan penutupan'));
      expect(await w.page.locator(`form[action="${casePath}/close"]`).count()).toBe(0);
      await w.axe.check('closed case');
      await visit(w, `${casePath}/print`, 'case print');
      const print = await mainText(w.page);
      expect(print).toContain(t('caseClosureReason.referred_accepted'));
      expect(print).toContain(mark('ringkasan penutupan'));

      // The statistics count it by outcome.
      await visit(s, `/staff/stats?from=${today}&to=${today}`, 'statistics with the case');
      expect(
        Number(await s.page.locator('table[data-dimension="outcome"] tr[data-code="referred_accepted"] td').innerText()),
      ).toBeGreaterThanOrEqual(1);

      for (const person of [tri, w, partner, s]) {
        person.axe.assertClean();
        expectNoThirdPartyRequests(person.tracked.log);
      }
    });
  }
});
