import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../config';
import { openDatabase, type Db } from '../data/db';
import { loadSecrets } from '../secrets';

export interface Installation {
  config: Config;
  db: Db;
  dataKey: Buffer;
}

/**
 * The existing installation a maintenance command works on: its config, its database and its data
 * key. Never creates anything — a fresh key or an empty database would only let the command report
 * on nothing — so it prints why and returns null when either is missing.
 */
export function openInstallation(env: NodeJS.ProcessEnv, purpose: string, err: (line: string) => void): Installation | null {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    err((e as Error).message);
    return null;
  }
  if (!fs.existsSync(config.databasePath)) {
    err(`No database at ${config.databasePath} (set DATABASE_PATH).`);
    return null;
  }
  const keyFile = path.join(config.dataDir, 'data.key');
  if (!config.dataKey && !fs.existsSync(keyFile)) {
    err(`No DATA_KEY in the environment and no ${keyFile}: ${purpose} needs the key the data was written with.`);
    return null;
  }
  let dataKey: Buffer;
  try {
    // Only the data key is needed; the placeholder keeps loadSecrets from generating a session secret file.
    dataKey = loadSecrets(config.dataDir, { dataKey: config.dataKey, sessionSecret: config.sessionSecret ?? 'unused-by-maintenance-commands-'.repeat(2) }, err).dataKey;
  } catch (e) {
    err((e as Error).message);
    return null;
  }
  return { config, db: openDatabase(config.databasePath), dataKey };
}
