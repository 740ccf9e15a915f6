import request from 'supertest';
import en from '../../src/i18n/locales/en.json';
import id from '../../src/i18n/locales/id.json';
import { axeChecker, expectNoThirdPartyRequests, signInWithPassword, startApp, useApp, useBrowser } from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';
import { fileReport, validReport } from '../helpers/testApp';

/**
 * The back-office changes of issue step 6 in a real browser, on a phone and a desktop, in both
 * languages, axe clean: the report's language beside the message form and on the queue, the page
 * for a missing permission, the setup page's language switch after a mistake, and an invited
 * colleague signed in as soon as the password is set.
 */

jest.setTimeout(60_000);

const pages = useBrowser();
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
const texts = { id, en } as const;
const VIEWPORTS = [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1280, height: 900 }],
] as const;
let triage: StaffAccount;
let reference: string;

beforeAll(async () => {
  triage = await createStaffAccount(running.lentera, { role: 'triage', name: 'Tari Triase' });
  // A resident writes in English.
  const resident = request.agent(running.lentera.app);
  await resident.get('/?lang=en').expect(200);
  await fileReport(resident, validReport({ narrative: 'The children next door are left alone for days without food.' }));
  reference = running.lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
});

describe('the back office', () => {
  for (const lang of ['id', 'en'] as const) {
    for (const [device, viewport] of VIEWPORTS) {
      test(`${lang}, ${device}: the report's language, and the page for a missing permission`, async () => {
        const text = texts[lang];
        const { page, log } = await pages.open(running.baseUrl, { viewport });
        const axe = axeChecker(page, lang);
        await page.goto(running.url(`/?lang=${lang}`));
        await signInWithPassword(page, running.url('/login'), triage);

        await page.goto(running.url('/staff/queue'));
        const row = page.locator('tr', { has: page.locator(`a[href="/staff/reports/${reference}"]`) });
        await expect(row.locator('td', { hasText: text.languageName.en }).count()).resolves.toBe(1);
        await axe.check('queue with the language column');

        await page.goto(running.url(`/staff/reports/${reference}`));
        expect((await page.locator('#report-language').textContent())?.trim()).toBe(text.languageName.en);
        expect(await page.locator('#ask-message-hint').textContent()).toContain(text.triage.writeIn.en);
        await axe.check('report page with its language');

        const refused = await page.goto(running.url('/staff/users'));
        expect(refused?.status()).toBe(403);
        expect((await page.locator('h1').textContent())?.trim()).toBe(text.errors.permission.title);
        expect(await page.locator('nav.staff-nav a[href="/staff/queue"]').count()).toBe(1);
        await axe.check('a missing permission');

        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        axe.assertClean();
        expectNoThirdPartyRequests(log);
      });
    }
  }

  for (const [device, viewport] of VIEWPORTS) {
    test(`${device}: the setup page switches language after a mistake, keeping what was typed`, async () => {
      const fresh = await startApp();
      try {
        const setupPath = /\/setup\/[A-Za-z0-9_-]+/.exec(fresh.lentera.logs.join('\n'))![0];
        const { page, log } = await pages.open(fresh.baseUrl, { viewport });
        const axe = axeChecker(page);
        await page.goto(fresh.url(`${setupPath}?lang=id`));
        await page.fill('#name', 'Ani Admin');
        await page.fill('#email', 'ani@lk3.test');
        await page.fill('#password', 'pendek');
        await page.fill('#password_confirm', 'pendek');
        const [wrong] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === 'POST'),
          page.click('#setup-form button[type=submit]:not([hidden])'),
        ]);
        expect(wrong.status()).toBe(400);
        await page.locator('.error-summary').waitFor();
        await axe.check('setup with a mistake (id)');

        await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button.language-switch')]);
        await page.waitForSelector('html[lang="en"]');
        expect((await page.locator('h1').textContent())?.trim()).toBe(en.setup.title);
        expect(await page.inputValue('#name')).toBe('Ani Admin');
        expect(await page.inputValue('#email')).toBe('ani@lk3.test');
        await axe.check('setup switched to English');
        expect(fresh.lentera.db.prepare('SELECT count(*) FROM accounts').pluck().get()).toBe(0);
        axe.assertClean();
        expectNoThirdPartyRequests(log);
      } finally {
        await fresh.stop();
      }
    });
  }

  for (const lang of ['id', 'en'] as const) {
    test(`${lang}: an invited colleague is signed in as soon as the password is set`, async () => {
      const created = await running.lentera.services.accountService.createFromCommandLine(
        { email: `undangan.${lang}@lk3.test`, name: `Undangan ${lang}`, role: 'admin', departmentId: null },
        null,
      );
      if (!created.ok || !created.invitationLink) throw new Error('no invitation link');
      const { page, log } = await pages.open(running.baseUrl, { viewport: VIEWPORTS[0][1] });
      const axe = axeChecker(page, lang);
      await page.goto(running.url(`${new URL(created.invitationLink).pathname}?lang=${lang}`));
      await axe.check('invitation');
      await page.fill('#password', 'kata sandi yang cukup panjang');
      await page.fill('#password_confirm', 'kata sandi yang cukup panjang');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/staff/partners'),
        page.click('#invite-form button[type=submit]:not([hidden])'),
      ]);
      expect((await page.locator('.notice').textContent())?.trim()).toBe(texts[lang].auth.invite.signedIn);
      expect(await page.locator('nav.staff-nav a[href="/account"]').count()).toBe(1);
      await axe.check('signed in after the invitation');
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});
