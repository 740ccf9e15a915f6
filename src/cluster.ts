import type { Serializable } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import { prepareToServe } from './bootstrap';
import { createClientLimits, limitsOverChannel, serveLimits, type SharedLimits } from './security/clientLimits';

/**
 * Several server processes on one database (WEB_CONCURRENCY > 1), with node:cluster. The primary
 * serves no request: it does the start-up once (migrations, the data key, the session secret, the
 * setup link), then starts the workers, which share the listening port (the primary hands each new
 * connection to the next worker in turn). It also holds the one set of per-client counts (rate
 * limits, flood guards, the sign-in throttle) and answers the workers over IPC, so a limit holds
 * whichever process a request lands on and no client address ever reaches the disk. Everything
 * else the processes share is in the database: sessions (and the sealed receipt hand-off in them),
 * and the outbox lease, which lets one process at a time send email.
 */

/** The environment variable a worker learns its number from (1…WEB_CONCURRENCY). */
const INDEX_VARIABLE = 'LENTERA_PROCESS_INDEX';

/** A worker that dies within this time of its start counts as failing again: its restart waits longer. */
const STABLE_MS = 60_000;
const FIRST_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * V8's young generation for the workers: at most 4 MB per semi-space (V8's default on 64 bits is
 * 16 MB). Under load V8 grows it to the maximum, so each server process held some 25 MB more for it,
 * and its peak passed the 250 MB budget at a million reports; at 4 MB the measured throughput of
 * every page stayed the same (docs/performance.md). A flag the operator gives node comes later in
 * the arguments and wins.
 */
const WORKER_EXEC_ARGV = ['--max-semi-space-size=4'];

/** In a worker: its number and the primary's counts, for bootstrap. */
export function workerOptions(): { index: number; limits: SharedLimits } {
  return {
    index: Number(process.env[INDEX_VARIABLE]) || 1,
    limits: limitsOverChannel({
      send: (message, failed) => {
        if (!process.send || !process.connected) throw new Error('The primary process is gone.');
        // With a callback, a failed send is reported to it rather than thrown at the process as an 'error' event.
        process.send(message as Serializable, undefined, undefined, (err) => err && failed(err));
      },
      onMessage: (listener) => process.on('message', listener),
    }),
  };
}

/**
 * The primary: starts `processes` workers, starts again one that dies unexpectedly (after 1 s, then
 * twice as long each time it dies again within a minute of its start, up to 30 s), and on SIGTERM
 * or SIGINT asks each worker to stop — each drains as a single server does — and exits once all
 * have gone.
 */
export function runPrimary(env: NodeJS.ProcessEnv, processes: number, log: (message: string) => void): void {
  const config = prepareToServe(env, { log });
  const limits = createClientLimits(config.rateLimits, config.rateWindowMs, Date.now);
  const workers = new Map<number, Worker>();
  const restarts = new Map<number, NodeJS.Timeout>();
  const failures = new Map<number, number>();
  let stopping = false;
  cluster.setupPrimary({ execArgv: [...WORKER_EXEC_ARGV, ...process.execArgv] });

  function start(index: number): void {
    const worker = cluster.fork({ [INDEX_VARIABLE]: String(index) });
    const startedAt = Date.now();
    workers.set(index, worker);
    log(`Started server process ${index} of ${processes} (pid ${worker.process.pid}).`);
    worker.on('message', (message: unknown) => {
      serveLimits(limits, message, (reply) => {
        // A worker that has just gone needs no answer (and the callback keeps a failed send from being an 'error' event).
        if (worker.isConnected()) worker.send(reply as Serializable, undefined, () => undefined);
      });
    });
    worker.on('exit', (code, signal) => {
      workers.delete(index);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (stopping) {
        log(`Server process ${index} (pid ${worker.process.pid}) stopped (${how}).`);
        if (workers.size === 0) finish();
        return;
      }
      const failed = Date.now() - startedAt < STABLE_MS ? (failures.get(index) ?? 0) + 1 : 1;
      failures.set(index, failed);
      const delay = Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (failed - 1));
      log(`Server process ${index} (pid ${worker.process.pid}) exited unexpectedly (${how}); starting it again in ${delay / 1000} s.`);
      restarts.set(
        index,
        setTimeout(() => {
          restarts.delete(index);
          start(index);
        }, delay),
      );
    });
  }

  function finish(): void {
    log('Lentera stopped (every server process).');
    process.exit(0);
  }

  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const timer of restarts.values()) clearTimeout(timer);
    restarts.clear();
    if (workers.size === 0) return finish();
    // Each worker stops as a single server does (bootstrap.ts shutDownGracefully).
    for (const worker of workers.values()) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  for (let index = 1; index <= processes; index += 1) start(index);
}
