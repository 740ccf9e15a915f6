import request from 'supertest';
import type { Role } from '../../src/domain/roles';
import type { OutgoingEmail } from '../../src/mail/types';
import { createTestApp, csrfTokenOf, formBody, tokenFrom, type Agent, type TestApp } from '../helpers/testApp';
import { agentPerRole, createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtpServer';
import { auditTrail } from '../helpers/auditTrail';

const SUMMARY = 'Ringkasan rahasia untuk mitra: anak dua orang, ibu bekerja malam.';

const partnerEmail = (to = 'uptdppa@padang.go.id'): OutgoingEmail => ({
  to,
  recipientKind: 'partner',
  template: 'redirect_to_partner',
  locale: 'id',
  params: {
    reference: 'LAP-2026-000321',
    partnerName: 'UPTD PPA Kota Padang',
    summary: SUMMARY,
    serviceContact: '(0751) 000000',
    receivedLink: 'http://localhost:3000/ack/t/received',
    acceptedLink: 'http://localhost:3000/ack/t/accepted',
    declinedLink: 'http://localhost:3000/ack/t/declined',
    expiresAt: '2026-12-15T02:00:00.000Z',
  },
});

const reporterEmail = (to = 'rina.warga@gmail.com'): OutgoingEmail => ({
  to,
  recipientKind: 'reporter',
  template: 'reporter_update',
  locale: 'id',
  params: {},
});

describe('the outbox page (/staff/outbox)', () => {
  let smtp: TestSmtpServer;
  let lentera: TestApp;
  let admin: StaffAccount;
  let adminAgent: Agent;
  let clock = new Date('2026-12-01T02:00:00Z');
  const signedIn = agentPerRole(() => lentera);

  function enqueue(email: OutgoingEmail): number {
    return lentera.db.transaction(() => lentera.services.outboxService.enqueue(email, lentera.now()))().id;
  }

  /** An email the mail server refused for good (550): failed. Make it before queueing others (the drain takes the oldest). */
  async function failedEmail(email: OutgoingEmail = partnerEmail('ditolak@padang.go.id')): Promise<number> {
    const id = enqueue(email);
    smtp.rcptReplies.push(550);
    await lentera.services.outboxService.drain(1);
    expect(lentera.db.prepare('SELECT status FROM outbox WHERE id = ?').pluck().get(id)).toBe('failed');
    return id;
  }

  const statusOf = (id: number) =>
    lentera.db.prepare('SELECT status, attempts, next_attempt_at AS nextAttemptAt FROM outbox WHERE id = ?').get(id);
  // The audit log is append-only: each test reads the events written since it began.
  let auditMark = 0;
  const auditRows = (action: string) =>
    lentera.db
      .prepare('SELECT actor_account_id, subject_type, subject_id, detail FROM audit_events WHERE action = ? AND id > ? ORDER BY id')
      .all(action, auditMark);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    lentera = createTestApp({ SMTP_URL: smtp.url }, { now: () => clock });
    admin = await createStaffAccount(lentera, { role: 'admin', name: 'Ani Admin' });
    adminAgent = await signedInAgent(lentera, admin);
  });
  afterAll(async () => {
    lentera.cleanup();
    await smtp.close();
  });
  beforeEach(() => {
    lentera.db.prepare('DELETE FROM outbox').run();
    auditMark = lentera.db.prepare('SELECT coalesce(max(id), 0) FROM audit_events').pluck().get() as number;
  });

  describe('who may use it', () => {
    it.each(['triage', 'supervisor', 'caseworker', 'department'] as Role[])(
      'refuses %s, and does not show them the menu item',
      async (role) => {
        const id = await failedEmail();
        const agent = await signedIn(role);
        await agent.get('/staff/outbox').expect(403);
        const token = await tokenFrom(agent, '/account');
        await agent
          .post(`/staff/outbox/${id}/retry`)
          .type('form')
          .send(formBody({ _csrf: token }))
          .expect(403);
        await agent
          .post('/staff/outbox/retry-failed')
          .type('form')
          .send(formBody({ _csrf: token }))
          .expect(403);
        expect(statusOf(id)).toMatchObject({ status: 'failed' });
        const home = await agent.get('/account').expect(200);
        expect(home.text).not.toContain('href="/staff/outbox"');
      },
    );

    it('sends a visitor who is not signed in to the login page, and refuses their posts', async () => {
      const id = await failedEmail();
      const agent = request.agent(lentera.app);
      await agent.get('/staff/outbox').expect(303).expect('Location', '/login?next=%2Fstaff%2Foutbox');
      const token = await tokenFrom(agent, '/report');
      await agent
        .post(`/staff/outbox/${id}/retry`)
        .type('form')
        .send(formBody({ _csrf: token }))
        .expect(403);
      expect(statusOf(id)).toMatchObject({ status: 'failed' });
    });

    it('refuses an administrator post without the CSRF token', async () => {
      const id = await failedEmail();
      await adminAgent.post(`/staff/outbox/${id}/retry`).type('form').send(formBody({})).expect(403);
      expect(statusOf(id)).toMatchObject({ status: 'failed' });
      expect(auditRows('outbox.retried')).toEqual([]);
    });

    it('is in the administrator menu', async () => {
      const page = await adminAgent.get('/staff/outbox').expect(200);
      expect(page.text).toContain('<a href="/staff/outbox" aria-current="page">Kotak keluar email</a>');
    });
  });

  it('lists waiting and failed emails by recipient and kind, never their content, masking reporters', async () => {
    const failedId = await failedEmail();
    const partnerId = enqueue(partnerEmail());
    const reporterId = enqueue(reporterEmail());
    enqueue(partnerEmail('terkirim@padang.go.id'));
    await lentera.services.outboxService.drain(1); // the oldest due: the partner email… sent
    const page = await adminAgent.get('/staff/outbox').expect(200);
    const text = page.text;
    expect(text).toContain('Email dikirim melalui server SMTP smtp://127.0.0.1:');
    expect(text).toMatch(/data-count="pending">2</);
    expect(text).toMatch(/data-count="failed">1</);
    expect(text).toMatch(/data-count="sent">1</);
    // The partner email went out: not listed. The reporter's address: masked.
    expect(text).not.toContain(`data-outbox="${partnerId}"`);
    expect(text).toContain(`data-outbox="${reporterId}"`);
    expect(text).toContain('r•••@gmail.com');
    expect(text).not.toContain('rina.warga');
    expect(text).toContain('Pelapor');
    // The failed partner email: address, kind, template, code, a retry button.
    const failedRow = new RegExp(`data-outbox="${failedId}">[\\s\\S]*?</tr>`).exec(text)![0];
    expect(failedRow).toContain('ditolak@padang.go.id');
    expect(failedRow).toContain('Lembaga mitra');
    expect(failedRow).toContain('Pengalihan ke lembaga mitra');
    expect(failedRow).toContain('<code>EENVELOPE 550</code>');
    expect(failedRow).toContain('Gagal');
    expect(failedRow).toContain(`action="/staff/outbox/${failedId}/retry"`);
    // Never what an email says.
    expect(text).not.toContain('Ringkasan rahasia');
    expect(text).not.toContain('LAP-2026-000321');
    expect(text).not.toContain('/ack/t/');
    // In English too.
    const en = await adminAgent.get('/staff/outbox?lang=en').expect(200);
    expect(en.text).toContain('Email outbox');
    expect(en.text).toContain('Reporter');
    await adminAgent.get('/staff/outbox?lang=id').expect(200);
  });

  it('filters to failed or waiting emails', async () => {
    const failed = await failedEmail();
    const waiting = enqueue(reporterEmail());
    const onlyFailed = await adminAgent.get('/staff/outbox?show=failed').expect(200);
    expect(onlyFailed.text).toContain(`data-outbox="${failed}"`);
    expect(onlyFailed.text).not.toContain(`data-outbox="${waiting}"`);
    const onlyWaiting = await adminAgent.get('/staff/outbox?show=pending').expect(200);
    expect(onlyWaiting.text).toContain(`data-outbox="${waiting}"`);
    expect(onlyWaiting.text).not.toContain(`data-outbox="${failed}"`);
    const nonsense = await adminAgent.get('/staff/outbox?show=%3Cscript%3E&before=abc').expect(200);
    expect(nonsense.text).toContain(`data-outbox="${waiting}"`);
    expect(nonsense.text).toContain(`data-outbox="${failed}"`);
  });

  it('retries a failed email: pending and due now, recorded in the audit log, then delivered', async () => {
    const id = await failedEmail(partnerEmail('kembali@padang.go.id'));
    clock = new Date(clock.getTime() + 10 * 60 * 1000); // within the session's idle limit
    const page = await adminAgent.get('/staff/outbox').expect(200);
    await adminAgent
      .post(`/staff/outbox/${id}/retry`)
      .type('form')
      .send(formBody({ _csrf: csrfTokenOf(page.text) }))
      .expect(303)
      .expect('Location', '/staff/outbox');
    expect(statusOf(id)).toEqual({ status: 'pending', attempts: 0, nextAttemptAt: clock.toISOString() });
    expect(auditRows('outbox.retried')).toEqual([
      {
        actor_account_id: admin.id,
        subject_type: 'outbox',
        subject_id: String(id),
        detail: JSON.stringify({ template: 'redirect_to_partner', attempts: 1 }),
      },
    ]);
    expect(auditTrail(lentera).verify()).toBeNull();
    const after = await adminAgent.get('/staff/outbox').expect(200);
    expect(after.text).toContain('Email dikembalikan ke antrean');

    const delivered = smtp.received.length;
    expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(delivered + 1);
    expect(smtp.received[smtp.received.length - 1]!.envelope.to).toEqual(['kembali@padang.go.id']);
  });

  it('changes nothing when the email is not failed, and answers 404 for one that does not exist', async () => {
    const waiting = enqueue(reporterEmail());
    const token = await tokenFrom(adminAgent, '/staff/outbox');
    await adminAgent
      .post(`/staff/outbox/${waiting}/retry`)
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(303);
    const page = await adminAgent.get('/staff/outbox').expect(200);
    expect(page.text).toContain('tidak sedang berstatus gagal');
    await adminAgent
      .post('/staff/outbox/999999/retry')
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(404);
    await adminAgent
      .post('/staff/outbox/abc/retry')
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(404);
    expect(auditRows('outbox.retried')).toEqual([]);
  });

  it('retries every failed email at once, each recorded', async () => {
    const a = await failedEmail(partnerEmail('satu@padang.go.id'));
    const b = await failedEmail(reporterEmail('dua@gmail.com'));
    const waiting = enqueue(reporterEmail());
    const page = await adminAgent.get('/staff/outbox').expect(200);
    expect(page.text).toContain('Kirim ulang semua email yang gagal (2)');
    await adminAgent
      .post('/staff/outbox/retry-failed')
      .type('form')
      .send(formBody({ _csrf: csrfTokenOf(page.text) }))
      .expect(303);
    expect([statusOf(a), statusOf(b)].map((s) => (s as { status: string }).status)).toEqual(['pending', 'pending']);
    expect(auditRows('outbox.retried').map((r) => (r as { subject_id: string }).subject_id)).toEqual([String(a), String(b)]);
    expect(auditRows('outbox.retried').map((r) => (r as { subject_id: string }).subject_id)).not.toContain(String(waiting));
  });

  it('pages through many emails, newest first', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 53; i += 1) ids.push(enqueue(partnerEmail(`mitra${i}@padang.go.id`)));
    const first = await adminAgent.get('/staff/outbox').expect(200);
    const shown = (html: string) => [...html.matchAll(/data-outbox="(\d+)"/g)].map((m) => Number(m[1]));
    expect(shown(first.text)).toEqual(ids.slice(3).reverse());
    const older = /href="(\/staff\/outbox\?before=\d+)" rel="next"/.exec(first.text)![1]!;
    const second = await adminAgent.get(older).expect(200);
    expect(shown(second.text)).toEqual(ids.slice(0, 3).reverse());
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain('href="/staff/outbox"');
  });
});
