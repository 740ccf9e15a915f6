import request from 'supertest';
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
import { lastOutboxId, outboxEmails, readable, type StoredEmail } from '../helpers/outbox';
import { eventually, startSmtpServer, type TestSmtpServer } from '../helpers/smtpServer';

/** Monday 2 March 2026, 10:00 WIB. */
const MONDAY = new Date('2026-03-02T03:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

const SUMMARY = 'Ringkasan untuk mitra: anak usia 9 tahun, dugaan kekerasan fisik oleh ayah.';
const NARRATIVE = 'Anak tetangga sering dipukul ayahnya sampai memar di lengan dan punggung.';

interface Redirected {
  reference: string;
  receipt: string;
  redirectId: number;
  /** The path of the link in the email (/ack/<token>), and the link for each answer. */
  acknowledgementPath: string;
  links: Record<'received' | 'accepted' | 'declined', string>;
  email: StoredEmail;
}

/**
 * A resident files `report` (a valid one by default); triage, signed in as `triage`, redirects it to
 * `partner` with SUMMARY and a short explanation. Returns the report's reference.
 */
async function fileAndRedirect(
  lentera: TestApp,
  triage: StaffAccount,
  partner: number,
  { report = validReport(), reason = 'mandate_elsewhere' }: { report?: Record<string, string | string[]>; reason?: string } = {},
): Promise<string> {
  await fileReport(request.agent(lentera.app), report);
  const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
  const agent = await signedInAgent(lentera, triage);
  const token = await tokenFrom(agent, `/staff/reports/${reference}`);
  await agent
    .post(`/staff/reports/${reference}/redirect`)
    .type('form')
    .send(
      formBody({
        'redirect-partner': String(partner),
        'redirect-reason': reason,
        'redirect-summary': SUMMARY,
        'redirect-explanation': 'Penjelasan.',
        _csrf: token,
      }),
    )
    .expect(303);
  return reference;
}

/** A test app on a clock the test moves, with a partner that has an email address and one that has not. */
function world(env: Record<string, string> = {}) {
  const state = {
    clock: MONDAY,
    lentera: undefined as unknown as TestApp,
    triage: undefined as unknown as StaffAccount,
    supervisor: undefined as unknown as StaffAccount,
    partnerWithEmail: 0,
    partnerByPhone: 0,
  };
  beforeAll(async () => {
    state.lentera = createTestApp(
      { RATE_REPORTS_PER_IP: '1000', RATE_RECEIPT_CHECKS_PER_IP: '1000', SERVICE_CONTACT: 'telepon (0751) 555-0101', ...env },
      { now: () => state.clock },
    );
    state.triage = await createStaffAccount(state.lentera, { role: 'triage' });
    state.supervisor = await createStaffAccount(state.lentera, { role: 'supervisor' });
    const at = MONDAY.toISOString();
    const partner = state.lentera.db.prepare(
      'INSERT INTO partners (name, type, phone, email, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    state.partnerWithEmail = Number(
      partner.run('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'uptdppa@padang.test', 'Jl. Contoh 1', at, at).lastInsertRowid,
    );
    state.partnerByPhone = Number(partner.run('Puskesmas Andalas', 'health', '0751-777888', '', '', at, at).lastInsertRowid);
  });
  afterAll(() => state.lentera.cleanup());
  return state;
}

describe('closed-loop redirects: the partner answers', () => {
  const w = world();

  const as = (account: StaffAccount) => signedInAgent(w.lentera, account);

  async function post(agent: Agent, path: string, fields: Record<string, string>) {
    const token = await tokenFrom(agent, path.replace(/\/[a-z-]+$/, ''));
    return agent
      .post(path)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
  }

  /** A resident's report (asking for email news), redirected by triage to `partner`. */
  async function redirected(partner = w.partnerWithEmail): Promise<Redirected> {
    const resident = request.agent(w.lentera.app);
    const receipt = await fileReport(
      resident,
      validReport({
        narrative: NARRATIVE,
        wants_contact: 'yes',
        contact_name: 'Bu Ani',
        contact_phone: '',
        contact_email: 'ani@contoh.id',
        contact_channel: 'email',
        contact_hours: '',
        contact_leave_message: 'no',
        contact_notify: 'yes',
      }),
    );
    const reference = w.lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const before = lastOutboxId(w.lentera);
    const res = await post(await as(w.triage), `/staff/reports/${reference}/redirect`, {
      'redirect-partner': String(partner),
      'redirect-reason': 'mandate_elsewhere',
      'redirect-summary': SUMMARY,
      'redirect-explanation': 'UPTD PPA yang berwenang menangani ini.',
    });
    expect(res.status).toBe(303);
    const redirectId = w.lentera.db
      .prepare('SELECT d.id FROM redirects d JOIN reports r ON r.id = d.report_id WHERE r.reference = ?')
      .pluck()
      .get(reference) as number;
    const email = outboxEmails(w.lentera, before).find((e) => e.template === 'redirect_to_partner');
    if (!email)
      return {
        reference,
        receipt,
        redirectId,
        acknowledgementPath: '',
        links: { received: '', accepted: '', declined: '' },
        email: undefined as unknown as StoredEmail,
      };
    const links = Object.fromEntries(
      [...readable(w.lentera, email).matchAll(/https?:\/\/[^/\s]+(\/ack\/[^\s?]+\?answer=(\w+))/g)].map((m) => [m[2]!, m[1]!]),
    ) as Redirected['links'];
    return { reference, receipt, redirectId, acknowledgementPath: links.accepted.split('?')[0]!, links, email };
  }

  /** As a partner would: open the link, press a button. */
  async function answer(path: string, answerCode: string, reason = '', agent: Agent = request.agent(w.lentera.app)) {
    const page = await agent.get(path).expect(200);
    return agent
      .post(path.split('?')[0]!)
      .type('form')
      .send(formBody({ answer: answerCode, reason, _csrf: csrfTokenOf(page.text) }));
  }

  const redirectRow = (id: number) =>
    w.lentera.db.prepare('SELECT ack_status, ack_at, ack_reason_enc, reminded_at FROM redirects WHERE id = ?').get(id) as {
      ack_status: string;
      ack_at: string | null;
      ack_reason_enc: string | null;
      reminded_at: string | null;
    };

  /** Everything an answer would change. */
  const snapshot = (r: Redirected) => ({
    redirect: redirectRow(r.redirectId),
    events: w.lentera.db.prepare('SELECT count(*) FROM report_events').pluck().get(),
    audit: w.lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get(),
    outbox: lastOutboxId(w.lentera),
  });

  async function residentSees(receipt: string): Promise<string> {
    const resident = request.agent(w.lentera.app);
    await openStatus(resident, receipt);
    return (await resident.get('/status').expect(200)).text;
  }

  it('the email carries one signed link per answer, all to the same page', async () => {
    const r = await redirected();
    expect(r.links.received).toBe(`${r.acknowledgementPath}?answer=received`);
    expect(r.links.declined).toBe(`${r.acknowledgementPath}?answer=declined`);
    expect(r.acknowledgementPath).toMatch(new RegExp(`^/ack/${r.redirectId}\\.\\d+\\.[A-Za-z0-9_-]{43}$`));
  });

  it('GET shows the three answers as POST buttons (decline with a reason), in both languages, no-store — and changes nothing', async () => {
    const r = await redirected();
    const before = snapshot(r);
    const partner = request.agent(w.lentera.app);
    const page = await partner.get(r.links.declined).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain(r.reference);
    expect(page.text).toContain('UPTD PPA Kota Padang');
    expect(page.text).not.toContain(SUMMARY);
    expect(page.text).not.toContain(NARRATIVE);
    expect(page.text.match(new RegExp(`<form method="post" action="${r.acknowledgementPath}"`, 'g'))).toHaveLength(3);
    for (const a of ['received', 'accepted', 'declined']) expect(page.text).toContain(`name="answer" value="${a}"`);
    expect(page.text).toMatch(/<textarea id="reason" name="reason"/);
    // The answer named in the link comes first.
    expect(page.text.indexOf('value="declined"')).toBeLessThan(page.text.indexOf('value="received"'));
    const english = await partner.get(`${r.acknowledgementPath}?lang=en`).expect(200);
    expect(english.text).toContain('We have received the report');
    expect(english.text).toContain('We cannot handle it');
    await request(w.lentera.app).head(r.links.accepted).expect(200);
    expect(snapshot(r)).toEqual(before);
  });

  it.each([
    ['received', '', 'Lembaga tersebut sudah menerima laporan Anda.', 'Diterima lembaga'],
    ['accepted', '', 'Lembaga tersebut bersedia menangani laporan Anda.', 'Disanggupi lembaga'],
    [
      'declined',
      'Di luar wilayah layanan kami',
      'Lembaga tersebut tidak dapat menangani laporan Anda. Petugas kami akan menindaklanjutinya.',
      'Ditolak lembaga',
    ],
  ])(
    '%s: recorded on the redirect, the timeline and the audit log; the reporter and staff see it',
    async (code, reason, reporterText, staffText) => {
      const r = await redirected();
      w.clock = new Date(MONDAY.getTime() + 60 * 60 * 1000);
      // An hour later the reporter's "there is news" about the redirect has long gone out.
      await w.lentera.services.outboxService.drain(100);
      const outboxBefore = lastOutboxId(w.lentera);
      const res = await answer(r.links[code as 'received'], code, reason);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(r.acknowledgementPath);

      const row = redirectRow(r.redirectId);
      expect(row).toMatchObject({ ack_status: code, ack_at: w.clock.toISOString() });
      if (reason) {
        expect(row.ack_reason_enc).toMatch(/^v1:/);
        expect(row.ack_reason_enc).not.toContain(reason);
      } else {
        expect(row.ack_reason_enc).toBeNull();
      }
      const audit = w.lentera.db
        .prepare(
          "SELECT actor_account_id, subject_id, detail FROM audit_events WHERE action = 'redirect.acknowledged' ORDER BY id DESC LIMIT 1",
        )
        .get() as Record<string, unknown>;
      expect(audit).toEqual({
        actor_account_id: null,
        subject_id: r.reference,
        detail: JSON.stringify({ status: code, redirect: r.redirectId, via: 'link' }),
      });
      expect(String(audit.detail)).not.toContain('wilayah');

      // The reporter asked for news by email: told there is some, nothing more.
      expect(outboxEmails(w.lentera, outboxBefore).map((e) => [e.template, e.to])).toEqual([['reporter_update', 'ani@contoh.id']]);

      const thanks = await request.agent(w.lentera.app).get(r.acknowledgementPath).expect(200);
      expect(thanks.text).not.toContain('Terima kasih'); // the notice belongs to the session that answered
      const seen = await residentSees(r.receipt);
      expect(seen).toContain(reporterText);
      expect(seen).not.toContain('Di luar wilayah');

      const staffPage = (await (await as(w.triage)).get(`/staff/reports/${r.reference}`).expect(200)).text;
      expect(staffPage).toContain(staffText);
      if (reason) expect(staffPage).toContain(reason);
      w.clock = MONDAY;
    },
  );

  it('thanks the partner, then lets them give the decision after "received" — and once final, says it is already recorded', async () => {
    const r = await redirected();
    const partner = request.agent(w.lentera.app);
    expect((await answer(r.links.received, 'received', '', partner)).status).toBe(303);
    const after = await partner.get(r.acknowledgementPath).expect(200);
    expect(after.text).toContain('Terima kasih. Tanggapan lembaga Anda sudah tercatat.');
    expect(after.text).toContain('Tanggapan yang sudah tercatat: Laporan sudah kami terima');
    expect(after.text).not.toContain('name="answer" value="received"');
    expect(after.text).toContain('name="answer" value="accepted"');

    // "Received" again from another copy of the link: nothing changes.
    expect((await answer(r.links.received, 'received')).status).toBe(409);
    expect((await answer(r.links.accepted, 'accepted', '', partner)).status).toBe(303);
    const final = redirectRow(r.redirectId);

    const reused = await request.agent(w.lentera.app).get(r.links.declined).expect(200);
    expect(reused.text).toContain('Tanggapan sudah tercatat');
    expect(reused.text).toContain('Kami bersedia menanganinya');
    expect(reused.text).not.toContain('name="answer"');
    const token = csrfTokenOf((await partner.get('/report').expect(200)).text);
    const again = await partner
      .post(r.acknowledgementPath)
      .type('form')
      .send(formBody({ answer: 'declined', reason: 'Berubah pikiran', _csrf: token }));
    expect(again.status).toBe(409);
    expect(again.text).toContain('Tanggapan sudah tercatat');
    expect(redirectRow(r.redirectId)).toEqual(final);
    expect(
      w.lentera.db
        .prepare("SELECT count(*) FROM audit_events WHERE action = 'redirect.acknowledged' AND subject_id = ?")
        .pluck()
        .get(r.reference),
    ).toBe(2);
  });

  it('a decline needs a reason: the page again with 400 and an error linking to the reason', async () => {
    const r = await redirected();
    const res = await answer(r.links.declined, 'declined', '   ');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<a href="#reason">Tulis alasan lembaga Anda tidak dapat menangani laporan ini</a>');
    expect(redirectRow(r.redirectId).ack_status).toBe('sent');
    const unknown = await answer(r.links.accepted, 'maybe');
    expect(unknown.status).toBe(400);
    expect(redirectRow(r.redirectId).ack_status).toBe('sent');
  });

  it('a declined redirect comes back to triage: flagged in the queue as needing action until someone acts', async () => {
    const r = await redirected();
    expect((await answer(r.links.declined, 'declined', 'Bukan kewenangan kami')).status).toBe(303);
    const triage = await as(w.triage);
    const queue = (await triage.get('/staff/queue').expect(200)).text;
    const panel = queue.slice(queue.indexOf('id="redirects-attention"'), queue.indexOf('<form method="get"'));
    expect(panel).toContain('Ditolak lembaga — perlu tindakan');
    expect(panel).toContain(`href="/staff/reports/${r.reference}"`);
    // A supervisor reopens it: back in the open queue, no longer in the panel.
    expect((await post(await as(w.supervisor), `/staff/reports/${r.reference}/reopen`, {})).status).toBe(303);
    const later = (await triage.get('/staff/queue').expect(200)).text;
    const laterPanel = later.includes('id="redirects-attention"')
      ? later.slice(later.indexOf('id="redirects-attention"'), later.indexOf('<form method="get"'))
      : '';
    expect(laterPanel).not.toContain(r.reference);
    expect(later).toContain(`href="/staff/reports/${r.reference}"`);
  });

  it('once the report is taken back, the link says the redirect no longer stands and records nothing', async () => {
    const r = await redirected();
    expect((await post(await as(w.supervisor), `/staff/reports/${r.reference}/reopen`, {})).status).toBe(303);
    const page = await request.agent(w.lentera.app).get(r.links.accepted).expect(200);
    expect(page.text).toContain('Pengalihan ini tidak berlaku lagi');
    const partner = request.agent(w.lentera.app);
    const token = csrfTokenOf((await partner.get('/report').expect(200)).text);
    await partner
      .post(r.acknowledgementPath)
      .type('form')
      .send(formBody({ answer: 'accepted', _csrf: token }))
      .expect(200);
    expect(redirectRow(r.redirectId).ack_status).toBe('sent');
  });

  describe('a link that is not ours', () => {
    it.each([
      ['a tampered signature', (p: string) => p.slice(0, -1) + (p.endsWith('A') ? 'B' : 'A')],
      [
        'another redirect id with this signature',
        (p: string) => p.replace(/^\/ack\/(\d+)\./, (_m, id: string) => `/ack/${Number(id) - 1}.`),
      ],
      ['a later expiry with this signature', (p: string) => p.replace(/\.(\d+)\./, (_m, exp: string) => `.${Number(exp) + 86400}.`)],
      ['no signature', (p: string) => p.replace(/\.[A-Za-z0-9_-]{43}$/, '')],
      ['garbage', () => '/ack/hello'],
      ['something very long', () => `/ack/${'1'.repeat(500)}`],
    ])('%s: a 404 page for GET and POST, nothing recorded', async (_name, forge) => {
      const r = await redirected();
      const before = snapshot(r);
      const forged = forge(r.acknowledgementPath);
      const page = await request(w.lentera.app).get(forged).expect(404);
      expect(page.text).toContain('Halaman tidak ditemukan');
      const partner = request.agent(w.lentera.app);
      const token = csrfTokenOf((await partner.get('/report').expect(200)).text);
      await partner
        .post(forged)
        .type('form')
        .send(formBody({ answer: 'accepted', _csrf: token }))
        .expect(404);
      expect(snapshot(r)).toEqual(before);
    });

    it('a POST without the session CSRF token is refused', async () => {
      const r = await redirected();
      await request(w.lentera.app)
        .post(r.acknowledgementPath)
        .type('form')
        .send(formBody({ answer: 'accepted' }))
        .expect(403);
      expect(redirectRow(r.redirectId).ack_status).toBe('sent');
    });
  });

  it('after 14 days the link has expired: a page that says so and how to reach the service, nothing recorded', async () => {
    const r = await redirected();
    w.clock = new Date(MONDAY.getTime() + 14 * DAY - 1000);
    await request(w.lentera.app).get(r.acknowledgementPath).expect(200);
    w.clock = new Date(MONDAY.getTime() + 14 * DAY);
    try {
      const page = await request(w.lentera.app).get(r.links.accepted).expect(410);
      expect(page.text).toContain('Tautan ini sudah kedaluwarsa');
      expect(page.text).toContain('telepon (0751) 555-0101');
      const fresh = request.agent(w.lentera.app);
      const freshToken = csrfTokenOf((await fresh.get('/report').expect(200)).text);
      await fresh
        .post(r.acknowledgementPath)
        .type('form')
        .send(formBody({ answer: 'accepted', _csrf: freshToken }))
        .expect(410);
      expect(redirectRow(r.redirectId).ack_status).toBe('sent');
    } finally {
      w.clock = MONDAY;
    }
  });

  describe('staff record an answer given by phone', () => {
    it('for a partner without email: the page says to phone; the answer is recorded with staff as the actor', async () => {
      const r = await redirected(w.partnerByPhone);
      expect(r.email).toBeUndefined();
      const triage = await as(w.triage);
      const page = (await triage.get(`/staff/reports/${r.reference}`).expect(200)).text;
      expect(page).toContain('Beri tahu lembaga lewat telepon (0751-777888)');
      expect(page).toContain('Catat tanggapan lembaga');

      const missing = await post(triage, `/staff/reports/${r.reference}/acknowledgement`, { 'ack-answer': 'declined', 'ack-reason': '' });
      expect(missing.status).toBe(400);
      expect(missing.text).toContain('href="#ack-reason"');
      const done = await post(triage, `/staff/reports/${r.reference}/acknowledgement`, {
        'ack-answer': 'declined',
        'ack-reason': 'Tidak ada tenaga konselor',
      });
      expect(done.status).toBe(303);
      expect(redirectRow(r.redirectId).ack_status).toBe('declined');
      const audit = w.lentera.db
        .prepare("SELECT actor_account_id, detail FROM audit_events WHERE action = 'redirect.acknowledged' AND subject_id = ?")
        .get(r.reference) as Record<string, unknown>;
      expect(audit).toEqual({
        actor_account_id: w.triage.id,
        detail: JSON.stringify({ status: 'declined', redirect: r.redirectId, via: 'staff' }),
      });
      const after = (await triage.get(`/staff/reports/${r.reference}`).expect(200)).text;
      expect(after).toContain('Tidak ada tenaga konselor');
      expect(after).toContain('Lembaga mitra tidak dapat menangani');
      expect(after).not.toContain('Catat tanggapan lembaga');
      const refused = await post(triage, `/staff/reports/${r.reference}/acknowledgement`, { 'ack-answer': 'accepted', 'ack-reason': '' });
      expect(refused.status).toBe(409);
    });
  });
});

describe('closed-loop redirects: unconfirmed after REDIRECT_ACK_DAYS working days', () => {
  const w = world();

  const as = (account: StaffAccount) => signedInAgent(w.lentera, account);

  const attentionPanel = (html: string) =>
    html.includes('id="redirects-attention"')
      ? html.slice(html.indexOf('id="redirects-attention"'), html.indexOf('<form method="get"'))
      : '';

  it('is flagged in the queue, and the partner gets exactly one reminder — with fresh links and no summary', async () => {
    w.clock = MONDAY;
    const reference = await fileAndRedirect(w.lentera, w.triage, w.partnerWithEmail, { report: validReport({ narrative: NARRATIVE }) });
    const redirect = w.lentera.db
      .prepare('SELECT d.id, d.ack_due_at FROM redirects d JOIN reports r ON r.id = d.report_id WHERE r.reference = ?')
      .get(reference) as { id: number; ack_due_at: string };
    // Two working days from Monday 10:00 WIB: the end of Wednesday, Jakarta time.
    expect(redirect.ack_due_at).toBe('2026-03-04T16:59:59.999Z');
    const { redirectReminders } = w.lentera.services;

    // Wednesday evening: not yet.
    w.clock = new Date('2026-03-04T13:00:00Z');
    expect(attentionPanel((await (await as(w.triage)).get('/staff/queue').expect(200)).text)).not.toContain(reference);
    expect(redirectReminders.run()).toBe(0);

    // Thursday morning: flagged, and one reminder.
    w.clock = new Date('2026-03-05T02:00:00Z');
    const panel = attentionPanel((await (await as(w.triage)).get('/staff/queue').expect(200)).text);
    expect(panel).toContain('Pengalihan belum dikonfirmasi');
    expect(panel).toContain(`href="/staff/reports/${reference}"`);
    const before = lastOutboxId(w.lentera);
    expect(redirectReminders.run()).toBe(1);
    expect(redirectReminders.run()).toBe(0);
    w.clock = new Date('2026-03-09T02:00:00Z');
    expect(redirectReminders.run()).toBe(0);
    w.clock = new Date('2026-03-05T02:00:00Z');
    const reminders = outboxEmails(w.lentera, before);
    expect(reminders.map((e) => [e.template, e.recipientKind, e.to])).toEqual([['redirect_reminder', 'partner', 'uptdppa@padang.test']]);
    const text = readable(w.lentera, reminders[0]!);
    expect(text).toContain(reference);
    expect(text).toContain('telepon (0751) 555-0101');
    expect(text).not.toContain(SUMMARY);
    expect(text).not.toContain(NARRATIVE);
    expect(w.lentera.db.prepare('SELECT reminded_at FROM redirects WHERE id = ?').pluck().get(redirect.id)).toBe(
      '2026-03-05T02:00:00.000Z',
    );
    expect(
      w.lentera.db
        .prepare("SELECT actor_account_id FROM audit_events WHERE action = 'redirect.reminded' AND subject_id = ?")
        .pluck()
        .all(reference),
    ).toEqual([null]);
    expect(attentionPanel((await (await as(w.triage)).get('/staff/queue').expect(200)).text)).toContain('Pengingat sudah dikirim');
    expect((await (await as(w.triage)).get(`/staff/reports/${reference}`).expect(200)).text).toContain('Belum dikonfirmasi');

    // The reminder's link works; once answered the flag goes.
    const link = /https?:\/\/[^/\s]+(\/ack\/[^\s?]+)\?answer=received/.exec(text)![1]!;
    const partner = request.agent(w.lentera.app);
    const page = await partner.get(link).expect(200);
    await partner
      .post(link)
      .type('form')
      .send(formBody({ answer: 'received', _csrf: csrfTokenOf(page.text) }))
      .expect(303);
    expect(attentionPanel((await (await as(w.triage)).get('/staff/queue').expect(200)).text)).not.toContain(reference);
  });

  it('counts working days: a redirect on Friday before a Monday holiday is due at the end of Wednesday', async () => {
    w.clock = new Date('2026-03-06T03:00:00Z');
    w.lentera.db.prepare("INSERT INTO holidays (date, name_id, name_en) VALUES ('2026-03-09', 'Libur uji', 'Test holiday')").run();
    const reference = await fileAndRedirect(w.lentera, w.triage, w.partnerByPhone);
    expect(
      w.lentera.db
        .prepare('SELECT d.ack_due_at FROM redirects d JOIN reports r ON r.id = d.report_id WHERE r.reference = ?')
        .pluck()
        .get(reference),
    ).toBe('2026-03-11T16:59:59.999Z');
    // No email address: flagged like any other, but never reminded by email.
    w.clock = new Date('2026-03-12T02:00:00Z');
    expect(attentionPanel((await (await as(w.triage)).get('/staff/queue').expect(200)).text)).toContain(reference);
    const before = lastOutboxId(w.lentera);
    w.lentera.services.redirectReminders.run();
    expect(outboxEmails(w.lentera, before).filter((e) => e.template === 'redirect_reminder')).toEqual([]);
  });
});

describe('the outbox worker', () => {
  const w = world();

  it('queues the reminders due on each run, then sends them', async () => {
    w.clock = MONDAY;
    const reference = await fileAndRedirect(w.lentera, w.triage, w.partnerWithEmail);
    w.clock = new Date('2026-03-05T02:00:00Z');
    w.lentera.startOutboxWorker();
    try {
      const sentReminder = () =>
        outboxEmails(w.lentera).some((e) => e.template === 'redirect_reminder' && e.params.reference === reference && e.status === 'sent');
      await eventually(sentReminder);
    } finally {
      await w.lentera.stopBackgroundWork();
    }
    expect(outboxEmails(w.lentera).filter((e) => e.template === 'redirect_reminder')).toHaveLength(1);
  });
});

describe('REDIRECT_ACK_DAYS', () => {
  const w = world({ REDIRECT_ACK_DAYS: '4' });

  it('sets how many working days a partner has', async () => {
    await fileAndRedirect(w.lentera, w.triage, w.partnerWithEmail);
    expect(w.lentera.db.prepare('SELECT ack_due_at FROM redirects').pluck().get()).toBe('2026-03-06T16:59:59.999Z');
  });
});

describe('end to end: the redirect email through the outbox and a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let lentera: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    lentera = createTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Lentera <no-reply@lk3.test>' });
  });
  afterAll(async () => {
    lentera.cleanup();
    await smtp.close();
  });

  it('the partner receives the email and answers with its link', async () => {
    const triageAccount = await createStaffAccount(lentera, { role: 'triage' });
    const at = new Date().toISOString();
    const partnerId = Number(
      lentera.db
        .prepare(
          "INSERT INTO partners (name, type, phone, email, created_at, updated_at) VALUES ('LBH Padang', 'legal_aid', '', 'lbh@padang.test', ?, ?)",
        )
        .run(at, at).lastInsertRowid,
    );
    const reference = await fileAndRedirect(lentera, triageAccount, partnerId, {
      report: validReport({ narrative: NARRATIVE }),
      reason: 'legal_aid_needed',
    });

    const result = await lentera.services.outboxService.drain(10);
    expect(result.sent).toBeGreaterThanOrEqual(1);
    const delivered = smtp.received.find((m) => m.envelope.to.includes('lbh@padang.test'));
    expect(delivered).toBeDefined();
    expect(delivered!.parsed.subject).toBe(`Pengalihan laporan dari ${lentera.config.orgName}: ${reference}`);
    const text = delivered!.parsed.text ?? '';
    expect(text).toContain(SUMMARY);
    expect(text).not.toContain(NARRATIVE);
    const link = /https?:\/\/[^/\s]+(\/ack\/[^\s?]+)\?answer=accepted/.exec(text)![1]!;

    const partner = request.agent(lentera.app);
    const page = await partner.get(link).expect(200);
    await partner
      .post(link)
      .type('form')
      .send(formBody({ answer: 'accepted', _csrf: csrfTokenOf(page.text) }))
      .expect(303);
    expect(lentera.db.prepare('SELECT ack_status FROM redirects').pluck().get()).toBe('accepted');
  });
});
