import request from 'supertest';
import { createTestApp, csrfTokenOf, fileReport, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { lastOutboxId, outboxEmails, readable } from '../helpers/outbox';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtpServer';

/** Monday 2 March 2026, 10:00 WIB. */
const MONDAY = new Date('2026-03-02T03:00:00Z');

const SUMMARY = 'Ibu dan dua anak; ayah berulang kali memukul ibu. Keluarga butuh pendampingan hukum dan rumah aman.';
const REQUEST = 'Mohon asesmen rumah aman dan pendampingan laporan ke Unit PPA.';
const CONSENT_BY = 'Ibu Sari, ibu kandung';
const DECISIONS = 'P2TP2A mendampingi proses hukum; LK3 melanjutkan konseling keluarga.';
const NEXT_STEPS = 'Wulan menjadwalkan kunjungan rumah minggu depan.';
const OTHERS = 'Pak Lurah Andalas (kelurahan)';

/**
 * The working file of a case (issue 13, parts 5 and 6): a referral out with the family's consent,
 * answered by the partner through the signed link of the email; and a case conference recorded by a
 * supervisor, with printable minutes.
 */
describe('referrals out and case conferences', () => {
  let smtp: TestSmtpServer;
  let lentera: TestApp;
  let clock = MONDAY;
  let triage: StaffAccount;
  let supervisor: StaffAccount;
  let worker: StaffAccount;
  let otherWorker: StaffAccount;
  let admin: StaffAccount;
  let p2tp2a: number;
  let puspaga: number;
  let byPhone: number;
  let number: string;
  let slug: string;

  const as = (account: StaffAccount) => signedInAgent(lentera, account);

  async function post(agent: Agent, path: string, fields: Record<string, string | string[]>, page: string) {
    const token = await tokenFrom(agent, page);
    return agent
      .post(path)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  const referralFields = (partner: number, overrides: Record<string, string> = {}) => ({
    'referral-partner': String(partner),
    'referral-consent': 'yes',
    'referral-consent_by': CONSENT_BY,
    'referral-consent_method': 'written',
    'referral-consent_on': '2026-03-02',
    'referral-summary': SUMMARY,
    'referral-request': REQUEST,
    ...overrides,
  });

  const audits = (action: string) =>
    lentera.db
      .prepare('SELECT actor_account_id AS actor, subject_id AS subject, detail FROM audit_events WHERE action = ? ORDER BY id')
      .all(action) as {
      actor: number | null;
      subject: string;
      detail: string | null;
    }[];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    lentera = createTestApp(
      {
        RATE_REPORTS_PER_IP: '1000',
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Lentera <no-reply@lk3.test>',
        SERVICE_CONTACT: 'telepon (0751) 555-0101',
      },
      { now: () => clock },
    );
    triage = await createStaffAccount(lentera, { role: 'triage', name: 'Tari Triase' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sari Koordinator' });
    worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
    otherWorker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Oki Peksos' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
    const at = MONDAY.toISOString();
    const partner = lentera.db.prepare(
      'INSERT INTO partners (name, type, phone, email, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    p2tp2a = Number(
      partner.run('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'uptdppa@padang.test', 'Jl. Contoh 1', at, at).lastInsertRowid,
    );
    puspaga = Number(partner.run('Puspaga Kota Padang', 'puspaga', '0751-222333', 'puspaga@padang.test', '', at, at).lastInsertRowid);
    byPhone = Number(partner.run('Puskesmas Andalas', 'health', '0751-777888', '', '', at, at).lastInsertRowid);

    // A resident's report, accepted by triage as a case for the caseworker.
    await fileReport(request.agent(lentera.app));
    const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const page = `/staff/reports/${reference}`;
    const accepted = await post(
      await as(triage),
      `${page}/accept`,
      {
        'accept-case_mode': 'new',
        'accept-case_number': '',
        'accept-assignee': String(worker.id),
        'accept-risk': 'high',
        'accept-note': '',
      },
      page,
    );
    expect(accepted.status).toBe(303);
    number = lentera.db
      .prepare('SELECT c.number FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?')
      .pluck()
      .get(reference) as string;
    slug = number.replace(/\//g, '-');
  });
  afterAll(async () => {
    lentera.cleanup();
    await smtp.close();
  });

  describe('a referral out', () => {
    it('with consent: the partner gets the email with a signed link, opens it, accepts — and the case shows it', async () => {
      const w = await as(worker);
      const form = await w.get(`/staff/cases/${slug}/referrals/new`).expect(200);
      expect(form.text).toContain('UPTD PPA Kota Padang');
      expect(form.text).not.toContain('data-overlap-warning');
      const before = lastOutboxId(lentera);
      const res = await post(w, `/staff/cases/${slug}/referrals`, referralFields(p2tp2a), `/staff/cases/${slug}/referrals/new`);
      expect(res.status).toBe(303);
      const referralId = lentera.db.prepare('SELECT max(id) FROM case_referrals').pluck().get() as number;
      expect(res.headers.location).toBe(`/staff/cases/${slug}/referrals/${referralId}`);

      // The outbox holds the partner's email: the case number, the summary and request, signed links; nothing else of the case.
      const emails = outboxEmails(lentera, before);
      expect(emails.map((e) => [e.template, e.to, e.recipientKind])).toEqual([
        ['case_referral_to_partner', 'uptdppa@padang.test', 'partner'],
      ]);
      const text = readable(lentera, emails[0]!);
      expect(text).toContain(number);
      expect(text).toContain(SUMMARY);
      expect(text).toContain(REQUEST);
      expect(text).not.toContain(CONSENT_BY);

      // Sent through a real SMTP server, and answered from the link in the message as it arrived.
      const drained = await lentera.services.outboxService.drain(10);
      expect(drained.sent).toBeGreaterThanOrEqual(1);
      const delivered = smtp.received.find((m) => m.envelope.to.includes('uptdppa@padang.test'));
      expect(delivered!.parsed.subject).toBe(`Rujukan dari ${lentera.config.orgName}: kasus ${number}`);
      const link = /https?:\/\/[^/\s]+(\/ack\/[^\s?]+)\?answer=accepted/.exec(delivered!.parsed.text ?? '')![1]!;
      expect(link).toMatch(new RegExp(`^/ack/c${referralId}\\.\\d+\\.[A-Za-z0-9_-]{43}$`));

      const partner = request.agent(lentera.app);
      const page = await partner.get(`${link}?answer=accepted`).expect(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).toContain(number);
      expect(page.text).toContain(SUMMARY);
      expect(page.text).toContain(REQUEST);
      expect(page.text).not.toContain(CONSENT_BY);
      expect(page.text).toContain('Kami bersedia menanganinya');
      expect((await partner.get(`${link}?lang=en`).expect(200)).text).toContain('We will take it on');
      expect(audits('case_referral.link_opened').at(-1)).toMatchObject({ actor: null });
      clock = new Date(MONDAY.getTime() + 60 * 60 * 1000);
      await partner
        .post(link)
        .type('form')
        .send(formBody({ answer: 'accepted', _csrf: csrfTokenOf(page.text) }))
        .expect(303);
      expect(lentera.db.prepare('SELECT ack_status, ack_at, ack_by FROM case_referrals WHERE id = ?').get(referralId)).toEqual({
        ack_status: 'accepted',
        ack_at: clock.toISOString(),
        ack_by: null,
      });
      expect(audits('case_referral.acknowledged').at(-1)).toEqual({
        actor: null,
        subject: expect.any(String),
        detail: JSON.stringify({ status: 'accepted', referral: referralId, via: 'link' }),
      });
      // The link now says the answer is recorded.
      expect((await partner.get(`${link}?lang=id`).expect(200)).text).toContain('sudah tercatat');

      // The case shows the partner involved and the answer (signed in again: an hour has passed).
      const again = await as(worker);
      const casePage = (await again.get(`/staff/cases/${slug}?lang=en`).expect(200)).text;
      expect(casePage).toContain('data-section="referrals-out"');
      expect(casePage).toMatch(new RegExp(`data-referral="${referralId}" data-ack="accepted"`));
      expect(casePage).toContain('Accepted by the institution');
      expect(casePage).toContain(`data-partner="${p2tp2a}"`);
      const referralPage = (await again.get(`/staff/cases/${slug}/referrals/${referralId}`).expect(200)).text;
      expect(referralPage).toContain(CONSENT_BY);
      expect(referralPage).toContain('data-ack="accepted"');
      expect(audits('case_referral.viewed').at(-1)).toMatchObject({ actor: worker.id });
    });

    it('is refused without consent, with a clear 400 that keeps what was typed — and nothing is sent', async () => {
      const w = await as(worker);
      const before = { outbox: lastOutboxId(lentera), referrals: lentera.db.prepare('SELECT count(*) FROM case_referrals').pluck().get() };
      const res = await post(
        w,
        `/staff/cases/${slug}/referrals`,
        referralFields(puspaga, { 'referral-consent': '', 'referral-consent_by': '' }),
        `/staff/cases/${slug}/referrals/new`,
      );
      expect(res.status).toBe(400);
      expect(res.text).toContain('href="#referral-consent"');
      expect(res.text).toContain('Keluarga hanya dirujuk keluar dengan persetujuannya');
      expect(res.text).toContain('href="#referral-consent_by"');
      expect(res.text).toContain(SUMMARY);
      expect(lastOutboxId(lentera)).toBe(before.outbox);
      expect(lentera.db.prepare('SELECT count(*) FROM case_referrals').pluck().get()).toBe(before.referrals);
      // A consent date in the future is no consent date.
      const future = await post(
        w,
        `/staff/cases/${slug}/referrals`,
        referralFields(puspaga, { 'referral-consent_on': '2026-03-09' }),
        `/staff/cases/${slug}/referrals/new`,
      );
      expect(future.status).toBe(400);
      expect(future.text).toContain('href="#referral-consent_on"');
    });

    it('warns, without refusing, when the partner is already involved with an open referral', async () => {
      const w = await as(worker);
      const form = await w.get(`/staff/cases/${slug}/referrals/new`).expect(200);
      expect(form.text).toContain('data-overlap-warning');
      expect(form.text).toContain('UPTD PPA Kota Padang — sudah terlibat');
      const res = await post(w, `/staff/cases/${slug}/referrals`, referralFields(p2tp2a), `/staff/cases/${slug}/referrals/new`);
      expect(res.status).toBe(303);
      const page = await w.get(res.headers.location!).expect(200);
      expect(page.text).toContain('Perhatian: lembaga mitra ini sudah memiliki rujukan terbuka dari kasus ini');
      expect(page.text).toContain('data-overlap-warning');
      expect(JSON.parse(audits('case_referral.created').at(-1)!.detail!)).toMatchObject({ partner: p2tp2a, overlapping: true });
      const casePage = (await w.get(`/staff/cases/${slug}`).expect(200)).text;
      expect(casePage).toContain('data-flag="overlap"');
      // The case stays open: a referral does not close it.
      expect(lentera.db.prepare('SELECT closed_at FROM cases WHERE number = ?').pluck().get(number)).toBeNull();
    });

    it('to a partner with no email: no email, and staff record the answer given by phone (a decline needs a reason)', async () => {
      const w = await as(worker);
      const before = lastOutboxId(lentera);
      const res = await post(w, `/staff/cases/${slug}/referrals`, referralFields(byPhone), `/staff/cases/${slug}/referrals/new`);
      expect(res.status).toBe(303);
      expect(outboxEmails(lentera, before)).toEqual([]);
      const path = res.headers.location!;
      const page = await w.get(path).expect(200);
      expect(page.text).toContain('0751-777888');
      const noReason = await post(w, `${path}/acknowledgement`, { 'ack-answer': 'declined', 'ack-reason': '' }, path);
      expect(noReason.status).toBe(400);
      expect(noReason.text).toContain('href="#ack-reason"');
      const declined = await post(
        w,
        `${path}/acknowledgement`,
        { 'ack-answer': 'declined', 'ack-reason': 'Kuota konseling penuh bulan ini' },
        path,
      );
      expect(declined.status).toBe(303);
      const row = lentera.db
        .prepare('SELECT ack_status, ack_by, ack_reason_enc FROM case_referrals ORDER BY id DESC LIMIT 1')
        .get() as Record<string, unknown>;
      expect(row).toMatchObject({ ack_status: 'declined', ack_by: worker.id });
      expect(String(row.ack_reason_enc)).toMatch(/^v1:/);
      expect(JSON.parse(audits('case_referral.acknowledged').at(-1)!.detail!)).toMatchObject({ status: 'declined', via: 'staff' });
      const again = await post(w, `${path}/acknowledgement`, { 'ack-answer': 'accepted', 'ack-reason': '' }, path);
      expect(again.status).toBe(409);
    });

    it('is refused to another caseworker (404) and the administrator (403), and without a CSRF token', async () => {
      const before = lentera.db.prepare('SELECT count(*) FROM case_referrals').pluck().get();
      const other = await as(otherWorker);
      await other.get(`/staff/cases/${slug}/referrals/new`).expect(404);
      const otherToken = await tokenFrom(other, '/staff/cases');
      await other
        .post(`/staff/cases/${slug}/referrals`)
        .type('form')
        .send(formBody({ ...referralFields(puspaga), _csrf: otherToken }))
        .expect(404);
      const referralId = lentera.db.prepare('SELECT min(id) FROM case_referrals').pluck().get() as number;
      await other.get(`/staff/cases/${slug}/referrals/${referralId}`).expect(404);
      const adminAgent = await as(admin);
      await adminAgent.get(`/staff/cases/${slug}/referrals/new`).expect(403);
      const adminToken = await tokenFrom(adminAgent, '/staff/partners');
      await adminAgent
        .post(`/staff/cases/${slug}/referrals`)
        .type('form')
        .send(formBody({ ...referralFields(puspaga), _csrf: adminToken }))
        .expect(403);
      // Triage reads the case, but does not refer.
      const t = await as(triage);
      await t.get(`/staff/cases/${slug}/referrals/${referralId}`).expect(200);
      await t.get(`/staff/cases/${slug}/referrals/new`).expect(403);
      // No CSRF token: refused before anything happens.
      const w = await as(worker);
      const noCsrf = await w
        .post(`/staff/cases/${slug}/referrals`)
        .type('form')
        .send(formBody(referralFields(puspaga)));
      expect(noCsrf.status).toBe(403);
      expect(lentera.db.prepare('SELECT count(*) FROM case_referrals').pluck().get()).toBe(before);
    });

    it('keeps consent, summary, request and reason as ciphertext', async () => {
      const rows = lentera.db
        .prepare('SELECT consent_by_enc, summary_enc, request_enc, ack_reason_enc FROM case_referrals')
        .all() as Record<string, string | null>[];
      expect(rows.length).toBeGreaterThan(0);
      const stored = JSON.stringify(rows);
      for (const plain of [CONSENT_BY, 'Ibu Sari', SUMMARY, 'rumah aman', REQUEST, 'Kuota konseling']) expect(stored).not.toContain(plain);
      for (const r of rows) expect(r.summary_enc).toMatch(/^v1:/);
      // Codes only in the audit log.
      const log = JSON.stringify(lentera.db.prepare("SELECT detail FROM audit_events WHERE action LIKE 'case_referral.%'").all());
      expect(log).not.toContain('Ibu Sari');
      expect(log).not.toContain('Kuota');
    });

    it('gets its one reminder when the partner has not answered in time', async () => {
      const w = await as(worker);
      clock = MONDAY;
      await post(w, `/staff/cases/${slug}/referrals`, referralFields(puspaga), `/staff/cases/${slug}/referrals/new`);
      clock = new Date('2026-03-06T02:00:00Z');
      const before = lastOutboxId(lentera);
      lentera.services.redirectReminders.run();
      lentera.services.redirectReminders.run();
      const reminders = outboxEmails(lentera, before).filter((e) => e.template === 'case_referral_reminder');
      // The two still unanswered with an email (the second to UPTD PPA, and this one), once each; never the one answered by link.
      expect(reminders.map((e) => e.to).sort()).toEqual(['puspaga@padang.test', 'uptdppa@padang.test']);
      expect(readable(lentera, reminders[0]!)).not.toContain(SUMMARY);
      expect(readable(lentera, reminders[0]!)).toContain(number);
      expect(audits('case_referral.reminded')).toHaveLength(2);
      // The case page flags the unanswered ones, and the declined one.
      const casePage = (await (await as(worker)).get(`/staff/cases/${slug}`).expect(200)).text;
      expect(casePage.match(/data-flag="unconfirmed"/g)).toHaveLength(2);
      expect(casePage.match(/data-flag="declined"/g)).toHaveLength(1);
      clock = new Date(MONDAY.getTime() + 2 * 60 * 60 * 1000);
    });
  });

  describe('a case conference', () => {
    const conferenceFields = () => ({
      'conference-held_on': '2026-03-02',
      'conference-staff': [String(worker.id), String(supervisor.id)],
      'conference-partners': [String(p2tp2a)],
      'conference-others': OTHERS,
      'conference-decisions': DECISIONS,
      'conference-next_steps': NEXT_STEPS,
    });

    it('is recorded by a supervisor, listed on the case, readable by its caseworker, and its minutes print (audited)', async () => {
      const s = await as(supervisor);
      const res = await post(s, `/staff/cases/${slug}/conferences`, conferenceFields(), `/staff/cases/${slug}/conferences/new`);
      expect(res.status).toBe(303);
      const id = lentera.db.prepare('SELECT max(id) FROM case_conferences').pluck().get() as number;
      expect(res.headers.location).toBe(`/staff/cases/${slug}/conferences/${id}`);
      expect(audits('case_conference.recorded').at(-1)).toMatchObject({
        actor: supervisor.id,
        detail: JSON.stringify({ conference: id, staff: 2, partners: 1 }),
      });

      const w = await as(worker);
      const casePage = (await w.get(`/staff/cases/${slug}`).expect(200)).text;
      expect(casePage).toContain(`data-conference="${id}"`);
      expect(casePage).toContain(`/staff/cases/${slug}/conferences/${id}/print`);
      // The caseworker reads the minutes, but may not record one.
      expect(casePage).not.toContain(`/staff/cases/${slug}/conferences/new`);
      const minutes = (await w.get(`/staff/cases/${slug}/conferences/${id}`).expect(200)).text;
      for (const text of [DECISIONS, NEXT_STEPS, OTHERS, 'Wulan Peksos', 'Sari Koordinator', 'UPTD PPA Kota Padang'])
        expect(minutes).toContain(text);
      expect(audits('case_conference.viewed').at(-1)).toMatchObject({ actor: worker.id });

      const printed = await w.get(`/staff/cases/${slug}/conferences/${id}/print?lang=en`).expect(200);
      expect(printed.text).toContain('Case conference minutes');
      expect(printed.text).toContain(DECISIONS);
      expect(printed.text).toContain('data-print-footer');
      expect(printed.text).toContain('Printed by Wulan Peksos');
      for (const chrome of ['<nav', 'staff-nav', '<form', '<button', '<script', '/css/site.css'])
        expect(printed.text).not.toContain(chrome);
      expect(audits('case_conference.printed').at(-1)).toMatchObject({ actor: worker.id, detail: JSON.stringify({ conference: id }) });

      // The case print carries the referrals out and the conferences as summary lines.
      const casePrint = (await w.get(`/staff/cases/${slug}/print`).expect(200)).text;
      expect(casePrint).toContain('id="print-referrals-out"');
      expect(casePrint).toContain('id="print-conferences"');
      expect(casePrint).toContain(DECISIONS);
      // Partners named in a conference count as involved.
      expect(casePage).toMatch(/disebut dalam konferensi kasus: 1/);
    });

    it('is refused to a caseworker (403), another caseworker cannot read it (404), and without CSRF', async () => {
      const before = lentera.db.prepare('SELECT count(*) FROM case_conferences').pluck().get();
      const w = await as(worker);
      await w.get(`/staff/cases/${slug}/conferences/new`).expect(403);
      const token = await tokenFrom(w, `/staff/cases/${slug}`);
      await w
        .post(`/staff/cases/${slug}/conferences`)
        .type('form')
        .send(formBody({ ...conferenceFields(), _csrf: token }))
        .expect(403);
      const id = lentera.db.prepare('SELECT max(id) FROM case_conferences').pluck().get() as number;
      const other = await as(otherWorker);
      await other.get(`/staff/cases/${slug}/conferences/${id}`).expect(404);
      await other.get(`/staff/cases/${slug}/conferences/${id}/print`).expect(404);
      await (await as(admin)).get(`/staff/cases/${slug}/conferences/${id}/print`).expect(403);
      const s = await as(supervisor);
      const noCsrf = await s.post(`/staff/cases/${slug}/conferences`).type('form').send(formBody(conferenceFields()));
      expect(noCsrf.status).toBe(403);
      expect(lentera.db.prepare('SELECT count(*) FROM case_conferences').pluck().get()).toBe(before);
    });

    it('needs a date, someone attending and the decisions (400, what was typed kept)', async () => {
      const s = await as(supervisor);
      const res = await post(
        s,
        `/staff/cases/${slug}/conferences`,
        { 'conference-held_on': '2026-02-30', 'conference-others': '', 'conference-decisions': '', 'conference-next_steps': NEXT_STEPS },
        `/staff/cases/${slug}/conferences/new`,
      );
      expect(res.status).toBe(400);
      for (const href of ['#conference-held_on', '#conference-attendees', '#conference-decisions'])
        expect(res.text).toContain(`href="${href}"`);
      expect(res.text).toContain(NEXT_STEPS);
    });

    it('goes with its case when retention deletes the case (the rows cascade)', () => {
      for (const table of ['case_referrals', 'case_conferences']) {
        expect(lentera.db.prepare(`SELECT on_delete FROM pragma_foreign_key_list('${table}') WHERE "table" = 'cases'`).pluck().get()).toBe(
          'CASCADE',
        );
      }
      for (const table of ['case_conference_staff', 'case_conference_partners']) {
        expect(
          lentera.db.prepare(`SELECT on_delete FROM pragma_foreign_key_list('${table}') WHERE "table" = 'case_conferences'`).pluck().get(),
        ).toBe('CASCADE');
      }
    });

    it('keeps decisions, next steps and other attendees as ciphertext', () => {
      const stored = JSON.stringify(
        lentera.db.prepare('SELECT other_attendees_enc, decisions_enc, next_steps_enc FROM case_conferences').all(),
      );
      for (const plain of [DECISIONS, 'P2TP2A mendampingi', NEXT_STEPS, OTHERS, 'Lurah']) expect(stored).not.toContain(plain);
      expect(stored).toMatch(/v1:/);
    });
  });
});
