import AxeBuilder from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { expectNoThirdPartyRequests, launchBrowser, openTrackedPage, startApp, type RunningApp, type TrackedPage } from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtpServer';
import type { OutgoingEmail } from '../../src/mail/types';

/** /staff/outbox in a real browser: axe (WCAG 2.2 AA) in both languages, and a retry without JavaScript. */

jest.setTimeout(60_000);

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let browser: Browser;
let running: RunningApp;
let smtp: TestSmtpServer;
let admin: StaffAccount;
const opened: TrackedPage[] = [];

const reporterUpdate = (to: string): OutgoingEmail => ({ to, recipientKind: 'reporter', template: 'reporter_update', locale: 'id', params: {} });

beforeAll(async () => {
  smtp = await startSmtpServer();
  running = await startApp({ REQUIRE_2FA: 'false', SMTP_URL: smtp.url });
  admin = await createStaffAccount(running.lentera, { role: 'admin', name: 'Admin Uji' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  await smtp?.close();
});

afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.context.close();
});

// axe runs in the page, so it needs JavaScript; the page itself does not, which the last case shows.
for (const [lang, javaScriptEnabled] of [
  ['id', true],
  ['en', true],
  ['id', false],
] as const) {
  test(`the outbox page in ${lang === 'en' ? 'English' : 'Indonesian'}${javaScriptEnabled ? '' : ', without JavaScript'}`, async () => {
    const { lentera } = running;
    const enqueue = (email: OutgoingEmail) => lentera.db.transaction(() => lentera.services.outboxService.enqueue(email, lentera.now()))().id;
    const failed = enqueue(reporterUpdate(`ditolak.${lang}${javaScriptEnabled ? '' : '.nojs'}@gmail.com`));
    smtp.rcptReplies.push(550);
    await lentera.services.outboxService.drain(1);
    enqueue(reporterUpdate(`menunggu.${lang}@gmail.com`));

    const tracked = await openTrackedPage(browser, running.baseUrl, { javaScriptEnabled });
    opened.push(tracked);
    const { page, log } = tracked;
    await page.goto(running.url(`/login?lang=${lang}`));
    await page.fill('#email', admin.email);
    await page.fill('#password', admin.password);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('form[action="/login"] button[type=submit]')]);

    await page.click('a[href="/staff/outbox"]');
    await page.waitForURL(/\/staff\/outbox$/);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await page.textContent(`tr[data-outbox="${failed}"]`)).toContain('d•••@gmail.com');
    const problems: string[] = [];
    const check = async (name: string) => {
      if (!javaScriptEnabled) return;
      const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
      for (const v of results.violations) problems.push(`[${lang}] ${name}: ${v.id} [${v.impact ?? 'n/a'}] ${v.help}\n${v.nodes.map((n) => n.html).join('\n')}`);
    };
    await check('outbox with a failed and a waiting email');

    const [response] = await Promise.all([page.waitForNavigation(), page.click(`form[action="/staff/outbox/${failed}/retry"] button`)]);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/staff/outbox');
    expect(await page.textContent('.notice')).toMatch(lang === 'id' ? /dikembalikan ke antrean/ : /back in the queue/);
    await check('outbox after a retry');
    expect(lentera.db.prepare('SELECT status FROM outbox WHERE id = ?').pluck().get(failed)).toBe('pending');

    if (problems.length > 0) throw new Error(`axe found ${problems.length} violation(s):\n\n${problems.join('\n\n')}`);
    expectNoThirdPartyRequests(log);
    lentera.db.prepare('DELETE FROM outbox').run();
  });
}
