import { axeChecker, expectNoThirdPartyRequests, signInWithPassword, submitAndWait, useApp, useBrowser } from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';

/** The departments pages and the token page in a real browser, checked with axe (WCAG 2.2 AA), in both languages. */

jest.setTimeout(60_000);

const pages = useBrowser();
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
let admin: StaffAccount;

beforeAll(async () => {
  admin = await createStaffAccount(running.lentera, { role: 'admin', name: 'Admin Uji' });
});

const url = (p: string) => running.url(p);

describe('departments pages (axe, WCAG 2.2 AA)', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`list, department page and a new token in ${lang === 'en' ? 'English' : 'Indonesian'}`, async () => {
      const { page, log } = await pages.open(running.baseUrl);
      const axe = axeChecker(page, lang);

      await page.goto(url(`/?lang=${lang}`));
      await signInWithPassword(page, url('/login'), admin);

      await page.goto(url('/staff/departments'));
      await axe.check('department list');
      expect(await submitAndWait(page, 'form[action="/staff/departments"] button[type=submit]')).toBe(400);
      await axe.check('department list with errors');

      await page.fill('#name', `Puskesmas Andalas ${lang}`);
      expect(await submitAndWait(page, 'form[action="/staff/departments"] button[type=submit]')).toBe(200);
      expect(new URL(page.url()).pathname).toMatch(/^\/staff\/departments\/\d+$/);
      await axe.check('department page with a notice');

      expect(await submitAndWait(page, 'form[action$="/tokens"] button[type=submit]')).toBe(400);
      await axe.check('department page with errors');
      await page.fill('#label', 'SIMPUS');
      expect(await submitAndWait(page, 'form[action$="/tokens"] button[type=submit]')).toBe(200);
      expect(await page.textContent('[data-api-token]')).toMatch(/^lnt_[A-Za-z0-9_-]{43}$/);
      await axe.check('new token');

      await page.click('main a.button');
      await page.waitForURL(/\/staff\/departments\/\d+$/);
      await axe.check('department page with a token');

      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});
