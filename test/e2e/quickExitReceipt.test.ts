import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import en from '../../src/i18n/locales/en.json';
import id from '../../src/i18n/locales/id.json';
import type { Locale } from '../../src/i18n';
import { axeChecker, expectNoThirdPartyRequests, pressShiftThreeTimes, useAppWithNeutralSite, useBrowser } from '../helpers/browser';
import { csrfTokenOf, formBody, validReport } from '../helpers/testApp';
import { sessionIdIn } from '../helpers/receipts';

/**
 * A resident under stress never loses her story, her receipt or her way out: the quick exit
 * (always on screen, Shift three times, never while typing, ending the session on the server) and
 * the receipt (kept in the same browser until she has noted it), in Chromium, on a phone and a
 * desktop, in both languages, with and without JavaScript.
 */

// jest.config.js sets testTimeout on the e2e project, but Jest reads testTimeout only from the global config.
jest.setTimeout(120_000);

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const LOCALES = ['id', 'en'] as const;
const TEXT = { id, en };

const pages = useBrowser();
const { running, neutral } = useAppWithNeutralSite();

const url = (p: string) => running.url(p);
const pathOf = (page: Page) => new URL(page.url()).pathname;
const open = (options: BrowserContextOptions = {}) => pages.open(running.baseUrl, options);

/** What the receipt page (or its print view) shows as the code, grouped as shown. */
const receiptShown = async (page: Page) => (await page.locator('p.receipt-code[data-receipt]').textContent())?.trim() ?? '';

/**
 * Files a report from this browser, as its form sends one (cookies and CSRF token of the browser's
 * own session; public.test.ts fills the form field by field), then opens the receipt page.
 */
async function fileReport(page: Page, lang: Locale): Promise<string> {
  await page.goto(url(`/report?lang=${lang}`));
  const posted = await page.request.post(url('/report'), {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: formBody({ ...validReport(), _csrf: csrfTokenOf(await page.content()) }),
    maxRedirects: 0,
  });
  expect(posted.status()).toBe(303);
  expect(posted.headers()['location']).toBe('/report/receipt');
  await page.goto(url('/report/receipt'));
  const receipt = await receiptShown(page);
  expect(receipt).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
  return receipt;
}

/** Types the receipt on /status and opens the report's status page (a receipt session). */
async function openStatus(page: Page, receipt: string): Promise<void> {
  await page.goto(url('/status'));
  await page.fill('#receipt', receipt);
  await Promise.all([page.waitForSelector('#current-status'), page.click('form[action="/status"] button[type=submit]')]);
}

/** The id of the session this browser holds, from its cookie (null: none). */
async function sessionIdOf(context: BrowserContext): Promise<string | null> {
  const cookie = (await context.cookies()).find((c) => c.name === 'lentera.sid');
  return cookie ? sessionIdIn(`lentera.sid=${cookie.value}`) : null;
}

const sessionRows = (sid: string | null) =>
  running.lentera.db.prepare('SELECT count(*) FROM sessions WHERE sid = ?').pluck().get(sid) as number;

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

interface FocusedBox extends Box {
  what: string;
  inHeader: boolean;
  lastOnPage: boolean;
}

/** The boxes, in the viewport, of the quick exit, of the header that holds it, and of the element that has focus (null: none). */
async function focusAndExit(page: Page): Promise<{ exit: Box; header: Box; focused: FocusedBox | null; viewportHeight: number }> {
  const script = `(() => {
    const box = (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
    const a = document.activeElement;
    const focused = !a || a === document.body || a === document.documentElement ? null : {
      ...box(a),
      what: a.tagName + (a.id ? '#' + a.id : '') + (a.getAttribute('href') ? '[href=' + a.getAttribute('href') + ']' : ''),
      inHeader: !!a.closest('header'),
      lastOnPage: a === document.querySelector('.footer-links li:last-child a'),
    };
    return { exit: box(document.querySelector('.quick-exit')), header: box(document.querySelector('header.site-header')), focused, viewportHeight: window.innerHeight };
  })()`;
  return (await page.evaluate(script)) as Awaited<ReturnType<typeof focusAndExit>>;
}

/**
 * Tabs through the page as a keyboard user does, forward to the last link and back to the skip
 * link: at every stop the focused element (scrolled into view by the browser) must not lie under
 * the quick exit, nor under the header that holds it. Returns how many stops it checked.
 */
async function expectNoFocusUnderQuickExit(page: Page): Promise<number> {
  let stops = 0;
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < 300; i++) {
      await page.keyboard.press(key);
      const { exit, header, focused } = await focusAndExit(page);
      if (!focused) break;
      if (!focused.inHeader) {
        if (overlap(focused, exit) || overlap(focused, header))
          throw new Error(`${focused.what} lies under the quick exit after ${key}: ${JSON.stringify({ focused, header })}`);
        stops += 1;
      }
      if (key === 'Tab' ? focused.lastOnPage : focused.what === 'A[href=#main]') break;
    }
  }
  return stops;
}

describe('the quick exit is always in reach', () => {
  const PUBLIC_PAGES = ['/', '/report', '/status', '/privacy', '/report/receipt', '/report/receipt/print', '/does-not-exist'];

  for (const lang of LOCALES) {
    for (const javaScriptEnabled of [true, false]) {
      test(`on a 390×844 phone it stays on screen to the bottom of every public page, no focused field lies under it, and the skip link leaves it clear (${lang}, JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const { page, log } = await open({ viewport: PHONE, javaScriptEnabled });
        await fileReport(page, lang);
        for (const path of PUBLIC_PAGES) {
          await page.goto(url(path));
          expect(await page.getAttribute('html', 'lang')).toBe(lang);
          const scrolled = (await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight), window.scrollY')) as number;
          if (path === '/report') expect(scrolled).toBeGreaterThan(2000);
          const { exit, viewportHeight } = await focusAndExit(page);
          expect({ path, top: exit.top >= 0, bottom: exit.bottom <= viewportHeight }).toEqual({ path, top: true, bottom: true });
          // Nothing wider than the phone.
          expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
        }

        // The skip link, focused first, does not cover the quick exit.
        await page.goto(url('/report'));
        await page.keyboard.press('Tab');
        const skip = await focusAndExit(page);
        expect(skip.focused?.what).toBe('A[href=#main]');
        expect(overlap(skip.focused!, skip.exit)).toBe(false);
        expect(await page.locator('.quick-exit').isVisible()).toBe(true);

        // Every control of the report form, reached with Tab and Shift+Tab, stays clear of it.
        await page.goto(url('/report'));
        expect(await expectNoFocusUnderQuickExit(page)).toBeGreaterThan(20);

        // So does a field an error summary's link leads to.
        await page.click('form.report-form button[type=submit]');
        await page.locator('.error-summary').waitFor();
        const links = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
        expect(links.length).toBeGreaterThan(2);
        for (const href of [links[links.length - 1]!, links[0]!]) {
          await page.click(`.error-summary a[href="${href}"]`);
          const target = (await page.locator(href).boundingBox())!;
          const header = (await page.locator('header.site-header').boundingBox())!;
          expect({ href, belowHeader: target.y >= header.y + header.height }).toEqual({ href, belowHeader: true });
        }
        expectNoThirdPartyRequests(log);
      });
    }
  }

  test('the keyboard hint is for keyboards: shown on a desktop, not on a touch phone, not without JavaScript', async () => {
    for (const lang of LOCALES) {
      const desktop = await open({ viewport: DESKTOP });
      await desktop.page.goto(url(`/?lang=${lang}`));
      const hint = desktop.page.locator('[data-quick-exit-hint]');
      expect(await hint.isVisible()).toBe(true);
      expect(await hint.textContent()).toBe(TEXT[lang].common.quickExitHint);
      expect(TEXT[lang].common.quickExitHint).toMatch(/Shift/);
    }
    const phone = await open({ viewport: PHONE, isMobile: true, hasTouch: true });
    await phone.page.goto(url('/report'));
    expect(await phone.page.locator('button.quick-exit').isVisible()).toBe(true);
    expect(await phone.page.locator('[data-quick-exit-hint]').isHidden()).toBe(true);
    const noScript = await open({ viewport: DESKTOP, javaScriptEnabled: false });
    await noScript.page.goto(url('/'));
    expect(await noScript.page.locator('[data-quick-exit-hint]').isHidden()).toBe(true);
  });
});

describe('Shift pressed three times, and never by accident', () => {
  const status = (page: Page) => page.locator('[data-quick-exit-status]').textContent();

  for (const lang of LOCALES) {
    test(`typing, Esc and other keys never leave; each press is announced; three in a row leave (${lang}, desktop)`, async () => {
      const { page, log } = await open({ viewport: DESKTOP });
      const t = TEXT[lang].common;
      await page.goto(url(`/report?lang=${lang}`));
      const story = 'Ayah Sering Marah. Saya Takut Pulang.';

      // In a text area, a text field and a list: Shift (capital letters, selecting text) and Esc (closing a keyboard or suggestions) do nothing.
      await page.click('#narrative');
      await page.keyboard.type(story);
      for (const field of ['#narrative', '#location_detail', '#kecamatan']) {
        await page.focus(field);
        for (const key of ['Shift', 'Shift', 'Shift', 'Escape', 'Shift', 'Shift', 'Shift']) await page.keyboard.press(key);
        expect(pathOf(page)).toBe('/report');
        expect(await status(page)).toBe('');
      }
      expect(await page.inputValue('#narrative')).toBe(story);

      // Outside a field: Esc does nothing either, nor does Shift used for another key (Shift+A).
      await page.evaluate('document.activeElement.blur()');
      for (const key of ['Escape', 'Shift+KeyA', 'Shift+KeyA', 'Shift+KeyA']) await page.keyboard.press(key);
      expect(pathOf(page)).toBe('/report');
      expect(await status(page)).toBe('');

      // Each Shift is announced; any other key starts the count again.
      await page.keyboard.press('Shift');
      expect(await status(page)).toBe(t.quickExitPressTwo);
      await page.keyboard.press('Shift');
      expect(await status(page)).toBe(t.quickExitPressOne);
      await page.keyboard.press('ArrowDown');
      expect(await status(page)).toBe(t.quickExitExpired);
      await page.keyboard.press('Shift');
      await page.keyboard.press('Shift');
      expect(pathOf(page)).toBe('/report');
      expect(await status(page)).toBe(t.quickExitPressOne);
      expect(await page.inputValue('#narrative')).toBe(story);
      // The button's name stays "Quick exit": the lights showing the count are hidden from screen readers.
      expect(await page.getByRole('button', { name: t.quickExit, exact: true }).count()).toBe(1);

      await Promise.all([page.waitForURL(neutral.exitUrl), page.keyboard.press('Shift')]);
      expect(log.requests.some((r) => r.navigation && r.url === url('/exit'))).toBe(true);
      expectNoThirdPartyRequests(log, [neutral.exitUrl]);
    });
  }
});

describe('leaving ends the receipt session on the server too', () => {
  const ways = [
    { how: 'Shift three times', javaScriptEnabled: true, leave: (page: Page) => pressShiftThreeTimes(page) },
    { how: 'the button', javaScriptEnabled: true, leave: (page: Page) => page.click('button.quick-exit') },
    { how: 'the link, without JavaScript', javaScriptEnabled: false, leave: (page: Page) => page.click('a.quick-exit') },
  ];
  for (const { how, javaScriptEnabled, leave } of ways) {
    test(`by ${how}: the old session opens neither the status page nor the receipt`, async () => {
      const { context, page, log } = await open({ viewport: PHONE, javaScriptEnabled });
      const receipt = await fileReport(page, 'id');
      await openStatus(page, receipt);
      const sid = await sessionIdOf(context);
      expect(sessionRows(sid)).toBe(1);
      const held = await context.cookies();
      // The receipt is still on view in this browser while the status page is open.
      await page.goto(url('/report/receipt'));
      expect(await receiptShown(page)).toBe(receipt);

      await Promise.all([page.waitForURL(neutral.exitUrl), leave(page)]);

      expect(sessionRows(sid)).toBe(0);
      expect((await context.cookies()).map((c) => c.name).filter((n) => n.startsWith('lentera.') || n === 'lang')).toEqual([]);
      // Neither this browser, nor the cookies a shared phone might have kept, open anything.
      for (const restore of [false, true]) {
        if (restore) await context.addCookies(held);
        const again = await context.newPage();
        await again.goto(url('/status'));
        expect(await again.locator('#current-status').count()).toBe(0);
        expect(await again.locator('#receipt').count()).toBe(1);
        await again.goto(url('/report/receipt'));
        expect(await again.locator('[data-receipt]').count()).toBe(0);
        expect(await again.locator('body').innerText()).not.toContain(receipt);
        await again.close();
      }
      expectNoThirdPartyRequests(log, [neutral.exitUrl]);
    });
  }
});

describe('the receipt cannot be lost by accident', () => {
  for (const lang of LOCALES) {
    const t = TEXT[lang];

    test(`with JavaScript on a phone (${lang}): a reload and a second tab keep it, "copy" copies it, the print view shows only what matters, and "I have noted it" ends it`, async () => {
      const { context, page, log } = await open({ viewport: PHONE });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.baseUrl });
      const axe = axeChecker(page, lang);
      const receipt = await fileReport(page, lang);
      await axe.check('receipt page');

      await page.reload();
      expect(await receiptShown(page)).toBe(receipt);
      const secondTab = await context.newPage();
      await secondTab.goto(url('/report/receipt'));
      expect(await receiptShown(secondTab)).toBe(receipt);

      // Copy: the code as shown, with a confirmation that is seen and announced.
      const copy = page.getByRole('button', { name: t.receipt.copyButton });
      await copy.click();
      const copied = page.locator('.copy-status[role="status"]');
      await copied.filter({ hasText: t.receipt.copied }).waitFor();
      expect(await copied.textContent()).toBe(t.receipt.copied);
      expect(await copied.isVisible()).toBe(true);
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(receipt);
      await axe.check('receipt page, code copied');

      // Printing the receipt page itself: only the code, how to use it, and the hotlines.
      await page.emulateMedia({ media: 'print' });
      for (const hidden of [
        'header.site-header',
        'footer.site-footer',
        'h1',
        'form[action="/report/receipt/noted"]',
        '.receipt-tools',
        '.actions',
      ]) {
        expect({ hidden, visible: await page.locator(hidden).first().isVisible() }).toEqual({ hidden, visible: false });
      }
      for (const shown of ['.receipt-code', '.receipt-use', '.safety .hotlines']) {
        expect({ shown, visible: await page.locator(shown).first().isVisible() }).toEqual({ shown, visible: true });
      }
      expect(await page.locator('.receipt-use').innerText()).toContain(`${running.baseUrl}/status`);
      await page.emulateMedia({ media: 'screen' });

      // The print view: the code, the site's address, the hotlines; a print button with JavaScript.
      await Promise.all([page.waitForURL(url('/report/receipt/print')), page.click('a[href="/report/receipt/print"]')]);
      expect(await receiptShown(page)).toBe(receipt);
      expect(await page.getByRole('button', { name: t.receiptPrint.print, exact: true }).isVisible()).toBe(true);
      expect(await page.locator('[data-print-fallback]').isHidden()).toBe(true);
      await axe.check('print view');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.site-header').isVisible()).toBe(false);
      expect(await page.locator('footer.site-footer').isVisible()).toBe(false);
      expect(await page.locator('.receipt-code').isVisible()).toBe(true);
      expect(await page.locator('.receipt-use').innerText()).toContain(`${running.baseUrl}/status`);
      await page.emulateMedia({ media: 'screen' });
      await Promise.all([page.waitForURL(url('/report/receipt')), page.click('a[href="/report/receipt"]')]);

      // "I have written this code down": a calm page, and the code is gone from every tab.
      await Promise.all([page.waitForURL(url('/report/receipt/noted')), page.getByRole('button', { name: t.receipt.notedButton }).click()]);
      expect(await page.locator('h1').textContent()).toBe(t.receiptNoted.title);
      await axe.check('receipt noted');
      await secondTab.reload();
      expect(await secondTab.locator('[data-receipt]').count()).toBe(0);
      expect(await secondTab.locator('h1').textContent()).toBe(t.receiptGone.title);
      expect(await secondTab.locator('body').innerText()).not.toContain(receipt);
      await page.goto(url('/report/receipt'));
      await axe.check('receipt no longer shown');

      expect(axe.checked).toHaveLength(5);
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });

    test(`without JavaScript (${lang}): no copy button, the print link works, and "I have noted it" ends it`, async () => {
      const { page, log } = await open({ viewport: PHONE, javaScriptEnabled: false });
      const receipt = await fileReport(page, lang);
      await page.reload();
      expect(await receiptShown(page)).toBe(receipt);
      expect(await page.getByRole('button', { name: t.receipt.copyButton }).count()).toBe(0);
      expect(await page.locator('[data-receipt-copy]').isHidden()).toBe(true);

      await Promise.all([page.waitForURL(url('/report/receipt/print')), page.click('a[href="/report/receipt/print"]')]);
      expect(await receiptShown(page)).toBe(receipt);
      expect(await page.locator('[data-print]').isHidden()).toBe(true);
      expect(await page.locator('[data-print-fallback]').textContent()).toBe(t.receiptPrint.printFallback);
      await Promise.all([page.waitForURL(url('/report/receipt')), page.click('a[href="/report/receipt"]')]);
      expect(await receiptShown(page)).toBe(receipt);

      await Promise.all([page.waitForURL(url('/report/receipt/noted')), page.getByRole('button', { name: t.receipt.notedButton }).click()]);
      expect(await page.locator('h1').textContent()).toBe(t.receiptNoted.title);
      await page.goto(url('/report/receipt'));
      expect(await page.locator('[data-receipt]').count()).toBe(0);
      await page.goto(url('/report/receipt/print'));
      expect(await page.locator('[data-receipt]').count()).toBe(0);
      expectNoThirdPartyRequests(log);
    });
  }

  test('at 390 px the 16 digits never break inside a group of four, even with text twice as large', async () => {
    const { page, log } = await open({ viewport: PHONE });
    await fileReport(page, 'id');
    // Each group's line boxes, from a Range over the code's text (four groups of four, a space between).
    const lines = async () =>
      (await page.evaluate(`(() => {
        const text = document.querySelector('[data-receipt]').firstChild;
        return [0, 1, 2, 3].map((g) => {
          const range = document.createRange();
          range.setStart(text, g * 5);
          range.setEnd(text, g * 5 + 4);
          return Array.from(range.getClientRects()).map((r) => Math.round(r.top));
        });
      })()`)) as number[][];

    const normal = await lines();
    for (const group of normal) expect(group).toHaveLength(1);
    // At the normal size the four groups share one line.
    expect(new Set(normal.map((g) => g[0])).size).toBe(1);

    // Larger text (a reader's setting): groups may move to a new line, but never split.
    await page.evaluate(`document.documentElement.style.fontSize = '200%'`);
    const large = await lines();
    for (const group of large) expect(group).toHaveLength(1);
    expect(new Set(large.map((g) => g[0])).size).toBeGreaterThan(1);
    expectNoThirdPartyRequests(log);
  });
});
