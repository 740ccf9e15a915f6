import request from 'supertest';
import type { Page } from 'playwright-core';
import { axeChecker, expectNoThirdPartyRequests, signInWithPassword, submitAndWait, useApp, useBrowser } from '../helpers/browser';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { fileReport, formBody, tokenFrom, type Agent } from '../helpers/testApp';

/**
 * The paper file and saved replies in a real browser: the print views of a case and a report carry
 * nothing of the back office, pass axe, keep their content in print media and print to a PDF; a
 * supervisor keeps the saved replies, and triage inserts one into a message with and without JavaScript.
 */

jest.setTimeout(90_000);

const pages = useBrowser();
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
let supervisor: StaffAccount;
let triage: StaffAccount;
let worker: StaffAccount;
let reference: string;
let slug: string;
const NARRATIVE = 'Anak tetangga sering ditinggal sendirian berhari-hari tanpa makanan.';
const NOTE = 'Kunjungan rumah pertama: ibu bersedia didampingi.';

async function post(agent: Agent, path: string, fields: Record<string, string>, page: string): Promise<void> {
  const token = await tokenFrom(agent, page);
  const res = await agent
    .post(path)
    .type('form')
    .send(formBody({ ...fields, _csrf: token }));
  expect(res.status).toBe(303);
}

/** A resident's report, filed through the app. */
async function newReport(): Promise<string> {
  const lentera = running.lentera;
  await fileReport(request.agent(lentera.app));
  return lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
}

beforeAll(async () => {
  const lentera = running.lentera;
  supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sari Koordinator' });
  triage = await createStaffAccount(lentera, { role: 'triage', name: 'Tari Triase' });
  worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
  reference = await newReport();
  const t = await signedInAgent(lentera, triage);
  const page = `/staff/reports/${reference}`;
  await post(
    t,
    `${page}/accept`,
    {
      'accept-case_mode': 'new',
      'accept-case_number': '',
      'accept-assignee': String(worker.id),
      'accept-risk': 'medium',
      'accept-note': '',
    },
    page,
  );
  const number = lentera.db
    .prepare('SELECT c.number FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?')
    .pluck()
    .get(reference) as string;
  slug = number.replace(/\//g, '-');
  const w = await signedInAgent(lentera, worker);
  await post(w, `/staff/cases/${slug}/note`, { 'note-text': NOTE }, `/staff/cases/${slug}`);
  await post(
    w,
    `/staff/cases/${slug}/risk`,
    { 'risk-level': 'high', 'risk-factors': 'Ayah sering mabuk', 'risk-protective': 'Nenek tinggal dekat' },
    `/staff/cases/${slug}`,
  );
});

/** Nothing of the back office on the page: no header, menu, buttons, forms, quick exit or script. */
async function expectNoChrome(page: Page): Promise<void> {
  for (const selector of ['nav', 'header', '.site-header', '.staff-nav', 'button', 'form', '[data-quick-exit]', 'script', '.skip-link']) {
    expect(`${selector}: ${await page.locator(selector).count()}`).toBe(`${selector}: 0`);
  }
}

/** In print media the content and the footer are still there to see; and the page prints to a real PDF. */
async function expectPrints(page: Page, content: string): Promise<void> {
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByText(content).first().isVisible()).resolves.toBe(true);
  expect(await page.locator('[data-print-footer]').isVisible()).toBe(true);
  expect(await page.locator('[data-print-marking]').isVisible()).toBe(true);
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(5000);
  await page.emulateMedia({ media: 'screen' });
}

describe('print views', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`a case and a report on paper (${lang})`, async () => {
      const { page, log } = await pages.open(running.baseUrl);
      const axe = axeChecker(page, lang);
      await page.goto(running.url(`/?lang=${lang}`));
      await signInWithPassword(page, running.url('/login'), supervisor);

      // From the case page's link.
      await page.goto(running.url(`/staff/cases/${slug}`));
      expect(await submitAndWait(page, `a[href="/staff/cases/${slug}/print"]`)).toBe(200);
      await expectNoChrome(page);
      expect(await page.locator('main').textContent()).toContain(NOTE);
      expect(await page.locator('[data-print-footer]').textContent()).toContain(supervisor.name);
      await axe.check('case print view');
      await expectPrints(page, NOTE);

      const response = await page.goto(running.url(`/staff/reports/${reference}/print`));
      expect(response?.status()).toBe(200);
      await expectNoChrome(page);
      await axe.check('report print view');
      await expectPrints(page, NARRATIVE);

      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});

describe('saved replies', () => {
  test('a supervisor adds one; the pages pass axe', async () => {
    const { page, log } = await pages.open(running.baseUrl);
    const axe = axeChecker(page, 'id');
    await signInWithPassword(page, running.url('/login'), supervisor);
    await page.goto(running.url('/staff/replies'));
    await axe.check('saved replies');
    expect(await submitAndWait(page, 'a[href="/staff/replies/new"]')).toBe(200);
    expect(await submitAndWait(page, 'main form[action="/staff/replies"] button[type=submit]')).toBe(400);
    await axe.check('saved reply form with errors');
    await page.fill('#title_id', 'Menanyakan keadaan anak');
    await page.fill('#body_id', 'Bagaimana keadaan anak saat ini? Apakah ia sudah makan dan berada di tempat yang aman?');
    await page.fill('#title_en', 'Asking after the child');
    await page.fill('#body_en', 'How is the child now? Have they eaten, and are they somewhere safe?');
    expect(await submitAndWait(page, 'main form[action="/staff/replies"] button[type=submit]')).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/staff/replies');
    expect(await page.locator('main').textContent()).toContain('Menanyakan keadaan anak');
    axe.assertClean();
    expectNoThirdPartyRequests(log);
  });

  test('with JavaScript, Insert puts the reply into the message in the page, after what was typed; it is edited and sent', async () => {
    const target = await newReport();
    const { page, log } = await pages.open(running.baseUrl);
    const axe = axeChecker(page, 'id');
    await signInWithPassword(page, running.url('/login'), triage);
    await page.goto(running.url(`/staff/reports/${target}`));
    await axe.check('report page with saved replies');
    const body = running.lentera.db
      .prepare("SELECT body_id FROM saved_replies WHERE title_id = 'Menanyakan lokasi'")
      .pluck()
      .get() as string;
    await page.fill('#ask-message', 'Selamat siang.');
    await page.selectOption('#ask-saved_reply', { label: 'Menanyakan lokasi' });
    const before = page.url();
    await page.click('[data-saved-reply-insert][value=ask]');
    expect(page.url()).toBe(before);
    expect(await page.inputValue('#ask-message')).toBe(`Selamat siang.\n\n${body}`);
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('ask-message');
    expect(await page.locator('#ask-title ~ form [data-saved-reply-status]').textContent()).toContain('sudah disisipkan');
    await page.locator('#ask-message').press('End');
    await page.locator('#ask-message').pressSequentially(' Terima kasih.');
    const sent = await submitAndWait(page, `main form[action="/staff/reports/${target}/ask"] button[type=submit]:not([formaction])`);
    expect(sent).toBe(200);
    expect(await page.locator('main').textContent()).toContain(`${body} Terima kasih.`);
    axe.assertClean();
    expectNoThirdPartyRequests(log);
  });

  test('without JavaScript, Insert comes back with the reply in the message, what was typed kept', async () => {
    const target = await newReport();
    const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled: false });
    await signInWithPassword(page, running.url('/login'), triage);
    await page.goto(running.url(`/staff/reports/${target}?lang=en`));
    const body = running.lentera.db
      .prepare("SELECT body_en FROM saved_replies WHERE title_en = 'Asking for a safe time to call'")
      .pluck()
      .get() as string;
    await page.fill('#ask-message', 'Good afternoon.');
    await page.selectOption('#ask-saved_reply', { label: 'Asking for a safe time to call' });
    await page.selectOption('#ask-saved_reply_lang', 'en');
    expect(await submitAndWait(page, '[data-saved-reply-insert][value=ask]')).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/staff/reports/${target}/insert-reply`);
    expect(await page.inputValue('#ask-message')).toBe(`Good afternoon.\n\n${body}`);
    expectNoThirdPartyRequests(log);
  });
});
