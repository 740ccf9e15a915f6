import { openMigratedDatabase } from '../lentera';
import { readEnvironment } from '../env';
import { COULD_NOT_RUN, openForCommand, runFromShell } from './command';

/**
 * `npm run db:migrate` — applies the pending migrations to DATABASE_PATH, creating the database if
 * there is none (the first stage of src/lentera.ts: no data key is needed, none is made). Exit
 * codes: 0 done (or nothing to do), 2 could not run — the migrator's refusal or the error itself is
 * printed, and a refused or failed migration leaves the database as it was before it.
 */
export function runMigrate(env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): number {
  const opened = openForCommand(() => openMigratedDatabase(env, { create: true }), err);
  if (!opened) return COULD_NOT_RUN;
  const ran = opened.migrationsApplied;
  opened.close();
  out(ran.length ? `Applied: ${ran.join(', ')}` : 'The database is up to date.');
  return 0;
}

if (require.main === module) {
  runFromShell(() => runMigrate(readEnvironment(), console.log, console.error));
}
