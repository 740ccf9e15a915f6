import type { Page } from 'playwright-core';
import { axeChecker, expectNoThirdPartyRequests, signInWithPassword, submitAndWait, useApp, useBrowser } from '../helpers/browser';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { jakartaDate } from '../../src/domain/sla';
import { reportAcceptedAsNewCase } from '../helpers/cases';

/**
 * The working file in a real browser (issue 13, parts 3 and 4): a caseworker makes a plan, logs two
 * follow-ups and finds what is due on "My work"; a supervisor sees the team's; each page passes axe in
 * both languages, and the plan's forms work without JavaScript.
 */

jest.setTimeout(120_000);

const pages = useBrowser();
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
let supervisor: StaffAccount;
let triage: StaffAccount;
let worker: StaffAccount;

// The app's clock is the real one: "today" on the Jakarta calendar, and the day before it.
const today = () => jakartaDate(new Date());
const yesterday = () => jakartaDate(new Date(Date.now() - 24 * 60 * 60 * 1000));

/** A resident's report accepted by triage as a case for the worker; returns its slug. */
async function newCase(): Promise<string> {
  return (await reportAcceptedAsNewCase(running.lentera, await signedInAgent(running.lentera, triage), worker.id)).slug;
}

beforeAll(async () => {
  const lentera = running.lentera;
  supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sari Koordinator' });
  triage = await createStaffAccount(lentera, { role: 'triage', name: 'Tari Triase' });
  worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
});

const mainText = async (page: Page) => (await page.locator('main').textContent()) ?? '';

async function addActivity(page: Page, slug: string, fields: { title: string; fn: string; due: string; other?: string }): Promise<number> {
  await page.fill('#activity-title', fields.title);
  await page.selectOption('#activity-function', fields.fn);
  if (fields.other) {
    await page.selectOption('#activity-responsible', 'other');
    await page.fill('#activity-other', fields.other);
  } else {
    await page.selectOption('#activity-responsible', String(worker.id));
  }
  await page.fill('#activity-due', fields.due);
  return submitAndWait(page, `form[action="/staff/cases/${slug}/plan/activities"] button[type=submit]`);
}

async function logFollowUp(
  page: Page,
  slug: string,
  fields: { kind: string; held: string; outcome: string; next: string },
): Promise<number> {
  await page.selectOption('#followup-kind', fields.kind);
  await page.fill('#followup-held', fields.held);
  await page.fill('#followup-outcome', fields.outcome);
  await page.fill('#followup-next', fields.next);
  return submitAndWait(page, `form[action="/staff/cases/${slug}/follow-ups"] button[type=submit]`);
}

describe('the working file: plan, follow-ups, my work', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`a caseworker makes a plan, logs two follow-ups and sees what is due (${lang})`, async () => {
      const slug = await newCase();
      const { page, log } = await pages.open(running.baseUrl);
      const axe = axeChecker(page, lang);
      await page.goto(running.url(`/?lang=${lang}`));
      await signInWithPassword(page, running.url('/login'), worker);

      await page.goto(running.url(`/staff/cases/${slug}`));
      await axe.check('case page without a plan');
      expect(await submitAndWait(page, `a[href="/staff/cases/${slug}/plan"]`)).toBe(200);
      await axe.check('empty plan page');

      // An empty goal: the error summary, then the goal.
      expect(await submitAndWait(page, `form[action="/staff/cases/${slug}/plan/goals"] button[type=submit]`)).toBe(400);
      await axe.check('plan page with an error');
      await page.fill('#goal-text', 'Anak kembali bersekolah secara teratur');
      expect(await submitAndWait(page, `form[action="/staff/cases/${slug}/plan/goals"] button[type=submit]`)).toBe(200);
      expect(await addActivity(page, slug, { title: 'Mendaftarkan anak ke SD terdekat', fn: 'referral', due: yesterday() })).toBe(200);
      expect(
        await addActivity(page, slug, {
          title: 'Konseling pengasuhan bersama nenek',
          fn: 'family_strengthening',
          due: today(),
          other: 'Nenek Rosna',
        }),
      ).toBe(200);
      const plan = await mainText(page);
      expect(plan).toContain('Mendaftarkan anak ke SD terdekat');
      expect(plan).toContain('Nenek Rosna');
      expect(await page.locator('[data-flag="overdue-activities"]').count()).toBe(1);
      await axe.check('plan with two activities');

      // Record progress on one activity (one at a time).
      const first = page.locator('[data-activity]').first();
      const activityId = await first.getAttribute('data-activity');
      expect(await submitAndWait(page, `a[href$="?edit=activity-${activityId}#activity-${activityId}"]`)).toBe(200);
      await axe.check('activity open for progress');
      await page.selectOption('#progress-status', 'in_progress');
      await page.fill('#progress-note', 'Ibu sudah mengambil formulir pendaftaran');
      expect(await submitAndWait(page, `form[action$="/plan/activities/${activityId}/progress"] button[type=submit]`)).toBe(200);
      expect(await mainText(page)).toContain('Ibu sudah mengambil formulir pendaftaran');

      // Two follow-ups; the second sets today as the next date.
      await page.goto(running.url(`/staff/cases/${slug}/follow-ups`));
      await axe.check('follow-ups page');
      expect(
        await logFollowUp(page, slug, { kind: 'home_visit', held: yesterday(), outcome: 'Kunjungan rumah: ibu bersedia', next: today() }),
      ).toBe(200);
      expect(await logFollowUp(page, slug, { kind: 'call', held: today(), outcome: 'Telepon: jadwal sekolah diatur', next: today() })).toBe(
        200,
      );
      expect(await page.locator('[data-follow-up]').count()).toBe(2);
      await axe.check('follow-ups page with two');

      // My work, from the menu.
      expect(await submitAndWait(page, 'nav a[href="/staff/my-work"]')).toBe(200);
      const overdue = (await page.locator('table[data-list="overdue"]').textContent()) ?? '';
      const dueToday = (await page.locator('table[data-list="dueToday"]').textContent()) ?? '';
      expect(overdue).toContain('Mendaftarkan anak ke SD terdekat');
      expect(dueToday).toContain('Konseling pengasuhan bersama nenek');
      expect(
        await page.locator(`table[data-list="dueToday"] tr[data-kind="follow_up"] a[href="/staff/cases/${slug}/follow-ups"]`).count(),
      ).toBe(1);
      await axe.check('my work');

      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }

  test('a supervisor sees the team, grouped by caseworker (en)', async () => {
    const { page, log } = await pages.open(running.baseUrl);
    const axe = axeChecker(page, 'en');
    await page.goto(running.url('/?lang=en'));
    await signInWithPassword(page, running.url('/login'), supervisor);
    await page.goto(running.url('/staff/my-work'));
    expect(await page.locator('h1').textContent()).toContain("The team's work");
    expect(await page.locator(`section[data-worker="${worker.id}"] h2`).textContent()).toContain('Wulan Peksos');
    await axe.check('team work list');
    axe.assertClean();
    expectNoThirdPartyRequests(log);
  });

  test('without JavaScript, a goal and an activity are added and a missing date comes back with what was typed', async () => {
    const slug = await newCase();
    const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled: false });
    await page.goto(running.url('/?lang=en'));
    await signInWithPassword(page, running.url('/login'), worker);
    await page.goto(running.url(`/staff/cases/${slug}/plan`));
    await page.fill('#goal-text', 'Mother manages anger without violence');
    expect(await submitAndWait(page, `form[action="/staff/cases/${slug}/plan/goals"] button[type=submit]`)).toBe(200);
    // No due date: the form comes back with the error and what was typed.
    await page.fill('#activity-title', 'Anger management sessions');
    await page.selectOption('#activity-function', 'empowerment');
    await page.selectOption('#activity-responsible', String(worker.id));
    expect(await submitAndWait(page, `form[action="/staff/cases/${slug}/plan/activities"] button[type=submit]`)).toBe(400);
    expect(await page.locator('.error-summary a[href="#activity-due"]').count()).toBe(1);
    expect(await page.inputValue('#activity-title')).toBe('Anger management sessions');
    await page.fill('#activity-due', today());
    expect(await submitAndWait(page, `form[action="/staff/cases/${slug}/plan/activities"] button[type=submit]`)).toBe(200);
    expect(await mainText(page)).toContain('Anger management sessions');
    expect(await mainText(page)).toContain('Empowerment');
    expectNoThirdPartyRequests(log);
  });
});
