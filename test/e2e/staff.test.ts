import fs from 'node:fs';
import path from 'node:path';
import type { Page, Response } from 'playwright-core';
import request from 'supertest';
import en from '../../src/i18n/locales/en.json';
import id from '../../src/i18n/locales/id.json';
import { totpCodeAt } from '../../src/security/totp';
import {
  axeChecker,
  expectNoThirdPartyRequests,
  startApp,
  useAppWithNeutralSite,
  useBrowser,
  type AppUnderTest,
  type TrackedPage,
} from '../helpers/browser';
import { createStaffAccount, signedInAgent, unusedCode, type StaffAccount } from '../helpers/staff';
import { fileReport, formBody, tokenFrom, validReport } from '../helpers/testApp';

/**
 * The back office in a real browser (Debian's Chromium through playwright-core) against the real
 * app on 127.0.0.1: a resident's two reports go through triage (one becomes a case, one is
 * redirected to a partner), the resident sees each outcome, the caseworker picks up the case; and
 * every staff page is checked with axe (WCAG 2.2 AA) in both languages.
 */

jest.setTimeout(60_000);

const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output');
const RECEIPT_PATTERN = /^\d{4} \d{4} \d{4} \d{4}$/;
const REFERENCE_PATTERN = /^LAP-\d{4}-\d{6}$/;
const CASE_NUMBER_PATTERN = /^LK3\/\d{4}\/\d{4,}$/;

type Lang = 'id' | 'en';
const texts = { id, en } as const;

const pages = useBrowser();
let admin: StaffAccount;
let triage: StaffAccount;
let caseworker: StaffAccount;
let supervisor: StaffAccount;

// REQUIRE_2FA is left at its default (true): every sign-in here is password, then code.
const { running } = useAppWithNeutralSite();
/** Every app a test in this file started, so that a server fault can be explained from that app's log. */
const apps: AppUnderTest[] = [running];

beforeAll(async () => {
  admin = await createStaffAccount(running.lentera, { role: 'admin', name: 'Ani Administrator' });
  triage = await createStaffAccount(running.lentera, { role: 'triage', name: 'Tari Triase' });
  caseworker = await createStaffAccount(running.lentera, { role: 'caseworker', name: 'Citra Peksos' });
  supervisor = await createStaffAccount(running.lentera, { role: 'supervisor', name: 'Sari Koordinator' });
});

/** A new context (own cookies), JavaScript on; closed after the test. */
function open(options: { viewport?: { width: number; height: number } } = {}): Promise<TrackedPage> {
  return pages.open(running.baseUrl, options);
}

const url = (p: string) => running.url(p);
const pathOf = (page: Page) => new URL(page.url()).pathname;
const textOf = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Throws with what the app logged when a page answered with a server fault, so that the report shows the cause. */
function expectNoServerFault(page: Page, response: Response | null, what: string): void {
  const status = response?.status() ?? 0;
  if (status < 500) return;
  const app = apps.find((a) => page.url().startsWith(a.baseUrl));
  const logged = app?.lentera.logs.filter((l) => l.startsWith('Error while serving')).slice(-3) ?? [];
  throw new Error(`${what} answered ${status}; the app logged:\n${logged.join('\n') || '(nothing)'}`);
}

/** Clicks the submit button of the form with this action and waits for the page that answers (after any redirect). */
async function submitForm(page: Page, action: string): Promise<Response | null> {
  // The form's own button: a saved reply's "Insert" button (formaction) sits in the message forms too.
  const button = page.locator(`main form[action="${action}"] button[type=submit]:not([formaction])`);
  expect(await button.count()).toBe(1);
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  expectNoServerFault(page, response, `POST ${action}`);
  return response;
}

/** The notice a page shows after an action (role=status). */
const noticeOf = (page: Page) => textOf(page, 'main .notice[role=status]');

// ---------------------------------------------------------------- signing in and out

interface SignInHooks {
  /** Called on /login before anything is typed, and on /login/code before the code is typed. */
  onPage?: (name: 'login' | 'login code') => Promise<void>;
}

/** Signs in through the real pages: email and password on /login, then a code from the authenticator on /login/code. */
async function signInThroughUi(page: Page, account: StaffAccount, lang?: Lang, hooks: SignInHooks = {}): Promise<void> {
  await page.goto(url(lang ? `/login?lang=${lang}` : '/login'));
  expect(pathOf(page)).toBe('/login');
  await hooks.onPage?.('login');
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  const afterPassword = await submitForm(page, '/login');
  expect(afterPassword?.status()).toBe(200);
  expect(pathOf(page)).toBe('/login/code');
  await hooks.onPage?.('login code');
  await page.fill('#code', await unusedCode(running.lentera, account));
  const afterCode = await submitForm(page, '/login/code');
  expect(afterCode?.status()).toBe(200);
  expect(pathOf(page)).not.toMatch(/^\/login/);
  // The header shows who is signed in.
  expect(await textOf(page, '.staff-nav-account a')).toBe(account.name);
}

/** The sign-out button in the header; lands on /login with a notice. */
async function signOutThroughUi(page: Page, lang: Lang = 'id'): Promise<void> {
  const button = page.locator('header form[action="/logout"] button[type=submit]');
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  expect(response?.status()).toBe(200);
  expect(pathOf(page)).toBe('/login');
  expect(await noticeOf(page)).toBe(texts[lang].auth.signedOut);
  expect(await page.locator('.staff-nav').count()).toBe(0);
}

// ---------------------------------------------------------------- the resident

interface ResidentReport {
  category: string;
  narrative: string;
  urgency: 'immediate' | 'urgent' | 'normal';
}

/** Fills the public report form by clicking and typing into its labelled fields, sends it, and returns the receipt shown. */
async function fileReportInBrowser(page: Page, input: ResidentReport): Promise<string> {
  await page.goto(url('/report'));
  await page.check(`#category-${input.category}`);
  await page.check('#affected_groups-child');
  await page.check('#affected_groups-family');
  await page.fill('#narrative', input.narrative);
  await page.selectOption('#kecamatan', '13.71.01');
  await page.selectOption('#kelurahan', '13.71.01.1001');
  await page.fill('#location_detail', 'Dekat masjid, gang ketiga');
  await page.check(`#urgency-${input.urgency}`);
  await page.selectOption('#relation', 'neighbour');
  await page.check('#wants_contact-no');
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/report');
  await Promise.all([page.waitForURL(url('/report/receipt')), page.click('form.report-form button[type=submit]')]);
  expect((await posted).status()).toBe(303);
  const receipt = (await page.locator('p.receipt-code[data-receipt]').textContent())?.trim() ?? '';
  expect(receipt).toMatch(RECEIPT_PATTERN);
  return receipt;
}

/** Types the receipt on /status and opens the report's status page. */
async function openStatusPage(page: Page, receipt: string): Promise<void> {
  await page.goto(url('/status'));
  await page.fill('#receipt', receipt);
  await Promise.all([page.waitForSelector('#current-status'), page.click('form[action="/status"] button[type=submit]')]);
  expect(pathOf(page)).toBe('/status');
}

// ---------------------------------------------------------------- the story

describe("from a resident's report to a case and a redirect", () => {
  const first: ResidentReport = {
    category: 'neglect',
    urgency: 'urgent',
    narrative: 'Dua anak kecil di rumah sebelah sering ditinggal sendirian berhari-hari tanpa makanan.',
  };
  const second: ResidentReport = {
    category: 'economic_hardship',
    urgency: 'normal',
    narrative: 'Keluarga di ujung gang tidak punya uang untuk makan dan sewa rumah sejak ayahnya sakit.',
  };
  const partner = {
    name: 'SLRT Dinas Sosial Kota Padang',
    phone: '(0751) 7051234',
    email: 'slrt@dinsos.padang.test',
    address: 'Jl. Jenderal Sudirman No. 1, Padang',
  };
  const summaryForPartner = 'Keluarga dengan anak, ayah sakit, kesulitan makan dan sewa; mohon asesmen bantuan sosial.';
  const explanationForReporter =
    'Laporan Anda kami teruskan ke SLRT Dinas Sosial yang dapat membantu kebutuhan dasar keluarga itu. Anda juga dapat menghubungi mereka langsung.';
  const caseNote = 'Kunjungan rumah pertama dijadwalkan hari Kamis bersama pendamping kelurahan.';

  let receipts: [string, string] | undefined;
  let references: [string, string] | undefined;
  let caseNumber: string | undefined;

  test('a resident files two reports through the form and keeps both receipts', async () => {
    const { page, log } = await open();
    await page.goto(url('/'));
    const receipt1 = await fileReportInBrowser(page, first);
    const receipt2 = await fileReportInBrowser(page, second);
    expect(receipt1).not.toBe(receipt2);
    receipts = [receipt1, receipt2];
    expectNoThirdPartyRequests(log);
  });

  test('the administrator signs in with password and code, adds a partner institution, and signs out', async () => {
    const { page, log } = await open();
    await signInThroughUi(page, admin);
    expect(pathOf(page)).toBe('/staff/partners');
    expect(await page.locator('main tbody tr').count()).toBe(0);

    await Promise.all([page.waitForURL(url('/staff/partners/new')), page.click('main a.button[href="/staff/partners/new"]')]);
    await page.fill('#name', partner.name);
    await page.selectOption('#type', 'social_assistance');
    await page.fill('#phone', partner.phone);
    await page.fill('#email', partner.email);
    await page.fill('#address', partner.address);
    await page.check('#areas-13\\.71\\.01');
    const created = await submitForm(page, '/staff/partners');
    expect(created?.status()).toBe(200);
    expect(pathOf(page)).toBe('/staff/partners');
    expect(await noticeOf(page)).toBe(id.partners.notices.created);
    const row = page.locator('main tbody tr', { has: page.locator('th', { hasText: partner.name }) });
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain(partner.phone);
    expect(await row.innerText()).toContain(id.partners.active);

    await signOutThroughUi(page);
    // Signed out means signed out: the back office sends the person to the login page.
    await page.goto(url('/staff/partners'));
    expect(pathOf(page)).toBe('/login');
    expectNoThirdPartyRequests(log);
  });

  test('the triage officer finds both reports in the queue, accepts the first as a case and redirects the second', async () => {
    expect(receipts).toBeDefined();
    const { page, log } = await open();
    await signInThroughUi(page, triage);
    expect(pathOf(page)).toBe('/staff/queue');

    // Both reports are in the queue, told apart by their category, both new and unclaimed.
    const rows = page.locator('main tbody tr');
    expect(await rows.count()).toBe(2);
    const rowOf = (r: ResidentReport) => rows.filter({ hasText: id.category[r.category as keyof typeof id.category] });
    const refs: string[] = [];
    for (const r of [first, second]) {
      const row = rowOf(r);
      expect(await row.count()).toBe(1);
      const cells = await row.locator('td').allInnerTexts();
      expect(cells[1]).toBe(id.urgency[r.urgency]);
      expect(cells[4]).toBe(id.reportStatus.new);
      // Written on the Indonesian form; nobody handles it yet.
      expect(cells[7]).toBe(id.languageName.id);
      expect(cells[8]).toBe('—');
      const ref = (await row.locator('a[href^="/staff/reports/"]').textContent())?.trim() ?? '';
      expect(ref).toMatch(REFERENCE_PATTERN);
      refs.push(ref);
    }
    // Urgent comes before normal.
    expect(await rows.first().locator('a').first().textContent()).toBe(refs[0]);
    references = [refs[0]!, refs[1]!];

    // ---- the first: claim it, then accept it as a new case for the caseworker
    await Promise.all([page.waitForURL(url(`/staff/reports/${refs[0]}`)), rowOf(first).locator('a[href^="/staff/reports/"]').click()]);
    expect(await textOf(page, 'h1')).toBe(refs[0]);
    expect(await textOf(page, 'section[aria-labelledby="narrative-title"] .message-body')).toBe(first.narrative);

    const claimed = await submitForm(page, `/staff/reports/${refs[0]}/claim`);
    expect(claimed?.status()).toBe(200);
    expect(await noticeOf(page)).toBe(id.triage.done.claim);
    expect(await page.locator('main dl.summary-list').first().innerText()).toContain(triage.name);

    expect(await page.isChecked('#accept-case_mode')).toBe(true);
    await page.check('#accept-case_mode');
    await page.selectOption('#accept-assignee', { label: caseworker.name });
    await page.selectOption('#accept-risk', 'medium');
    await page.fill('#accept-note', 'Perlu kunjungan rumah minggu ini.');
    const accepted = await submitForm(page, `/staff/reports/${refs[0]}/accept`);
    expect(accepted?.status()).toBe(200);
    expect(pathOf(page)).toBe(`/staff/reports/${refs[0]}`);
    expect(await noticeOf(page)).toBe(id.triage.done.accept);
    const decision = page.locator('section[aria-labelledby="decision-title"]');
    expect(await decision.innerText()).toContain(id.reportStatus.accepted);
    const caseLink = decision.locator('a[href^="/staff/cases/"]');
    caseNumber = (await caseLink.textContent())?.trim() ?? '';
    expect(caseNumber).toMatch(CASE_NUMBER_PATTERN);
    expect(await caseLink.getAttribute('href')).toBe(`/staff/cases/${caseNumber.replace(/\//g, '-')}`);
    // A decided report has no decision forms left.
    expect(await page.locator(`form[action="/staff/reports/${refs[0]}/accept"]`).count()).toBe(0);
    expect(await page.locator(`form[action="/staff/reports/${refs[0]}/redirect"]`).count()).toBe(0);

    // ---- the second: redirect it to the partner, back through the queue
    await Promise.all([page.waitForURL(url('/staff/queue')), page.click('.staff-nav a[href="/staff/queue"]')]);
    expect(await rows.count()).toBe(1);
    await Promise.all([page.waitForURL(url(`/staff/reports/${refs[1]}`)), rowOf(second).locator('a[href^="/staff/reports/"]').click()]);
    expect(await textOf(page, 'section[aria-labelledby="narrative-title"] .message-body')).toBe(second.narrative);
    await page.selectOption('#redirect-partner', { label: partner.name });
    await page.selectOption('#redirect-reason', 'social_assistance_needed');
    await page.fill('#redirect-summary', summaryForPartner);
    await page.fill('#redirect-explanation', explanationForReporter);
    const redirected = await submitForm(page, `/staff/reports/${refs[1]}/redirect`);
    expect(redirected?.status()).toBe(200);
    expect(await noticeOf(page)).toBe(id.triage.done.redirect);
    const redirectPanel = await page.locator('section[aria-labelledby="decision-title"]').innerText();
    expect(redirectPanel).toContain(id.reportStatus.redirected);
    expect(redirectPanel).toContain(partner.name);
    expect(redirectPanel).toContain(id.redirectReason.social_assistance_needed);
    expect(redirectPanel).toContain(summaryForPartner);
    expect(redirectPanel).toContain(explanationForReporter);

    // Nothing is left open.
    await page.goto(url('/staff/queue'));
    expect(await rows.count()).toBe(0);
    expect(await textOf(page, 'main > p')).toBe(id.queue.empty);

    await signOutThroughUi(page);
    expectNoThirdPartyRequests(log);
  });

  test('the resident checks both receipts and sees each outcome', async () => {
    expect(receipts && references).toBeTruthy();
    const { page, log } = await open();

    await openStatusPage(page, receipts![0]);
    expect(await textOf(page, '#current-status')).toBe('Ditangani pekerja sosial');
    expect(await textOf(page, '#current-status')).toBe(id.publicStatus.accepted.name);
    const firstPanel = await page.locator('.status-panel').innerText();
    expect(firstPanel).toContain(id.publicStatus.accepted.explanation);
    // Nothing of the case work (the caseworker's name, the internal note) reaches the reporter.
    const firstPage = await page.locator('main').innerText();
    expect(firstPage).not.toContain(caseworker.name);
    expect(firstPage).not.toContain('Perlu kunjungan rumah');
    expect(firstPage).not.toContain(references![0]);

    // Ending the session, then the second receipt.
    await Promise.all([page.waitForURL(url('/')), page.click('form[action="/status/end"] button[type=submit]')]);
    await openStatusPage(page, receipts![1]);
    expect(await textOf(page, '#current-status')).toBe('Diteruskan ke lembaga lain');
    const panel = page.locator('.status-panel');
    const panelText = await panel.innerText();
    expect(panelText).toContain(partner.name);
    expect(panelText).toContain(partner.phone);
    expect(panelText).toContain(partner.address);
    expect(await textOf(page, '.status-panel p.message-body')).toBe(explanationForReporter);
    const phoneLink = panel.locator('a[href^="tel:"]');
    expect(await phoneLink.textContent()).toBe(partner.phone);
    expect(await phoneLink.getAttribute('href')).toBe('tel:07517051234');
    // The summary written for the partner is not shown to the reporter.
    expect(await page.locator('main').innerText()).not.toContain(summaryForPartner);

    expectNoThirdPartyRequests(log);
  });

  test('the caseworker finds the case, opens it and adds a note', async () => {
    expect(caseNumber).toBeDefined();
    const { page, log } = await open();
    await signInThroughUi(page, caseworker);
    expect(pathOf(page)).toBe('/staff/cases');

    const row = page.locator('main tbody tr', { hasText: caseNumber! });
    expect(await row.count()).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    // The stage, and under it when the initial assessment is due (three working days from acceptance).
    expect(cells[1]!.split('\n')[0]).toBe(id.caseStage.intake);
    expect(cells[1]).toMatch(/Asesmen awal: paling lambat /);
    expect(cells[2]).toBe(id.riskLevel.medium);
    expect(cells[3]).toBe(caseworker.name);

    const slug = caseNumber!.replace(/\//g, '-');
    await Promise.all([page.waitForURL(url(`/staff/cases/${slug}`)), row.locator(`a[href="/staff/cases/${slug}"]`).click()]);
    expect(await textOf(page, 'h1')).toBe(id.caseWork.caseTitle.replace('{number}', caseNumber!));
    expect(await page.locator(`main a[href="/staff/reports/${references![0]}"]`).count()).toBe(1);

    await page.fill('#note-text', caseNote);
    const saved = await submitForm(page, `/staff/cases/${slug}/note`);
    expect(saved?.status()).toBe(200);
    expect(pathOf(page)).toBe(`/staff/cases/${slug}`);
    expect(await noticeOf(page)).toBe(id.caseWork.done.note);
    const note = page.locator('.timeline li', { hasText: caseNote });
    expect(await note.count()).toBe(1);
    expect(await note.innerText()).toContain(caseworker.name);

    // The caseworker can read the report behind their own case.
    await Promise.all([
      page.waitForURL(url(`/staff/reports/${references![0]}`)),
      page.click(`main a[href="/staff/reports/${references![0]}"]`),
    ]);
    expect(await textOf(page, 'section[aria-labelledby="narrative-title"] .message-body')).toBe(first.narrative);

    await signOutThroughUi(page);
    expectNoThirdPartyRequests(log);
  });
});

// ---------------------------------------------------------------- accessibility

/** Waits for the error summary a 400 answer shows, and checks that the page says so in its title. */
async function expectErrorPage(page: Page, response: Response | null, lang: Lang): Promise<void> {
  expect(response?.status()).toBe(400);
  await page.locator('.error-summary').waitFor();
  expect(await page.title()).toMatch(new RegExp(`^${texts[lang].common.errorTitlePrefix}`));
}

describe('accessibility of the back office (axe, WCAG 2.2 AA)', () => {
  /** Reports filed and decided over HTTP for these checks: an open one and one accepted as a case for the caseworker. */
  let openReference: string;
  let decidedReference: string;
  let caseSlug: string;

  beforeAll(async () => {
    const { lentera } = running;
    const latestReference = () => lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const partnerName = 'UPTD PPA Kota Padang';
    if (!lentera.services.partnerService.listActive().some((p) => p.name === partnerName)) {
      const created = lentera.services.partnerService.create(admin.id, {
        name: partnerName,
        type: 'uptd_ppa',
        phone: '0751-123456',
        email: '',
        address: 'Jl. Contoh 1, Padang',
        areasServed: [],
      });
      expect(created.ok).toBe(true);
    }
    await fileReport(request.agent(lentera.app), validReport({ category: 'family_conflict', urgency: 'urgent' }));
    openReference = latestReference();
    await fileReport(request.agent(lentera.app), validReport({ category: 'physical_violence' }));
    decidedReference = latestReference();

    const agent = await signedInAgent(lentera, triage);
    const token = await tokenFrom(agent, `/staff/reports/${decidedReference}`);
    const accepted = await agent
      .post(`/staff/reports/${decidedReference}/accept`)
      .type('form')
      .send(
        formBody({
          'accept-case_mode': 'new',
          'accept-case_number': '',
          'accept-assignee': String(caseworker.id),
          'accept-risk': 'high',
          'accept-note': '',
          _csrf: token,
        }),
      );
    expect(accepted.status).toBe(303);
    const caseNumber = lentera.db
      .prepare('SELECT c.number FROM cases c JOIN reports r ON r.case_id = c.id WHERE r.reference = ?')
      .pluck()
      .get(decidedReference) as string;
    expect(caseNumber).toMatch(CASE_NUMBER_PATTERN);
    caseSlug = caseNumber.replace(/\//g, '-');
  });

  for (const lang of ['id', 'en'] as const) {
    const text = texts[lang];
    const language = lang === 'en' ? 'English' : 'Indonesian';

    test(`sign-in and triage pages in ${language}`, async () => {
      const { page, log } = await open();
      const axe = axeChecker(page, lang);

      // The sign-in pages, also with their errors.
      await page.goto(url(`/login?lang=${lang}`));
      expect(await textOf(page, 'h1')).toBe(text.auth.login.title);
      await axe.check('login');
      await expectErrorPage(page, await submitForm(page, '/login'), lang);
      expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
      await axe.check('login with errors');

      await signInThroughUi(page, triage, lang, {
        onPage: async (name) => {
          if (name !== 'login code') return;
          expect(await textOf(page, 'h1')).toBe(text.auth.code.title);
          await axe.check('login code');
          await page.fill('#code', '12');
          await expectErrorPage(page, await submitForm(page, '/login/code'), lang);
          expect(await page.getAttribute('#code', 'aria-invalid')).toBe('true');
          await axe.check('login code with errors');
        },
      });

      // The queue, with rows.
      expect(pathOf(page)).toBe('/staff/queue');
      expect(await page.locator('main tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator(`main tbody a[href="/staff/reports/${openReference}"]`).count()).toBe(1);
      await axe.check('queue');

      // An open report with every decision form.
      await page.goto(url(`/staff/reports/${openReference}`));
      for (const form of ['claim', 'ask', 'accept', 'redirect', 'duplicate', 'close', 'escalate']) {
        expect(await page.locator(`main form[action="/staff/reports/${openReference}/${form}"]`).count()).toBe(1);
      }
      expect(await page.locator('#redirect-partner option').count()).toBeGreaterThan(1);
      await axe.check('report, open, with all decision forms');

      // The close form sent without a reason: the page again, with the error.
      await expectErrorPage(page, await submitForm(page, `/staff/reports/${openReference}/close`), lang);
      expect(await page.getAttribute('#close-reason', 'aria-invalid')).toBe('true');
      expect(await textOf(page, '.error-summary a[href="#close-reason"]')).toBe(text.staffForms.errors.close_reason);
      expect(await textOf(page, '#close-reason-error')).toContain(text.staffForms.errors.close_reason);
      // site.js moves focus to the summary so that a screen reader announces it.
      expect(await page.evaluate(`document.activeElement?.matches('.error-summary[data-error-summary]') === true`)).toBe(true);
      await axe.check('report with a validation error (close without a reason)');

      // A decided report.
      await page.goto(url(`/staff/reports/${decidedReference}`));
      expect(await page.locator('section[aria-labelledby="decision-title"]').innerText()).toContain(text.reportStatus.accepted);
      await axe.check('report, decided');

      // Cases (read only for triage).
      await page.goto(url('/staff/cases'));
      expect(await page.locator(`main a[href="/staff/cases/${caseSlug}"]`).count()).toBe(1);
      await axe.check('cases');
      await page.goto(url(`/staff/cases/${caseSlug}`));
      expect(await page.locator('main form[action$="/note"]').count()).toBe(0);
      await axe.check('case, read only');

      await page.goto(url('/account'));
      expect(await textOf(page, 'h1')).toBe(text.account.title);
      await axe.check('account');

      await signOutThroughUi(page, lang);
      await axe.check('login after signing out (notice)');

      expect(axe.checked).toHaveLength(12);
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });

    test(`caseworker pages in ${language}`, async () => {
      const { page, log } = await open();
      const axe = axeChecker(page, lang);
      await signInThroughUi(page, caseworker, lang);
      expect(pathOf(page)).toBe('/staff/cases');
      expect(await page.locator(`main a[href="/staff/cases/${caseSlug}"]`).count()).toBe(1);
      await axe.check('cases (own)');

      await page.goto(url(`/staff/cases/${caseSlug}`));
      for (const form of ['note', 'stage', 'risk', 'hold', 'close']) {
        expect(await page.locator(`main form[action="/staff/cases/${caseSlug}/${form}"]`).count()).toBe(1);
      }
      await axe.check('case with its forms');
      await expectErrorPage(page, await submitForm(page, `/staff/cases/${caseSlug}/note`), lang);
      expect(await page.getAttribute('#note-text', 'aria-invalid')).toBe('true');
      await axe.check('case with a validation error (empty note)');

      await page.goto(url('/account'));
      await axe.check('account');

      expect(axe.checked).toHaveLength(4);
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });

    test(`account approvals for a supervisor in ${language}`, async () => {
      // An administrator asks for a triage account: it waits here, with no link anywhere, for a supervisor.
      const requested = await running.lentera.services.accountService.invite(admin.id, {
        email: `calon.triase.${lang}@lk3.test`,
        name: `Calon Triase ${lang.toUpperCase()}`,
        role: 'triage',
        departmentId: null,
      });
      expect(requested.ok).toBe(true);
      const { page, log } = await open();
      const axe = axeChecker(page, lang);
      await signInThroughUi(page, supervisor, lang);
      await page.goto(url('/staff/approvals'));
      expect(await textOf(page, 'h1')).toBe(text.approvals.title);
      const row = page.locator('main tbody tr', { hasText: `Calon Triase ${lang.toUpperCase()}` });
      expect(await row.count()).toBe(1);
      await axe.check('approvals with a request');
      const [approved] = await Promise.all([
        page.waitForNavigation(),
        row.getByRole('button', { name: new RegExp(text.approvals.approve) }).click(),
      ]);
      expect(approved?.status()).toBe(200);
      expect(await page.textContent('main')).toContain(text.approvals.approved);
      expect(await page.locator('main').innerHTML()).not.toMatch(/\/invite\//);
      await axe.check('approvals after approving');
      expect(axe.checked).toHaveLength(2);
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });

    test(`administration pages in ${language}`, async () => {
      const { page, log } = await open();
      const axe = axeChecker(page, lang);
      await signInThroughUi(page, admin, lang);

      expect(pathOf(page)).toBe('/staff/partners');
      expect(await page.locator('main tbody tr').count()).toBeGreaterThan(0);
      await axe.check('partners');

      await page.goto(url('/staff/partners/new'));
      expect(await textOf(page, 'h1')).toBe(text.partners.form.newTitle);
      await axe.check('partner form (new)');
      await expectErrorPage(page, await submitForm(page, '/staff/partners'), lang);
      await axe.check('partner form with errors');

      await page.goto(url('/staff/users'));
      expect(await page.locator('main tbody tr').count()).toBeGreaterThanOrEqual(3);
      await axe.check('users');
      await page.goto(url('/staff/settings'));
      await axe.check('settings');
      await page.goto(url('/staff/audit'));
      await axe.check('audit log');
      await page.goto(url('/account'));
      await axe.check('account');

      expect(axe.checked).toHaveLength(7);
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });

    test(`second-factor enrolment at the first sign-in in ${language}`, async () => {
      const { lentera } = running;
      // An account as the command line makes it: a password, no second factor yet.
      const email = `baru.${lang}@lk3.test`;
      const password = `kata sandi baru ${lang} 123`;
      const created = await lentera.services.accountService.createFromCommandLine(
        { email, name: `Baru ${lang}`, role: 'caseworker', departmentId: null },
        password,
      );
      expect(created.ok).toBe(true);

      const { page, log } = await open();
      const axe = axeChecker(page, lang);
      await page.goto(url(`/login?lang=${lang}`));
      await page.fill('#email', email);
      await page.fill('#password', password);
      await submitForm(page, '/login');
      expect(pathOf(page)).toBe('/login/enrol');
      expect(await textOf(page, 'h1')).toBe(text.auth.enrol.title);
      // The QR code comes from the app's own origin and has loaded.
      expect(
        await page.locator('img.qr-code').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      ).toBeGreaterThan(0);
      await axe.check('enrolment');

      // A code the authenticator does not show (now, or one step either side).
      const secret = (await textOf(page, '[data-totp-secret]')).replace(/ /g, '');
      const at = lentera.now().getTime();
      const valid = await Promise.all([-30_000, 0, 30_000].map((d) => totpCodeAt(secret, new Date(at + d))));
      await page.fill(
        '#code',
        ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c))!,
      );
      await expectErrorPage(page, await submitForm(page, '/login/enrol'), lang);
      expect(await page.getAttribute('#code', 'aria-invalid')).toBe('true');
      // The same secret is offered again.
      expect((await textOf(page, '[data-totp-secret]')).replace(/ /g, '')).toBe(secret);
      await axe.check('enrolment with an error');

      // Typing the key into an authenticator and then its code completes enrolment and signs in.
      await page.fill('#code', await totpCodeAt(secret, lentera.now()));
      expect((await submitForm(page, '/login/enrol'))?.status()).toBe(200);
      expect(pathOf(page)).toBe('/staff/cases');
      expect(await noticeOf(page)).toBe(text.auth.enrol.done);

      expect(axe.checked).toHaveLength(2);
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }

  test("the first administrator's setup page, in both languages", async () => {
    // A separate, empty app: on first start with no accounts it prints a one-time setup link.
    const fresh = await startApp();
    apps.push(fresh);
    try {
      const link = /\/setup\/[A-Za-z0-9_-]+/.exec(fresh.lentera.logs.join('\n'))?.[0];
      expect(link).toBeDefined();
      const { page, log } = await pages.open(fresh.baseUrl);
      const problems: string[] = [];
      for (const lang of ['en', 'id'] as const) {
        const axe = axeChecker(page, lang);
        const response = await page.goto(fresh.url(`${link!}?lang=${lang}`));
        expect(response?.status()).toBe(200);
        expect(await textOf(page, 'h1')).toBe(texts[lang].setup.title);
        await axe.check('setup');
        await page.fill('#password', 'pendek');
        await expectErrorPage(page, await submitForm(page, link!), lang);
        await axe.check('setup with errors');
        try {
          axe.assertClean();
        } catch (err) {
          problems.push((err as Error).message);
        }
      }
      if (problems.length > 0) throw new Error(problems.join('\n\n'));
      expectNoThirdPartyRequests(log);
    } finally {
      await fresh.stop();
    }
  });
});

// ---------------------------------------------------------------- screenshots

describe('screenshots for people to look at (test-output/)', () => {
  test('the queue and a report page at 1280x900', async () => {
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    const { page, log } = await open({ viewport: { width: 1280, height: 900 } });
    await signInThroughUi(page, triage, 'id');
    const names: string[] = [];
    for (const lang of ['id', 'en'] as const) {
      await page.goto(url(`/staff/queue?lang=${lang}`));
      const rows = page.locator('main tbody tr');
      expect(await rows.count()).toBeGreaterThan(0);
      names.push(`staff-queue-1280x900-${lang}.png`);
      await page.screenshot({ path: path.join(OUTPUT_DIR, names.at(-1)!), fullPage: true });

      await Promise.all([page.waitForURL(/\/staff\/reports\/LAP-/), rows.first().locator('a[href^="/staff/reports/"]').click()]);
      expect(await page.locator('main form[action$="/accept"]').count()).toBe(1);
      names.push(`staff-report-1280x900-${lang}.png`);
      await page.screenshot({ path: path.join(OUTPUT_DIR, names.at(-1)!), fullPage: true });
      // Nothing is wider than the window.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    }
    for (const name of names) expect(fs.statSync(path.join(OUTPUT_DIR, name)).size).toBeGreaterThan(0);
    expectNoThirdPartyRequests(log);
  });
});
