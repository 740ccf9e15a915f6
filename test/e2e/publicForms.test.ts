import request from 'supertest';
import type { Page, Response } from 'playwright-core';
import en from '../../src/i18n/locales/en.json';
import id from '../../src/i18n/locales/id.json';
import type { Locale } from '../../src/i18n';
import {
  axeChecker,
  comesBefore,
  expectNoThirdPartyRequests,
  startApp,
  useApp,
  useBrowser,
  type AxeChecker,
  type RunningApp,
} from '../helpers/browser';
import { createStaffAccount, signedInAgent } from '../helpers/staff';
import { fileReport, formBody, tokenFrom, validReport, type Agent } from '../helpers/testApp';

/**
 * A resident under stress, in a real browser (Chromium), on a 390×844 phone and a desktop, in both
 * languages, with JavaScript on and off: what she typed survives a language switch and a rate
 * limit, the status page puts first what matters, and nothing is cut off at 390 px. Axe checks
 * every page and state.
 */

// jest.config.js sets testTimeout on the e2e project, but Jest reads testTimeout only from the global config.
jest.setTimeout(90_000);

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

interface Mode {
  name: string;
  javaScriptEnabled: boolean;
  viewport: { width: number; height: number };
  /** The language the person starts in; the switch takes her to the other. */
  from: Locale;
}

/** Each mode switches from one language to the other, so that every mode sees both. */
const modes: Mode[] = [
  { name: 'phone, JavaScript on, Indonesian first', javaScriptEnabled: true, viewport: PHONE, from: 'id' },
  { name: 'phone, JavaScript off, English first', javaScriptEnabled: false, viewport: PHONE, from: 'en' },
  { name: 'desktop, JavaScript on, English first', javaScriptEnabled: true, viewport: DESKTOP, from: 'en' },
  { name: 'desktop, JavaScript off, Indonesian first', javaScriptEnabled: false, viewport: DESKTOP, from: 'id' },
];

const texts = { id, en };
const other = (l: Locale): Locale => (l === 'id' ? 'en' : 'id');

const pages = useBrowser();
const running = useApp();
const url = (p: string) => running.url(p);

/** Clicks `selector` and returns the response to the POST it sends to `action`, once the page has loaded. */
async function post(page: Page, selector: string, action: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action),
    page.waitForNavigation(),
    page.click(selector),
  ]);
  return response;
}

const REPORT_SUBMIT = 'form.report-form button[type=submit]';
const SWITCH = 'button.language-switch';

/** What a worried sister types, as she types it. */
const story = {
  category: 'family_conflict',
  groups: ['woman', 'family'],
  narrative: 'Suami kakak saya sering berteriak dan membanting barang di rumah, anak-anak ketakutan.',
  kecamatan: '13.71.01',
  kelurahan: '13.71.01.1001',
  location: 'Rumah hijau dekat surau',
  urgency: 'urgent',
  relation: 'family',
  name: 'Rini',
  phone: '0812 7777 1234',
  channel: 'sms',
  hours: 'Pagi sebelum jam 9',
};

async function fillStory(page: Page): Promise<void> {
  await page.check(`#category-${story.category}`);
  for (const g of story.groups) await page.check(`#affected_groups-${g}`);
  await page.fill('#narrative', story.narrative);
  await page.selectOption('#kecamatan', story.kecamatan);
  await page.selectOption('#kelurahan', story.kelurahan);
  await page.fill('#location_detail', story.location);
  await page.check(`#urgency-${story.urgency}`);
  await page.selectOption('#relation', story.relation);
  await page.check('#wants_contact-yes');
  await page.fill('#contact_name', story.name);
  await page.fill('#contact_phone', story.phone);
  await page.check(`#contact_channel-${story.channel}`);
  await page.fill('#contact_hours', story.hours);
  await page.check('#contact_leave_message-no');
}

/** Everything in `story` is still on the form, as typed. */
async function expectStory(page: Page): Promise<void> {
  expect(await page.isChecked(`#category-${story.category}`)).toBe(true);
  for (const g of story.groups) expect(await page.isChecked(`#affected_groups-${g}`)).toBe(true);
  expect(await page.isChecked('#affected_groups-child')).toBe(false);
  expect(await page.inputValue('#narrative')).toBe(story.narrative);
  expect(await page.inputValue('#kecamatan')).toBe(story.kecamatan);
  expect(await page.inputValue('#kelurahan')).toBe(story.kelurahan);
  expect(await page.inputValue('#location_detail')).toBe(story.location);
  expect(await page.isChecked(`#urgency-${story.urgency}`)).toBe(true);
  expect(await page.inputValue('#relation')).toBe(story.relation);
  expect(await page.isChecked('#wants_contact-yes')).toBe(true);
  expect(await page.inputValue('#contact_name')).toBe(story.name);
  expect(await page.inputValue('#contact_phone')).toBe(story.phone);
  expect(await page.isChecked(`#contact_channel-${story.channel}`)).toBe(true);
  expect(await page.inputValue('#contact_hours')).toBe(story.hours);
  expect(await page.isChecked('#contact_leave_message-no')).toBe(true);
}

/** Nothing is wider than the screen (the page never scrolls sideways). */
async function expectNoSidewaysScroll(page: Page, width: number): Promise<void> {
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
}

interface PageChecks {
  /** Checks that nothing runs off the side of the screen, and runs axe on the page as it is now. */
  check(name: string): Promise<void>;
  assertClean(): void;
}

/**
 * Checks for the states a test walks through. Axe needs JavaScript in the page; without it, the
 * page as the browser shows it (its HTML, same origin, same viewport) is copied into a page that
 * runs axe but not site.js, so the check sees exactly what a visitor without JavaScript gets.
 */
function pageChecks(page: Page, mode: Mode, locale?: Locale): PageChecks {
  let axe: AxeChecker | undefined;
  let mirror: Page | undefined;
  return {
    async check(name) {
      await expectNoSidewaysScroll(page, mode.viewport.width);
      const label = `${name} [${mode.name}]`;
      if (mode.javaScriptEnabled) {
        axe ??= axeChecker(page, locale);
        return axe.check(label);
      }
      const origin = new URL(page.url()).origin;
      if (!mirror) {
        mirror = (await pages.open(origin, { viewport: mode.viewport })).page;
        await mirror.context().route('**/js/site.js', (route) => route.abort());
        axe = axeChecker(mirror, locale);
      }
      await mirror.goto(`${origin}/privacy`);
      await mirror.setContent(await page.content(), { waitUntil: 'load' });
      expect(await mirror.locator('h1').innerText()).toBe(await page.locator('h1').innerText());
      await axe!.check(label);
    },
    assertClean: () => axe?.assertClean(),
  };
}

const lang = (page: Page) => page.getAttribute('html', 'lang');

describe('what was typed survives a language switch', () => {
  for (const mode of modes) {
    const to = other(mode.from);

    test(`the report form (${mode.name})`, async () => {
      const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled: mode.javaScriptEnabled, viewport: mode.viewport });
      const checks = pageChecks(page, mode);
      await page.goto(url(`/report?lang=${mode.from}`));
      await fillStory(page);
      await checks.check('report form, filled in');

      const switched = await post(page, SWITCH, '/report');
      expect(switched.status()).toBe(200);
      expect(await lang(page)).toBe(to);
      expect(await page.locator('h1').textContent()).toBe(texts[to].report.title);
      await expectStory(page);
      expect(await page.locator('.error-summary').count()).toBe(0);
      expect((await page.locator(SWITCH).textContent())?.trim()).toBe(texts[to].common.switchLanguage);
      await checks.check('report form, after the language switch');

      // The language is remembered, and the form as it came back files the report.
      const sent = await post(page, REPORT_SUBMIT, '/report');
      expect(sent.status()).toBe(303);
      expect(new URL(page.url()).pathname).toBe('/report/receipt');
      expect(await lang(page)).toBe(to);

      checks.assertClean();
      expectNoThirdPartyRequests(log);
    });

    test(`the receipt check, Enter still checks, and the reply on the status page (${mode.name})`, async () => {
      const receipt = await fileReport(request.agent(running.lentera.app));
      const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled: mode.javaScriptEnabled, viewport: mode.viewport });
      const checks = pageChecks(page, mode);
      await page.goto(url(`/status?lang=${mode.from}`));
      await page.fill('#receipt', receipt.slice(0, 8));
      const switched = await post(page, SWITCH, '/status');
      expect(switched.status()).toBe(200);
      expect(await lang(page)).toBe(to);
      expect(await page.inputValue('#receipt')).toBe(receipt.slice(0, 8));
      expect(await page.locator('.error-summary').count()).toBe(0);
      await checks.check('receipt check, after the language switch');

      // Enter in the code field checks the receipt; it does not switch the language.
      await page.fill('#receipt', receipt);
      const [checked] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/status'),
        page.waitForURL(url('/status')),
        page.press('#receipt', 'Enter'),
      ]);
      expect(checked.status()).toBe(303);
      await page.locator('#current-status').waitFor();
      expect(await lang(page)).toBe(to);

      const reply = 'Tadi malam anak-anak menginap di rumah saya.';
      await page.fill('#message', reply);
      const back = await post(page, SWITCH, '/status/messages');
      expect(back.status()).toBe(200);
      expect(await lang(page)).toBe(mode.from);
      expect(await page.inputValue('#message')).toBe(reply);
      expect(await page.locator('#messages .message-body').count()).toBe(0);
      await checks.check('status page, reply kept across the language switch');

      const sent = await post(page, '#reply-form button[type=submit]', '/status/messages');
      expect(sent.status()).toBe(303);
      expect(await page.locator('#messages .message-body').allTextContents()).toEqual([reply]);

      checks.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }

  test('pages without a form keep the switch a query-only link', async () => {
    const { page } = await pages.open(running.baseUrl, { javaScriptEnabled: false });
    for (const path of ['/', '/privacy']) {
      await page.goto(url(path));
      expect(await page.locator('a.language-switch').getAttribute('href')).toBe('?lang=en');
      expect(await page.locator('button.language-switch').count()).toBe(0);
    }
  });
});

describe('a report turned away by the rate limit', () => {
  let limited: RunningApp;
  beforeAll(async () => {
    limited = await startApp({ RATE_REPORTS_PER_IP: '1' });
    // This browser's one report of the hour.
    const { page } = await pages.open(limited.baseUrl);
    await page.goto(limited.url('/report'));
    await page.check('#category-neglect');
    await page.check('#affected_groups-child');
    await page.fill('#narrative', 'Anak tetangga sering ditinggal sendirian berhari-hari.');
    await page.selectOption('#kecamatan', '13.71.01');
    await page.check('#urgency-normal');
    await page.selectOption('#relation', 'neighbour');
    await page.check('#wants_contact-no');
    expect((await post(page, REPORT_SUBMIT, '/report')).status()).toBe(303);
  });
  afterAll(async () => {
    await limited?.stop();
  });

  for (const mode of modes) {
    test(`keeps everything typed, says when to try again, the hotlines first (${mode.name})`, async () => {
      const { page, log } = await pages.open(limited.baseUrl, { javaScriptEnabled: mode.javaScriptEnabled, viewport: mode.viewport });
      const checks = pageChecks(page, mode, mode.from);
      await page.goto(limited.url(`/report?lang=${mode.from}`));
      await fillStory(page);
      const refused = await post(page, REPORT_SUBMIT, '/report');
      expect(refused.status()).toBe(429);
      expect(Number(await refused.headerValue('retry-after'))).toBeGreaterThan(0);
      await expectStory(page);

      const summary = page.locator('.error-summary');
      expect(await summary.isVisible()).toBe(true);
      expect(await summary.innerText()).toMatch(
        mode.from === 'id'
          ? /setelah pukul \d{2}\.\d{2} WIB \(sekitar \d+ (menit|jam) lagi\)/
          : /after \d{2}:\d{2} WIB \(in about \d+ (minutes?|hour)\)/,
      );
      const hotlines = page.locator('section.safety-urgent');
      expect(await hotlines.isVisible()).toBe(true);
      expect(await hotlines.locator('.hotline-number').allTextContents()).toEqual(expect.arrayContaining(['112', '110', '129', '119']));
      expect(await comesBefore(page, '.error-summary', 'section.safety-urgent')).toBe(true);
      expect(await comesBefore(page, 'section.safety-urgent', 'form.report-form')).toBe(true);
      if (mode.javaScriptEnabled) {
        // site.js puts focus on the summary, so that a screen reader reads it out.
        expect(await page.evaluate(`document.activeElement?.matches('.error-summary') === true`)).toBe(true);
      }
      await checks.check('report form refused by the rate limit');

      // Even now the language switch keeps it all.
      const switched = await post(page, SWITCH, '/report');
      expect(switched.status()).toBe(200);
      expect(await lang(page)).toBe(other(mode.from));
      await expectStory(page);

      checks.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});

describe('the status page puts first what matters', () => {
  let staff: Agent;
  beforeAll(async () => {
    staff = await signedInAgent(running.lentera, await createStaffAccount(running.lentera, { role: 'triage' }));
  });

  /** Files a report over HTTP; returns its reference and receipt. */
  async function newReport(fields = validReport()): Promise<{ reference: string; receipt: string }> {
    const receipt = await fileReport(request.agent(running.lentera.app), fields);
    const reference = running.lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    return { reference, receipt };
  }

  async function decide(reference: string, action: string, fields: Record<string, string>): Promise<void> {
    const token = await tokenFrom(staff, `/staff/reports/${reference}`);
    expect(
      (
        await staff
          .post(`/staff/reports/${reference}/${action}`)
          .type('form')
          .send(formBody({ ...fields, _csrf: token }))
      ).status,
    ).toBe(303);
  }

  async function openStatus(page: Page, receipt: string, locale: Locale): Promise<void> {
    await page.goto(url(`/status?lang=${locale}`));
    await page.fill('#receipt', receipt);
    expect((await post(page, 'form[action="/status"] button[type=submit]', '/status')).status()).toBe(303);
    await page.locator('#current-status').waitFor();
  }

  for (const mode of modes) {
    const t = texts[mode.from];

    test(`danger now: hotlines first; a question on top with the reply form; what happens next (${mode.name})`, async () => {
      const { reference, receipt } = await newReport(validReport({ urgency: 'immediate' }));
      const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled: mode.javaScriptEnabled, viewport: mode.viewport });
      const checks = pageChecks(page, mode, mode.from);
      await openStatus(page, receipt, mode.from);

      // The hotlines come before anything else in the page's content, and on a phone they are on the first screen.
      expect(await page.evaluate(`document.querySelector('main h1').nextElementSibling.matches('section.safety-urgent')`)).toBe(true);
      expect(await page.locator('section.safety-urgent .hotline-number').first().isVisible()).toBe(true);
      const first = await page.locator('section.safety-urgent .hotline-number').first().boundingBox();
      expect(first!.y + first!.height).toBeLessThanOrEqual(mode.viewport.height);
      expect(await page.locator('.safety-compact').count()).toBe(0);
      expect(await page.locator('#current-status').innerText()).toBe(t.publicStatus.new.name);
      expect(await page.locator('.status-next').innerText()).toBe(t.statusNext.new);
      // An update due within the day says the time.
      expect(await page.locator('.next-update').innerText()).toMatch(
        mode.from === 'id' ? /paling lambat hari ini pukul \d{2}\.\d{2} WIB\.$/ : /by \d{2}:\d{2} WIB today\.$/,
      );
      expect(await page.locator('#office-title').innerText()).toBe(t.office.title);
      await checks.check('status page, danger now');

      await decide(reference, 'ask', { 'ask-message': 'Apakah Anda dan anak-anak sekarang di tempat yang aman?' });
      await page.reload();
      expect(await page.locator('#current-status').innerText()).toBe(t.publicStatus.awaiting_info.name);
      expect(await comesBefore(page, 'section.safety-urgent', '.question-panel')).toBe(true);
      expect(await comesBefore(page, '.question-panel', '.status-panel')).toBe(true);
      expect(await page.locator('.question-panel .message-body').innerText()).toBe(
        'Apakah Anda dan anak-anak sekarang di tempat yang aman?',
      );
      expect(await page.locator('.question-panel #reply-form #message').count()).toBe(1);
      expect(await page.locator('#reply-form').count()).toBe(1);
      expect(await page.locator('.status-next').innerText()).toBe(t.statusNext.awaiting_info);
      await checks.check('status page, a question from staff');

      await page.fill('#message', 'Ya, kami di rumah ibu saya.');
      expect((await post(page, '#reply-form button[type=submit]', '/status/messages')).status()).toBe(303);
      expect(await page.locator('.question-panel').count()).toBe(0);
      expect(await page.locator('#current-status').innerText()).toBe(t.publicStatus.in_review.name);

      await decide(reference, 'accept', {
        'accept-case_mode': 'new',
        'accept-case_number': '',
        'accept-assignee': '',
        'accept-risk': '',
        'accept-note': '',
      });
      await page.reload();
      expect(await page.locator('#current-status').innerText()).toBe(t.publicStatus.accepted.name);
      // She left no way to reach her: the page says so, and that news comes here.
      expect(await page.locator('.status-next').innerText()).toBe(t.statusNext.acceptedNoContact);
      await checks.check('status page, accepted');

      await page.locator('.end-session button').waitFor();
      expect((await page.locator('.end-session button').innerText()).trim()).toBe(t.status.endButton);

      checks.assertClean();
      expectNoThirdPartyRequests(log);
    });

    test(`closed: why, and how to report again; nothing cut off (${mode.name})`, async () => {
      const { reference, receipt } = await newReport(
        validReport({ wants_contact: 'yes', contact_phone: '0812 1111 2222', contact_channel: 'whatsapp', contact_leave_message: 'no' }),
      );
      await decide(reference, 'close', { 'close-reason': 'outside_mandate', 'close-note': '' });
      const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled: mode.javaScriptEnabled, viewport: mode.viewport });
      const checks = pageChecks(page, mode, mode.from);
      await openStatus(page, receipt, mode.from);
      expect(await page.locator('#current-status').innerText()).toBe(t.publicStatus.closed.name);
      expect(await page.locator('.status-panel').innerText()).toContain(t.publicCloseReason.outside_mandate);
      expect(await page.locator('.status-next').innerText()).toBe(t.statusNext.closed);
      expect(await page.locator('.status-panel a[href="/report"]').innerText()).toBe(t.status.newReportLink);
      expect(await page.locator('.next-update').count()).toBe(0);
      // Not urgent: the hotlines are there, after the report's own news.
      expect(await comesBefore(page, '.status-panel', 'section.safety-compact')).toBe(true);
      await checks.check('status page, closed');
      checks.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});

describe('the public pages on a 390×844 phone', () => {
  for (const javaScriptEnabled of [true, false]) {
    for (const locale of ['id', 'en'] as const) {
      const t = texts[locale];
      const mode: Mode = {
        name: `phone, JavaScript ${javaScriptEnabled ? 'on' : 'off'}, ${locale}`,
        javaScriptEnabled,
        viewport: PHONE,
        from: locale,
      };

      test(`"${t.home.reportButton}" is on the first screen, and no page scrolls sideways (${mode.name})`, async () => {
        const { page, log } = await pages.open(running.baseUrl, { javaScriptEnabled, viewport: PHONE });
        const checks = pageChecks(page, mode, locale);
        await page.goto(url(`/?lang=${locale}`));
        const button = page.locator('main a.button[href="/report"]');
        expect((await button.innerText()).trim()).toBe(t.home.reportButton);
        expect(await page.evaluate('window.scrollY')).toBe(0);
        const box = await button.boundingBox();
        expect(box!.y).toBeGreaterThanOrEqual(0);
        expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
        expect(await page.locator('section.office').isVisible()).toBe(true);
        await checks.check('home');

        for (const path of ['/report', '/status', '/privacy', '/report/receipt', '/does-not-exist']) {
          await page.goto(url(path));
          await checks.check(path);
        }
        await page.goto(url('/privacy'));
        expect(await page.locator('main').innerText()).toContain(locale === 'id' ? 'paling lama 2 tahun' : 'at most 2 years');

        await page.goto(url('/report'));
        expect((await post(page, REPORT_SUBMIT, '/report')).status()).toBe(400);
        await checks.check('report form with every error');
        await page.check('#wants_contact-yes');
        await page.fill('#contact_phone', 'nomor saya');
        await page.check('#contact_channel-phone');
        expect((await post(page, REPORT_SUBMIT, '/report')).status()).toBe(400);
        expect(await page.locator('#contact_phone-error').innerText()).toContain('0812 3456 7890');
        await checks.check('report form with contact errors');

        await page.goto(url('/status'));
        await page.fill('#receipt', '0000 0000 0000 0000');
        expect((await post(page, 'form[action="/status"] button[type=submit]', '/status')).status()).toBe(400);
        await checks.check('receipt check with a wrong code');

        checks.assertClean();
        expectNoThirdPartyRequests(log);
      });
    }
  }
});
