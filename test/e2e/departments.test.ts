import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { expectNoThirdPartyRequests, launchBrowser, openTrackedPage, startApp, type RunningApp, type TrackedPage } from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';

/** The departments pages and the token page in a real browser, checked with axe (WCAG 2.2 AA), in both languages. */

jest.setTimeout(60_000);

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let browser: Browser;
let running: RunningApp;
let admin: StaffAccount;
const opened: TrackedPage[] = [];

beforeAll(async () => {
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

describe('departments pages (axe, WCAG 2.2 AA)', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`list, department page and a new token in ${lang === 'en' ? 'English' : 'Indonesian'}`, async () => {
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

      await page.goto(url('/staff/departments'));
      await check('department list');
      expect(await submitAndWait(page, 'form[action="/staff/departments"] button[type=submit]')).toBe(400);
      await check('department list with errors');

      await page.fill('#name', `Puskesmas Andalas ${lang}`);
      expect(await submitAndWait(page, 'form[action="/staff/departments"] button[type=submit]')).toBe(200);
      expect(new URL(page.url()).pathname).toMatch(/^\/staff\/departments\/\d+$/);
      await check('department page with a notice');

      expect(await submitAndWait(page, 'form[action$="/tokens"] button[type=submit]')).toBe(400);
      await check('department page with errors');
      await page.fill('#label', 'SIMPUS');
      expect(await submitAndWait(page, 'form[action$="/tokens"] button[type=submit]')).toBe(200);
      expect(await page.textContent('[data-api-token]')).toMatch(/^lnt_[A-Za-z0-9_-]{43}$/);
      await check('new token');

      await page.click('main a.button');
      await page.waitForURL(/\/staff\/departments\/\d+$/);
      await check('department page with a token');

      if (problems.length > 0) throw new Error(`axe found ${problems.length} violation(s):\n\n${problems.join('\n\n')}`);
      expectNoThirdPartyRequests(log);
    });
  }
});
