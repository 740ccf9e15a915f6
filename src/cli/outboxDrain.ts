import { openLentera } from '../lentera';
import { readEnvironment } from '../env';
import { COULD_NOT_RUN, openForCommand, runFromShell } from './command';
import type { DrainResult } from '../services/outboxService';

const BATCH = 50;

/**
 * Sends every email that is due now, once, and prints what happened — for cron, or right after a
 * mail server outage instead of waiting for the next retry. Like a run of the server's worker, it
 * first queues the redirect reminders that are due. Safe while the server runs: each email
 * is claimed by one sender at a time. Exit codes: 0 nothing left undelivered by this run, 1 some
 * email could not be sent (it will be retried, or has failed — see /staff/outbox), 2 could not run.
 */
export async function runOutboxDrain(env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const lentera = openForCommand(() => openLentera(env, { create: false, log: err }), err);
  if (!lentera) return COULD_NOT_RUN;
  const { services } = lentera;
  try {
    const { outboxService } = services;
    const where = outboxService.transportDescription();
    out(where.kind === 'smtp' ? `Sending through ${where.server}.` : `No SMTP_URL: writing .eml files to ${where.folder}.`);
    // What one run of the server's worker does: queue the redirect reminders now due, then send.
    const reminders = services.redirectReminders.run();
    if (reminders > 0) out(`Queued ${reminders} redirect reminder(s).`);
    const total: DrainResult = { sent: 0, retried: 0, failed: 0 };
    for (;;) {
      const r = await outboxService.drain(BATCH);
      total.sent += r.sent;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.sent + r.retried + r.failed < BATCH) break;
    }
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
