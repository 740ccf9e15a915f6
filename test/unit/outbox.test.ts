import { afterFailure, maskAddress, retryDelayMs, retryDelaysMs, DEFAULT_MAX_ATTEMPTS } from '../../src/domain/outbox';
import { describeSendFailure } from '../../src/services/outboxService';
import { createOutboxWorker } from '../../src/services/outboxWorker';
import { loadConfig } from '../../src/config';

const MINUTE = 60_000;

describe('the outbox retry schedule', () => {
  it('waits longer after each failure: 1 min, 5 min, 15 min, 1 h, 3 h, 6 h…', () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelayMs)).toEqual([1, 5, 15, 60, 180, 360].map((m) => m * MINUTE));
    for (let i = 1; i < retryDelaysMs.length; i += 1) expect(retryDelaysMs[i]!).toBeGreaterThan(retryDelaysMs[i - 1]!);
    expect(retryDelayMs(50)).toBe(retryDelaysMs[retryDelaysMs.length - 1]);
  });

  it('gives up after the last attempt, or at once on a permanent refusal', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(afterFailure(1, false, 8, at)).toEqual({ status: 'pending', nextAttemptAt: new Date(at.getTime() + MINUTE) });
    expect(afterFailure(7, false, 8, at)).toEqual({ status: 'pending', nextAttemptAt: new Date(at.getTime() + 12 * 60 * MINUTE) });
    expect(afterFailure(8, false, 8, at)).toEqual({ status: 'failed' });
    expect(afterFailure(1, true, 8, at)).toEqual({ status: 'failed' });
    expect(DEFAULT_MAX_ATTEMPTS).toBe(8);
  });
});

describe('recipient addresses', () => {
  // What an address is, and that forms and sending agree on it: test/unit/email.test.ts.
  it("masks a reporter's address to its first letter and its domain", () => {
    expect(maskAddress('rina.w@gmail.com')).toBe('r•••@gmail.com');
    expect(maskAddress('x@y')).toBe('x•••@y');
    expect(maskAddress('nonsense')).toBe('•••');
  });
});

describe('describing a failed send', () => {
  it('keeps codes only, never the server text (it may quote the address)', () => {
    const rcpt = describeSendFailure({
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 5.1.1 <rina@gmail.com>: Recipient address rejected',
    });
    expect(rcpt).toEqual({ error: 'EENVELOPE 550 5.1.1', permanent: true });
    expect(JSON.stringify(rcpt)).not.toContain('rina');
    expect(describeSendFailure({ code: 'EMESSAGE', responseCode: 552, response: '552 Message too big' })).toEqual({
      error: 'EMESSAGE 552',
      permanent: true,
    });
  });

  it('treats 4xx, 503, a refused login and a lost connection as worth retrying', () => {
    expect(describeSendFailure({ code: 'EENVELOPE', responseCode: 451, response: '451 4.3.0 Try later' })).toEqual({
      error: 'EENVELOPE 451 4.3.0',
      permanent: false,
    });
    expect(describeSendFailure({ code: 'EENVELOPE', responseCode: 503 })).toEqual({ error: 'EENVELOPE 503', permanent: false });
    expect(describeSendFailure({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 bad credentials' })).toEqual({
      error: 'EAUTH 535 5.7.8',
      permanent: false,
    });
    expect(describeSendFailure({ code: 'ESOCKET' })).toEqual({ error: 'ESOCKET', permanent: false });
    expect(describeSendFailure(new Error('strange'))).toEqual({ error: 'ERROR', permanent: false });
    expect(describeSendFailure({ code: 'weird code\r\nX: y' })).toEqual({ error: 'ERROR', permanent: false });
  });
});

describe('outbox settings', () => {
  it('poll every 10 seconds and give up after 8 attempts unless set', () => {
    expect(loadConfig({}).outbox).toEqual({ pollSeconds: 10, maxAttempts: 8 });
    expect(loadConfig({ OUTBOX_POLL_SECONDS: '3', OUTBOX_MAX_ATTEMPTS: '4' }).outbox).toEqual({ pollSeconds: 3, maxAttempts: 4 });
  });

  it('refuse an SMTP_URL that is not smtp:// or smtps://, and a poll of 0', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://user:pass@mail.example.org:465' }).smtpUrl).toBe('smtps://user:pass@mail.example.org:465');
    expect(() => loadConfig({ SMTP_URL: 'mail.example.org' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.org' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ OUTBOX_POLL_SECONDS: '0' })).toThrow(/OUTBOX_POLL_SECONDS/);
  });
});

describe('the outbox worker', () => {
  const noop = () => undefined;
  const result = (n: number) => ({ sent: n, retried: 0, failed: 0 });
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it('never runs two drains at once, and polls again only after a run has ended', async () => {
    jest.useFakeTimers();
    try {
      let active = 0;
      let most = 0;
      let calls = 0;
      let finish: (() => void) | undefined;
      const drain = () => {
        calls += 1;
        active += 1;
        most = Math.max(most, active);
        return new Promise<ReturnType<typeof result>>((resolve) => {
          finish = () => {
            active -= 1;
            resolve(result(0));
          };
        });
      };
      const worker = createOutboxWorker({ drain, pollMs: 1000, log: noop });
      worker.start();
      worker.start(); // a second start changes nothing
      await jest.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(10_000); // a slow run: no second run meanwhile
      expect(calls).toBe(1);
      finish!();
      await jest.advanceTimersByTimeAsync(999);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toBe(2);
      expect(most).toBe(1);
      finish!();
      await jest.advanceTimersByTimeAsync(0);
      await worker.stop();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(calls).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('drains batch after batch while they come back full', async () => {
    const sizes = [20, 20, 7];
    const drained: number[] = [];
    const worker = createOutboxWorker({
      drain: async (limit) => {
        const n = sizes.shift() ?? 0;
        drained.push(n);
        expect(limit).toBe(20);
        return result(n);
      },
      pollMs: 60_000,
      log: noop,
    });
    worker.start();
    while (drained.length < 3 || worker.busy) await tick();
    expect(drained).toEqual([20, 20, 7]);
    await worker.stop();
  });

  it('on stop, asks the run in progress to start no new send, and waits for it to finish, however long its send takes', async () => {
    let release: (() => void) | undefined;
    let stopSeen: AbortSignal | undefined;
    const worker = createOutboxWorker({
      drain: (_limit, stop) => {
        stopSeen = stop;
        return new Promise((resolve) => (release = () => resolve(result(1))));
      },
      pollMs: 60_000,
      log: noop,
    });
    worker.start();
    while (!worker.busy) await tick();
    expect(stopSeen!.aborted).toBe(false);
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    expect(stopSeen!.aborted).toBe(true); // the drain claims nothing more
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false); // the send in hand is never cut short
    release!();
    await stopping;
    expect(worker.busy).toBe(false);
  });

  it('after stop, starts no run even when the batch came back full', async () => {
    let calls = 0;
    let stopping: Promise<void> | undefined;
    const worker: ReturnType<typeof createOutboxWorker> = createOutboxWorker({
      drain: async () => {
        calls += 1;
        stopping ??= worker.stop(); // SIGTERM arrives during the first run
        return result(20);
      },
      pollMs: 60_000,
      log: noop,
    });
    worker.start();
    while (calls === 0 || worker.busy) await tick();
    await stopping;
    expect(calls).toBe(1);
  });

  it('logs a run that throws and keeps polling', async () => {
    const logs: string[] = [];
    let calls = 0;
    const worker = createOutboxWorker({
      drain: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database is locked');
        return result(0);
      },
      pollMs: 5,
      log: (m) => logs.push(m),
    });
    worker.start();
    while (calls < 2) await new Promise((r) => setTimeout(r, 5));
    await worker.stop();
    expect(logs).toEqual([expect.stringContaining('database is locked')]);
  });
});
