import { loadConfig, type Config } from '../config';
import type { Db } from '../data/db';
import { openStore } from '../openStore';

export interface Installation {
  config: Config;
  db: Db;
  dataKey: Buffer;
}

/**
 * The existing installation a maintenance command works on: its config, its database (migrated)
 * and its data key, checked like the server checks it (openStore.ts). Never creates a database or
 * a key — a fresh one would only let the command report on nothing — so it prints why and returns
 * null when it cannot open the installation.
 */
export function openInstallation(
  env: NodeJS.ProcessEnv,
  err: (line: string) => void,
  now: () => Date = () => new Date(),
): Installation | null {
  try {
    const config = loadConfig(env);
    const { db, dataKey } = openStore(config, { create: false, warn: (m) => err(`WARNING: ${m}`), now });
    return { config, db, dataKey };
  } catch (e) {
    err((e as Error).message);
    return null;
  }
}
