import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { createTestApp, formBody, tokenFrom, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent } from '../helpers/staff';
import { eventually, startSmtpServer, unusedPort, type TestSmtpServer } from '../helpers/smtpServer';
import { shutDownGracefully } from '../../src/bootstrap';
import { createOutboxService, EmailRefusedError, type RenderEmail } from '../../src/services/outboxService';
import { createOutboxRepository } from '../../src/data/outboxRepository';
import { createAuditRepository } from '../../src/data/auditRepository';
import { createFieldCipher } from '../../src/data/fieldCipher';
import { createTransactor } from '../../src/data/transaction';
import { createMailTransport } from '../../src/mail/transport';
import { renderEmail } from '../../src/mail/templates';
import { runOutboxDrain } from '../../src/cli/outboxDrain';
import type { OutgoingEmail } from '../../src/mail/types';
import { TEST_DATA_KEY } from '../helpers/testApp';
import { auditTrail } from '../helpers/auditTrail';

const MINUTE = 60_000;

/** Everything the redirect email needs (src/mail/templates.ts). */
function partnerParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    reference: 'LAP-2026-000123',
    partnerName: 'UPTD PPA Kota Padang',
    summary: 'Ringkasan untuk mitra.\nBaris kedua.',
    serviceContact: '(0751) 000000',
    receivedLink: 'https://lentera.padang.go.id/ack/t/received',
    acceptedLink: 'https://lentera.padang.go.id/ack/t/accepted',
    declinedLink: 'https://lentera.padang.go.id/ack/t/declined',
    expiresAt: '2026-12-15T02:00:00.000Z',
    ...overrides,
  };
}

function partnerEmail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    to: 'uptdppa@padang.go.id',
    recipientKind: 'partner',
    template: 'redirect_to_partner',
    params: partnerParams(),
    locale: 'id',
    ...overrides,
  };
}

/** A clock the test moves by hand. */
function manualClock(start = '2026-12-01T02:00:00.000Z') {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

interface Row {
  id: number;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  message_id: string;
  sent_at: string | null;
  recipient_enc: string;
  params_enc: string;
}

function rowOf(lentera: TestApp, id: number): Row {
  return lentera.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Row;
}

/** Queues an email the way an action does: inside its transaction. */
function enqueue(lentera: TestApp, email: OutgoingEmail = partnerEmail()): { id: number; messageId: string } {
  return lentera.db.transaction(() => lentera.services.outboxService.enqueue(email, lentera.now()))();
}

/** The header block of a raw message (up to the first empty line). */
const headerBlock = (raw: string) => raw.split(/\r?\n\r?\n/)[0]!;

describe('the outbox, delivering through a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let lentera: TestApp;
  const clock = manualClock();

  beforeEach(async () => {
    smtp = await startSmtpServer();
    lentera = createTestApp(
      { SMTP_URL: smtp.url, MAIL_FROM: 'LK3 Padang <no-reply@lk3.padang.go.id>', BASE_URL: 'https://lentera.padang.go.id' },
      { now: clock.now },
    );
  });
  afterEach(async () => {
    lentera.cleanup();
    await smtp.close();
  });

  it('delivers a queued email with From, To, Subject and the Message-ID it stored, and marks it sent', async () => {
    const { id, messageId } = enqueue(lentera);
    expect(messageId).toMatch(/^<[0-9a-f]{32}@lentera\.padang\.go\.id>$/);
    const stored = rowOf(lentera, id);
    expect(stored).toMatchObject({ status: 'pending', attempts: 0, message_id: messageId, next_attempt_at: clock.now().toISOString() });
    // Encrypted at rest: neither the address nor the summary is in the row.
    expect(stored.recipient_enc).not.toContain('padang.go.id');
    expect(stored.params_enc).not.toContain('Ringkasan');

    expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.parsed.messageId).toBe(messageId);
    expect(mail.parsed.from?.value).toEqual([{ address: 'no-reply@lk3.padang.go.id', name: 'LK3 Padang' }]);
    expect(mail.parsed.to && !Array.isArray(mail.parsed.to) ? mail.parsed.to.value : null).toEqual([
      { address: 'uptdppa@padang.go.id', name: '' },
    ]);
    const expected = renderEmail('redirect_to_partner', partnerEmail().params, 'id', {
      orgName: lentera.config.orgName,
      baseUrl: 'https://lentera.padang.go.id',
    });
    expect(mail.parsed.subject).toBe(expected.subject);
    expect(mail.parsed.text?.trim()).toBe(expected.text.trim());
    expect(mail.envelope).toEqual({ from: 'no-reply@lk3.padang.go.id', to: ['uptdppa@padang.go.id'] });
    expect(rowOf(lentera, id)).toMatchObject({ status: 'sent', attempts: 1, last_error: null, sent_at: clock.now().toISOString() });

    // Sent is sent: draining again sends nothing.
    expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
  });

  it('sends the oldest due email first, and at most the batch asked for', async () => {
    const first = enqueue(lentera, partnerEmail({ to: 'satu@padang.go.id' }));
    clock.advance(1000);
    enqueue(lentera, partnerEmail({ to: 'dua@padang.go.id' }));
    clock.advance(1000);
    enqueue(lentera, partnerEmail({ to: 'tiga@padang.go.id' }));
    expect(await lentera.services.outboxService.drain(2)).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(smtp.received.map((m) => m.envelope.to[0])).toEqual(['satu@padang.go.id', 'dua@padang.go.id']);
    expect(rowOf(lentera, first.id).status).toBe('sent');
    expect(await lentera.services.outboxService.drain(2)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(3);
  });

  it('on a temporary refusal (451) tries again later, waiting longer each time, then delivers once', async () => {
    const { id, messageId } = enqueue(lentera);
    smtp.rcptReplies.push(451, 451);
    const { outboxService } = lentera.services;

    expect(await outboxService.drain(10)).toEqual({ sent: 0, retried: 1, failed: 0 });
    let row = rowOf(lentera, id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'EENVELOPE 451' });
    expect(new Date(row.next_attempt_at).getTime() - clock.now().getTime()).toBe(1 * MINUTE);

    // Not due yet: nothing is attempted.
    clock.advance(MINUTE - 1000);
    expect(await outboxService.drain(10)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.rcptCount).toBe(1);

    clock.advance(1000);
    expect(await outboxService.drain(10)).toEqual({ sent: 0, retried: 1, failed: 0 });
    row = rowOf(lentera, id);
    expect(row.attempts).toBe(2);
    expect(new Date(row.next_attempt_at).getTime() - clock.now().getTime()).toBe(5 * MINUTE);

    clock.advance(5 * MINUTE);
    expect(await outboxService.drain(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.parsed.messageId).toBe(messageId);
    expect(rowOf(lentera, id)).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(lentera.logs.some((l) => l.includes(`email ${id}`) && l.includes('EENVELOPE 451'))).toBe(true);
    expect(lentera.logs.join('\n')).not.toContain('uptdppa@padang.go.id');
  });

  it('a refusal of the message body (451 after DATA) is retried the same way', async () => {
    const { id } = enqueue(lentera);
    smtp.dataReplies.push(451);
    expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(rowOf(lentera, id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'EMESSAGE 451' });
    clock.advance(MINUTE);
    expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
  });

  it('on a permanent refusal (550) fails at once and is not tried again by itself', async () => {
    const { id } = enqueue(lentera);
    smtp.rcptReplies.push(550);
    expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(rowOf(lentera, id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'EENVELOPE 550' });
    clock.advance(48 * 60 * MINUTE);
    expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.rcptCount).toBe(1);
    expect(lentera.logs.some((l) => l.includes(`email ${id}`) && l.includes('failed for good'))).toBe(true);
  });

  it('when the connection drops after the message went over, retries with the same Message-ID', async () => {
    // The server took the message but the client never heard so: SMTP cannot tell it apart from a
    // lost message, so the outbox sends again (at least once), and the copy is recognisably the same email.
    const { id, messageId } = enqueue(lentera);
    smtp.dropAfterData = 1;
    expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(rowOf(lentera, id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(rowOf(lentera, id).last_error).toMatch(/^E[A-Z]+/);
    clock.advance(MINUTE);
    expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received.map((m) => m.parsed.messageId)).toEqual([messageId, messageId]);
    expect(rowOf(lentera, id)).toMatchObject({ status: 'sent', attempts: 2, message_id: messageId });
    clock.advance(60 * MINUTE);
    await lentera.services.outboxService.drain(10);
    expect(smtp.received).toHaveLength(2);
  });

  it('fails an email after OUTBOX_MAX_ATTEMPTS temporary failures', async () => {
    const limited = createTestApp({ SMTP_URL: smtp.url, OUTBOX_MAX_ATTEMPTS: '2' }, { now: clock.now });
    try {
      const { id } = enqueue(limited);
      smtp.rcptReplies.push(451, 451, 451);
      expect(await limited.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 1, failed: 0 });
      clock.advance(MINUTE);
      expect(await limited.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 0, failed: 1 });
      expect(rowOf(limited, id)).toMatchObject({ status: 'failed', attempts: 2, last_error: 'EENVELOPE 451' });
    } finally {
      limited.cleanup();
    }
  });

  it('a name with CR/LF in it goes into the text, never into a header', async () => {
    const injected = 'UPTD PPA\r\nBcc: mata-mata@evil.test\r\nSubject: palsu';
    enqueue(lentera, partnerEmail({ params: partnerParams({ partnerName: injected, summary: `Untuk ${injected}` }) }));
    await lentera.services.outboxService.drain(10);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    const headers = headerBlock(mail.raw);
    expect(headers).not.toMatch(/^(Bcc|Subject: palsu)/im);
    expect(headers.match(/^Subject:/gim)).toHaveLength(1);
    expect(mail.parsed.bcc).toBeUndefined();
    expect(mail.parsed.subject).not.toMatch(/[\r\n]/);
    expect(mail.envelope.to).toEqual(['uptdppa@padang.go.id']);
  });
});

describe('refusing header injection when an email is queued', () => {
  let lentera: TestApp;
  beforeAll(() => {
    lentera = createTestApp();
  });
  afterAll(() => lentera.cleanup());

  const outboxCount = () => lentera.db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;

  function refusal(email: OutgoingEmail, service = lentera.services.outboxService): EmailRefusedError {
    try {
      lentera.db.transaction(() => service.enqueue(email, lentera.now()))();
    } catch (err) {
      expect(err).toBeInstanceOf(EmailRefusedError);
      return err as EmailRefusedError;
    }
    throw new Error('enqueue accepted the email');
  }

  /** The outbox service with a template that puts a parameter into the subject, as real templates do. */
  function serviceWithSubjectFrom(param: string) {
    const render: RenderEmail = (template, params) => ({ subject: `Pengalihan: ${params[param] ?? ''}`, text: `${template}\n` });
    const cipher = createFieldCipher(Buffer.from(TEST_DATA_KEY, 'hex'));
    return createOutboxService({
      transaction: createTransactor(lentera.db),
      outbox: createOutboxRepository(lentera.db, cipher),
      audit: createAuditRepository(lentera.db, Buffer.from(TEST_DATA_KEY, 'hex')),
      transport: createMailTransport({ dataDir: lentera.dir }),
      render,
      renderContext: { orgName: 'LK3', baseUrl: 'http://localhost:3000' },
      mailFrom: 'Lentera <no-reply@localhost>',
      maxAttempts: 8,
      now: lentera.now,
      log: () => undefined,
    });
  }

  it.each([
    ['CR/LF and a second header', 'budi@example.org\r\nBcc: x@evil.test', 'header_injection'],
    ['a bare LF', 'budi@example.org\nBcc: x@evil.test', 'header_injection'],
    ['a NUL', 'budi@example.org\u0000', 'header_injection'],
    ['two recipients', 'budi@example.org, x@evil.test', 'invalid_recipient'],
    ['a display name', 'Budi <budi@example.org>', 'invalid_recipient'],
    ['no address at all', 'budi', 'invalid_recipient'],
  ])('refuses a recipient with %s', (_what, to, reason) => {
    expect(refusal(partnerEmail({ to })).problem).toBe(reason);
    expect(outboxCount()).toBe(0);
  });

  it('refuses CR/LF that a template would put into the subject, whatever the parameter', () => {
    const service = serviceWithSubjectFrom('partnerName');
    const e = refusal(partnerEmail({ params: partnerParams({ partnerName: 'Mitra\r\nBcc: x@evil.test' }) }), service);
    expect(e.problem).toBe('header_injection');
    expect(refusal(partnerEmail({ params: partnerParams({ partnerName: 'Mitra\nX-Evil: 1' }) }), service).problem).toBe('header_injection');
    // The same line breaks in a parameter that only goes into the text are fine: a summary has lines.
    lentera.db.transaction(() =>
      service.enqueue(partnerEmail({ params: partnerParams({ partnerName: 'Mitra', summary: 'Baris satu\r\nBaris dua' }) }), lentera.now()),
    )();
    expect(outboxCount()).toBe(1);
    lentera.db.prepare('DELETE FROM outbox').run();
  });

  it('refuses a control character in the subject, odd parameter names, and unknown templates', () => {
    const service = serviceWithSubjectFrom('reference');
    expect(refusal(partnerEmail({ params: partnerParams({ reference: 'LAP-1\u001b[31m' }) }), service).problem).toBe('header_injection');
    expect(refusal(partnerEmail({ params: partnerParams({ reference: 'LAP-1\u0000' }) }), service).problem).toBe('header_injection');
    expect(refusal(partnerEmail({ params: partnerParams({ reference: 'LAP-1\u0085X-Evil: 1' }) }), service).problem).toBe(
      'header_injection',
    );
    expect(refusal(partnerEmail({ params: { 'bad name': 'x' } })).problem).toBe('invalid_params');
    expect(refusal(partnerEmail({ params: { n: 5 as unknown as string } })).problem).toBe('invalid_params');
    expect(refusal(partnerEmail({ template: 'no_such' as 'totp_reset' })).problem).toBe('invalid_email');
    expect(refusal(partnerEmail({ locale: 'fr' as 'id' })).problem).toBe('invalid_email');
    expect(outboxCount()).toBe(0);
  });

  it('rolls back the action that tried to queue it', () => {
    const audits = () => lentera.db.prepare('SELECT count(*) FROM audit_events').pluck().get() as number;
    const before = audits();
    expect(() =>
      lentera.db.transaction(() => {
        auditTrail(lentera).append({ actorAccountId: null, action: 'outbox.retried', subjectType: 'outbox', subjectId: 1 }, lentera.now());
        lentera.services.outboxService.enqueue(partnerEmail({ to: 'a@b.c\r\nBcc: x@evil.test' }), lentera.now());
      })(),
    ).toThrow(EmailRefusedError);
    expect(audits()).toBe(before);
    expect(outboxCount()).toBe(0);
  });

  it('fails, never sends, an email whose subject would carry a line break when it is sent', async () => {
    // Defence in depth: a template changed after the email was queued.
    const queueing = serviceWithSubjectFrom('nothing');
    const { id } = lentera.db.transaction(() =>
      queueing.enqueue(partnerEmail({ params: partnerParams({ partnerName: 'Mitra\r\nBcc: x@evil.test' }) }), lentera.now()),
    )();
    const sending = serviceWithSubjectFrom('partnerName');
    expect(await sending.drain(10)).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(lentera.db.prepare('SELECT status, last_error FROM outbox WHERE id = ?').get(id)).toEqual({
      status: 'failed',
      last_error: 'EHEADER',
    });
    expect(fs.existsSync(path.join(lentera.dir, 'mail'))).toBe(false);
    lentera.db.prepare('DELETE FROM outbox').run();
  });
});

describe('when the SMTP server is down', () => {
  it('keeps the email, and delivers it exactly once when the server is back', async () => {
    const port = await unusedPort();
    const clock = manualClock();
    const lentera = createTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}` }, { now: clock.now });
    let smtp: TestSmtpServer | undefined;
    try {
      const { id, messageId } = enqueue(lentera);
      expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 1, failed: 0 });
      const row = rowOf(lentera, id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, message_id: messageId });
      expect(row.last_error).toMatch(/^E[A-Z]+$/); // a connection error: a code, no server text

      clock.advance(MINUTE);
      expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 1, failed: 0 });
      expect(rowOf(lentera, id).attempts).toBe(2);

      smtp = await startSmtpServer(port);
      clock.advance(5 * MINUTE);
      expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
      clock.advance(60 * MINUTE);
      expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 0, retried: 0, failed: 0 });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]!.parsed.messageId).toBe(messageId);
      expect(rowOf(lentera, id)).toMatchObject({ status: 'sent', attempts: 3, message_id: messageId });
    } finally {
      lentera.cleanup();
      await smtp?.close();
    }
  });

  it('lets a staff action that queues an email finish while the worker is stuck on the server', async () => {
    // A "server" that accepts the connection and never greets: the worker's send hangs on it.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const sockets = new Set<net.Socket>();
    silent.on('connection', (s) => sockets.add(s));
    const port = (silent.address() as AddressInfo).port;
    const lentera = createTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, OUTBOX_POLL_SECONDS: '1' });
    try {
      const first = enqueue(lentera);
      const worker = lentera.startOutboxWorker();
      await eventually(() => sockets.size > 0 && worker.busy);

      // A staff action that queues an email — an administrator invites another administrator — while the
      // worker waits on SMTP: it answers, and its email waits in the outbox.
      const admin = await createStaffAccount(lentera, { role: 'admin' });
      const agent = await signedInAgent(lentera, admin);
      const token = await tokenFrom(agent, '/staff/users/new');
      const invited = await agent
        .post('/staff/users')
        .type('form')
        .send(formBody({ email: 'budi.admin@lk3.test', name: 'Budi Admin', role: 'admin', _csrf: token }));
      expect(invited.status).toBe(200);
      expect(invited.text).toContain('data-invitation-link');
      expect(worker.busy).toBe(true);
      const queued = lentera.db.prepare("SELECT id, status, attempts FROM outbox WHERE template = 'staff_invitation'").all();
      expect(queued).toEqual([{ id: expect.any(Number), status: 'pending', attempts: 0 }]);
      expect(rowOf(lentera, first.id)).toMatchObject({ status: 'pending', attempts: 0 });

      // Stopping never cuts the send in hand: it waits for it to end (here the server hangs up).
      let stopped = false;
      const stopping = worker.stop().then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(stopped).toBe(false);
      for (const s of sockets) s.destroy();
      await stopping;
      expect(worker.busy).toBe(false);
      // A failed attempt like any other, tried again later; the email queued meanwhile was not started.
      expect(rowOf(lentera, first.id)).toMatchObject({ status: 'pending', attempts: 1 });
      expect(rowOf(lentera, first.id).last_error).toMatch(/^E[A-Z]+/);
      expect(lentera.db.prepare("SELECT attempts FROM outbox WHERE template = 'staff_invitation'").pluck().get()).toBe(0);
    } finally {
      lentera.cleanup();
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('the worker', () => {
  it('sends what is queued after it started, polling every OUTBOX_POLL_SECONDS', async () => {
    const smtp = await startSmtpServer();
    const lentera = createTestApp({ SMTP_URL: smtp.url, OUTBOX_POLL_SECONDS: '1' });
    try {
      lentera.startOutboxWorker();
      await new Promise((r) => setTimeout(r, 50));
      const { id } = enqueue(lentera);
      await eventually(() => rowOf(lentera, id).status === 'sent', 5000);
      expect(smtp.received).toHaveLength(1);
      await lentera.stopBackgroundWork();
    } finally {
      lentera.cleanup();
      await smtp.close();
    }
  });

  it('on shutdown finishes the email in hand, starts no other, then the database closes, and nothing runs after', async () => {
    const smtp = await startSmtpServer();
    let releaseReply: (() => void) | undefined;
    const replyHeld = new Promise<void>((resolve) => (releaseReply = resolve));
    smtp.beforeDataReply = () => replyHeld;
    const lentera = createTestApp({ SMTP_URL: smtp.url, OUTBOX_POLL_SECONDS: '1' });
    const server = lentera.app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { id } = enqueue(lentera);
      const next = enqueue(lentera, partnerEmail({ to: 'berikutnya@padang.go.id' }));
      const worker = lentera.startOutboxWorker();
      await eventually(() => smtp.received.length === 1);
      expect(worker.busy).toBe(true);

      let stopped = false;
      const stopping = shutDownGracefully(server, lentera, () => undefined, 0).then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(stopped).toBe(false); // waits for the send in progress
      expect(lentera.db.open).toBe(true);
      releaseReply!();
      await stopping;
      expect(lentera.db.open).toBe(false);
      expect(worker.busy).toBe(false);

      const db = new Database(lentera.config.databasePath, { readonly: true });
      try {
        expect(db.prepare('SELECT status FROM outbox WHERE id = ?').pluck().get(id)).toBe('sent');
        // Due, but not started after the stop: it waits for the next run, untouched.
        expect(db.prepare('SELECT status, attempts FROM outbox WHERE id = ?').get(next.id)).toEqual({ status: 'pending', attempts: 0 });
      } finally {
        db.close();
      }
      await new Promise((r) => setTimeout(r, 1500)); // past a poll interval: no run against a closed database
      expect(smtp.received).toHaveLength(1);
    } finally {
      if (server.listening) server.close();
      fs.rmSync(lentera.dir, { recursive: true, force: true });
      await smtp.close();
    }
  });
});

describe('without SMTP_URL: .eml files in the data directory', () => {
  const referralParams = {
    name: 'Petugas Uji',
    reference: 'LAP-2026-000001',
    departmentReference: 'DINKES/001',
    outcome: 'accepted',
    link: 'https://lentera.lk3.test/department/referrals/LAP-2026-000001',
  };
  it('writes each email as an .eml file (mode 0600) with the right headers', async () => {
    const lentera = createTestApp({ MAIL_FROM: 'Lentera <no-reply@lk3.test>', BASE_URL: 'https://lentera.lk3.test' });
    try {
      const { id, messageId } = enqueue(
        lentera,
        partnerEmail({ to: 'petugas@dinas.test', recipientKind: 'officer', template: 'referral_decided', params: referralParams }),
      );
      expect(await lentera.services.outboxService.drain(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
      const folder = path.join(lentera.dir, 'mail');
      const files = fs.readdirSync(folder);
      expect(files).toEqual([`${String(id).padStart(6, '0')}-${messageId.slice(1, 33)}.eml`]);
      const file = path.join(folder, files[0]!);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
      const raw = fs.readFileSync(file, 'utf8');
      const parsed = await simpleParser(raw);
      expect(parsed.messageId).toBe(messageId);
      expect(parsed.from?.value).toEqual([{ address: 'no-reply@lk3.test', name: 'Lentera' }]);
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : null).toBe('petugas@dinas.test');
      expect(parsed.subject).toBe(
        renderEmail('referral_decided', referralParams, 'id', { orgName: lentera.config.orgName, baseUrl: 'https://lentera.lk3.test' })
          .subject,
      );
      expect(parsed.date).toBeInstanceOf(Date);
      expect(rowOf(lentera, id).status).toBe('sent');
      expect(lentera.services.outboxService.transportDescription()).toEqual({ kind: 'files', folder });
    } finally {
      lentera.cleanup();
    }
  });
});

describe('npm run outbox:drain', () => {
  it('sends what is due once and prints the counts', async () => {
    const smtp = await startSmtpServer();
    const lentera = createTestApp({ SMTP_URL: smtp.url });
    try {
      enqueue(lentera);
      enqueue(lentera, partnerEmail({ to: 'ditolak@padang.go.id' }));
      enqueue(lentera, partnerEmail({ to: 'nanti@padang.go.id' }));
      smtp.rcptReplies.push(undefined, 550, 451);
      const env = { DATABASE_PATH: lentera.config.databasePath, DATA_KEY: TEST_DATA_KEY, SMTP_URL: smtp.url };
      const out: string[] = [];
      const err: string[] = [];
      expect(
        await runOutboxDrain(
          env,
          (l) => out.push(l),
          (l) => err.push(l),
        ),
      ).toBe(1);
      expect(out).toContain('Sent 1, to retry later 1, failed 1.');
      expect(out.join('\n')).toMatch(/Still waiting: 1/);
      expect(out.join('\n')).toMatch(/Failed in all: 1/);
      expect(smtp.received).toHaveLength(1);
      expect(err.join('\n')).not.toMatch(/@padang/); // the log names emails by id, never by address

      // Nothing due now: nothing sent, exit 0.
      out.length = 0;
      expect(
        await runOutboxDrain(
          env,
          (l) => out.push(l),
          () => undefined,
        ),
      ).toBe(0);
      expect(out).toContain('Sent 0, to retry later 0, failed 0.');
    } finally {
      lentera.cleanup();
      await smtp.close();
    }
  });

  it('refuses to run without a database or the key, creating neither', async () => {
    const lentera = createTestApp();
    try {
      const err: string[] = [];
      const missing = path.join(lentera.dir, 'elsewhere', 'lentera.db');
      expect(
        await runOutboxDrain(
          { DATABASE_PATH: missing },
          () => undefined,
          (l) => err.push(l),
        ),
      ).toBe(2);
      expect(fs.existsSync(missing)).toBe(false);
      expect(
        await runOutboxDrain(
          { DATABASE_PATH: lentera.config.databasePath },
          () => undefined,
          (l) => err.push(l),
        ),
      ).toBe(2);
      expect(fs.existsSync(path.join(lentera.dir, 'data.key'))).toBe(false);
      expect(err.join('\n')).toMatch(/No database at .*\n.*No DATA_KEY/);
    } finally {
      lentera.cleanup();
    }
  });
});
