import type { DrainResult } from './outboxService';

export interface OutboxWorker {
  /** Drains at once, then every poll interval. */
  start(): void;
  /**
   * No new runs; the run in progress may finish its email for `graceMs`, then its send is
   * cancelled (the email stays due, no attempt counted). Resolves when nothing is running, so the
   * database can be closed after it.
   */
  stop(graceMs?: number): Promise<void>;
  /** True while a drain is in progress (for tests and shutdown). */
  readonly busy: boolean;
}

export interface OutboxWorkerDeps {
  drain: (limit: number, signal: AbortSignal) => Promise<DrainResult>;
  pollMs: number;
  batchSize?: number;
  log: (message: string) => void;
}

const DEFAULT_BATCH = 20;
const DEFAULT_GRACE_MS = 5000;

/**
 * Sends the outbox in the background of the web server. Runs never overlap: the next poll is
 * scheduled only when a run has ended (a timer chain, not an interval). A run keeps draining full
 * batches until the outbox has nothing due, so a backlog after an outage goes out at once.
 */
export function createOutboxWorker({ drain, pollMs, batchSize = DEFAULT_BATCH, log }: OutboxWorkerDeps): OutboxWorker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;
  let stopping = false;
  const cancel = new AbortController();

  async function runOnce(): Promise<void> {
    for (;;) {
      const r = await drain(batchSize, cancel.signal);
      if (stopping || r.sent + r.retried + r.failed < batchSize) return;
    }
  }

  function schedule(delayMs: number): void {
    if (stopping) return;
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

    async stop(graceMs = DEFAULT_GRACE_MS) {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const inFlight = running;
      if (!inFlight) return;
      let graceTimer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace'>((resolve) => {
        graceTimer = setTimeout(() => resolve('grace'), graceMs);
      });
      const first = await Promise.race([inFlight.then(() => 'done' as const), graceOver]);
      clearTimeout(graceTimer);
      if (first === 'grace') {
        cancel.abort(new Error('Lentera is stopping'));
        await inFlight;
      }
    },

    get busy() {
      return running !== undefined;
    },
  };
}
