import { openLentera } from '../lentera';
import { readEnvironment } from '../env';
import { COULD_NOT_RUN, describeFailure, openForCommand, runFromShell } from './command';
import { describeCounts } from '../domain/retention';
import { mailFolder } from '../mail/transport';

const USAGE = 'Usage: npm run retention [-- --dry-run]';

/**
 * Deletes what is past RETENTION_DAYS, as the privacy page promises: finished reports (with their
 * messages, timeline, redirects and referral), closed cases left without reports, old sent or
 * failed emails, old API Idempotency-Keys, and the .eml files no longer needed (MAIL_FILES_KEEP_DAYS);
 * then prints the counts. `--dry-run` prints what would go and deletes nothing. Meant for cron
 * (e.g. daily); safe while the server runs (each batch is one short transaction, with its own
 * audit event). Exit codes: 0 done, 2 could not run (the error is printed as it is).
 */
export function runRetention(
  args: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
  now: () => Date = () => new Date(),
): number {
  const unknown = args.filter((a) => a !== '--dry-run');
  if (unknown.length > 0) {
    err(`Unknown argument: ${unknown.join(' ')}\n${USAGE}`);
    return 2;
  }
  const dryRun = args.includes('--dry-run');
  const lentera = openForCommand(() => openLentera(env, { create: false, now, log: err }), err);
  if (!lentera) return COULD_NOT_RUN;
  const { config, services } = lentera;
  try {
    let run;
    try {
      run = services.retentionService.run({ dryRun });
    } catch (e) {
      // The real error, whatever it is (a locked database, a full disk), never a guess in its place.
      err(`Retention could not run: ${describeFailure(e)}`);
      return COULD_NOT_RUN;
    }
    out(
      `Retention: ${config.retentionDays} days (decided or closed before ${run.cutoff}).${dryRun ? ' Dry run: nothing is deleted.' : ''}`,
    );
    out(describeCounts(run.counts, dryRun));
    if (run.mailFilesLeft > 0)
      err(
        `${run.mailFilesLeft} email file(s) in ${mailFolder(config.dataDir)} could not be deleted (check their owner and permissions); the next run tries again.`,
      );
    if (run.checkpoint && run.checkpoint.busy !== 0) {
      err('The WAL could not be emptied now (another connection was reading); it empties at the next checkpoint, or run this again.');
    }
    return 0;
  } finally {
    lentera.close();
  }
}

/** npm run retention [-- --dry-run] */
if (require.main === module) {
  runFromShell(() => runRetention(process.argv.slice(2), readEnvironment(), console.log, console.error));
}
