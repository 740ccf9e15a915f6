import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { expectNoThirdPartyRequests, launchBrowser, openTrackedPage, startApp, type RunningApp, type TrackedPage } from '../helpers/browser';
import { totpCodeAt } from '../../src/services/totp';

/**
 * The account pages in a real browser, with the second factor on: first-administrator setup,
 * enrolment (the QR image must load under the CSP), sign-in with a code, my account, and the
 * administrator's accounts pages — each checked with axe (WCAG 2.2 AA) in both languages.
 */

jest.setTimeout(60_000);

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let browser: Browser;
const opened: TrackedPage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.context.close();
});

async function submitAndWait(page: Page, selector: string): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response?.status() ?? 0;
}

describe('account pages (axe, WCAG 2.2 AA)', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`setup, enrolment, sign-in and accounts in ${lang === 'en' ? 'English' : 'Indonesian'}`, async () => {
      const running: RunningApp = await startApp();
      try {
        const tracked = await openTrackedPage(browser, running.baseUrl);
        opened.push(tracked);
        const { page, log } = tracked;
        const problems: string[] = [];
        const url = (p: string) => running.url(p);

        async function check(name: string): Promise<void> {
          expect(await page.getAttribute('html', 'lang')).toBe(lang);
          const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
          for (const v of results.violations) {
            const nodes = v.nodes.map((n) => `      at ${n.target.join(' ')}\n        ${n.failureSummary?.replace(/\n/g, '\n        ') ?? ''}\n        ${n.html}`);
            problems.push(`[${lang}] ${name} (${page.url()}): ${v.id} [${v.impact ?? 'n/a'}] ${v.help}\n${nodes.join('\n')}`);
          }
        }

        const setupPath = /https?:\/\/[^/\s]+(\/setup\/[A-Za-z0-9_-]+)/.exec(running.lentera.logs.join('\n'))![1]!;
        await page.goto(url(`/login?lang=${lang}`));
        await check('login');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await check('login with errors');

        await page.goto(url(setupPath));
        await check('first administrator setup');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await check('setup with errors');
        const password = 'sandi administrator pertama';
        await page.fill('#name', 'Ani Admin');
        await page.fill('#email', 'ani@lk3.test');
        await page.fill('#password', password);
        await page.fill('#password_confirm', password);
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(200);
        expect(new URL(page.url()).pathname).toBe('/login');

        await page.fill('#email', 'ani@lk3.test');
        await page.fill('#password', password);
        await submitAndWait(page, 'main form button[type=submit]');
        expect(new URL(page.url()).pathname).toBe('/login/enrol');
        await check('enrolment');
        // The QR code loads under the CSP (an image from our own origin).
        const qrWidth = await page.$eval('img.qr-code', (img) => (img as unknown as { naturalWidth: number }).naturalWidth);
        expect(qrWidth).toBeGreaterThan(0);
        const secret = (await page.textContent('[data-totp-secret]'))!.replace(/\s/g, '');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await check('enrolment with errors');
        await page.fill('#code', await totpCodeAt(secret, running.lentera.now()));
        await submitAndWait(page, 'main form button[type=submit]');
        expect(new URL(page.url()).pathname).toBe('/staff/partners');

        await page.goto(url('/account'));
        await check('my account');
        expect(await submitAndWait(page, 'main form[action="/account/password"] button[type=submit]')).toBe(400);
        await check('my account with errors');

        await page.goto(url('/staff/users/new'));
        await check('invitation form');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await check('invitation form with errors');
        await page.fill('#email', `budi.${lang}@lk3.test`);
        await page.fill('#name', 'Budi');
        await page.check('#role-caseworker');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(200);
        await check('invitation link');
        const invitation = new URL((await page.textContent('[data-invitation-link]'))!.trim()).pathname;
        await page.goto(url('/staff/users'));
        await check('accounts list');
        await submitAndWait(page, 'table a:has-text("Budi")');
        expect(new URL(page.url()).pathname).toMatch(/^\/staff\/users\/\d+$/);
        await check('account detail');

        // Sign out; the invitee sets a password, then is asked for a code at the next sign-in.
        await submitAndWait(page, 'form[action="/logout"] button[type=submit]');
        expect(new URL(page.url()).pathname).toBe('/login');
        await page.goto(url(invitation));
        await check('invitation');
        await page.fill('#password', 'kata sandi budi panjang');
        await page.fill('#password_confirm', 'kata sandi budi panjang');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(200);

        await page.fill('#email', 'ani@lk3.test');
        await page.fill('#password', password);
        await submitAndWait(page, 'main form button[type=submit]');
        expect(new URL(page.url()).pathname).toBe('/login/code');
        await check('code');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await check('code with errors');

        expect(problems).toEqual([]);
        expectNoThirdPartyRequests(log);
      } finally {
        await running.stop();
      }
    });
  }
});
