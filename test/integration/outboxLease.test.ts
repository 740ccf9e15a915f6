import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createLeaseRepository } from '../../src/data/leaseRepository';
import { createLease, LEASE_MS, OUTBOX_LEASE } from '../../src/services/lease';
import { createOutboxWorker } from '../../src/services/outboxWorker';
import { runOutboxDrain } from '../../src/cli/outboxDrain';
import { createTestApp, TEST_DATA_KEY, type TestApp } from '../helpers/testApp';
import { eventually } from '../helpers/smtpServer';

/**
 * The outbox lease (migration 0014, services/lease.ts) on a real database: one sender at a time,
 * whoever asks — holders in one process, a server process's worker, `npm run outbox:drain`.
 */
describe('the outbox lease', () => {
  let lentera: TestApp;
  let clock: Date;
  afterEach(() => lentera.cleanup());

  const start = () => {
    clock = new Date('2026-03-10T02:00:00Z');
    lentera = createTestApp({}, { now: () => clock });
  };
  const later = (ms: number) => (clock = new Date(clock.getTime() + ms));

  /** A process id that no longer runs: a child that has already exited. */
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

  /** One email due now (an urgent-report notice), queued as the app does. */
  function enqueue(): void {
    lentera.db.transaction(() =>
      lentera.services.outboxService.enqueue(
        {
          to: 'triase@padang.go.id',
          recipientKind: 'triage',
          template: 'new_urgent_report',
          params: { reference: 'LAP-2026-000001', link: 'https://lentera.test/x' },
          locale: 'id',
        },
        lentera.now(),
      ),
    )();
  }
  const outboxStatuses = () => lentera.db.prepare('SELECT status FROM outbox ORDER BY id').pluck().all();

  it('goes to one of two holders; the other gets it once it is given up', () => {
    start();
    const a = lentera.services.outboxLease('server process 1');
    const b = lentera.services.outboxLease('server process 2');
    expect(a.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    expect(a.tryAcquire()).toBe(true); // its own, still
    expect(b.current()?.holder).toBe(a.holder);
    a.release();
    expect(b.tryAcquire()).toBe(true);
    expect(a.tryAcquire()).toBe(false);
  });

  it('expires when its holder stops renewing it: the next holder takes it, and the old one cannot renew', () => {
    start();
    const a = lentera.services.outboxLease('server process 1');
    const b = lentera.services.outboxLease('server process 2');
    expect(a.tryAcquire()).toBe(true);
    later(LEASE_MS - 1);
    expect(b.tryAcquire()).toBe(false);
    expect(a.renew()).toBe(true);
    later(LEASE_MS);
    expect(b.tryAcquire()).toBe(true);
    expect(a.renew()).toBe(false);
    expect(a.tryAcquire()).toBe(false);
  });

  it('is taken at once from a holder on this machine whose process has died, not from one on another machine', () => {
    start();
    const leases = createLeaseRepository(lentera.db);
    const log = () => undefined;
    const crashed = createLease({ leases, name: OUTBOX_LEASE, who: 'server process 1', now: lentera.now, log, pid: deadPid() });
    const elsewhere = createLease({
      leases,
      name: OUTBOX_LEASE,
      who: 'server on web-2',
      now: lentera.now,
      log,
      host: 'web-2',
      pid: deadPid(),
    });
    const next = lentera.services.outboxLease('server process 2');

    expect(crashed.tryAcquire()).toBe(true);
    expect(next.tryAcquire()).toBe(true);
    expect(lentera.logs).toContainEqual(
      expect.stringMatching(/^Took over the outbox lease of server process 1 #\w+ \(pid \d+\), which no longer runs\.$/),
    );
    next.release();

    // Its process cannot be seen from here: only its lease's time tells.
    expect(elsewhere.tryAcquire()).toBe(true);
    expect(next.tryAcquire()).toBe(false);
    later(LEASE_MS);
    expect(next.tryAcquire()).toBe(true);
  });

  it('tells the work in hand to stop when a renewal finds the lease taken', async () => {
    start();
    const leases = createLeaseRepository(lentera.db);
    const log = (m: string) => lentera.logs.push(m);
    const slow = createLease({ leases, name: OUTBOX_LEASE, who: 'server process 1', now: lentera.now, log, ttlMs: 300 });
    const other = createLease({ leases, name: OUTBOX_LEASE, who: 'server process 2', now: lentera.now, log, ttlMs: 300 });
    const run = await slow.run(
      (lost) =>
        new Promise<string>((resolve) => {
          // This process stalled past its lease and another took it…
          later(300);
          expect(other.tryAcquire()).toBe(true);
          // …so the next renewal fails and the work is told to stop.
          lost.addEventListener('abort', () => resolve('stopped'));
        }),
    );
    expect(run).toEqual({ held: true, value: 'stopped' });
    expect(lentera.logs).toContainEqual(
      expect.stringMatching(/^Lost the outbox lease to server process 2 #\w+: stopping after the step in hand\.$/),
    );
    // Giving up a lease that is no longer its own leaves the new holder's alone.
    expect(other.current()?.holder).toBe(other.holder);
  });

  it("keeps a server process's worker from sending while another holder has the lease", async () => {
    start();
    enqueue();
    const drain = (limit: number, stop: AbortSignal) => lentera.services.outboxService.drain(limit, stop);
    const log = () => undefined;
    const holder = lentera.services.outboxLease('server process 2');
    expect(holder.tryAcquire()).toBe(true);

    // The first run starts at once (a timer of 0 ms, due before this test's own); stop() waits for it.
    const idle = createOutboxWorker({ drain, pollMs: 3_600_000, log, lease: lentera.services.outboxLease('server process 1') });
    idle.start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await idle.stop();
    expect(outboxStatuses()).toEqual(['pending']);

    holder.release();
    const sender = createOutboxWorker({ drain, pollMs: 3_600_000, log, lease: lentera.services.outboxLease('server process 1') });
    sender.start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await sender.stop();
    expect(outboxStatuses()).toEqual(['sent']);
    // Given up after the run.
    expect(holder.tryAcquire()).toBe(true);
  });

  describe('npm run outbox:drain while a server process is sending', () => {
    const envOf = (dir: string) => ({ NODE_ENV: 'test', DATABASE_PATH: path.join(dir, 'lentera.db'), DATA_KEY: TEST_DATA_KEY });

    it('waits for the server to finish, then sends what is still due', async () => {
      lentera = createTestApp();
      enqueue();
      const server = lentera.services.outboxLease('server process 1');
      expect(server.tryAcquire()).toBe(true);
      const out: string[] = [];
      const drained = runOutboxDrain(
        envOf(lentera.dir),
        (l) => out.push(l),
        () => undefined,
      );
      await eventually(() => out.some((l) => /^server process 1 #\w+ is sending the outbox now; waiting for it to finish\.$/.test(l)));
      expect(outboxStatuses()).toEqual(['pending']);
      server.release();
      expect(await drained).toBe(0);
      expect(out).toContain('Sent 1, to retry later 0, failed 0.');
      expect(outboxStatuses()).toEqual(['sent']);
    });

    it('sends nothing when the server is still sending after the wait, and says so', async () => {
      lentera = createTestApp();
      enqueue();
      expect(lentera.services.outboxLease('server process 1').tryAcquire()).toBe(true);
      const out: string[] = [];
      expect(
        await runOutboxDrain(
          envOf(lentera.dir),
          (l) => out.push(l),
          () => undefined,
          0,
        ),
      ).toBe(0);
      expect(out.join('\n')).toMatch(
        /is sending the outbox now; waiting for it to finish\.\nIt is still sending after 0 s, and sends what is due: this run sent nothing\.$/,
      );
      expect(outboxStatuses()).toEqual(['pending']);
    });
  });
});
