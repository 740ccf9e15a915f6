import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openData } from '../lentera';
import { readEnvironment } from '../env';
import { COULD_NOT_RUN, describeFailure, openForCommand, runFromShell } from './command';
import { copyDatabase, fsyncPath, verifyCopy } from '../data/backupCopy';

/**
 * `npm run backup -- FILE` — a consistent copy of the live database, safe while the server runs and
 * writes (never copy the .db file by hand: the WAL holds recent writes). The copy is made into a
 * temporary file created 0600 beside FILE, verified (integrity check, the data key's check value,
 * row counts, the audit chain), flushed, and only then given its name — never over an existing
 * file. A failed run leaves nothing behind. The copy holds the encrypted fields as they are: it is
 * useless without DATA_KEY, which is backed up apart from it. Exit codes: 0 done, 2 could not run.
 */
export async function runBackup(
  env: NodeJS.ProcessEnv,
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const target = args[0];
  if (!target || args.length > 1) {
    err('Usage: npm run backup -- FILE');
    return 2;
  }
  const file = path.resolve(target);
  if (fs.existsSync(file)) {
    err(`${file} exists already; choose a new file name so that no backup is overwritten.`);
    return 2;
  }
  // The data, key checked (the copy is verified under it), without services.
  const lentera = openForCommand(() => openData(env, { create: false, log: err }), err);
  if (!lentera) return COULD_NOT_RUN;
  const { db, config, dataKey } = lentera;
  const folder = path.dirname(file);
  const partial = path.join(folder, `.${path.basename(file)}.partial-${crypto.randomBytes(6).toString('hex')}`);
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    // Created empty and 0600 before a byte is copied: even an interrupted copy is readable by no one else.
    fs.writeFileSync(partial, '', { mode: 0o600, flag: 'wx' });
    const verdict = verifyCopy(partial, dataKey, copyDatabase(db, partial));
    if (!verdict.ok) throw new Error(`the copy did not verify (${verdict.problem}: ${verdict.detail})`);
    const { counts } = verdict;
    fsyncPath(partial);
    // A hard link gives the name without ever replacing a file that appeared meanwhile.
    fs.linkSync(partial, file);
    fs.unlinkSync(partial);
    fsyncPath(folder);
    out(
      `Backed up ${config.databasePath} to ${file}: ${counts.reports} reports, ${counts.cases} cases, ${counts.accounts} accounts, ` +
        `${counts.auditEvents} audit events; integrity, data key and audit chain verified. Keep DATA_KEY apart from it.`,
    );
    return 0;
  } catch (e) {
    fs.rmSync(partial, { force: true });
    err(`Backup failed: ${describeFailure(e)}`);
    return COULD_NOT_RUN;
  } finally {
    lentera.close();
  }
}

if (require.main === module) {
  runFromShell(() => runBackup(readEnvironment(), process.argv.slice(2), console.log, console.error));
}
