import { axeChecker, expectNoThirdPartyRequests, startApp, submitAndWait, useBrowser, type RunningApp } from '../helpers/browser';
import { totpCodeAt } from '../../src/security/totp';

/**
 * The account pages in a real browser, with the second factor on: first-administrator setup,
 * enrolment (the QR image must load under the CSP), sign-in with a code, my account, and the
 * administrator's accounts pages — each checked with axe (WCAG 2.2 AA) in both languages.
 */

jest.setTimeout(60_000);

const pages = useBrowser();

describe('account pages (axe, WCAG 2.2 AA)', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`setup, enrolment, sign-in and accounts in ${lang === 'en' ? 'English' : 'Indonesian'}`, async () => {
      const running: RunningApp = await startApp();
      try {
        const { page, log } = await pages.open(running.baseUrl);
        const axe = axeChecker(page, lang);
        const url = (p: string) => running.url(p);

        const setupPath = /https?:\/\/[^/\s]+(\/setup\/[A-Za-z0-9_-]+)/.exec(running.lentera.logs.join('\n'))![1]!;
        await page.goto(url(`/login?lang=${lang}`));
        await axe.check('login');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await axe.check('login with errors');

        await page.goto(url(setupPath));
        await axe.check('first administrator setup');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await axe.check('setup with errors');
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
        await axe.check('enrolment');
        // The QR code loads under the CSP (an image from our own origin).
        const qrWidth = await page.$eval('img.qr-code', (img) => (img as unknown as { naturalWidth: number }).naturalWidth);
        expect(qrWidth).toBeGreaterThan(0);
        const secret = (await page.textContent('[data-totp-secret]'))!.replace(/\s/g, '');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await axe.check('enrolment with errors');
        await page.fill('#code', await totpCodeAt(secret, running.lentera.now()));
        await submitAndWait(page, 'main form button[type=submit]');
        expect(new URL(page.url()).pathname).toBe('/staff/partners');

        await page.goto(url('/account'));
        await axe.check('my account');
        expect(await submitAndWait(page, 'main form[action="/account/password"] button[type=submit]')).toBe(400);
        await axe.check('my account with errors');

        await page.goto(url('/staff/users/new'));
        await axe.check('invitation form');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await axe.check('invitation form with errors');
        await page.fill('#email', `budi.${lang}@lk3.test`);
        await page.fill('#name', 'Budi');
        await page.check('#role-admin');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(200);
        await axe.check('invitation link');
        const invitation = new URL((await page.textContent('[data-invitation-link]'))!.trim()).pathname;
        await page.goto(url('/staff/users'));
        await axe.check('accounts list');
        await submitAndWait(page, 'table a:has-text("Budi")');
        expect(new URL(page.url()).pathname).toMatch(/^\/staff\/users\/\d+$/);
        await axe.check('account detail');

        // Sign out; the invitee sets a password and goes straight on to enrol the second factor.
        await submitAndWait(page, 'form[action="/logout"] button[type=submit]');
        expect(new URL(page.url()).pathname).toBe('/login');
        await page.goto(url(invitation));
        await axe.check('invitation');
        await page.fill('#password', 'kata sandi budi panjang');
        await page.fill('#password_confirm', 'kata sandi budi panjang');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(200);
        expect(new URL(page.url()).pathname).toBe('/login/enrol');
        await axe.check('enrolment right after the invitation');

        // The administrator is asked for a code at the next sign-in.
        await page.goto(url('/login'));
        await page.fill('#email', 'ani@lk3.test');
        await page.fill('#password', password);
        await submitAndWait(page, 'main form button[type=submit]');
        expect(new URL(page.url()).pathname).toBe('/login/code');
        await axe.check('code');
        expect(await submitAndWait(page, 'main form button[type=submit]')).toBe(400);
        await axe.check('code with errors');

        expect(axe.problems).toEqual([]);
        expectNoThirdPartyRequests(log);
      } finally {
        await running.stop();
      }
    });
  }
});
