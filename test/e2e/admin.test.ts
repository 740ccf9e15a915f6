import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { expectNoThirdPartyRequests, launchBrowser, openTrackedPage, startApp, type RunningApp, type TrackedPage } from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';

/** The administration pages and the audit log in a real browser, checked with axe (WCAG 2.2 AA), in both languages. */

jest.setTimeout(60_000);

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let browser: Browser;
let running: RunningApp;
let admin: StaffAccount;
const opened: TrackedPage[] = [];

beforeAll(async () => {
  // Password only: the second factor has its own tests; here it would only slow the pages down.
  running = await startApp({ REQUIRE_2FA: 'false' });
  admin = await createStaffAccount(running.lentera, { role: 'admin', name: 'Admin Uji' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.context.close();
});

const url = (p: string) => running.url(p);

async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto(url('/login'));
  await page.fill('#email', admin.email);
  await page.fill('#password', admin.password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('form[action="/login"] button[type=submit]')]);
}

async function submitAndWait(page: Page, selector: string): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response?.status() ?? 0;
}

describe('administration pages (axe, WCAG 2.2 AA)', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`partners, settings and the audit log in ${lang === 'en' ? 'English' : 'Indonesian'}`, async () => {
      const tracked = await openTrackedPage(browser, running.baseUrl);
      opened.push(tracked);
      const { page, log } = tracked;
      const problems: string[] = [];

      async function check(name: string): Promise<void> {
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
        for (const v of results.violations) {
          const nodes = v.nodes.map((n) => `      at ${n.target.join(' ')}\n        ${n.failureSummary?.replace(/\n/g, '\n        ') ?? ''}\n        ${n.html}`);
          problems.push(`[${lang}] ${name} (${page.url()}): ${v.id} [${v.impact ?? 'n/a'}] ${v.help}\n${nodes.join('\n')}`);
        }
      }

      await page.goto(url(`/?lang=${lang}`));
      await signInAsAdmin(page);
      expect(new URL(page.url()).pathname).toMatch(/^\/staff\//);

      await page.goto(url('/staff/partners/new'));
      await check('new partner form');
      expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
      await check('new partner form with errors');

      await page.fill('#name', `Puspaga Kota Padang ${lang}`);
      await page.selectOption('#type', 'puspaga');
      await page.fill('#phone', '(0751) 123456');
      await page.check('#areas-13\\.71\\.01');
      expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/staff/partners');
      await check('partner list with a notice');

      await page.locator('tr', { hasText: `Puspaga Kota Padang ${lang}` }).locator('a').first().click();
      await page.waitForURL(/\/staff\/partners\/\d+$/);
      await check('partner edit form');

      await page.goto(url('/staff/settings'));
      await check('settings');
      await page.fill('#date', '2020-01-01');
      expect(await submitAndWait(page, 'form[action="/staff/settings/holidays"] button[type=submit]')).toBe(400);
      await check('settings with errors');
      await page.fill('#date', `2099-12-${lang === 'id' ? '25' : '26'}`);
      await page.fill('#name_id', 'Hari Raya Natal');
      await page.fill('#name_en', 'Christmas Day');
      expect(await submitAndWait(page, 'form[action="/staff/settings/holidays"] button[type=submit]')).toBe(200);
      await check('settings with a holiday');

      await page.goto(url('/staff/audit'));
      await check('audit log');
      await page.goto(url('/staff/audit?from=2026-11-30&to=2026-11-01'));
      await check('audit log with a filter error');

      if (problems.length > 0) throw new Error(`axe found ${problems.length} violation(s):\n\n${problems.join('\n\n')}`);
      expectNoThirdPartyRequests(log);
    });
  }
});
