import AxeBuilder from '@axe-core/playwright';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { expectNoThirdPartyRequests, launchBrowser, openTrackedPage, startApp, type RunningApp, type TrackedPage } from '../helpers/browser';
import { fileReport, formBody, tokenFrom, validReport } from '../helpers/testApp';
import { createStaffAccount, signIn } from '../helpers/staff';
import { lastOutboxId, outboxEmails, readable } from '../helpers/outbox';

/**
 * The page behind a partner's link, in a real browser: it works without JavaScript, a GET records
 * nothing, and it passes axe (WCAG 2.2 AA) in both languages in each of its states.
 */

jest.setTimeout(60_000);

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let browser: Browser;
let running: RunningApp;
const opened: TrackedPage[] = [];

beforeAll(async () => {
  running = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.context.close();
});

/** A report redirected to a partner with an email address; returns the link to accept, from the email. */
async function redirectedLink(): Promise<string> {
  const { lentera } = running;
  const triage = await createStaffAccount(lentera, { role: 'triage' });
  const at = new Date().toISOString();
  const partnerId = Number(
    lentera.db
      .prepare("INSERT INTO partners (name, type, phone, email, created_at, updated_at) VALUES ('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'uptdppa@padang.test', ?, ?)")
      .run(at, at).lastInsertRowid,
  );
  await fileReport(request.agent(lentera.app), validReport());
  const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
  const agent = request.agent(lentera.app);
  await signIn(agent, lentera, triage);
  const token = await tokenFrom(agent, `/staff/reports/${reference}`);
  const before = lastOutboxId(lentera);
  await agent
    .post(`/staff/reports/${reference}/redirect`)
    .type('form')
    .send(formBody({ 'redirect-partner': String(partnerId), 'redirect-reason': 'mandate_elsewhere', 'redirect-summary': 'Ringkasan.', 'redirect-explanation': 'Penjelasan.', _csrf: token }))
    .expect(303);
  const email = outboxEmails(lentera, before).find((e) => e.template === 'redirect_to_partner')!;
  return /(https?:\/\/\S+\?answer=accepted)/.exec(readable(lentera, email))![1]!;
}

async function axe(page: Page, name: string, problems: string[]): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  for (const v of results.violations) problems.push(`${name} (${page.url()}): ${v.id} ${v.help}\n${v.nodes.map((n) => `  ${n.html}`).join('\n')}`);
}

const ackStatus = () => running.lentera.db.prepare('SELECT ack_status FROM redirects ORDER BY id DESC LIMIT 1').pluck().get();

test('a partner answers from the link without JavaScript; every state passes axe in both languages', async () => {
  const link = await redirectedLink();
  console.error('step 1');
  const tracked = await openTrackedPage(browser, running.baseUrl, { javaScriptEnabled: false });
  console.error('step 2');
  opened.push(tracked);
  console.error('step 3');
  const { page, log } = tracked;
  console.error('step 4');
  const problems: string[] = [];
  console.error('step 5');

  const first = await page.goto(link);
  console.error('step 6');
  expect(first?.status()).toBe(200);
  console.error('step 7');
  expect(ackStatus()).toBe('sent');
  console.error('step 8');
  await axe(page, 'ack page (id)', problems);
  console.error('step 9');
  await page.goto(`${link.split('?')[0]}?lang=en`);
  console.error('step 10');
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  console.error('step 11');
  await axe(page, 'ack page (en)', problems);
  console.error('step 12');

  // A decline without a reason: the error summary, then the reason, then recorded.
  await page.click('#answer-declined');
  console.error('step 13');
  await page.locator('.error-summary').waitFor();
  console.error('step 14');
  await axe(page, 'ack page with an error (en)', problems);
  console.error('step 15');
  expect(ackStatus()).toBe('sent');
  console.error('step 16');

  await page.goto(`${link.split('?')[0]}?lang=id`);
  console.error('step 17');
  await page.click('#answer-received');
  console.error('step 18');
  await page.waitForURL((u) => !u.search.includes('answer'));
  console.error('step 19');
  expect(ackStatus()).toBe('received');
  console.error('step 20');
  expect(await page.locator('.notice').innerText()).toContain('Terima kasih');
  console.error('step 21');
  await axe(page, 'ack page after "received" (id)', problems);
  console.error('step 22');

  await page.fill('#reason', 'Bukan wilayah layanan kami.');
  console.error('step 23');
  await page.click('#answer-declined');
  console.error('step 24');
  await page.waitForLoadState();
  console.error('step 25');
  expect(ackStatus()).toBe('declined');
  console.error('step 26');
  expect(await page.locator('h1').innerText()).toBe('Tanggapan sudah tercatat');
  console.error('step 27');
  await axe(page, 'already recorded (id)', problems);
  console.error('step 28');

  if (problems.length > 0) throw new Error(`axe found ${problems.length} violation(s):\n\n${problems.join('\n\n')}`);
  console.error('step 29');
  expectNoThirdPartyRequests(log);
  console.error('step 30');
});
