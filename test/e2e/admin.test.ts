import { axeChecker, expectNoThirdPartyRequests, signInWithPassword, submitAndWait, useApp, useBrowser } from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';

/** The administration pages and the audit log in a real browser, checked with axe (WCAG 2.2 AA), in both languages. */

jest.setTimeout(60_000);

const pages = useBrowser();
// Password only: the second factor has its own tests; here it would only slow the pages down.
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
let admin: StaffAccount;

beforeAll(async () => {
  admin = await createStaffAccount(running.lentera, { role: 'admin', name: 'Admin Uji' });
});

const url = (p: string) => running.url(p);

describe('administration pages (axe, WCAG 2.2 AA)', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`partners, settings and the audit log in ${lang === 'en' ? 'English' : 'Indonesian'}`, async () => {
      const { page, log } = await pages.open(running.baseUrl);
      const axe = axeChecker(page, lang);

      await page.goto(url(`/?lang=${lang}`));
      await signInWithPassword(page, url('/login'), admin);
      expect(new URL(page.url()).pathname).toMatch(/^\/staff\//);

      await page.goto(url('/staff/partners/new'));
      await axe.check('new partner form');
      expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
      await axe.check('new partner form with errors');

      await page.fill('#name', `Puspaga Kota Padang ${lang}`);
      await page.selectOption('#type', 'puspaga');
      await page.fill('#phone', '(0751) 123456');
      await page.check('#areas-13\\.71\\.01');
      expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/staff/partners');
      await axe.check('partner list with a notice');

      await page
        .locator('tr', { hasText: `Puspaga Kota Padang ${lang}` })
        .locator('a')
        .first()
        .click();
      await page.waitForURL(/\/staff\/partners\/\d+$/);
      await axe.check('partner edit form');

      await page.goto(url('/staff/settings'));
      await axe.check('settings');
      await page.fill('#date', '2020-01-01');
      expect(await submitAndWait(page, 'form[action="/staff/settings/holidays"] button[type=submit]')).toBe(400);
      await axe.check('settings with errors');
      await page.fill('#date', `2099-12-${lang === 'id' ? '25' : '26'}`);
      await page.fill('#name_id', 'Hari Raya Natal');
      await page.fill('#name_en', 'Christmas Day');
      expect(await submitAndWait(page, 'form[action="/staff/settings/holidays"] button[type=submit]')).toBe(200);
      await axe.check('settings with a holiday');

      await page.goto(url('/staff/audit'));
      await axe.check('audit log');
      await page.goto(url('/staff/audit?from=2026-11-30&to=2026-11-01'));
      await axe.check('audit log with a filter error');

      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});
