import { openInstallation } from './installation';
import { readEnvironment } from '../env';
import { createServices } from '../services';
import { describeCounts } from '../domain/retention';

const USAGE = 'Usage: npm run retention [-- --dry-run]';

/**
 * Deletes what is past RETENTION_DAYS, as the privacy page promises: finished reports (with their
 * messages, timeline, redirects and referral), closed cases left without reports, and old sent or
 * failed emails; then prints the counts. `--dry-run` prints what would go and deletes nothing.
 * Meant for cron (e.g. daily); safe while the server runs (each batch is one short transaction).
 * Exit codes: 0 done, 2 could not run.
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
  const installation = openInstallation(env, 'purging', err);
  if (!installation) return 2;
  const { config, db, dataKey } = installation;
  let services;
  try {
    try {
      services = createServices(config, db, dataKey, now, err);
    } catch {
      err(`The database at ${config.databasePath} is not migrated: run npm run db:migrate first.`);
      return 2;
    }
    let run;
    try {
      run = services.retentionService.run({ dryRun });
    } catch (e) {
      err(`Retention could not run: ${(e as Error).message}`);
      return 2;
    }
    out(`Retention: ${config.retentionDays} days (decided or closed before ${run.cutoff}).${dryRun ? ' Dry run: nothing is deleted.' : ''}`);
    out(describeCounts(run.counts, dryRun));
    if (run.checkpoint && run.checkpoint.busy !== 0) {
      err('The WAL could not be emptied now (another connection was reading); it empties at the next checkpoint, or run this again.');
    }
    return 0;
  } finally {
    services?.outboxService.close();
    db.close();
  }
}

/** npm run retention [-- --dry-run] */
if (require.main === module) {
  process.exitCode = runRetention(process.argv.slice(2), readEnvironment(), console.log, console.error);
}
