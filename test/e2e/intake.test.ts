import type { Page } from 'playwright-core';
import sharp from 'sharp';
import id from '../../src/i18n/locales/id.json';
import {
  axeChecker,
  expectNoThirdPartyRequests,
  signInWithPassword,
  submitAndWait,
  useApp,
  useBrowser,
  type AxeChecker,
} from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';

/**
 * A report received by phone, recorded by a triage officer at /staff/intake in a real browser, with
 * a receipt for the reporter: the code shown once, and the one-page slip to print — with and
 * without JavaScript, every page checked with axe.
 */

jest.setTimeout(60_000);

const RECEIPT_PATTERN = /^\d{4} \d{4} \d{4} \d{4}$/;
const NARRATIVE = 'Ibu R menelepon: anak tetangganya sering ditinggal sendirian berhari-hari tanpa makanan.';

const running = useApp(() => ({ REQUIRE_2FA: 'false', OFFICE_ADDRESS: 'Jl. Uji Coba No. 1, Padang', OFFICE_PHONE: '0751 123456' }));
const pages = useBrowser();
let triage: StaffAccount;

beforeAll(async () => {
  triage = await createStaffAccount(running.lentera, { role: 'triage', name: 'Tari Triase' });
});

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** The fields every intake here fills in (the contact only when `consent`). */
async function fillReport(page: Page, options: { consent: boolean }): Promise<void> {
  await page.check('#channel-phone');
  await page.check('#category-neglect');
  await page.check('#affected_groups-child');
  await page.fill('#narrative', NARRATIVE);
  await page.selectOption('#kecamatan', '13.71.01');
  await page.selectOption('#kelurahan', '13.71.01.1001');
  await page.check('#urgency-urgent');
  await page.selectOption('#relation', 'neighbour');
  if (options.consent) {
    await page.check('#wants_contact-yes');
    await page.fill('#contact_phone', '0812 3456 7890');
    await page.check('#contact_channel-phone');
    await page.check('#contact_leave_message-no');
  }
}

/** The slip: the code, how to check, hotlines and the office; nothing of the back office; one printed page. */
async function checkSlip(page: Page, code: string, axe: Pick<AxeChecker, 'check'>): Promise<void> {
  expect(pathOf(page)).toBe('/staff/intake/receipt/slip');
  for (const selector of ['nav', '.staff-nav', 'header', '.site-header', '.skip-link', '[data-quick-exit]']) {
    expect(`${selector}: ${await page.locator(selector).count()}`).toBe(`${selector}: 0`);
  }
  expect(((await page.locator('[data-receipt]').textContent()) ?? '').trim()).toBe(code);
  expect(await page.locator('.receipt-use').textContent()).toContain(running.url('/status'));
  expect(await page.locator('.hotlines li').count()).toBeGreaterThan(0);
  expect(await page.locator('.hotlines').textContent()).toContain('112');
  const office = (await page.locator('.office').textContent()) ?? '';
  expect(office).toContain('Jl. Uji Coba No. 1, Padang');
  expect(office).toContain('0751 123456');
  expect(await page.locator('main').textContent()).not.toContain(triage.name);
  await axe.check('receipt slip');

  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('[data-receipt]').isVisible()).toBe(true);
  expect(await page.locator('.slip-actions').isVisible()).toBe(false);
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  // One sheet of paper.
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
  await page.emulateMedia({ media: 'screen' });
}

/**
 * Axe needs JavaScript in the page. Without it, the page as the browser shows it (its HTML, same
 * origin) is copied into a page that runs axe but not site.js (as publicForms.test.ts does), so the
 * check sees what an officer without JavaScript gets.
 */
function mirroredAxe(page: Page): Pick<AxeChecker, 'check' | 'assertClean'> {
  let mirror: Page | undefined;
  let axe: AxeChecker | undefined;
  return {
    async check(name) {
      const origin = new URL(page.url()).origin;
      if (!mirror) {
        mirror = (await pages.open(origin)).page;
        await mirror.context().route('**/js/site.js', (route) => route.abort());
        axe = axeChecker(mirror, 'id');
      }
      await mirror.goto(`${origin}/privacy`);
      await mirror.setContent(await page.content(), { waitUntil: 'load' });
      expect(await mirror.locator('h1').innerText()).toBe(await page.locator('h1').innerText());
      await axe!.check(name);
    },
    assertClean: () => axe?.assertClean(),
  };
}

describe('staff intake', () => {
  test('a triage officer records a phone report with a receipt, reads the code once and prints the slip', async () => {
    const { page, log } = await pages.open(running.baseUrl);
    const axe = axeChecker(page, 'id');
    await signInWithPassword(page, running.url('/login'), triage);

    // From the menu.
    await page.goto(running.url('/staff/queue'));
    expect(await submitAndWait(page, `.staff-nav a[href="/staff/intake"]`)).toBe(200);
    expect(await page.locator('h1').textContent()).toBe(id.intake.title);
    // The contact details stay hidden until the reporter's consent is ticked (site.js).
    expect(await page.locator('[data-contact-details]').isHidden()).toBe(true);
    await axe.check('intake form');

    // Nothing filled in: 400, the error summary, axe again.
    await page.fill('#received_at', '');
    expect(await submitAndWait(page, '#intake-form button.button[type=submit]')).toBe(400);
    expect(await page.locator('.error-summary a[href="#received_at"]').count()).toBe(1);
    expect(await page.locator('.error-summary a[href="#channel-office"]').count()).toBe(1);
    await axe.check('intake form with errors');

    // The call came in at 08:00 today (Jakarta time).
    const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
    await page.fill('#received_at', `${today}T00:00`);
    await fillReport(page, { consent: true });
    expect(await page.locator('[data-contact-details]').isVisible()).toBe(true);
    await page.check('#give_receipt');
    // The school's referral letter, photographed (a plain multipart form).
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#36c' } })
      .png()
      .toBuffer();
    await page.setInputFiles('#attachments', { name: 'surat-sekolah.png', mimeType: 'image/png', buffer: photo });
    expect(await submitAndWait(page, '#intake-form button.button[type=submit]')).toBe(200);
    expect(pathOf(page)).toBe('/staff/intake/receipt');
    const code = ((await page.locator('[data-receipt]').textContent()) ?? '').trim();
    expect(code).toMatch(RECEIPT_PATTERN);
    await axe.check('receipt code');

    // The slip.
    expect(await submitAndWait(page, 'a[href="/staff/intake/receipt/slip"]')).toBe(200);
    await checkSlip(page, code, axe);

    // Back: the code is not shown again; done leads to the report.
    expect(await submitAndWait(page, '.slip-actions a[href="/staff/intake/receipt"]')).toBe(200);
    expect(await page.locator('[data-receipt]').count()).toBe(0);
    await axe.check('receipt code, shown before');
    expect(await submitAndWait(page, 'form[action="/staff/intake/receipt/done"] button')).toBe(200);
    expect(pathOf(page)).toMatch(/^\/staff\/reports\/LAP-\d{4}-\d{6}$/);
    expect(await page.locator('#intake-channel').textContent()).toBe(id.intake.channels.phone);
    expect(await page.locator('#intake-taken-by').textContent()).toBe(triage.name);
    expect(await page.locator('main').textContent()).toContain('0812 3456 7890');
    expect(await page.locator('main').textContent()).toContain('surat-sekolah.png');

    axe.assertClean();
    expectNoThirdPartyRequests(log);
  });

  test('without JavaScript: the same form, errors kept, the receipt and the slip', async () => {
    const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled: false });
    const axe = mirroredAxe(page);
    await signInWithPassword(page, running.url('/login'), triage);
    await page.goto(running.url('/staff/intake'));
    // Without site.js the contact fields are simply there.
    expect(await page.locator('[data-contact-details]').isVisible()).toBe(true);
    await axe.check('intake form, no JavaScript');

    // Received tomorrow: refused, everything kept.
    const tomorrow = new Date(Date.now() + 31 * 3600 * 1000).toISOString().slice(0, 10);
    await page.fill('#received_at', `${tomorrow}T09:00`);
    await fillReport(page, { consent: false });
    await page.check('#give_receipt');
    expect(await submitAndWait(page, '#intake-form button.button[type=submit]')).toBe(400);
    expect(await page.locator('.error-summary a[href="#received_at"]').textContent()).toBe(id.intake.errors.received_future);
    expect(await page.inputValue('#narrative')).toBe(NARRATIVE);
    expect(await page.isChecked('#channel-phone')).toBe(true);
    expect(await page.isChecked('#give_receipt')).toBe(true);
    await axe.check('intake form with an error, no JavaScript');

    const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
    await page.fill('#received_at', `${today}T00:00`);
    expect(await submitAndWait(page, '#intake-form button.button[type=submit]')).toBe(200);
    expect(pathOf(page)).toBe('/staff/intake/receipt');
    const code = ((await page.locator('[data-receipt]').textContent()) ?? '').trim();
    expect(code).toMatch(RECEIPT_PATTERN);
    expect(await submitAndWait(page, 'a[href="/staff/intake/receipt/slip"]')).toBe(200);
    // Without JavaScript the print button stays hidden and the page says how to print.
    expect(await page.locator('[data-print]').isVisible()).toBe(false);
    expect(await page.locator('[data-print-fallback]').isVisible()).toBe(true);
    await checkSlip(page, code, axe);

    axe.assertClean();
    expectNoThirdPartyRequests(log);
  });
});
