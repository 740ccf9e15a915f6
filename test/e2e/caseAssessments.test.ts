import { axeChecker, expectNoThirdPartyRequests, signInWithPassword, submitAndWait, useApp, useBrowser } from '../helpers/browser';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { reportAcceptedAsNewCase } from '../helpers/cases';

/**
 * The working file in a real browser: a caseworker fills the initial assessment with a household of
 * two (adding a row by the form's own button, which works without JavaScript), then an in-depth
 * assessment, saves it again and reads the earlier version — in both languages, axe on every state.
 */

jest.setTimeout(120_000);

const pages = useBrowser();
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
let worker: StaffAccount;
let triage: StaffAccount;
let supervisor: StaffAccount;

/** A resident's report accepted by triage as a new case for the worker; returns its slug. */
async function newCase(): Promise<string> {
  return (await reportAcceptedAsNewCase(running.lentera, await signedInAgent(running.lentera, triage), worker.id)).slug;
}

beforeAll(async () => {
  worker = await createStaffAccount(running.lentera, { role: 'caseworker', name: 'Wulan Peksos' });
  triage = await createStaffAccount(running.lentera, { role: 'triage', name: 'Tari Triase' });
  supervisor = await createStaffAccount(running.lentera, { role: 'supervisor', name: 'Sari Koordinator' });
});

const words = {
  id: { initialTitle: 'Asesmen awal kasus', saved: 'Asesmen awal disimpan sebagai versi baru.', inDepthSaved: 'Asesmen mendalam disimpan' },
  en: {
    initialTitle: 'Initial assessment of case',
    saved: 'The initial assessment was saved as a new version.',
    inDepthSaved: 'The in-depth assessment was saved',
  },
} as const;

describe('assessments in the browser', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`initial with a household of two, then in-depth, then versions (${lang})`, async () => {
      const slug = await newCase();
      const { page, log } = await pages.open(running.baseUrl);
      const axe = axeChecker(page, lang);
      await page.goto(running.url(`/?lang=${lang}`));
      await signInWithPassword(page, running.url('/login'), worker);

      // The case page shows when the initial assessment is due, and the way to it.
      await page.goto(running.url(`/staff/cases/${slug}`));
      expect(await page.locator('[data-initial-due="due"]').count()).toBe(1);
      await axe.check('case page with the assessments section');
      expect(await submitAndWait(page, `a[href="/staff/cases/${slug}/assessments/initial/edit"]`)).toBe(200);
      await axe.check('initial assessment form');

      // Sent empty: 400, the error summary, nothing lost.
      expect(await submitAndWait(page, 'button[name="action"][value="save"]')).toBe(400);
      expect(await page.locator('.error-summary a[href="#presenting_problem"]').count()).toBe(1);
      await axe.check('initial assessment form with errors');

      await page.fill('#presenting_problem', 'Ibu kewalahan mengasuh sejak ayah pergi');
      await page.fill('#member-0-name', 'Bu Sari');
      await page.selectOption('#member-0-relation', 'mother');
      await page.selectOption('#member-0-age', 'age_18_59');
      await page.fill('#member-0-role', 'pengasuh utama');
      await page.fill('#member-1-name', 'Dodi');
      await page.selectOption('#member-1-relation', 'child');
      await page.selectOption('#member-1-age', 'age_13_17');
      // "Add a row": the form comes back with one more row and everything typed.
      const rowsBefore = await page.locator('[data-household-row]').count();
      expect(await submitAndWait(page, 'button[name="action"][value="add_row"]')).toBe(200);
      expect(await page.locator('[data-household-row]').count()).toBe(rowsBefore + 1);
      expect(await page.inputValue('#member-0-name')).toBe('Bu Sari');
      expect(await page.inputValue('#member-1-relation')).toBe('child');
      expect(await page.inputValue('#presenting_problem')).toBe('Ibu kewalahan mengasuh sejak ayah pergi');

      await page.fill('#safety', 'Saat ini aman; ayah tidak tinggal serumah.');
      await page.fill('#safety_plan', 'Bila ayah datang, ibu menelepon Pak RT.');
      await page.locator('#risk-factors input[type=checkbox]').first().check();
      await page.locator('#protective-factors input[type=checkbox]').first().check();
      await page.check('#decision-in_depth_assessment');
      await page.fill('#decision_reason', 'Perlu pendampingan pengasuhan');
      expect(await submitAndWait(page, 'button[name="action"][value="save"]')).toBe(200);
      expect(new URL(page.url()).pathname).toBe(`/staff/cases/${slug}/assessments/initial`);
      expect(await page.locator('h1').textContent()).toContain(words[lang].initialTitle);
      expect(await page.locator('.notice').first().textContent()).toContain(words[lang].saved);
      expect(await page.locator('main').textContent()).toContain('Bu Sari');
      expect(await page.locator('main').textContent()).toContain('Dodi');
      await axe.check('initial assessment, version 1');

      // On to the in-depth assessment.
      expect(await submitAndWait(page, `a[href="/staff/cases/${slug}/assessments/in-depth"]`)).toBe(200);
      expect(await submitAndWait(page, `a[href="/staff/cases/${slug}/assessments/in-depth/edit"]`)).toBe(200);
      expect(await page.locator('[data-concern]').count()).toBe(2);
      expect(await page.locator('[data-factors-beside] li').count()).toBe(2);
      await axe.check('in-depth assessment form');
      await page.fill('#concern-0-attitudes', 'Ibu merasa gagal sebagai orang tua');
      await page.fill('#concern-0-behaviour', 'Ibu sering membentak');
      await page.fill('#concern-1-behaviour', 'Dodi sering bolos');
      await page.fill('#family_functioning', 'Komunikasi keluarga tegang');
      await page.fill('#strengths', 'Nenek rutin membantu');
      await page.check('#risk_level-high');
      await page.fill('#risk_reason', 'Ibu sangat tertekan');
      expect(await submitAndWait(page, '#assessment-form button[type=submit]')).toBe(200);
      expect(await page.locator('[data-version="1"]').count()).toBe(1);
      expect(await page.locator('.notice').first().textContent()).toContain(words[lang].inDepthSaved);
      await axe.check('in-depth assessment, version 1');

      // Saved again: version 2, and version 1 is one click away.
      expect(await submitAndWait(page, `a[href="/staff/cases/${slug}/assessments/in-depth/edit"]`)).toBe(200);
      expect(await page.inputValue('#strengths')).toBe('Nenek rutin membantu');
      await page.fill('#strengths', 'Nenek rutin membantu; ibu mulai bekerja');
      await page.check('#risk_level-medium');
      expect(await submitAndWait(page, '#assessment-form button[type=submit]')).toBe(200);
      expect(await page.locator('[data-version="2"]').count()).toBe(1);
      expect(await page.locator('[data-versions] li').count()).toBe(2);
      expect(await submitAndWait(page, `a[href="/staff/cases/${slug}/assessments/in-depth/versions/1"]`)).toBe(200);
      expect(await page.locator('[data-version="1"]').count()).toBe(1);
      expect(await page.locator('[data-risk-level="high"]').count()).toBe(1);
      await axe.check('in-depth assessment, an earlier version');

      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }

  test('without JavaScript: "add a row" brings one more row, everything typed kept, and the assessment saves', async () => {
    const slug = await newCase();
    const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled: false });
    await signInWithPassword(page, running.url('/login'), worker);
    await page.goto(running.url(`/staff/cases/${slug}/assessments/initial/edit?lang=id`));
    await page.fill('#presenting_problem', 'Anak sering ditinggal sendirian');
    await page.fill('#member-0-name', 'Pak Anton');
    await page.selectOption('#member-0-relation', 'father');
    await page.selectOption('#member-0-age', 'age_18_59');
    await page.fill('#member-1-name', 'Rina');
    await page.selectOption('#member-1-relation', 'child');
    await page.selectOption('#member-1-age', 'age_5_12');
    await page.fill('#member-2-name', 'Nenek Ida');
    await page.selectOption('#member-2-relation', 'grandparent');
    await page.selectOption('#member-2-age', 'age_60_plus');
    const rows = await page.locator('[data-household-row]').count();
    expect(await submitAndWait(page, 'button[name="action"][value="add_row"]')).toBe(200);
    expect(await page.locator('[data-household-row]').count()).toBe(rows + 1);
    expect(await page.inputValue('#member-2-name')).toBe('Nenek Ida');
    await page.fill(`#member-${rows}-name`, 'Bibi Yanti');
    await page.selectOption(`#member-${rows}-relation`, 'other_relative');
    await page.selectOption(`#member-${rows}-age`, 'age_18_59');
    await page.fill('#safety', 'Aman bila nenek di rumah');
    await page.check('#decision-referral_out');
    await page.fill('#decision_reason', 'Perlu layanan kesehatan jiwa');
    expect(await submitAndWait(page, 'button[name="action"][value="save"]')).toBe(200);
    const main = (await page.locator('main').textContent()) ?? '';
    for (const name of ['Pak Anton', 'Rina', 'Nenek Ida', 'Bibi Yanti']) expect(main).toContain(name);
    // The decision "referral out" leads to the referral-out form.
    expect(await page.locator(`a[href="/staff/cases/${slug}/referrals/new"]`).count()).toBe(1);
    expectNoThirdPartyRequests(log);
  });

  for (const lang of ['id', 'en'] as const) {
    test(`a supervisor keeps the factor lists (${lang})`, async () => {
      const { page, log } = await pages.open(running.baseUrl);
      const axe = axeChecker(page, lang);
      await page.goto(running.url(`/?lang=${lang}`));
      await signInWithPassword(page, running.url('/login'), supervisor);
      expect(await submitAndWait(page, 'a[href="/staff/factors"]')).toBe(200);
      await axe.check('factor lists');
      // The English name left out: 400, the summary, the Indonesian name kept.
      await page.selectOption('#new-kind', 'protective');
      await page.fill('#new-label_id', `Ada tetangga yang peduli ${lang}`);
      expect(await submitAndWait(page, 'form[action="/staff/factors"] button[type=submit]')).toBe(400);
      expect(await page.inputValue('#new-label_id')).toBe(`Ada tetangga yang peduli ${lang}`);
      await axe.check('factor lists with an error');
      await page.fill('#new-label_en', `A caring neighbour ${lang}`);
      expect(await submitAndWait(page, 'form[action="/staff/factors"] button[type=submit]')).toBe(200);
      const added = page.locator('[data-factor-list="protective"] [data-factor]').last();
      expect(await added.textContent()).toContain(lang === 'en' ? `A caring neighbour ${lang}` : `Ada tetangga yang peduli ${lang}`);
      // Retire it: marked, and offered again by "use again".
      expect(await submitAndWait(page, `#${(await added.getAttribute('id')) ?? ''} form[action$="/retire"] button`)).toBe(200);
      expect(await page.locator('[data-factor-list="protective"] [data-factor]').last().locator('.tag').count()).toBe(1);
      await axe.check('factor lists with a retired factor');
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});
