import fs from 'node:fs';
import Database from 'better-sqlite3';
import { bootstrap } from '../../src/bootstrap';
import { CLAIM_LEASE_MS } from '../../src/services/outboxService';
import { createTestApp } from '../helpers/testApp';
import { eventually, startSmtpServer, type TestSmtpServer } from '../helpers/smtpServer';
import { processEnv, runCommand, startServer } from '../helpers/serverProcess';

/**
 * The outbox worker of the built server (`npm run build`; `pretest` does it) stopped mid-send by
 * a real SIGTERM or SIGKILL, against a real SMTP server that holds its answer to the first message.
 */
describe('the server process stopped while it sends an email', () => {
  let dir: string;
  let smtp: TestSmtpServer;
  let releaseFirst: () => void;
  let messageIds: string[];

  /** How often each email (by the Message-ID it was queued with) reached the SMTP server, in queue order. */
  const deliveries = () => messageIds.map((id) => smtp.received.filter((m) => m.parsed.messageId === id).length);

  function outboxRows(): { id: number; status: string; attempts: number; next_attempt_at: string }[] {
    const db = new Database(`${dir}/lentera.db`, { readonly: true });
    try {
      return db.prepare('SELECT id, status, attempts, next_attempt_at FROM outbox ORDER BY id').all() as never;
    } finally {
      db.close();
    }
  }

  beforeEach(async () => {
    // Three emails due now (urgent-report notices), queued by the real app, which is then closed.
    const lentera = createTestApp();
    messageIds = [1, 2, 3].map(
      (n) =>
        lentera.db.transaction(() =>
          lentera.services.outboxService.enqueue(
            {
              to: `triase${n}@padang.go.id`,
              recipientKind: 'triage',
              template: 'new_urgent_report',
              params: { reference: `LAP-2026-00000${n}`, link: 'https://lentera.test/x' },
              locale: 'id',
            },
            lentera.now(),
          ),
        )().messageId,
    );
    lentera.close();
    dir = lentera.dir;
    smtp = await startSmtpServer();
    // The server takes the first message, then keeps its answer back until the test says.
    const firstAnswer = new Promise<void>((resolve) => (releaseFirst = resolve));
    smtp.beforeDataReply = () => (smtp.received.length === 1 ? firstAnswer : Promise.resolve());
  });

  afterEach(async () => {
    releaseFirst();
    await smtp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on SIGTERM finishes the email in hand, starts no other, and never sends it again', async () => {
    const server = await startServer(processEnv(dir, { SMTP_URL: smtp.url }));
    try {
      await eventually(() => smtp.received.length === 1);
      void server.kill('SIGTERM');
      // Longer than any short grace period: the send in hand is waited for, not cut and handed back.
      const early = await Promise.race([
        server.exited.then(() => 'exited'),
        new Promise((r) => setTimeout(() => r('still sending'), 6500)),
      ]);
      expect(early).toBe('still sending');
      releaseFirst();
      expect(await server.exited).toBe(0);
    } finally {
      await server.kill('SIGKILL');
    }
    // Nothing was started after SIGTERM: one recipient, one message.
    expect(smtp.rcptCount).toBe(1);
    expect(deliveries()).toEqual([1, 0, 0]);
    expect(outboxRows().map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['pending', 0],
      ['pending', 0],
    ]);

    // A later drain sends the others, once each; the first never again.
    const env = processEnv(dir, { SMTP_URL: smtp.url });
    expect(await runCommand('outboxDrain', [], env)).toMatchObject({
      code: 0,
      out: expect.stringContaining('Sent 2, to retry later 0, failed 0.'),
    });
    expect(await runCommand('outboxDrain', [], env)).toMatchObject({
      code: 0,
      out: expect.stringContaining('Sent 0, to retry later 0, failed 0.'),
    });
    expect(deliveries()).toEqual([1, 1, 1]);
  }, 30_000);

  it('killed mid-send, holds only the email in hand: the others go at once, that one after its lease, with the same Message-ID', async () => {
    const server = await startServer(processEnv(dir, { SMTP_URL: smtp.url }));
    await eventually(() => smtp.received.length === 1);
    const killedAt = Date.now();
    await server.kill('SIGKILL');

    const [inHand, ...others] = outboxRows();
    expect(inHand).toMatchObject({ status: 'pending', attempts: 0 });
    // Claimed for a little longer than one send may take, no more.
    expect(new Date(inHand!.next_attempt_at).getTime()).toBeGreaterThan(killedAt);
    expect(new Date(inHand!.next_attempt_at).getTime()).toBeLessThanOrEqual(killedAt + CLAIM_LEASE_MS);
    for (const row of others) expect(new Date(row.next_attempt_at).getTime()).toBeLessThanOrEqual(killedAt);

    // The next drain sends the others at once.
    const env = processEnv(dir, { SMTP_URL: smtp.url });
    expect(await runCommand('outboxDrain', [], env)).toMatchObject({ out: expect.stringContaining('Sent 2, to retry later 0, failed 0.') });
    expect(deliveries()).toEqual([1, 1, 1]);

    // Once the lease has lapsed, the email in hand is sent again: at least once, recognisably the same email.
    const later = bootstrap(env, { now: () => new Date(killedAt + CLAIM_LEASE_MS + 1000), log: () => undefined });
    try {
      expect(await later.services.outboxService.drain(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
    } finally {
      later.close();
    }
    expect(deliveries()).toEqual([2, 1, 1]);
  }, 30_000);
});
