import type { Page, Response } from 'playwright-core';
import en from '../../src/i18n/locales/en.json';
import id from '../../src/i18n/locales/id.json';
import { loadTranslator } from '../../src/i18n';
import { axeChecker, expectNoThirdPartyRequests, useApp, useBrowser, type TrackedPage } from '../helpers/browser';
import { validReferralForm } from '../helpers/referrals';
import { createStaffAccount, signedInAgent, unusedCode, type StaffAccount } from '../helpers/staff';
import { formBody, tokenFrom, type Agent } from '../helpers/testApp';

/**
 * Referrals in a real browser (Debian's Chromium through playwright-core) against the real app on
 * 127.0.0.1, second factor on: a department officer refers a client through the form (first with
 * a consent error, then correctly), triage finds the referral in the queue, accepts it as a case
 * and answers the department, and the officer sees the outcome — the status and the answer, never
 * the case — and writes back. One referral is filed with JavaScript off. Every department page and
 * the triage view of a referral (with and without the client's consent) is checked with axe
 * (WCAG 2.2 AA) in English and in Indonesian.
 */

jest.setTimeout(120_000);

const REFERENCE_PATTERN = /^LAP-\d{4}-\d{6}$/;
const CASE_NUMBER_PATTERN = /^LK3\/\d{4}\/\d{4,}$/;

type Lang = 'id' | 'en';
const texts = { id, en } as const;

const pages = useBrowser();
// REQUIRE_2FA is left at its default (true): every sign-in here is password, then code.
const running = useApp();

let admin: StaffAccount;
let triage: StaffAccount;
let caseworker: StaffAccount;
let officer: StaffAccount;
const DEPARTMENT_NAME = 'SMP Negeri 1 Padang';

/** A department made the way the administrator makes one, with one officer in it. */
async function departmentWithOfficer(departmentName: string, officerName: string): Promise<StaffAccount> {
  const created = running.lentera.services.departmentService.create(admin.id, departmentName);
  if (!created.ok) throw new Error(`departmentWithOfficer: ${created.problem}`);
  return createStaffAccount(running.lentera, { role: 'department', name: officerName, departmentId: created.id });
}

beforeAll(async () => {
  admin = await createStaffAccount(running.lentera, { role: 'admin', name: 'Ani Administrator' });
  triage = await createStaffAccount(running.lentera, { role: 'triage', name: 'Tari Triase' });
  caseworker = await createStaffAccount(running.lentera, { role: 'caseworker', name: 'Citra Peksos' });
  officer = await departmentWithOfficer(DEPARTMENT_NAME, 'Lina Guru BK');
});

/** A new context (own cookies) with one tracked page; closed after the test. */
function open(options: { javaScriptEnabled?: boolean } = {}): Promise<TrackedPage> {
  return pages.open(running.baseUrl, options);
}

const url = (p: string) => running.url(p);
const pathOf = (page: Page) => new URL(page.url()).pathname;
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
const textOf = async (page: Page, selector: string) => squash(await page.locator(selector).first().textContent());

/** Throws with what the app logged when a page answered with a server fault, so that the report shows the cause. */
function expectNoServerFault(response: Response | null, what: string): void {
  const status = response?.status() ?? 0;
  if (status < 500) return;
  const logged = running.lentera.logs.filter((l) => l.startsWith('Error while serving')).slice(-3);
  throw new Error(`${what} answered ${status}; the app logged:\n${logged.join('\n') || '(nothing)'}`);
}

/** Clicks the submit button of the form with this action and waits for the page that answers (after any redirect). */
async function submitForm(page: Page, action: string): Promise<Response | null> {
  // The form's own button: a saved reply's "Insert" button (formaction) sits in the message forms too.
  const button = page.locator(`main form[action="${action}"] button[type=submit]:not([formaction])`);
  expect(await button.count()).toBe(1);
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  expectNoServerFault(response, `POST ${action}`);
  return response;
}

/** The notice a page shows after an action (role=status). */
const noticeOf = (page: Page) => textOf(page, 'main .notice[role=status]');

/** Expects a 400 answer showing the error summary, and the page title to say so. */
async function expectErrorPage(page: Page, response: Response | null, lang: Lang): Promise<void> {
  expect(response?.status()).toBe(400);
  await page.locator('.error-summary').waitFor();
  expect(await page.title()).toMatch(new RegExp(`^${texts[lang].common.errorTitlePrefix}`));
}

/** The hrefs the error summary links to, in order. */
const summaryLinks = (page: Page) => page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));

/** Signs in through the real pages: email and password on /login, then a code from the authenticator on /login/code. */
async function signInThroughUi(page: Page, account: StaffAccount, lang?: Lang): Promise<void> {
  await page.goto(url(lang ? `/login?lang=${lang}` : '/login'));
  expect(pathOf(page)).toBe('/login');
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  const afterPassword = await submitForm(page, '/login');
  expect(afterPassword?.status()).toBe(200);
  expect(pathOf(page)).toBe('/login/code');
  await page.fill('#code', await unusedCode(running.lentera, account));
  const afterCode = await submitForm(page, '/login/code');
  expect(afterCode?.status()).toBe(200);
  expect(pathOf(page)).not.toMatch(/^\/login/);
  expect(await textOf(page, '.staff-nav-account a')).toBe(account.name);
}

// ---------------------------------------------------------------- the referral form

type Consent =
  | { state: 'obtained'; method: 'written' | 'verbal'; by: string }
  | { state: 'not_obtained'; ground: '' | 'child_at_risk' | 'danger_to_life'; justification: string };

/** What an officer types into the referral form. */
interface ReferralEntry {
  departmentReference: string;
  clientName: string;
  clientAge: string;
  clientDob: string;
  sex: 'female' | 'male';
  nik: string;
  address: string;
  kecamatan: string;
  kelurahan: string;
  phone: string;
  category: string;
  groups: string[];
  urgency: 'immediate' | 'urgent' | 'normal';
  reason: string;
  actionsTaken: string;
  consent: Consent;
}

let entries = 0;
function referralEntry(changes: Partial<ReferralEntry> = {}): ReferralEntry {
  entries += 1;
  return {
    departmentReference: `SMPN1/BK/2026/${String(entries).padStart(3, '0')}`,
    clientName: 'Rina Putri Maharani',
    clientAge: '13',
    clientDob: '',
    sex: 'female',
    nik: '1371034512120002',
    address: 'Jl. Sawahan Dalam No. 5, Padang Barat',
    kecamatan: '13.71.03',
    kelurahan: '13.71.03.1004',
    phone: '0812 6677 8899',
    category: 'parenting_child_concerns',
    groups: ['child', 'family'],
    urgency: 'urgent',
    reason: 'Siswi sering tidak masuk sekolah dan tampak ketakutan setiap kali dijemput pulang oleh pamannya.',
    actionsTaken: 'Konseling oleh guru BK dua kali; wali kelas sudah mengunjungi rumah.',
    consent: { state: 'obtained', method: 'written', by: 'Bu Lina, guru BK' },
    ...changes,
  };
}

const TEXT_FIELDS = [
  ['#department_reference', 'departmentReference'],
  ['#client_name', 'clientName'],
  ['#client_age', 'clientAge'],
  ['#client_dob', 'clientDob'],
  ['#client_nik', 'nik'],
  ['#client_address', 'address'],
  ['#client_phone', 'phone'],
  ['#reason', 'reason'],
  ['#actions_taken', 'actionsTaken'],
] as const;

/** Fills the consent part of the form: the choice, then the details of that choice. */
async function fillConsent(page: Page, consent: Consent): Promise<void> {
  await page.check(`#consent-${consent.state}`);
  if (consent.state === 'obtained') {
    await page.check(`#consent_method-${consent.method}`);
    await page.fill('#consent_by', consent.by);
  } else {
    if (consent.ground) await page.check(`#no_consent_ground-${consent.ground}`);
    await page.fill('#no_consent_justification', consent.justification);
  }
}

/** Fills the new-referral form through its labelled fields, as an officer would. */
async function fillReferralForm(page: Page, entry: ReferralEntry): Promise<void> {
  for (const [selector, key] of TEXT_FIELDS) await page.fill(selector, entry[key]);
  await page.check(`#client_sex-${entry.sex}`);
  await page.selectOption('#kecamatan', entry.kecamatan);
  await page.selectOption('#kelurahan', entry.kelurahan);
  await page.check(`#category-${entry.category}`);
  for (const group of entry.groups) await page.check(`#affected_groups-${group}`);
  await page.check(`#urgency-${entry.urgency}`);
  await fillConsent(page, entry.consent);
}

/** Expects the form to show exactly what was typed (after an answer with errors). */
async function expectFormKeeps(page: Page, entry: ReferralEntry): Promise<void> {
  for (const [selector, key] of TEXT_FIELDS) expect([selector, await page.inputValue(selector)]).toEqual([selector, entry[key]]);
  expect(await page.isChecked(`#client_sex-${entry.sex}`)).toBe(true);
  expect(await page.inputValue('#kecamatan')).toBe(entry.kecamatan);
  expect(await page.inputValue('#kelurahan')).toBe(entry.kelurahan);
  expect(await page.isChecked(`#category-${entry.category}`)).toBe(true);
  const checkedGroups = await page
    .locator('input[name=affected_groups]:checked')
    .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
  expect(checkedGroups.sort()).toEqual([...entry.groups].sort());
  expect(await page.isChecked(`#urgency-${entry.urgency}`)).toBe(true);
  expect(await page.isChecked(`#consent-${entry.consent.state}`)).toBe(true);
  if (entry.consent.state === 'not_obtained') {
    expect(await page.inputValue('#no_consent_justification')).toBe(entry.consent.justification);
  }
}

/** From /department, the button to the new-referral form. */
async function openNewReferralForm(page: Page, lang: Lang = 'id'): Promise<void> {
  await Promise.all([page.waitForURL(url('/department/referrals/new')), page.click('main a.button[href="/department/referrals/new"]')]);
  expect(await textOf(page, 'h1')).toBe(texts[lang].referral.newTitle);
}

/** Sends a valid form and expects to land on the new referral's page; returns its reference. */
async function sendReferral(page: Page, lang: Lang = 'id'): Promise<string> {
  const sent = await submitForm(page, '/department/referrals/new');
  expect(sent?.status()).toBe(200);
  expect(pathOf(page)).toMatch(/^\/department\/referrals\/LAP-\d{4}-\d{6}$/);
  const reference = await textOf(page, 'h1');
  expect(reference).toMatch(REFERENCE_PATTERN);
  expect(pathOf(page)).toBe(`/department/referrals/${reference}`);
  expect(await noticeOf(page)).toBe(texts[lang].referral.detail.sentNotice);
  expect(await textOf(page, '#current-status')).toBe(texts[lang].publicStatus.new.name);
  return reference;
}

/** The row of /department for a referral. */
const listRow = (page: Page, reference: string) =>
  page.locator('main tbody tr', { has: page.locator(`a[href="/department/referrals/${reference}"]`) });

// ---------------------------------------------------------------- HTTP set-up for the accessibility checks

/** Files a referral as the department's form does and returns its reference. */
async function referOverHttp(agent: Agent, fields: Record<string, string | string[]>): Promise<string> {
  const token = await tokenFrom(agent, '/department/referrals/new');
  const res = await agent
    .post('/department/referrals/new')
    .type('form')
    .send(formBody({ ...fields, _csrf: token }));
  expect(res.status).toBe(303);
  const reference = /\/department\/referrals\/(LAP-\d{4}-\d{6})$/.exec(res.headers.location as string)?.[1];
  expect(reference).toBeDefined();
  return reference!;
}

// ---------------------------------------------------------------- the story

describe('a referral from a department to triage and back', () => {
  const first = referralEntry();
  const response =
    'Rujukan diterima sebagai kasus. Pekerja sosial kami akan menghubungi sekolah minggu ini untuk mengatur pertemuan dengan Rina dan ibunya.';
  const acceptNote = 'Catatan internal: paman diduga pelaku, jangan dihubungi lebih dulu.';
  const officerMessage = 'Terima kasih. Wali kelas siap hadir; Rina masuk sekolah Senin sampai Jumat pukul 07.00–13.00.';
  let reference: string | undefined;

  test('the officer signs in, fixes a consent error on the form, and files the referral', async () => {
    const { page, log } = await open();
    await signInThroughUi(page, officer);
    expect(pathOf(page)).toBe('/department');
    expect(await textOf(page, 'h1')).toBe(id.referral.listTitle.replace('{department}', DEPARTMENT_NAME));
    expect(await page.locator('main tbody tr').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain(id.referral.empty);

    await openNewReferralForm(page);
    // The form names the department and the officer; nobody types them.
    const byline = await textOf(page, 'main h1 + p');
    expect(byline).toContain(DEPARTMENT_NAME);
    expect(byline).toContain(officer.name);

    // Consent "not obtained", without a ground or a justification.
    const withoutConsent: ReferralEntry = { ...first, consent: { state: 'not_obtained', ground: '', justification: '' } };
    await fillReferralForm(page, withoutConsent);
    await expectErrorPage(page, await submitForm(page, '/department/referrals/new'), 'id');
    expect(pathOf(page)).toBe('/department/referrals/new');
    expect(await summaryLinks(page)).toEqual(['#no_consent_ground-child_at_risk', '#no_consent_justification']);
    expect(await textOf(page, '.error-summary a[href="#no_consent_ground-child_at_risk"]')).toBe(id.referral.errors.no_consent_ground);
    expect(await textOf(page, '.error-summary a[href="#no_consent_justification"]')).toBe(
      loadTranslator().forLocale('id')('referral.errors.no_consent_justification'),
    );
    expect(await page.getAttribute('#no_consent_justification', 'aria-invalid')).toBe('true');
    expect(await textOf(page, '#no_consent_justification-error')).toContain(
      loadTranslator().forLocale('id')('referral.errors.no_consent_justification'),
    );
    expect(await textOf(page, '#no_consent_ground-error')).toContain(id.referral.errors.no_consent_ground);
    // site.js puts focus on the summary; its links take the officer to each field.
    expect(await page.evaluate(`document.activeElement?.matches('.error-summary[data-error-summary]') === true`)).toBe(true);
    await page.click('.error-summary a[href="#no_consent_justification"]');
    await page.waitForFunction(`document.activeElement?.id === 'no_consent_justification'`, undefined, { timeout: 5_000 });
    // Everything typed is still there.
    await expectFormKeeps(page, withoutConsent);

    // Now correctly: the client consented, in writing, to the counsellor.
    await fillConsent(page, first.consent);
    reference = await sendReferral(page);
    expect(await textOf(page, '#current-status')).toBe('Sudah masuk, menunggu dibaca');
    const summary = await page.locator('main dl.summary-list').innerText();
    expect(summary).toContain(first.departmentReference);
    expect(summary).toContain(first.clientName);
    expect(summary).toContain(id.category.parenting_child_concerns);
    expect(await textOf(page, 'section[aria-labelledby="response-title"] p')).toBe(id.referral.detail.noResponse);

    // The list now has it.
    await Promise.all([page.waitForURL(url('/department')), page.click('.staff-nav a[href="/department"]')]);
    const row = listRow(page, reference);
    expect(await row.count()).toBe(1);
    const cells = (await row.locator('td').allInnerTexts()).map(squash);
    expect(cells.slice(0, 4)).toEqual([
      reference,
      first.departmentReference,
      id.category.parenting_child_concerns,
      'Sudah masuk, menunggu dibaca',
    ]);
    expectNoThirdPartyRequests(log);
  });

  test("triage finds it in the queue under the department's name, accepts it as a case and answers the department", async () => {
    expect(reference).toBeDefined();
    const ref = reference!;
    const { page, log } = await open();
    await signInThroughUi(page, triage);
    expect(pathOf(page)).toBe('/staff/queue');

    const row = page.locator('main tbody tr', { has: page.locator(`a[href="/staff/reports/${ref}"]`) });
    expect(await row.count()).toBe(1);
    expect(await textOf(page, `main tbody tr:has(a[href="/staff/reports/${ref}"]) .tag`)).toBe(DEPARTMENT_NAME);
    const cells = (await row.locator('td').allInnerTexts()).map(squash);
    expect(cells[1]).toBe(id.urgency.urgent);
    expect(cells[2]).toBe(id.category.parenting_child_concerns);
    expect(cells[4]).toBe(id.reportStatus.new);

    await Promise.all([page.waitForURL(url(`/staff/reports/${ref}`)), row.locator(`a[href="/staff/reports/${ref}"]`).click()]);
    expect(await textOf(page, 'h1')).toBe(ref);
    expect(await textOf(page, 'main h1 + p')).toContain(id.source.department);

    // The referral panel: who referred, the client, and the consent.
    const panel = page.locator('section[aria-labelledby="referral-title"]');
    expect(await textOf(page, '#referral-title')).toBe(id.referral.triage.title);
    const panelText = squash(await panel.innerText());
    for (const shown of [
      DEPARTMENT_NAME,
      officer.name,
      first.departmentReference,
      first.clientName,
      first.nik,
      first.address,
      first.phone,
      first.actionsTaken,
    ]) {
      expect(panelText).toContain(shown);
    }
    expect(panelText).toContain(`${id.referral.consentState.obtained} · ${id.referral.consentMethod.written} · Bu Lina, guru BK`);
    expect(await panel.locator('.tag-danger').count()).toBe(0);
    expect(await textOf(page, 'section[aria-labelledby="narrative-title"] .message-body')).toBe(first.reason);

    // Accept as a new case for the caseworker.
    expect(await page.isChecked('#accept-case_mode')).toBe(true);
    await page.selectOption('#accept-assignee', { label: caseworker.name });
    await page.selectOption('#accept-risk', 'medium');
    await page.fill('#accept-note', acceptNote);
    const accepted = await submitForm(page, `/staff/reports/${ref}/accept`);
    expect(accepted?.status()).toBe(200);
    expect(pathOf(page)).toBe(`/staff/reports/${ref}`);
    expect(await noticeOf(page)).toBe(id.triage.done.accept);
    const decision = page.locator('section[aria-labelledby="decision-title"]');
    expect(await decision.innerText()).toContain(id.reportStatus.accepted);
    const caseNumber = squash(await decision.locator('a[href^="/staff/cases/"]').textContent());
    expect(caseNumber).toMatch(CASE_NUMBER_PATTERN);

    // The answer for the department; the form stays, holding what was saved.
    expect(await page.inputValue('#respond-response')).toBe('');
    await page.fill('#respond-response', response);
    const responded = await submitForm(page, `/staff/reports/${ref}/respond`);
    expect(responded?.status()).toBe(200);
    expect(pathOf(page)).toBe(`/staff/reports/${ref}`);
    expect(await noticeOf(page)).toBe(id.referral.triage.responded);
    expect(await page.inputValue('#respond-response')).toBe(response);
    expectNoThirdPartyRequests(log);
  });

  test('the officer sees the outcome and the answer but not the case, and writes back to triage', async () => {
    expect(reference).toBeDefined();
    const ref = reference!;
    const { page, log } = await open();
    await signInThroughUi(page, officer);
    expect(pathOf(page)).toBe('/department');
    const row = listRow(page, ref);
    expect(squash((await row.locator('td').allInnerTexts())[3] ?? '')).toBe('Ditangani pekerja sosial');

    await Promise.all([page.waitForURL(url(`/department/referrals/${ref}`)), row.locator('a').click()]);
    expect(await textOf(page, '#current-status')).toBe('Ditangani pekerja sosial');
    expect(await textOf(page, '#current-status')).toBe(id.publicStatus.accepted.name);
    expect(await textOf(page, 'section[aria-labelledby="response-title"] .message-body')).toBe(response);
    // Nothing of the case work reaches the department: no case number, caseworker or internal note.
    const main = await page.locator('main').innerText();
    expect(main).not.toMatch(/LK3\/\d{4}\//);
    expect(main).not.toContain(caseworker.name);
    expect(main).not.toContain(acceptNote);
    expect(await page.locator('main a[href^="/staff/"]').count()).toBe(0);

    // A message to triage.
    expect(await page.locator('#messages ol.messages li').count()).toBe(0);
    await page.fill('#message', officerMessage);
    const sent = await submitForm(page, `/department/referrals/${ref}/messages`);
    expect(sent?.status()).toBe(200);
    expect(pathOf(page)).toBe(`/department/referrals/${ref}`);
    expect(new URL(page.url()).hash).toBe('#messages');
    expect(await noticeOf(page)).toBe(id.referral.detail.messageSent);
    const mine = page.locator('#messages li.message-department');
    expect(await mine.count()).toBe(1);
    expect(await textOf(page, '#messages li.message-department .message-body')).toBe(officerMessage);
    expect(await textOf(page, '#messages li.message-department .message-meta strong')).toBe(id.triage.author.department);
    expect(await page.inputValue('#message')).toBe('');
    // A decided referral stays decided.
    expect(await textOf(page, '#current-status')).toBe('Ditangani pekerja sosial');
    expectNoThirdPartyRequests(log);
  });

  test("triage reads the department's message on the report", async () => {
    expect(reference).toBeDefined();
    const { page, log } = await open();
    await signInThroughUi(page, triage);
    await page.goto(url(`/staff/reports/${reference!}`));
    expect(await textOf(page, 'section[aria-labelledby="thread-title"] li.message-department .message-body')).toBe(officerMessage);
    expectNoThirdPartyRequests(log);
  });

  test('with JavaScript off, an officer signs in and files a referral through the same form', async () => {
    const { page, log } = await open({ javaScriptEnabled: false });
    await signInThroughUi(page, officer);
    expect(pathOf(page)).toBe('/department');
    await openNewReferralForm(page);

    // Without JS every kelurahan is offered, grouped by kecamatan.
    expect(await page.locator('#kelurahan optgroup').count()).toBeGreaterThan(1);
    const entry = referralEntry({
      clientName: 'Budi Santoso',
      sex: 'male',
      clientAge: '',
      clientDob: '2013-08-17',
      nik: '',
      phone: '',
      kecamatan: '13.71.01',
      kelurahan: '13.71.01.1001',
      category: 'neglect',
      groups: ['child'],
      urgency: 'normal',
      reason: 'Siswa datang ke sekolah tanpa sarapan hampir setiap hari dan seragamnya tidak pernah diganti.',
      actionsTaken: '',
      consent: { state: 'obtained', method: 'verbal', by: 'Pak Hendra, wali kelas' },
    });
    // First with the reason too short: the answer keeps everything, without any script.
    await fillReferralForm(page, { ...entry, reason: 'Terlalu pendek.' });
    await expectErrorPage(page, await submitForm(page, '/department/referrals/new'), 'id');
    expect(await summaryLinks(page)).toEqual(['#reason']);
    await expectFormKeeps(page, { ...entry, reason: 'Terlalu pendek.' });
    // No script ran: focus was not moved to the summary.
    expect(await page.evaluate(`document.activeElement?.matches('.error-summary') === true`)).toBe(false);

    await page.fill('#reason', entry.reason);
    const reference = await sendReferral(page);
    const summary = await page.locator('main dl.summary-list').innerText();
    expect(summary).toContain('Budi Santoso');

    await page.goto(url('/department'));
    expect(await listRow(page, reference).count()).toBe(1);
    const stored = running.lentera.db
      .prepare(
        'SELECT r.urgency, r.kelurahan_code, f.consent, f.channel FROM reports r JOIN referrals f ON f.report_id = r.id WHERE r.reference = ?',
      )
      .get(reference);
    expect(stored).toEqual({ urgency: 'normal', kelurahan_code: '13.71.01.1001', consent: 'obtained', channel: 'form' });
    expectNoThirdPartyRequests(log);
  });
});

// ---------------------------------------------------------------- accessibility

describe('accessibility of the referral pages (axe, WCAG 2.2 AA)', () => {
  /** Filed over HTTP by the story's officer: an open referral with consent, and one without (a child at risk). */
  let openReference: string;
  let noConsentReference: string;
  const justification = 'Orang tua menolak rujukan; anak datang dengan memar di lengan dan takut pulang ke rumah.';

  beforeAll(async () => {
    // A partner institution, so that the redirect form is on the page too.
    const partner = running.lentera.services.partnerService.create(admin.id, {
      name: 'UPTD PPA Kota Padang',
      type: 'uptd_ppa',
      phone: '0751-123456',
      email: '',
      address: 'Jl. Contoh 1, Padang',
      areasServed: [],
    });
    expect(partner.ok).toBe(true);
    const agent = await signedInAgent(running.lentera, officer);
    openReference = await referOverHttp(agent, validReferralForm({ client_name: 'Dewi Lestari' }));
    noConsentReference = await referOverHttp(
      agent,
      validReferralForm({
        client_name: 'Putra Ramadhan',
        consent: 'not_obtained',
        consent_method: '',
        consent_by: '',
        no_consent_ground: 'child_at_risk',
        no_consent_justification: justification,
      }),
    );
  });

  for (const lang of ['en', 'id'] as const) {
    const text = texts[lang];
    const language = lang === 'en' ? 'English' : 'Indonesian';

    test(`department officer pages in ${language}`, async () => {
      // A department of its own, so that its list starts empty.
      const departmentName = `Puskesmas Andalas ${lang}`;
      const own = await departmentWithOfficer(departmentName, `Petugas Puskesmas ${lang}`);
      const { page, log } = await open();
      const axe = axeChecker(page, lang);
      await signInThroughUi(page, own, lang);

      expect(pathOf(page)).toBe('/department');
      expect(await textOf(page, 'h1')).toBe(text.referral.listTitle.replace('{department}', departmentName));
      expect(await page.locator('main table').count()).toBe(0);
      expect(await page.locator('main').innerText()).toContain(text.referral.empty);
      await axe.check('department list, empty');

      await openNewReferralForm(page, lang);
      await axe.check('new referral form, blank');

      // Sent blank: every required field has its error, linked from the summary.
      await expectErrorPage(page, await submitForm(page, '/department/referrals/new'), lang);
      const links = await summaryLinks(page);
      for (const href of [
        '#department_reference',
        '#client_name',
        '#client_age',
        '#client_sex-female',
        '#client_address',
        '#kecamatan',
        '#category-physical_violence',
        '#affected_groups-child',
        '#urgency-immediate',
        '#reason',
        '#consent-obtained',
      ]) {
        expect(links).toContain(href);
      }
      expect(await page.getAttribute('#client_name', 'aria-invalid')).toBe('true');
      await axe.check('new referral form with errors (blank)');

      // Consent not obtained, without ground or justification: the consent errors.
      const entry = referralEntry({ consent: { state: 'not_obtained', ground: '', justification: '' } });
      await fillReferralForm(page, entry);
      await expectErrorPage(page, await submitForm(page, '/department/referrals/new'), lang);
      expect(await summaryLinks(page)).toEqual(['#no_consent_ground-child_at_risk', '#no_consent_justification']);
      await expectFormKeeps(page, entry);
      await axe.check('new referral form with errors (consent)');

      await fillConsent(page, { state: 'obtained', method: 'verbal', by: 'dr. Sari, Puskesmas Andalas' });
      const reference = await sendReferral(page, lang);
      await axe.check('referral page, just sent (notice)');

      // An empty message: the page again, with the error.
      await expectErrorPage(page, await submitForm(page, `/department/referrals/${reference}/messages`), lang);
      expect(await page.getAttribute('#message', 'aria-invalid')).toBe('true');
      expect(await summaryLinks(page)).toEqual(['#message']);
      await axe.check('referral page with a message error');

      // Messages both ways: the officer writes, triage asks a question back.
      await page.fill('#message', 'Klien bersedia dihubungi melalui puskesmas pada jam kerja.');
      expect((await submitForm(page, `/department/referrals/${reference}/messages`))?.status()).toBe(200);
      const staff = await signedInAgent(running.lentera, triage);
      const token = await tokenFrom(staff, `/staff/reports/${reference}`);
      const asked = await staff
        .post(`/staff/reports/${reference}/ask`)
        .type('form')
        .send(formBody({ 'ask-message': 'Apakah ibu klien sudah mengetahui rujukan ini?', _csrf: token }));
      expect(asked.status).toBe(303);
      await page.goto(url(`/department/referrals/${reference}`));
      expect(await page.locator('#messages li.message-department').count()).toBe(1);
      expect(await page.locator('#messages li.message-staff').count()).toBe(1);
      await axe.check('referral page with messages');

      await page.goto(url('/department'));
      expect(await listRow(page, reference).count()).toBe(1);
      await axe.check('department list with rows');

      expect(axe.checked).toHaveLength(8);
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });

    test(`triage pages of referrals in ${language}`, async () => {
      const { page, log } = await open();
      const axe = axeChecker(page, lang);
      await signInThroughUi(page, triage, lang);

      expect(pathOf(page)).toBe('/staff/queue');
      expect(await page.locator(`main tbody tr:has(a[href="/staff/reports/${openReference}"]) .tag`).textContent()).toBe(DEPARTMENT_NAME);
      await axe.check('queue with referrals');

      // An open referral: its panel, the respond form and every decision form.
      await page.goto(url(`/staff/reports/${openReference}`));
      const panel = squash(await page.locator('section[aria-labelledby="referral-title"]').innerText());
      expect(panel).toContain('Dewi Lestari');
      expect(panel).toContain(`${text.referral.consentState.obtained} · ${text.referral.consentMethod.written} · Bu Lina, guru BK`);
      expect(await page.locator(`main form[action="/staff/reports/${openReference}/respond"] textarea#respond-response`).count()).toBe(1);
      for (const form of ['claim', 'ask', 'accept', 'redirect', 'duplicate', 'close', 'escalate']) {
        expect(await page.locator(`main form[action="/staff/reports/${openReference}/${form}"]`).count()).toBe(1);
      }
      await axe.check('referral report, open, with its panel and the respond form');

      await page.fill('#respond-response', `Tanggapan (${lang}): rujukan sedang kami telaah.`);
      expect((await submitForm(page, `/staff/reports/${openReference}/respond`))?.status()).toBe(200);
      expect(await noticeOf(page)).toBe(text.referral.triage.responded);
      await axe.check('referral report after saving a response (notice)');

      // A referral without the client's consent: the warning, the ground and the justification.
      await page.goto(url(`/staff/reports/${noConsentReference}`));
      const warning = page.locator('section[aria-labelledby="referral-title"] .tag-danger');
      expect(squash(await warning.textContent())).toBe(text.referral.triage.noConsentWarning);
      const warned = squash(await page.locator('section[aria-labelledby="referral-title"]').innerText());
      expect(warned).toContain(text.referral.noConsentGround.child_at_risk);
      expect(warned).toContain(justification);
      expect(warned).not.toContain(text.referral.consentState.obtained);
      await axe.check('referral report without consent (warning)');

      expect(axe.checked).toHaveLength(4);
      axe.assertClean();
      expectNoThirdPartyRequests(log);
    });
  }
});
