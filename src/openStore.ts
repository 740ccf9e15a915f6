import fs from 'node:fs';
import type { Config } from './config';
import { openDatabase, type Db } from './data/db';
import { migrate } from './data/migrate';
import { createFieldCipher, keyCheckValue } from './data/fieldCipher';
import { createInstallationRepository, type KeyEvidence } from './data/installationRepository';
import { opensFirstAuditEvent } from './data/auditRepository';
import { dataKeyFile, resolveDataKey, resolveSessionSecret } from './secrets';
import { migrationsDir } from './paths';

/** Why Lentera will not start (or a command will not run): one clear line for the operator. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface Store {
  db: Db;
  dataKey: Buffer;
}

export interface OpenOptions {
  /**
   * The server and `npm run user` may create: the data folder, the database, and — for an empty
   * database only — the data key. Maintenance commands never create anything.
   */
  create: boolean;
  warn: (message: string) => void;
  now: () => Date;
}

function opensEvidence(dataKey: Buffer, evidence: KeyEvidence): boolean {
  if (evidence === null) return true;
  if (evidence.kind === 'audit') return opensFirstAuditEvent(dataKey, evidence.event);
  try {
    createFieldCipher(dataKey).decrypt(evidence.value, evidence.context);
    return true;
  } catch {
    return false;
  }
}

const sqliteCode = (err: unknown) => (typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined);

/**
 * Config → database → migrations → the data key, checked: the one way the server and every command
 * open Lentera's data. The data key must open the data already there — an HMAC check value kept in
 * the database (0008), or for an older database its first audit event or a narrative — and a new
 * key is generated only for an empty database, so a missing or wrong key stops the start with one
 * clear line instead of silently writing new data under a new key. When creating, a committed
 * write proves the database can be written before anything is served.
 */
export function openStore(config: Config, options: OpenOptions): Store {
  const { databasePath } = config;
  if (!options.create && !fs.existsSync(databasePath)) throw new StartupError(`No database at ${databasePath} (set DATABASE_PATH).`);
  let db: Db;
  try {
    db = openDatabase(databasePath);
  } catch (err) {
    throw new StartupError(`Cannot open the database at ${databasePath}: ${(err as Error).message}`);
  }
  try {
    migrate(db, migrationsDir);
    const installation = createInstallationRepository(db);
    const stored = installation.keyCheck();
    const empty = stored === undefined && !installation.holdsData();
    const dataKey = resolveDataKey(config.dataDir, config.dataKey, { mayGenerate: options.create && empty, warn: options.warn });
    if (!dataKey) {
      throw new StartupError(
        empty
          ? `No DATA_KEY in the environment and no ${dataKeyFile(config.dataDir)}: this command needs the key the data was written with.`
          : `No DATA_KEY in the environment and no ${dataKeyFile(config.dataDir)}, but the database at ${databasePath} holds data: ` +
              'without the key it was written with none of it can be read. Restore data.key (or set DATA_KEY) from your backup; refusing to start.',
      );
    }
    const check = keyCheckValue(dataKey);
    if (stored !== undefined ? stored !== check : !opensEvidence(dataKey, installation.keyEvidence())) {
      throw new StartupError(
        `The data key (${config.dataKey ? 'DATA_KEY' : dataKeyFile(config.dataDir)}) does not open the database at ${databasePath}: ` +
          'it is not the key this data was written with. Set the right DATA_KEY or restore data.key; refusing to start.',
      );
    }
    if (options.create) {
      try {
        const at = options.now();
        db.transaction(() => {
          if (stored === undefined) installation.recordKeyCheck(check, at);
          installation.markStarted(at);
        }).immediate();
      } catch (err) {
        throw new StartupError(
          `Cannot write the database at ${databasePath} (${sqliteCode(err) ?? (err as Error).message}): ` +
            'check the owner and permissions of the file and its folder, and the free disk space; refusing to start.',
        );
      }
    }
    return { db, dataKey };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The session secret, for the server only (commands never sign cookies). */
export function openSessionSecret(config: Config, warn: (message: string) => void): string {
  return resolveSessionSecret(config.dataDir, config.sessionSecret, warn);
}
