import fs from 'node:fs';
import path from 'node:path';
import type { Page, Response } from 'playwright-core';
import en from '../../src/i18n/locales/en.json';
import id from '../../src/i18n/locales/id.json';
import { loadTranslator } from '../../src/i18n';
import {
  NEUTRAL_EXIT_TITLE,
  NEUTRAL_START_TITLE,
  axeChecker,
  comesBefore,
  expectNoThirdPartyRequests,
  pressShiftThreeTimes,
  useAppWithNeutralSite,
  useBrowser,
  type TrackedPage,
} from '../helpers/browser';

/**
 * The public pages in a real browser (Debian's Chromium through playwright-core), against the
 * real app on 127.0.0.1: with and without JavaScript, the quick exit, and WCAG checks with axe.
 */

// jest.config.js sets testTimeout on the e2e project, but Jest reads testTimeout only from the global config.
jest.setTimeout(60_000);

const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output');
const RECEIPT_PATTERN = /^\d{4} \d{4} \d{4} \d{4}$/;

const pages = useBrowser();
const { running, neutral } = useAppWithNeutralSite();

/** A new context (own cookies), JavaScript on unless asked otherwise; closed after the test. */
function open(options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<TrackedPage> {
  return pages.open(running.baseUrl, options);
}

const url = (p: string) => running.url(p);
const pathOf = (page: Page) => new URL(page.url()).pathname;

interface ReportInput {
  category?: string;
  groups?: string[];
  kecamatan?: string;
  kelurahan?: string;
  locationDetail?: string;
  narrative?: string;
  urgency?: 'immediate' | 'urgent' | 'normal';
  relation?: string;
  contact?: { name: string; phone: string; channel: 'phone' | 'sms' | 'whatsapp' | 'email'; hours: string; leaveMessage: 'yes' | 'no' };
}

const NARRATIVE = 'Anak tetangga sering ditinggal sendirian berhari-hari tanpa makanan.';

/** Fills the report form the way a person does: by clicking and typing into the labelled fields. */
async function fillReport(page: Page, input: ReportInput = {}): Promise<void> {
  await page.check(`#category-${input.category ?? 'neglect'}`);
  for (const group of input.groups ?? ['child']) await page.check(`#affected_groups-${group}`);
  await page.fill('#narrative', input.narrative ?? NARRATIVE);
  await page.selectOption('#kecamatan', input.kecamatan ?? '13.71.01');
  await page.selectOption('#kelurahan', input.kelurahan ?? '13.71.01.1001');
  await page.fill('#location_detail', input.locationDetail ?? 'Dekat masjid, gang ketiga');
  await page.check(`#urgency-${input.urgency ?? 'normal'}`);
  await page.selectOption('#relation', input.relation ?? 'neighbour');
  if (input.contact) {
    await page.check('#wants_contact-yes');
    await page.fill('#contact_name', input.contact.name);
    await page.fill('#contact_phone', input.contact.phone);
    await page.check(`#contact_channel-${input.contact.channel}`);
    await page.fill('#contact_hours', input.contact.hours);
    await page.check(`#contact_leave_message-${input.contact.leaveMessage}`);
  } else {
    await page.check('#wants_contact-no');
  }
}

/** Clicks a submit button and returns the response to the POST it sends. */
async function submit(page: Page, button: string, action: string): Promise<Response> {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action);
  await page.click(button);
  return posted;
}

const REPORT_SUBMIT = 'form.report-form button[type=submit]';

/** Sends the filled form and waits for the receipt page; returns the receipt as shown. */
async function submitReportForReceipt(page: Page): Promise<string> {
  const [response] = await Promise.all([submit(page, REPORT_SUBMIT, '/report'), page.waitForURL(url('/report/receipt'))]);
  expect(response.status()).toBe(303);
  const receipt = (await page.locator('p.receipt-code[data-receipt]').textContent())?.trim() ?? '';
  expect(receipt).toMatch(RECEIPT_PATTERN);
  return receipt;
}

/** Presses "I have written this code down" on the receipt page and waits for the calm page that follows. */
async function confirmReceiptNoted(page: Page): Promise<void> {
  const [response] = await Promise.all([
    submit(page, 'form[action="/report/receipt/noted"] button[type=submit]', '/report/receipt/noted'),
    page.waitForURL(url('/report/receipt/noted')),
  ]);
  expect(response.status()).toBe(303);
}

/** Sends the form expecting it back with errors (400), and waits for the error summary. */
async function submitReportExpectingErrors(page: Page): Promise<void> {
  const response = await submit(page, REPORT_SUBMIT, '/report');
  expect(response.status()).toBe(400);
  await page.locator('.error-summary').waitFor();
}

/** Goes to /status, types the receipt and opens the status page. */
async function openStatusPage(page: Page, receipt: string): Promise<void> {
  await page.goto(url('/status'));
  await page.fill('#receipt', receipt);
  const [response] = await Promise.all([
    submit(page, 'form[action="/status"] button[type=submit]', '/status'),
    page.waitForSelector('#current-status'),
  ]);
  expect(response.status()).toBe(303);
  expect(pathOf(page)).toBe('/status');
}

async function sendMessage(page: Page, text: string): Promise<void> {
  await page.fill('#message', text);
  const response = await submit(page, 'form[action="/status/messages"] button[type=submit]', '/status/messages');
  expect(response.status()).toBe(303);
  await page.waitForURL(url('/status#messages'));
}

describe('filing a report and following it up', () => {
  test('with JavaScript: report, receipt kept until noted, status page, message', async () => {
    const { page, log } = await open();
    await page.goto(url('/'));
    await page.click('a.button[href="/report"]');
    await page.waitForURL(url('/report'));

    // With JavaScript the kelurahan list narrows to the chosen kecamatan and contact details stay hidden.
    expect(await page.locator('#kelurahan optgroup').count()).toBeGreaterThan(1);
    await page.selectOption('#kecamatan', '13.71.01');
    expect(await page.locator('#kelurahan optgroup').count()).toBe(1);
    expect(await page.locator('#kelurahan optgroup').getAttribute('data-kecamatan-code')).toBe('13.71.01');
    expect(await page.locator('[data-contact-details]').isHidden()).toBe(true);
    await page.check('#wants_contact-yes');
    expect(await page.locator('[data-contact-details]').isVisible()).toBe(true);
    await page.check('#wants_contact-no');
    expect(await page.locator('[data-contact-details]').isHidden()).toBe(true);

    await fillReport(page);
    const receipt = await submitReportForReceipt(page);

    // A reload shows it again, until she says she has noted it; then it is gone, digits and all.
    await page.reload();
    expect(await page.locator('p.receipt-code[data-receipt]').textContent()).toBe(receipt);
    await confirmReceiptNoted(page);
    await page.goto(url('/report/receipt'));
    expect(await page.locator('h1').textContent()).toBe(id.receiptGone.title);
    expect(await page.locator('[data-receipt]').count()).toBe(0);
    const body = await page.locator('body').innerText();
    expect(body).not.toContain(receipt);
    expect(body).not.toContain(receipt.replace(/ /g, ''));

    await openStatusPage(page, receipt);
    expect((await page.locator('#current-status').textContent())?.trim()).toBe('Sudah masuk, menunggu dibaca');
    expect(await page.locator('.message-body').count()).toBe(0);

    const message = 'Kemarin malam anak itu kembali sendirian di rumah.';
    await sendMessage(page, message);
    expect(await page.locator('.notice').innerText()).toContain(id.status.messageSent);
    expect(await page.locator('#messages .message-body').allTextContents()).toEqual([message]);

    // The receipt never appears in a URL the browser asked for.
    const digits = receipt.replace(/ /g, '');
    expect(log.requests.filter((r) => r.url.includes(digits) || r.url.includes(encodeURIComponent(receipt)))).toEqual([]);

    // Closing the session leads home; the status page then asks for a receipt again.
    await Promise.all([submit(page, 'form[action="/status/end"] button[type=submit]', '/status/end'), page.waitForURL(url('/'))]);
    // Back does not bring the closed status page (or the message) back: pages are no-store and the session is gone.
    await page.goBack();
    expect(pathOf(page)).toBe('/status');
    expect(await page.locator('#current-status').count()).toBe(0);
    expect(await page.content()).not.toContain(message);
    await page.goto(url('/status'));
    expect(await page.locator('#receipt').count()).toBe(1);
    expect(await page.locator('#current-status').count()).toBe(0);

    expectNoThirdPartyRequests(log);
  });

  test('without JavaScript: areas and contact details work, and so does the status page', async () => {
    const { page, log } = await open({ javaScriptEnabled: false });
    await page.goto(url('/report'));

    // Without JavaScript every kelurahan is offered, grouped by kecamatan, and the contact details are visible.
    expect(await page.locator('#kelurahan optgroup').count()).toBe(await page.locator('#kecamatan option[value]:not([value=""])').count());
    expect(await page.locator('[data-contact-details]').isVisible()).toBe(true);
    expect(await page.locator('a.quick-exit[data-quick-exit]').count()).toBe(1);

    await fillReport(page, {
      kecamatan: '13.71.02',
      kelurahan: (await page.locator('#kelurahan optgroup[data-kecamatan-code="13.71.02"] option').first().getAttribute('value')) ?? '',
      contact: { name: 'Sari', phone: '0812 3456 7890', channel: 'whatsapp', hours: 'Sore, setelah jam 4', leaveMessage: 'no' },
    });
    expect(await page.inputValue('#kecamatan')).toBe('13.71.02');
    expect(await page.inputValue('#kelurahan')).toMatch(/^13\.71\.02\./);
    const receipt = await submitReportForReceipt(page);

    await page.reload();
    expect(await page.locator('p.receipt-code[data-receipt]').textContent()).toBe(receipt);
    await confirmReceiptNoted(page);
    await page.goto(url('/report/receipt'));
    expect(await page.locator('h1').textContent()).toBe(id.receiptGone.title);
    expect(await page.locator('[data-receipt]').count()).toBe(0);

    await openStatusPage(page, receipt.replace(/ /g, ''));
    expect((await page.locator('#current-status').textContent())?.trim()).toBe('Sudah masuk, menunggu dibaca');
    const message = 'Nomor WhatsApp saya aman dihubungi sore hari.';
    await sendMessage(page, message);
    expect(await page.locator('#messages .message-body').allTextContents()).toEqual([message]);

    expectNoThirdPartyRequests(log);
  });

  test('a validation error comes back as a 400 page with a summary, keeping what was typed', async () => {
    const { page, log } = await open();
    await page.goto(url('/report'));
    const short = 'Terlalu pendek';
    await fillReport(page, { narrative: short, groups: ['child', 'woman'], locationDetail: 'Rumah biru di ujung gang' });
    await submitReportExpectingErrors(page);

    expect(pathOf(page)).toBe('/report');
    expect(await page.title()).toMatch(new RegExp(`^${id.common.errorTitlePrefix}`));
    const links = page.locator('.error-summary a');
    // The message states the limit, filled in from src/domain/limits.ts.
    const narrativeShort = loadTranslator().forLocale('id')('report.errors.narrative_short');
    expect(await links.count()).toBe(1);
    expect(await links.first().getAttribute('href')).toBe('#narrative');
    expect(await links.first().textContent()).toBe(narrativeShort);
    expect(await page.locator('#narrative-error').innerText()).toContain(narrativeShort);
    expect(await page.getAttribute('#narrative', 'aria-invalid')).toBe('true');
    // site.js moves focus to the summary so that a screen reader announces it.
    expect(await page.evaluate(`document.activeElement?.matches('.error-summary[data-error-summary]') === true`)).toBe(true);

    // Everything typed is still there.
    expect(await page.inputValue('#narrative')).toBe(short);
    expect(await page.isChecked('#category-neglect')).toBe(true);
    expect(await page.isChecked('#affected_groups-child')).toBe(true);
    expect(await page.isChecked('#affected_groups-woman')).toBe(true);
    expect(await page.isChecked('#affected_groups-family')).toBe(false);
    expect(await page.inputValue('#kecamatan')).toBe('13.71.01');
    expect(await page.inputValue('#kelurahan')).toBe('13.71.01.1001');
    expect(await page.inputValue('#location_detail')).toBe('Rumah biru di ujung gang');
    expect(await page.isChecked('#urgency-normal')).toBe(true);
    expect(await page.inputValue('#relation')).toBe('neighbour');

    // Correcting the one field is enough to file it.
    await page.fill('#narrative', NARRATIVE);
    await submitReportForReceipt(page);

    expectNoThirdPartyRequests(log);
  });

  test('urgency "immediate": the emergency numbers come before the receipt code', async () => {
    const { page, log } = await open();
    await page.goto(url('/report'));
    await fillReport(page, { urgency: 'immediate' });
    await submitReportForReceipt(page);

    expect(await page.locator('.safety-urgent').count()).toBe(1);
    expect(await comesBefore(page, '.safety-urgent', '.receipt-code')).toBe(true);
    const numbers = await page.locator('.safety-urgent .hotline-number').allTextContents();
    expect(numbers).toEqual(expect.arrayContaining(['112', '110', '129', '119']));

    expectNoThirdPartyRequests(log);
  });
});

describe('quick exit', () => {
  const historyLength = async (page: Page) => (await page.evaluate('history.length')) as number;

  /**
   * Starts at the neutral site, then opens an app page, as someone who was browsing elsewhere
   * first. Returns the length of history while on the app page.
   */
  async function arriveFromNeutralSite(page: Page, appPath: string): Promise<number> {
    await page.goto(neutral.startUrl);
    expect(await page.title()).toBe(NEUTRAL_START_TITLE);
    const before = await historyLength(page);
    await page.goto(url(appPath));
    expect(pathOf(page)).toBe(appPath);
    const onApp = await historyLength(page);
    expect(onApp).toBe(before + 1);
    return onApp;
  }

  /**
   * After leaving: the app's entry was replaced, not added to; Back goes to the neutral start
   * page and Forward to the neutral site, so the app is nowhere in history.
   */
  async function expectAppGoneFromHistory(page: Page, lengthOnApp: number): Promise<void> {
    expect(page.url()).toBe(neutral.exitUrl);
    expect(await page.title()).toBe(NEUTRAL_EXIT_TITLE);
    expect(await historyLength(page)).toBe(lengthOnApp);
    await page.goBack();
    expect(page.url()).toBe(neutral.startUrl);
    expect(await page.title()).toBe(NEUTRAL_START_TITLE);
    await page.goForward();
    expect(page.url()).toBe(neutral.exitUrl);
    expect(await page.title()).toBe(NEUTRAL_EXIT_TITLE);
  }

  /** The browser went through the app's /exit (which ends the session there) on its way out. */
  const wentThroughExit = (log: TrackedPage['log']) => log.requests.some((r) => r.navigation && r.url === url('/exit'));

  test('Shift pressed three times replaces the page with the neutral site, through /exit; Back does not return to the app', async () => {
    const { page, log } = await open();
    const lengthOnApp = await arriveFromNeutralSite(page, '/');
    expect(await page.locator('[data-quick-exit-hint]').isVisible()).toBe(true);
    const visitsBefore = neutral.visits.length;

    await Promise.all([page.waitForURL(neutral.exitUrl), pressShiftThreeTimes(page)]);
    await expectAppGoneFromHistory(page, lengthOnApp);
    expect(wentThroughExit(log)).toBe(true);

    // The neutral site learns nothing about where the person came from.
    const exitVisit = neutral.visits.slice(visitsBefore).find((v) => v.path === '/');
    expect(exitVisit).toBeDefined();
    expect(exitVisit?.referer).toBeUndefined();
    expect(exitVisit?.cookie).toBeUndefined();

    expectNoThirdPartyRequests(log, [neutral.startUrl, neutral.exitUrl]);
  });

  test('Shift three times works on the report form with text typed, once focus has left the field', async () => {
    const { page, log } = await open();
    const lengthOnApp = await arriveFromNeutralSite(page, '/report');
    await page.fill('#narrative', 'Sesuatu yang tidak boleh terlihat oleh orang lain.');
    await page.locator('#narrative').blur();
    await Promise.all([page.waitForURL(neutral.exitUrl), pressShiftThreeTimes(page)]);
    await expectAppGoneFromHistory(page, lengthOnApp);
    expectNoThirdPartyRequests(log, [neutral.startUrl, neutral.exitUrl]);
  });

  test('the quick-exit button does the same', async () => {
    const { page, log } = await open();
    const lengthOnApp = await arriveFromNeutralSite(page, '/report');
    const button = page.locator('button.quick-exit[data-quick-exit]');
    expect(await button.count()).toBe(1);
    expect(await page.locator('a.quick-exit').count()).toBe(0);
    expect(await button.getAttribute('type')).toBe('button');
    expect((await button.textContent())?.trim()).toBe(id.common.quickExit);

    await Promise.all([page.waitForURL(neutral.exitUrl), button.click()]);
    await expectAppGoneFromHistory(page, lengthOnApp);
    expect(wentThroughExit(log)).toBe(true);
    expectNoThirdPartyRequests(log, [neutral.startUrl, neutral.exitUrl]);
  });

  test('without JavaScript the quick exit is a plain link through /exit to the neutral site', async () => {
    const { page, log } = await open({ javaScriptEnabled: false });
    await arriveFromNeutralSite(page, '/');
    const link = page.locator('a.quick-exit[data-quick-exit]');
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('href')).toBe('/exit');
    expect(await page.locator('button.quick-exit').count()).toBe(0);
    expect(await page.locator('[data-quick-exit-hint]').isHidden()).toBe(true);

    const visitsBefore = neutral.visits.length;
    await Promise.all([page.waitForURL(neutral.exitUrl), link.click()]);
    expect(await page.title()).toBe(NEUTRAL_EXIT_TITLE);
    expect(wentThroughExit(log)).toBe(true);
    expect(neutral.visits.slice(visitsBefore).find((v) => v.path === '/')?.referer).toBeUndefined();
    expectNoThirdPartyRequests(log, [neutral.startUrl, neutral.exitUrl]);
  });
});

describe('accessibility (axe, WCAG 2.2 AA)', () => {
  for (const lang of ['en', 'id'] as const) {
    const text = lang === 'en' ? en : id;

    test(`every public page in ${lang === 'en' ? 'English' : 'Indonesian'}`, async () => {
      const { page, log } = await open();
      const axe = axeChecker(page, lang);

      /** Checks the answer's status when given one, then runs axe on the page as it is now. */
      async function check(name: string, expectedStatus?: number, response?: Response | null): Promise<void> {
        if (expectedStatus !== undefined && response) expect(response.status()).toBe(expectedStatus);
        await axe.check(name);
      }

      // The language is chosen once; the cookie carries it to every later page.
      await check('home', 200, await page.goto(url(`/?lang=${lang}`)));
      await check('report form', 200, await page.goto(url('/report')));

      await submitReportExpectingErrors(page);
      await check('report form with errors (empty form sent)');

      await page.goto(url('/report'));
      await page.check('#wants_contact-yes');
      await page.check('#contact_channel-email');
      await submitReportExpectingErrors(page);
      await check('report form with contact-detail errors');

      await page.goto(url('/report'));
      await fillReport(page);
      const receipt = await submitReportForReceipt(page);
      await check('receipt page');
      await confirmReceiptNoted(page);
      await check('receipt no longer shown', 200, await page.goto(url('/report/receipt')));
      expect(await page.locator('h1').textContent()).toBe(text.receiptGone.title);

      await page.goto(url('/report'));
      await fillReport(page, { urgency: 'immediate' });
      await submitReportForReceipt(page);
      await check('receipt page, urgency immediate');

      await check('status check form', 200, await page.goto(url('/status')));
      await page.fill('#receipt', '0000 0000 0000 0000');
      const wrong = await submit(page, 'form[action="/status"] button[type=submit]', '/status');
      expect(wrong.status()).toBe(400);
      await page.locator('.error-summary').waitFor();
      await check('status check with a wrong receipt');

      await openStatusPage(page, receipt);
      expect((await page.locator('#current-status').textContent())?.trim()).toBe(text.publicStatus.new.name);
      await check('status page');
      const empty = await submit(page, 'form[action="/status/messages"] button[type=submit]', '/status/messages');
      expect(empty.status()).toBe(400);
      await page.locator('.error-summary').waitFor();
      await check('status page with a message error');
      await sendMessage(page, 'Informasi tambahan untuk petugas.');
      await check('status page with a message and a notice');

      await check('privacy', 200, await page.goto(url('/privacy')));
      await check('404 page', 404, await page.goto(url('/does-not-exist')));
      expect(await page.locator('h1').textContent()).toBe(text.errors['404'].title);

      expect(axe.checked).toHaveLength(14);
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});

describe('screenshots for people to look at (test-output/)', () => {
  test('home and report form at 360x740', async () => {
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    const { page, log } = await open({ viewport: { width: 360, height: 740 } });
    for (const lang of ['id', 'en'] as const) {
      await page.goto(url(`/?lang=${lang}`));
      await page.screenshot({ path: path.join(OUTPUT_DIR, `home-360x740-${lang}.png`), fullPage: true });
      await page.goto(url('/report'));
      await page.screenshot({ path: path.join(OUTPUT_DIR, `report-360x740-${lang}.png`), fullPage: true });
      // Nothing on these pages is wider than the phone's screen.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    }
    for (const name of ['home-360x740-id.png', 'report-360x740-id.png', 'home-360x740-en.png', 'report-360x740-en.png']) {
      expect(fs.statSync(path.join(OUTPUT_DIR, name)).size).toBeGreaterThan(0);
    }
    expectNoThirdPartyRequests(log);
  });
});
