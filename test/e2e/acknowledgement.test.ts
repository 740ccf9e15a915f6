import request from 'supertest';
import { axeChecker, expectNoThirdPartyRequests, useApp, useBrowser } from '../helpers/browser';
import { fileReport, formBody, tokenFrom, validReport } from '../helpers/testApp';
import { createStaffAccount, signedInAgent } from '../helpers/staff';
import { lastOutboxId, outboxEmails, readable } from '../helpers/outbox';

/**
 * The page behind a partner's link, in a real browser: it works without JavaScript, a GET records
 * nothing, and it passes axe (WCAG 2.2 AA) in both languages in each of its states.
 */

jest.setTimeout(60_000);

const pages = useBrowser();
const running = useApp();

/** A report redirected to a partner with an email address; returns the link to accept, from the email. */
async function redirectedLink(): Promise<string> {
  const { lentera } = running;
  const triage = await createStaffAccount(lentera, { role: 'triage' });
  const at = new Date().toISOString();
  const partnerId = Number(
    lentera.db
      .prepare(
        "INSERT INTO partners (name, type, phone, email, created_at, updated_at) VALUES ('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'uptdppa@padang.test', ?, ?)",
      )
      .run(at, at).lastInsertRowid,
  );
  await fileReport(request.agent(lentera.app), validReport());
  const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
  const agent = await signedInAgent(lentera, triage);
  const token = await tokenFrom(agent, `/staff/reports/${reference}`);
  const before = lastOutboxId(lentera);
  await agent
    .post(`/staff/reports/${reference}/redirect`)
    .type('form')
    .send(
      formBody({
        'redirect-partner': String(partnerId),
        'redirect-reason': 'mandate_elsewhere',
        'redirect-summary': 'Ringkasan.',
        'redirect-explanation': 'Penjelasan.',
        _csrf: token,
      }),
    )
    .expect(303);
  const email = outboxEmails(lentera, before).find((e) => e.template === 'redirect_to_partner')!;
  return /(https?:\/\/\S+\?answer=accepted)/.exec(readable(lentera, email))![1]!;
}

const acknowledgementStatus = () => running.lentera.db.prepare('SELECT ack_status FROM redirects ORDER BY id DESC LIMIT 1').pluck().get();

test('a partner answers from the link without JavaScript, and a GET records nothing', async () => {
  const link = await redirectedLink();
  const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled: false });

  expect((await page.goto(link))?.status()).toBe(200);
  expect((await page.reload())?.status()).toBe(200);
  expect(acknowledgementStatus()).toBe('sent');

  await page.click('#answer-received');
  await page.waitForURL((u) => !u.search.includes('answer'));
  expect(acknowledgementStatus()).toBe('received');
  expect(await page.locator('.notice').innerText()).toContain('Terima kasih');

  await page.fill('#reason', 'Bukan wilayah layanan kami.');
  await page.click('#answer-declined');
  await page.locator('h1', { hasText: 'Tanggapan sudah tercatat' }).waitFor();
  expect(acknowledgementStatus()).toBe('declined');
  expectNoThirdPartyRequests(log);
});

test('every state of the page passes axe (WCAG 2.2 AA) in both languages', async () => {
  const link = await redirectedLink();
  const { page, log } = await pages.open(running.baseUrl);
  const axe = axeChecker(page);
  const base = link.split('?')[0]!;

  await page.goto(link);
  await axe.check('ack page (id)');
  await page.goto(`${base}?lang=en`);
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  await axe.check('ack page (en)');

  await page.click('#answer-declined');
  await page.locator('.error-summary').waitFor();
  await axe.check('ack page with an error (en)');
  expect(acknowledgementStatus()).toBe('sent');

  await page.goto(`${base}?lang=id`);
  await page.click('#answer-received');
  await page.locator('.notice').waitFor();
  await axe.check('ack page after "received" (id)');

  await page.click('#answer-accepted');
  await page.locator('h1', { hasText: 'Tanggapan sudah tercatat' }).waitFor();
  await axe.check('already recorded (id)');
  await page.goto(`${base}?lang=en`);
  await axe.check('already recorded (en)');

  axe.assertClean();
  expectNoThirdPartyRequests(log);
});
