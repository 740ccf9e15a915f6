import { openLentera } from '../lentera';
import { readEnvironment } from '../env';
import { COULD_NOT_RUN, openForCommand, runFromShell } from './command';
import type { DrainResult } from '../services/outboxService';
import { LEASE_MS, type Lease, type LeaseRun } from '../services/lease';

const BATCH = 50;

/**
 * How long the command waits for another sender's run to end. A server process's usual run (what
 * came due since its last poll) ends well within it; one still sending after it is working through
 * a backlog, which is what this command would do: it then sends nothing.
 */
export const DRAIN_WAIT_MS = LEASE_MS / 3;
const RETRY_MS = 500;

/**
 * Runs `work` holding the outbox lease. While another sender (a server process, another drain)
 * holds it, says so once and tries again every RETRY_MS, for `waitMs` at most.
 */
async function whenFree<T>(
  lease: Lease,
  waitMs: number,
  out: (line: string) => void,
  work: (lost: AbortSignal) => Promise<T>,
): Promise<LeaseRun<T>> {
  const giveUpAt = Date.now() + waitMs;
  for (let said = false; ; said = true) {
    const run = await lease.run(work);
    if (run.held) return run;
    if (!said) out(`${run.holder?.holder ?? 'Another sender'} is sending the outbox now; waiting for it to finish.`);
    if (Date.now() >= giveUpAt) return run;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/**
 * Sends every email that is due now, once, and prints what happened — for cron, or right after a
 * mail server outage instead of waiting for the next retry. Like a run of the server's worker, it
 * first queues the redirect reminders that are due. Safe while the server runs: it holds the outbox
 * lease while it sends, as each server process's worker does, so one sender works at a time; when
 * a server process is sending, it waits for that run to end (DRAIN_WAIT_MS, 10 s, at most: if the
 * server is still sending then, it is sending what is due, and this run sends nothing). Exit codes: 0
 * nothing left undelivered by this run, 1 some email could not be sent (it will be retried, or has
 * failed — see /staff/outbox), 2 could not run.
 */
export async function runOutboxDrain(
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
  waitMs: number = DRAIN_WAIT_MS,
): Promise<number> {
  const lentera = openForCommand(() => openLentera(env, { create: false, log: err }), err);
  if (!lentera) return COULD_NOT_RUN;
  const { services } = lentera;
  const { outboxService } = services;
  try {
    const run = await whenFree(services.outboxLease('npm run outbox:drain'), waitMs, out, async (lost) => {
      const where = outboxService.transportDescription();
      out(where.kind === 'smtp' ? `Sending through ${where.server}.` : `No SMTP_URL: writing .eml files to ${where.folder}.`);
      // What one run of the server's worker does: queue the redirect reminders now due, then send.
      const reminders = services.redirectReminders.run();
      if (reminders > 0) out(`Queued ${reminders} redirect reminder(s).`);
      const total: DrainResult = { sent: 0, retried: 0, failed: 0 };
      for (;;) {
        const r = await outboxService.drain(BATCH, lost);
        total.sent += r.sent;
        total.retried += r.retried;
        total.failed += r.failed;
        if (lost.aborted || r.sent + r.retried + r.failed < BATCH) return total;
      }
    });
    if (!run.held) {
      out(`It is still sending after ${Math.round(waitMs / 1000)} s, and sends what is due: this run sent nothing.`);
      return 0;
    }
    const total = run.value;
    out(`Sent ${total.sent}, to retry later ${total.retried}, failed ${total.failed}.`);
    const { pending, failed } = outboxService.counts();
    if (pending > 0) out(`Still waiting: ${pending} (not due yet).`);
    if (failed > 0) out(`Failed in all: ${failed} — see /staff/outbox to retry them.`);
    return total.retried + total.failed > 0 ? 1 : 0;
  } finally {
    lentera.close();
  }
}

/** npm run outbox:drain */
if (require.main === module) {
  runFromShell(() => runOutboxDrain(readEnvironment(), console.log, console.error));
}
