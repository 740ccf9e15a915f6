import type { Server } from 'node:http';
import { loadConfig, type Config } from './config';
import { openDatabase, type Db } from './data/db';
import { migrate } from './data/migrate';
import { SqliteSessionStore } from './data/sessionStore';
import { loadAreaDirectory } from './data/areaReference';
import { loadSecrets } from './secrets';
import { loadTranslator } from './i18n';
import { createServices, type Services } from './services';
import { createApp } from './app';
import { localesDir, migrationsDir } from './paths';
import { IDLE_TIMEOUT_MS } from './middleware/setUpSession';
import { createOutboxWorker, type OutboxWorker } from './services/outboxWorker';

export interface Lentera {
  config: Config;
  db: Db;
  app: ReturnType<typeof createApp>;
  services: Services;
  /** The clock everything runs on (tests pass their own). */
  now: () => Date;
  /** Starts the email outbox worker (server.ts does; tests only when they ask). Starting twice returns the same worker. */
  startOutboxWorker(): OutboxWorker;
  /** Stops the outbox worker, if started, once its send in progress is done; call before close(). */
  stopBackgroundWork(): Promise<void>;
  /** Closes the database and timers; call after the HTTP server has stopped. */
  close(): void;
}

/**
 * Config → secrets → database → migrations → services → app. Used by server.ts and by the tests,
 * so that both run exactly the same wiring.
 */
export function bootstrap(
  env: NodeJS.ProcessEnv,
  options: { now?: () => Date; log?: (message: string) => void } = {},
): Lentera {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((m: string) => console.error(m));
  const config = loadConfig(env);
  const secrets = loadSecrets(config.dataDir, { dataKey: config.dataKey, sessionSecret: config.sessionSecret }, (m) =>
    log(`WARNING: ${m}`),
  );
  const db = openDatabase(config.databasePath);
  try {
    migrate(db, migrationsDir);
  } catch (err) {
    db.close();
    throw err;
  }
  const services = createServices(config, db, secrets.dataKey, now, log);
  const sessionStore = new SqliteSessionStore(db, IDLE_TIMEOUT_MS, () => now().getTime());
  // First start: no account yet, so the first administrator needs a way in. A new link on every
  // start until someone has used one (the old link stops working).
  const setupLink = services.accountService.issueSetupLinkIfNoAccounts();
  if (setupLink) {
    log(`No accounts yet. Open this link within 24 hours to create the first administrator (it works once):\n  ${setupLink}`);
  }
  let outboxWorker: OutboxWorker | undefined;
  const app = createApp({
    config,
    db,
    sessionStore,
    sessionSecret: secrets.sessionSecret,
    translator: loadTranslator(localesDir),
    areas: loadAreaDirectory(config.areasCsv),
    services,
    now,
    log,
  });
  return {
    config,
    db,
    app,
    services,
    now,
    startOutboxWorker() {
      // Each run first queues the redirect reminders now due (one per redirect, ever), then sends.
      const drain = (limit: number, signal: AbortSignal) => {
        services.redirectReminders.run();
        return services.outboxService.drain(limit, signal);
      };
      outboxWorker ??= createOutboxWorker({ drain, pollMs: config.outbox.pollSeconds * 1000, log });
      outboxWorker.start();
      return outboxWorker;
    },
    stopBackgroundWork: async () => outboxWorker?.stop(),
    close() {
      // Normally stopped already (stopBackgroundWork); if not, at least no new run against a closed database.
      void outboxWorker?.stop(0);
      sessionStore.close();
      services.outboxService.close();
      db.close();
    },
  };
}

/** Stops taking connections, lets requests in flight finish, then closes the rest. */
export function shutDownGracefully(server: Server, lentera: Lentera, log: (m: string) => void): Promise<void> {
  // The outbox worker stops alongside: no new run, its email in hand finished; then the database closes.
  const workerStopped = lentera.stopBackgroundWork();
  return new Promise((resolve) => {
    server.close(() => {
      void workerStopped.then(() => {
        lentera.close();
        log('Lentera stopped.');
        resolve();
      });
    });
    server.closeIdleConnections();
  });
}
