import request from 'supertest';
import { categories } from '../../src/domain/reference';
import en from '../../src/i18n/locales/en.json';
import id from '../../src/i18n/locales/id.json';
import { loadTranslator } from '../../src/i18n';
import {
  createTestApp,
  csrfTokenOf,
  fileReport,
  formBody,
  openStatus,
  tokenFrom,
  validReport,
  type Agent,
  type TestApp,
} from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { validReferralForm } from '../helpers/referrals';

/**
 * A resident under stress never loses what she typed, and the public pages tell her plainly where
 * she stands: the language switch of a form page, the rate limits, the status page, the office's
 * contact, the report form's categories and errors.
 */

const SWITCH_BUTTON = /<button type="submit" form="([a-z-]+)" name="_switch_lang" value="(id|en)" class="language-switch" lang="\2">/;

const count = (lentera: TestApp, table: string) => lentera.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

/** A report typed with care, with contact details, as a form sends it. */
const typed = validReport({
  category: 'family_conflict',
  affected_groups: ['woman', 'family'],
  kecamatan: '13.71.02',
  kelurahan: '',
  narrative: 'Suami kakak saya sering berteriak dan membanting barang di rumah.',
  location_detail: 'Rumah hijau dekat surau',
  urgency: 'urgent',
  relation: 'family',
  wants_contact: 'yes',
  contact_name: 'Rini',
  contact_phone: '0812 7777 1234',
  contact_email: '',
  contact_channel: 'sms',
  contact_hours: 'Pagi sebelum jam 9',
  contact_leave_message: 'no',
});

/** Everything `typed` holds is on the page, as it was typed. */
function expectTypedValues(html: string): void {
  expect(html).toMatch(/id="category-family_conflict"[^>]*checked/);
  expect(html).toMatch(/id="affected_groups-woman"[^>]*checked/);
  expect(html).toMatch(/id="affected_groups-family"[^>]*checked/);
  expect(html).not.toMatch(/id="affected_groups-child"[^>]*checked/);
  expect(html).toContain(`>${String(typed.narrative)}</textarea>`);
  expect(html).toMatch(/<option value="13\.71\.02" selected>/);
  expect(html).toContain('value="Rumah hijau dekat surau"');
  expect(html).toMatch(/id="urgency-urgent"[^>]*checked/);
  expect(html).toMatch(/<option value="family" selected>/);
  expect(html).toMatch(/id="wants_contact-yes"[^>]*checked/);
  expect(html).toContain('value="Rini"');
  expect(html).toContain('value="0812 7777 1234"');
  expect(html).toMatch(/id="contact_channel-sms"[^>]*checked/);
  expect(html).toContain('value="Pagi sebelum jam 9"');
  expect(html).toMatch(/id="contact_leave_message-no"[^>]*checked/);
}

describe('the language switch keeps what was typed', () => {
  let lentera: TestApp;
  let officer: StaffAccount;
  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000', RATE_RECEIPT_CHECKS_PER_IP: '1000' });
    officer = await createStaffAccount(lentera, { role: 'department' });
  });
  afterAll(() => lentera.cleanup());

  it('on a page with a form it is a submit button of that form (with a hidden default button first); elsewhere a query-only link', async () => {
    for (const [path, form] of [
      ['/report', 'report-form'],
      ['/status', 'receipt-form'],
    ]) {
      const html = (await request(lentera.app).get(path).expect(200)).text;
      expect(SWITCH_BUTTON.exec(html)?.slice(1)).toEqual([form, 'en']);
      // The report form is multipart (it takes attachments); the receipt form is not.
      expect(html).toMatch(new RegExp(`<form method="post" action="${path}"( enctype="multipart/form-data")? novalidate`));
      expect(html).toMatch(new RegExp(`<form [^>]*id="${form}"`));
      // Enter in a text field uses the first submit button of the form in document order: a plain one.
      expect(html.indexOf(`<button type="submit" form="${form}" hidden></button>`)).toBeGreaterThan(-1);
      expect(html.indexOf(`<button type="submit" form="${form}" hidden></button>`)).toBeLessThan(html.search(SWITCH_BUTTON));
      expect(html).not.toContain('class="language-switch" href=');
    }
    for (const path of ['/', '/privacy']) {
      const html = (await request(lentera.app).get(path).expect(200)).text;
      expect(html).toContain('<a class="language-switch" href="?lang=en" lang="en" hreflang="en">English</a>');
      expect(html).not.toContain('_switch_lang');
    }
  });

  it('the report form comes back in English with everything typed, no errors, the language remembered, nothing stored', async () => {
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/report');
    const [reports, sessions] = [count(lentera, 'reports'), count(lentera, 'sessions')];
    const res = await agent
      .post('/report')
      .type('form')
      .send(formBody({ ...typed, _csrf: token, _switch_lang: 'en' }))
      .expect(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain(`<h1>${en.report.title}</h1>`);
    expectTypedValues(res.text);
    expect(res.text).not.toContain('error-summary');
    expect(res.text).not.toContain('has-error');
    expect(String(res.headers['set-cookie'])).toMatch(/(^|,)lang=en;.*HttpOnly/);
    expect(count(lentera, 'reports')).toBe(reports);
    expect(count(lentera, 'sessions')).toBe(sessions);
    // …and back: the switch now offers Indonesian, and the cookie holds for later pages.
    expect(SWITCH_BUTTON.exec(res.text)?.slice(1)).toEqual(['report-form', 'id']);
    expect((await agent.get('/privacy').expect(200)).text).toContain('<html lang="en">');
    // The page it returns sends the report as it is.
    await agent
      .post('/report')
      .type('form')
      .send(formBody({ ...typed, _csrf: csrfTokenOf(res.text) }))
      .expect(303);
    expect(count(lentera, 'reports')).toBe(reports + 1);
  });

  it('a half-filled form switches without an error, and an unknown language is an ordinary send', async () => {
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/report');
    const unknown = await agent
      .post('/report')
      .type('form')
      .send(formBody({ narrative: 'Baru sebagian', _csrf: token, _switch_lang: 'fr' }))
      .expect(400);
    expect(unknown.text).toContain('<html lang="id">');
    expect(unknown.text).toContain('error-summary');
    const half = await agent
      .post('/report')
      .type('form')
      .send(formBody({ narrative: 'Baru sebagian', _csrf: token, _switch_lang: 'en' }))
      .expect(200);
    expect(half.text).toContain('<html lang="en">');
    expect(half.text).toContain('>Baru sebagian</textarea>');
    expect(half.text).not.toContain('error-summary');
  });

  it('the receipt check keeps the code typed, and a switch is not a receipt check', async () => {
    const strict = createTestApp({ RATE_RECEIPT_CHECKS_PER_IP: '1' });
    try {
      const agent = request.agent(strict.app);
      const token = await tokenFrom(agent, '/status');
      for (let i = 0; i < 3; i += 1) {
        const res = await agent
          .post('/status')
          .type('form')
          .send(formBody({ receipt: '1234 5678', _csrf: token, _switch_lang: i % 2 ? 'id' : 'en' }))
          .expect(200);
        expect(res.text).toContain('value="1234 5678"');
        expect(res.text).not.toContain('error-summary');
      }
      expect((await agent.get('/status').expect(200)).text).toContain('<html lang="en">');
      // The one check this client has is still there.
      await agent
        .post('/status')
        .type('form')
        .send(formBody({ receipt: '1234 5678', _csrf: token }))
        .expect(400);
    } finally {
      strict.cleanup();
    }
  });

  it('the reply on the status page is kept, nothing is sent, and the switch is refused without a token like any post', async () => {
    const agent = request.agent(lentera.app);
    const receipt = await fileReport(agent);
    await openStatus(agent, receipt);
    const token = await tokenFrom(agent, '/status');
    const messages = count(lentera, 'messages');
    const reply = 'Tetangga bilang anak itu belum pulang sejak kemarin.';
    const res = await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: reply, _csrf: token, _switch_lang: 'en' }))
      .expect(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain(`>${reply}</textarea>`);
    expect(res.text).toContain(en.publicStatus.new.name);
    expect(res.text).not.toContain('error-summary');
    expect(count(lentera, 'messages')).toBe(messages);
    await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: reply, _switch_lang: 'en' }))
      .expect(403);
  });

  it('the department referral form keeps everything too', async () => {
    const agent = await signedInAgent(lentera, officer);
    const token = await tokenFrom(agent, '/department/referrals/new');
    expect(SWITCH_BUTTON.exec((await agent.get('/department/referrals/new')).text)?.slice(1)).toEqual(['referral-form', 'en']);
    const form = validReferralForm({ client_name: 'Dewi Lestari', reason: 'Sering datang ke sekolah dengan memar di lengan.' });
    const reports = count(lentera, 'reports');
    const res = await agent
      .post('/department/referrals/new')
      .type('form')
      .send(formBody({ ...form, _csrf: token, _switch_lang: 'en' }))
      .expect(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('value="Dewi Lestari"');
    expect(res.text).toContain('>Sering datang ke sekolah dengan memar di lengan.</textarea>');
    expect(res.text).toMatch(/id="category-parenting_child_concerns"[^>]*checked/);
    expect(res.text).not.toContain('error-summary');
    expect(count(lentera, 'reports')).toBe(reports);
  });
});

describe('a rate limit keeps what was typed and says when to try again', () => {
  // Friday 27 November 2026, 09:00 WIB.
  let clock = new Date('2026-11-27T02:00:00Z');
  const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
  let lentera: TestApp;
  beforeEach(() => {
    clock = new Date('2026-11-27T02:00:00Z');
  });
  afterEach(() => lentera.cleanup());

  it('the report form: 429 with Retry-After, everything typed, the time to try again, the hotlines first; nothing stored', async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1' }, { now: () => clock });
    const agent = request.agent(lentera.app);
    await fileReport(agent);
    advance(35);
    const token = await tokenFrom(agent, '/report');
    const reports = count(lentera, 'reports');
    const res = await agent
      .post('/report')
      .type('form')
      .send(formBody({ ...typed, _csrf: token }))
      .expect(429);
    expect(res.headers['retry-after']).toBe('1500');
    expectTypedValues(res.text);
    // Nothing to correct: no list of errors, but what happened and when to send again.
    expect(res.text).toContain(`<title>${id.report.limited.title}: ${id.report.title} · Lentera</title>`);
    const notice = /<div class="error-summary" role="alert" aria-labelledby="limited-title"[\s\S]*?<\/div>/.exec(res.text)![0];
    expect(notice).toContain(`<h2 id="limited-title">${id.report.limited.title}</h2>`);
    expect(notice).toContain(id.report.limited.text);
    expect(notice).toContain('<strong>Tekan &#34;Kirim laporan&#34; lagi setelah pukul 10.00 WIB (sekitar 25 menit lagi).</strong>');
    expect(res.text).not.toContain(id.common.errorSummaryTitle);
    // The hotlines, large, right after the message and before the form.
    const hotlines = res.text.indexOf('<section class="safety safety-urgent"');
    expect(hotlines).toBeGreaterThan(res.text.indexOf('class="error-summary"'));
    expect(hotlines).toBeLessThan(res.text.indexOf('<form method="post" action="/report"'));
    expect(res.text).toContain(`<h2 id="safety-title">${id.report.limited.safetyTitle}</h2>`);
    for (const n of ['112', '110', '129', '119']) expect(res.text.slice(hotlines)).toContain(`href="tel:${n}"`);
    expect(count(lentera, 'reports')).toBe(reports);

    // In English the clock reads as English readers write it.
    const english = await agent
      .post('/report?lang=en')
      .type('form')
      .send(formBody({ ...typed, _csrf: token }))
      .expect(429);
    expect(english.text).toContain('again after 10:00 WIB (in about 25 minutes).');
    // Once the hour is over, the same form goes through.
    advance(25);
    await agent
      .post('/report')
      .type('form')
      .send(formBody({ ...typed, _csrf: token }))
      .expect(303);
  });

  it('the receipt check: 429 with Retry-After, the code typed kept, the time to try again', async () => {
    lentera = createTestApp({ RATE_RECEIPT_CHECKS_PER_IP: '1' }, { now: () => clock });
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/status');
    await agent
      .post('/status')
      .type('form')
      .send(formBody({ receipt: '1111 2222 3333 4444', _csrf: token }))
      .expect(400);
    advance(50);
    const res = await agent
      .post('/status')
      .type('form')
      .send(formBody({ receipt: '1111 2222 3333 4445', _csrf: token }))
      .expect(429);
    expect(res.headers['retry-after']).toBe('600');
    expect(res.text).toContain('value="1111 2222 3333 4445"');
    expect(res.text).toContain(`<h2 id="error-summary-title">${id.status.limitedTitle}</h2>`);
    expect(res.text).toContain('<a href="#receipt">Terlalu banyak kode tanda terima dicoba');
    expect(res.text).toContain('Coba lagi setelah pukul 10.00 WIB (sekitar 10 menit lagi).');
  });

  it('a reply over the message limit: 429, the message kept', async () => {
    lentera = createTestApp({ RATE_MESSAGES_PER_REPORT: '1' }, { now: () => clock });
    const agent = request.agent(lentera.app);
    await openStatus(agent, await fileReport(agent));
    const token = await tokenFrom(agent, '/status');
    await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: 'Pesan pertama', _csrf: token }))
      .expect(303);
    const res = await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: 'Pesan kedua yang penting', _csrf: token }))
      .expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.text).toContain('>Pesan kedua yang penting</textarea>');
    expect(res.text).toContain(`<h2 id="error-summary-title">${id.status.messageLimitedTitle}</h2>`);
    expect(res.text).toMatch(/<a href="#message">Sudah banyak pesan[^<]*setelah pukul \d{2}\.\d{2} WIB \(sekitar \d+ (menit|jam) lagi\)/);
    expect(count(lentera, 'messages')).toBe(1);
  });
});

describe('the status page', () => {
  // Friday 27 November 2026, 09:00 WIB.
  const clock = new Date('2026-11-27T02:00:00Z');
  let lentera: TestApp;
  let triage: StaffAccount;
  let staff: Agent;
  let partnerId: number;
  beforeAll(async () => {
    lentera = createTestApp(
      {
        RATE_REPORTS_PER_IP: '1000',
        RATE_RECEIPT_CHECKS_PER_IP: '1000',
        OFFICE_ADDRESS: 'Jl. Contoh Raya No. 1, Padang',
        OFFICE_PHONE: '(0751) 555-0101',
        OFFICE_WHATSAPP: '0812-0000-0101',
      },
      { now: () => clock },
    );
    triage = await createStaffAccount(lentera, { role: 'triage' });
    staff = await signedInAgent(lentera, triage);
    const at = clock.toISOString();
    partnerId = Number(
      lentera.db
        .prepare(
          "INSERT INTO partners (name, type, phone, email, address, created_at, updated_at) VALUES ('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'uptd.ppa@contoh.id', 'Jl. Contoh 1', ?, ?)",
        )
        .run(at, at).lastInsertRowid,
    );
  });
  afterAll(() => lentera.cleanup());

  async function newReport(fields = validReport()): Promise<{ reference: string; receipt: string }> {
    const receipt = await fileReport(request.agent(lentera.app), fields);
    return { reference: lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string, receipt };
  }

  async function decide(reference: string, action: string, fields: Record<string, string>): Promise<void> {
    const token = await tokenFrom(staff, `/staff/reports/${reference}`);
    const res = await staff
      .post(`/staff/reports/${reference}/${action}`)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
    expect(res.status).toBe(303);
  }

  async function residentSees(receipt: string, lang = 'id'): Promise<string> {
    const resident = request.agent(lentera.app);
    await openStatus(resident, receipt);
    return (await resident.get(`/status?lang=${lang}`).expect(200)).text;
  }

  const at = (html: string, marker: string) => {
    const i = html.indexOf(marker);
    if (i < 0) throw new Error(`not on the page: ${marker}`);
    return i;
  };

  it('someone in danger now: the hotlines first and large, and an update due today gives its time', async () => {
    const { receipt } = await newReport(validReport({ urgency: 'immediate' }));
    const page = await residentSees(receipt);
    const hotlines = at(page, '<section class="safety safety-urgent"');
    expect(hotlines).toBeLessThan(at(page, 'class="status-panel"'));
    expect(hotlines).toBeGreaterThan(at(page, '<h1>'));
    expect(page.slice(hotlines, at(page, 'class="status-panel"'))).toContain('href="tel:112"');
    expect(page).toContain(id.status.dangerNowText);
    expect(page).not.toContain('safety-compact');
    expect(page).toContain('Kami akan memberi kabar paling lambat hari ini pukul 11.00 WIB.');
    expect(await residentSees(receipt, 'en')).toContain('We will update you by 11:00 WIB today.');
  });

  it('otherwise the hotlines are still there, after the report, and the update gives its day', async () => {
    const { receipt } = await newReport();
    const page = await residentSees(receipt);
    expect(page).not.toContain('safety-urgent');
    expect(at(page, '<section class="safety safety-compact"')).toBeGreaterThan(at(page, 'id="messages"'));
    expect(page).toContain('href="tel:112"');
    expect(page).toContain('Kami akan memberi kabar paling lambat Rabu, 2 Desember 2026.');
    expect(page).toContain(`<h2 id="current-status" class="status-name">${id.publicStatus.new.name}</h2>`);
    expect(page).toContain(id.statusNext.new);
    expect(page).toContain(`<button type="submit" class="button button-secondary">${id.status.endButton}</button>`);
    expect(id.status.endButton).toBe('Selesai');
  });

  it("staff's question is at the top with the reply form under it", async () => {
    const { reference, receipt } = await newReport();
    await decide(reference, 'ask', { 'ask-message': 'Apakah anak itu sekarang aman?' });
    const page = await residentSees(receipt);
    const question = at(page, '<section class="question-panel"');
    expect(question).toBeLessThan(at(page, 'class="status-panel"'));
    const panel = page.slice(question, at(page, 'class="status-panel"'));
    expect(panel).toContain(`<h2 id="question-title">${id.status.questionTitle}</h2>`);
    expect(panel).toContain('Apakah anak itu sekarang aman?');
    expect(panel).toContain('<form method="post" action="/status/messages" enctype="multipart/form-data" novalidate id="reply-form">');
    expect(panel).toContain(`<label for="message">${id.status.answer}</label>`);
    expect(page.match(/id="reply-form"/g)).toHaveLength(1);
    expect(page).toContain(id.statusNext.awaiting_info);
    // Once she has answered, the question leaves the top.
    const resident = request.agent(lentera.app);
    await openStatus(resident, receipt);
    const token = await tokenFrom(resident, '/status');
    await resident
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: 'Ya, di rumah neneknya.', _csrf: token }))
      .expect(303);
    const after = (await resident.get('/status').expect(200)).text;
    expect(after).not.toContain('question-panel');
    expect(at(after, 'id="reply-form"')).toBeGreaterThan(at(after, 'id="messages"'));
  });

  it.each([
    [
      'with contact details',
      validReport({ wants_contact: 'yes', contact_phone: '0812 1111 2222', contact_channel: 'whatsapp', contact_leave_message: 'no' }),
      'acceptedContact',
    ],
    ['without contact details', validReport(), 'acceptedNoContact'],
  ] as const)('accepted %s: says who will contact her, and how', async (_name, fields, key) => {
    const { reference, receipt } = await newReport(fields);
    await decide(reference, 'accept', {
      'accept-case_mode': 'new',
      'accept-case_number': '',
      'accept-assignee': '',
      'accept-risk': '',
      'accept-note': '',
    });
    const page = await residentSees(receipt);
    expect(page).toContain(`<h2 id="current-status" class="status-name">${id.publicStatus.accepted.name}</h2>`);
    expect(page).toContain(id.statusNext[key]);
    expect(page).not.toContain(id.statusNext[key === 'acceptedContact' ? 'acceptedNoContact' : 'acceptedContact']);
    // Whether she left contact details is all the page knows: never the details.
    expect(page).not.toContain('0812 1111 2222');
  });

  it("redirected: the institution's name and every way to reach it", async () => {
    const { reference, receipt } = await newReport();
    await decide(reference, 'redirect', {
      'redirect-partner': String(partnerId),
      'redirect-reason': 'mandate_elsewhere',
      'redirect-summary': 'Ringkasan untuk lembaga.',
      'redirect-explanation': 'Laporan Anda kami teruskan ke UPTD PPA.',
    });
    const page = await residentSees(receipt);
    expect(page).toContain(id.statusNext.redirected);
    for (const text of ['UPTD PPA Kota Padang', 'href="tel:0751123456"', 'uptd.ppa@contoh.id', 'Jl. Contoh 1'])
      expect(page).toContain(text);
  });

  it('closed: why, and that she can report again', async () => {
    const { reference, receipt } = await newReport();
    await decide(reference, 'close', { 'close-reason': 'insufficient_information', 'close-note': '' });
    const page = await residentSees(receipt, 'en');
    expect(page).toContain(en.publicCloseReason.insufficient_information);
    expect(page).toContain(en.statusNext.closed);
    expect(page).toContain(`<a href="/report">${en.status.newReportLink}</a>`);
  });

  it("the office's address, phone, WhatsApp and hours are on the home, status and privacy pages, in both languages", async () => {
    const { receipt } = await newReport();
    const pages = {
      home: (await request(lentera.app).get('/').expect(200)).text,
      privacy: (await request(lentera.app).get('/privacy').expect(200)).text,
      status: await residentSees(receipt),
    };
    for (const html of Object.values(pages)) {
      expect(html).toContain(`<h2 id="office-title">${id.office.title}</h2>`);
      for (const text of [
        'Jl. Contoh Raya No. 1, Padang',
        '<a href="tel:07515550101">(0751) 555-0101</a>',
        '0812-0000-0101',
        'Senin–Jumat, pukul 08.00–16.00 WIB',
      ]) {
        expect(html).toContain(text);
      }
    }
    const english = (await request(lentera.app).get('/?lang=en').expect(200)).text;
    expect(english).toContain(`<h2 id="office-title">${en.office.title}</h2>`);
    expect(english).toContain('Monday to Friday, 08:00–16:00 WIB');
  });
});

describe('the office contact by default, and the privacy notice in years', () => {
  let lentera: TestApp;
  afterEach(() => lentera.cleanup());

  it('by default: an address and hours an office will recognise as its own to change, and no phone number made up', async () => {
    lentera = createTestApp();
    const home = (await request(lentera.app).get('/').expect(200)).text;
    const office = /<section class="office"[\s\S]*?<\/section>/.exec(home)![0];
    expect(office).toContain('Dinas Sosial Kota Padang');
    expect(office).toContain('Senin–Jumat, pukul 08.00–16.00 WIB');
    expect(office).not.toContain('tel:');
    expect(office).not.toContain(id.office.whatsapp);
  });

  it.each([
    ['730', '2 tahun', '2 years'],
    ['365', '1 tahun', '1 year'],
    ['180', '6 bulan', '6 months'],
    ['45', '45 hari', '45 days'],
  ])('RETENTION_DAYS=%s reads "%s" / "%s"', async (days, idText, enText) => {
    lentera = createTestApp({ RETENTION_DAYS: days });
    expect((await request(lentera.app).get('/privacy').expect(200)).text).toContain(`disimpan paling lama ${idText}, lalu dihapus`);
    expect((await request(lentera.app).get('/privacy?lang=en').expect(200)).text).toContain(`kept for at most ${enText} and then deleted`);
  });
});

describe('the report form', () => {
  let lentera: TestApp;
  let officer: StaffAccount;
  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' });
    officer = await createStaffAccount(lentera, { role: 'department' });
  });
  afterAll(() => lentera.cleanup());

  async function send(fields: Record<string, string | string[]>): Promise<string> {
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/report');
    return (
      await agent
        .post('/report')
        .type('form')
        .send(formBody({ ...fields, _csrf: token }))
        .expect(400)
    ).text;
  }

  /** The links of the error summary, and where each target sits in the page. */
  function summaryOrder(html: string): { hrefs: string[]; positions: number[] } {
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)![0];
    const hrefs = [...summary.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]!);
    return { hrefs, positions: hrefs.map((h) => html.indexOf(`id="${h}"`)) };
  }

  it('offers the kind of problem as radio buttons, each with a one-line description, and no select', async () => {
    const html = (await request(lentera.app).get('/report').expect(200)).text;
    expect(html).not.toContain('<select id="category"');
    for (const c of categories) {
      expect(html).toContain(`<input type="radio" id="category-${c}" name="category" value="${c}" aria-describedby="category-${c}-hint">`);
      expect(html).toContain(`<p class="hint" id="category-${c}-hint">${id.categoryHint[c]}</p>`);
    }
    const english = (await request(lentera.app).get('/report?lang=en').expect(200)).text;
    expect(english).toContain(`<p class="hint" id="category-neglect-hint">${en.categoryHint.neglect}</p>`);
  });

  it.each([
    ['an empty form', {}],
    [
      'contact wanted with every contact field wrong',
      validReport({
        category: '',
        narrative: 'pendek',
        kecamatan: '',
        wants_contact: 'yes',
        contact_name: 'n'.repeat(101),
        contact_phone: 'telepon saya',
        contact_email: 'x@',
        contact_notify: 'yes',
        contact_hours: 'h'.repeat(201),
      }),
    ],
  ])('%s: the error summary lists the errors in the order of the page', async (_name, fields) => {
    const { hrefs, positions } = summaryOrder(await send(fields));
    expect(hrefs.length).toBeGreaterThan(4);
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('the phone error shows an example, in both languages', async () => {
    const bad = validReport({ wants_contact: 'yes', contact_phone: 'telepon saya', contact_channel: 'sms', contact_leave_message: 'no' });
    expect(await send(bad)).toContain(`<a href="#contact_phone">${id.report.errors.contact_phone}</a>`);
    expect(id.report.errors.contact_phone).toContain('misalnya 0812 3456 7890');
    expect(en.report.errors.contact_phone).toContain('like 0812 3456 7890');
  });

  it("the referral form: categories as radios, and a required field's error does not talk about maximum lengths", async () => {
    const agent = await signedInAgent(lentera, officer);
    expect((await agent.get('/department/referrals/new').expect(200)).text).toContain('id="category-neglect-hint"');
    const token = await tokenFrom(agent, '/department/referrals/new');
    const empty = validReferralForm({ department_reference: '', client_name: '', client_address: '', consent_by: '', category: '' });
    const res = await agent
      .post('/department/referrals/new')
      .type('form')
      .send(formBody({ ...empty, _csrf: token }))
      .expect(400);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.text)![0];
    for (const field of ['department_reference', 'client_name', 'client_address', 'consent_by'] as const) {
      expect(summary).toContain(`<a href="#${field}">${id.referral.errors[field]}</a>`);
    }
    expect(summary).toContain(`<a href="#category-physical_violence">${id.referral.errors.category}</a>`);
    expect(summary).not.toMatch(/paling banyak/);
    const long = validReferralForm({ client_name: 'n'.repeat(101) });
    const tooLong = await agent
      .post('/department/referrals/new')
      .type('form')
      .send(formBody({ ...long, _csrf: token }))
      .expect(400);
    // The message states the limit, filled in from src/domain/limits.ts.
    const clientNameLong = loadTranslator().forLocale('id')('referral.errors.client_name_long');
    expect(clientNameLong).toBe('Nama klien paling banyak 100 huruf');
    expect(tooLong.text).toContain(`<a href="#client_name">${clientNameLong}</a>`);
  });
});
