import fs from 'node:fs';
import path from 'node:path';
import { openInstallation } from './installation';
import { readEnvironment } from '../env';

/**
 * `npm run backup -- FILE` — a consistent copy of the live database through SQLite's online backup
 * API, safe while the server runs (never copy the .db file by hand: the WAL holds recent writes).
 * The copy holds the encrypted fields as they are; it is useless without DATA_KEY, which is backed
 * up apart from it. Exit codes: 0 done, 2 could not run.
 */
export async function runBackup(env: NodeJS.ProcessEnv, args: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
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
  const installation = openInstallation(env, 'a backup', err);
  if (!installation) return 2;
  const { db, config } = installation;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { totalPages } = await db.backup(file);
    fs.chmodSync(file, 0o600);
    out(`Backed up ${config.databasePath} to ${file} (${totalPages} pages). Keep DATA_KEY apart from it.`);
    return 0;
  } catch (e) {
    err(`Backup failed: ${(e as Error).message}`);
    return 2;
  } finally {
    db.close();
  }
}

if (require.main === module) {
  void runBackup(readEnvironment(), process.argv.slice(2), console.log, console.error).then((code) => {
    process.exitCode = code;
  });
}
