import en from '../../src/i18n/locales/en.json';
import id from '../../src/i18n/locales/id.json';
import { axeChecker, expectNoThirdPartyRequests, useApp, useBrowser } from '../helpers/browser';

/**
 * The public summary in a real browser: reached from the footer, on a phone and on a desktop, in
 * both languages, with JavaScript on and off, axe clean (WCAG 2.2 AA).
 */

jest.setTimeout(60_000);

const pages = useBrowser();
const running = useApp();
const texts = { id, en } as const;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
/** A complete year, whatever today is. */
const YEAR = new Date().getUTCFullYear() - 1;

beforeAll(() => {
  const insert = running.lentera.db.prepare(
    `INSERT INTO report_statistics (filed_on, category, kecamatan_code, source, status, urgency, hours_to_decision)
     VALUES (?, ?, ?, 'public', ?, 'normal', ?)`,
  );
  running.lentera.db.transaction(() => {
    for (let i = 0; i < 40; i += 1) insert.run(`${YEAR}-0${1 + (i % 9)}-10`, 'neglect', '13.71.01', 'closed', 20);
    for (let i = 0; i < 11; i += 1) insert.run(`${YEAR}-05-03`, 'family_conflict', '13.71.02', 'accepted', 50);
    for (let i = 0; i < 2; i += 1) insert.run(`${YEAR}-06-03`, 'trafficking', '13.71.03', 'redirected', 10);
  })();
});

describe('/transparency in a browser', () => {
  for (const lang of ['id', 'en'] as const) {
    for (const [device, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      for (const javaScriptEnabled of [true, false]) {
        test(`${lang}, ${device}, JavaScript ${javaScriptEnabled ? 'on' : 'off'}: from the footer to a year's figures`, async () => {
          const { page, log } = await pages.open(running.baseUrl, { viewport, javaScriptEnabled });
          // axe runs in the page, so only with JavaScript on; without it the page must work all the same.
          const axe = javaScriptEnabled ? axeChecker(page, lang) : { check: async () => undefined, assertClean: () => undefined };
          await page.goto(running.url(`/?lang=${lang}`));
          const text = texts[lang];
          await Promise.all([page.waitForURL((u) => u.pathname === '/transparency'), page.click(`footer a[href="/transparency"]`)]);
          expect((await page.locator('h1').textContent())?.trim()).toBe(text.transparency.title);
          await axe.check('public summary');

          await Promise.all([
            page.waitForURL((u) => u.search === `?year=${YEAR}`),
            page.click(`table[data-table="years"] a[href="/transparency?year=${YEAR}"]`),
          ]);
          expect(await page.getAttribute(`a[href="/transparency?year=${YEAR}"]`, 'aria-current')).toBe('page');
          // 2 trafficking reports read "< 5" (and "fewer than 5" to a screen reader); the 11 that would give them away are hidden.
          const trafficking = page.locator('table[data-table="category"] tr[data-code="trafficking"] td');
          expect((await trafficking.locator('[aria-hidden="true"]').innerText()).trim()).toBe('< 5');
          expect(await trafficking.locator('.visually-hidden').textContent()).toBe(text.transparency.fewerThanFive);
          expect((await page.locator('table[data-table="category"] tr[data-code="family_conflict"] td').innerText()).trim()).toBe(
            text.transparency.hidden,
          );
          expect((await page.locator('table[data-table="category"] tr[data-code="neglect"] td').innerText()).trim()).toBe('40');
          expect((await page.locator('[data-total="reports"]').innerText()).trim()).toBe('53');
          await axe.check(`the figures of ${YEAR}`);

          // Nothing is wider than the screen.
          expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
          axe.assertClean();
          expectNoThirdPartyRequests(log);
        });
      }
    }
  }
});
