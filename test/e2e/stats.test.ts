import { axeChecker, expectNoThirdPartyRequests, signInWithPassword, useApp, useBrowser } from '../helpers/browser';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';

/** The statistics page in a real browser, checked with axe (WCAG 2.2 AA), in both languages. */

jest.setTimeout(60_000);

const pages = useBrowser();
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
let supervisor: StaffAccount;

beforeAll(async () => {
  supervisor = await createStaffAccount(running.lentera, { role: 'supervisor', name: 'Koordinator Uji' });
});

describe('statistics page (axe, WCAG 2.2 AA)', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`figures, charts and a range error in ${lang === 'en' ? 'English' : 'Indonesian'}`, async () => {
      const { page, log } = await pages.open(running.baseUrl);
      const axe = axeChecker(page, lang);
      await page.goto(running.url(`/?lang=${lang}`));
      await signInWithPassword(page, running.url('/login'), supervisor);

      const ok = await page.goto(running.url('/staff/stats'));
      expect(ok?.status()).toBe(200);
      expect(await page.locator('svg.stats-chart').count()).toBe(8); // six of reports, two of cases (by outcome, by LK3 function)
      await axe.check('statistics');

      const bad = await page.goto(running.url('/staff/stats?from=2026-05-01&to=2026-04-30'));
      expect(bad?.status()).toBe(400);
      await axe.check('statistics with a range error');

      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});
