import { axeChecker, expectNoThirdPartyRequests, signInWithPassword, useApp, useBrowser } from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtpServer';
import type { OutgoingEmail } from '../../src/mail/types';

/** /staff/outbox in a real browser: axe (WCAG 2.2 AA) in both languages, and a retry without JavaScript. */

jest.setTimeout(60_000);

const pages = useBrowser();
let smtp: TestSmtpServer;
let admin: StaffAccount;

const reporterUpdate = (to: string): OutgoingEmail => ({
  to,
  recipientKind: 'reporter',
  template: 'reporter_update',
  locale: 'id',
  params: {},
});

beforeAll(async () => {
  smtp = await startSmtpServer();
});
const running = useApp(() => ({ REQUIRE_2FA: 'false', SMTP_URL: smtp.url }));
beforeAll(async () => {
  admin = await createStaffAccount(running.lentera, { role: 'admin', name: 'Admin Uji' });
});

// After useApp's afterAll: the app stops before its mail server does.
afterAll(async () => {
  await smtp?.close();
});

// axe runs in the page, so it needs JavaScript; the page itself does not, which the last case shows.
for (const [lang, javaScriptEnabled] of [
  ['id', true],
  ['en', true],
  ['id', false],
] as const) {
  test(`the outbox page in ${lang === 'en' ? 'English' : 'Indonesian'}${javaScriptEnabled ? '' : ', without JavaScript'}`, async () => {
    const { lentera } = running;
    const enqueue = (email: OutgoingEmail) =>
      lentera.db.transaction(() => lentera.services.outboxService.enqueue(email, lentera.now()))().id;
    const failed = enqueue(reporterUpdate(`ditolak.${lang}${javaScriptEnabled ? '' : '.nojs'}@gmail.com`));
    smtp.rcptReplies.push(550);
    await lentera.services.outboxService.drain(1);
    enqueue(reporterUpdate(`menunggu.${lang}@gmail.com`));

    const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled });
    await signInWithPassword(page, running.url(`/login?lang=${lang}`), admin);

    await page.click('a[href="/staff/outbox"]');
    await page.waitForURL(/\/staff\/outbox$/);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await page.textContent(`tr[data-outbox="${failed}"]`)).toContain('d•••@gmail.com');
    // The page's language is checked once, above; each check only runs axe (under the language's name).
    const axe = axeChecker(page);
    const check = async (name: string) => {
      if (javaScriptEnabled) await axe.check(`[${lang}] ${name}`);
    };
    await check('outbox with a failed and a waiting email');

    const [response] = await Promise.all([page.waitForNavigation(), page.click(`form[action="/staff/outbox/${failed}/retry"] button`)]);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/staff/outbox');
    expect(await page.textContent('.notice')).toMatch(lang === 'id' ? /dikembalikan ke antrean/ : /back in the queue/);
    await check('outbox after a retry');
    expect(lentera.db.prepare('SELECT status FROM outbox WHERE id = ?').pluck().get(failed)).toBe('pending');

    axe.assertClean();
    expectNoThirdPartyRequests(log);
    lentera.db.prepare('DELETE FROM outbox').run();
  });
}
