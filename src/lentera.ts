import fs from 'node:fs';
import { loadConfig, type Config } from './config';
import { openDatabase, type Db } from './data/db';
import { migrate } from './data/migrate';
import { createFieldCipher, keyCheckValue } from './data/fieldCipher';
import { createInstallationRepository, type KeyEvidence } from './data/installationRepository';
import { opensFirstAuditEvent } from './data/auditRepository';
import { dataKeyFile, resolveDataKey } from './secrets';
import { migrationsDir } from './paths';
import { createServices, type Services } from './services';
import { createClientLimits, shareInProcess, type SharedLimits } from './security/clientLimits';

/**
 * The one way to open Lentera, in stages, each built on the one before:
 *
 *   openMigratedDatabase  config → database → migrations            (npm run db:migrate)
 *   openData              … → the data key, checked against the data (backup, audit:verify)
 *   openLentera           … → services                               (user, retention, outbox:drain)
 *
 * and bootstrap.ts builds the web app and HTTP server on top of `openLentera` for the server and
 * the tests. A command takes the earliest stage that gives it what it needs, never a wiring of its
 * own. A stage that fails closes what it opened and throws the real error: a StartupError (or the
 * config's or the migrator's own error) written for the operator, or whatever went wrong.
 */

/** Why Lentera will not start (or a command will not run): one clear line for the operator. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface OpenOptions {
  /**
   * The server, `npm run user` and `npm run db:migrate` may create the data folder and the
   * database; the server and `npm run user` also a data key, for an empty database only.
   * Maintenance commands never create anything.
   */
  create: boolean;
  /** The clock (tests pass their own). */
  now?: () => Date;
  /** Where warnings and the services' messages go (default: standard error). */
  log?: (message: string) => void;
  /**
   * The counts kept across requests (rate limits, flood guards, the sign-in throttle): by default
   * this process's own; a cluster worker passes the primary's (security/clientLimits.ts).
   */
  limits?: SharedLimits;
}

export interface MigratedDatabase {
  config: Config;
  db: Db;
  /** The migrations this opening applied (none when the database was up to date). */
  migrationsApplied: string[];
  /** Closes everything this stage opened. */
  close(): void;
}

export interface LenteraData extends MigratedDatabase {
  dataKey: Buffer;
}

export interface OpenedLentera extends LenteraData {
  services: Services;
  limits: SharedLimits;
  now: () => Date;
  log: (message: string) => void;
}

const defaultClock = () => new Date();
const defaultLog = (message: string) => console.error(message);

/** Builds the next stage on one already open: if building fails, what was opened is closed and the error goes on unchanged. */
function onTopOf<T>(opened: { close(): void }, build: () => T): T {
  try {
    return build();
  } catch (err) {
    opened.close();
    throw err;
  }
}

/** Config → database → migrations. Without `create`, the database must exist already. */
export function openMigratedDatabase(env: NodeJS.ProcessEnv, options: Pick<OpenOptions, 'create'>): MigratedDatabase {
  const config = loadConfig(env);
  const { databasePath } = config;
  if (!options.create && !fs.existsSync(databasePath)) throw new StartupError(`No database at ${databasePath} (set DATABASE_PATH).`);
  let db: Db;
  try {
    db = openDatabase(databasePath);
  } catch (err) {
    throw new StartupError(`Cannot open the database at ${databasePath}: ${(err as Error).message}`);
  }
  const close = () => db.close();
  return onTopOf({ close }, () => ({ config, db, migrationsApplied: migrate(db, migrationsDir), close }));
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
 * … → the data key, checked. The data key must open the data already there — an HMAC check value
 * kept in the database (0008), or for an older database its first audit event or a narrative —
 * and a new key is generated only for an empty database, so a missing or wrong key stops the
 * start with one clear line instead of silently writing new data under a new key. When creating,
 * a committed write proves the database can be written before anything is served.
 */
export function openData(env: NodeJS.ProcessEnv, options: OpenOptions): LenteraData {
  const opened = openMigratedDatabase(env, options);
  const { config, db } = opened;
  const { databasePath } = config;
  const log = options.log ?? defaultLog;
  const warn = (m: string) => log(`WARNING: ${m}`);
  return onTopOf(opened, () => {
    const installation = createInstallationRepository(db);
    const stored = installation.keyCheck();
    const empty = stored === undefined && !installation.holdsData();
    const dataKey = resolveDataKey(config.dataDir, config.dataKey, { mayGenerate: options.create && empty, warn });
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
        const at = (options.now ?? defaultClock)();
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
    return { ...opened, dataKey };
  });
}

/** … → services: Lentera as the server runs it, without the web app (bootstrap.ts adds that). */
export function openLentera(env: NodeJS.ProcessEnv, options: OpenOptions): OpenedLentera {
  const now = options.now ?? defaultClock;
  const log = options.log ?? defaultLog;
  const data = openData(env, { ...options, now, log });
  return onTopOf(data, () => {
    const { config } = data;
    const limits = options.limits ?? shareInProcess(createClientLimits(config.rateLimits, config.rateWindowMs, () => now().getTime()));
    const services = createServices(config, data.db, data.dataKey, now, log, limits);
    return {
      ...data,
      services,
      limits,
      now,
      log,
      close() {
        services.outboxService.close();
        data.close();
      },
    };
  });
}
