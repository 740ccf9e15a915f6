import type { DrainResult } from './outboxService';
import type { Lease } from './lease';

export interface OutboxWorker {
  /** Drains at once, then every poll interval. */
  start(): void;
  /**
   * No new run, and no new send in the run in progress (it checks before claiming each email); the
   * send in hand is not cut short but finishes, bounded by its own deadline (the transport's
   * timeouts and SEND_DEADLINE_MS). Resolves when nothing is running, so the database can be
   * closed after it.
   */
  stop(): Promise<void>;
  /** True while a drain is in progress (for tests and shutdown). */
  readonly busy: boolean;
}

export interface OutboxWorkerDeps {
  /** One run: sends up to `limit` due emails, starting none once `stop` is aborted (outboxService.drain). */
  drain: (limit: number, stop: AbortSignal) => Promise<DrainResult>;
  pollMs: number;
  batchSize?: number;
  log: (message: string) => void;
  /**
   * The outbox lease (services/lease.ts): a run happens only while this process holds it, so one
   * sender works at a time across server processes, `npm run outbox:drain` and machines. Without
   * it (unit tests), every run goes ahead.
   */
  lease?: Pick<Lease, 'run'>;
}

const DEFAULT_BATCH = 20;

/**
 * Sends the outbox in the background of the web server. Runs never overlap: the next poll is
 * scheduled only when a run has ended (a timer chain, not an interval). A run keeps draining full
 * batches until the outbox has nothing due, so a backlog after an outage goes out at once.
 */
export function createOutboxWorker({ drain, pollMs, batchSize = DEFAULT_BATCH, log, lease }: OutboxWorkerDeps): OutboxWorker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;
  // "Stop requested", not "cancel": the drain starts no new send once it is aborted.
  const stopRequested = new AbortController();
  const stopping = () => stopRequested.signal.aborted;

  async function drainAll(stop: AbortSignal): Promise<void> {
    for (;;) {
      const r = await drain(batchSize, stop);
      if (stop.aborted || r.sent + r.retried + r.failed < batchSize) return;
    }
  }

  /** One run, while holding the lease; when another holder has it, this poll does nothing (that holder sends). */
  async function runOnce(): Promise<void> {
    if (!lease) return drainAll(stopRequested.signal);
    // Stopped by a shutdown, or by losing the lease (after the send in hand, as on shutdown).
    await lease.run((lost) => drainAll(AbortSignal.any([stopRequested.signal, lost])));
  }

  function schedule(delayMs: number): void {
    if (stopping()) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = runOnce()
        .catch((err: unknown) => log(`Outbox: the worker's run failed: ${(err as Error).message}`))
        .finally(() => {
          running = undefined;
          schedule(pollMs);
        });
    }, delayMs);
    // The HTTP server keeps the process alive; the worker alone must not.
    timer.unref();
  }

  return {
    start() {
      if (started) return;
      started = true;
      schedule(0);
    },

    async stop() {
      stopRequested.abort();
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },

    get busy() {
      return running !== undefined;
    },
  };
}
