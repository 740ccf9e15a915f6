import type { Server } from 'node:http';
import { createHttpServer } from './httpServer';
import type { Config } from './config';
import type { Db } from './data/db';
import { SqliteSessionStore } from './data/sessionStore';
import { loadAreaDirectory } from './data/areaReference';
import { openLentera, type OpenedLentera } from './lentera';
import { resolveSessionSecret } from './secrets';
import { loadTranslator, locales } from './i18n';
import type { Services } from './services';
import { createApp } from './app';
import { IDLE_TIMEOUT_MS } from './middleware/setUpSession';
import { createOutboxWorker, type OutboxWorker } from './services/outboxWorker';
import { createDatabaseHealth, type DatabaseHealth } from './data/databaseHealth';
import { describeMailDestination } from './mail/transport';
import type { SharedLimits } from './security/clientLimits';

export interface Lentera {
  config: Config;
  db: Db;
  app: ReturnType<typeof createApp>;
  /** The HTTP server for `app` (server.ts listens on it); tests may drive `app` directly. */
  server: Server;
  services: Services;
  /** What /healthz reports about the database; `health.start()` begins the periodic integrity check (server.ts does). */
  health: DatabaseHealth;
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
 * Lentera as the server runs it: `openLentera` (src/lentera.ts: config → database → migrations →
 * the checked data key → services), the one way every command opens it too, then the session
 * secret → app → HTTP server. Used by server.ts and by the tests, so that both run exactly the
 * same wiring. If a step fails, what was opened is closed and the error goes on as it is.
 */
export function bootstrap(env: NodeJS.ProcessEnv, options: BootstrapOptions = {}): Lentera {
  const { worker, ...open } = options;
  const opened = openLentera(env, { create: true, ...open, limits: worker?.limits });
  try {
    // One process of several: the cluster's primary has done the start-up once (prepareToServe).
    if (!worker) startUpOnce(opened);
    return serve(opened, worker?.index ?? 1);
  } catch (err) {
    opened.close();
    throw err;
  }
}

export interface BootstrapOptions {
  now?: () => Date;
  log?: (message: string) => void;
  /**
   * One of several server processes (server.ts with WEB_CONCURRENCY > 1): its number, and the
   * counts the cluster's primary holds for every process (security/clientLimits.ts).
   */
  worker?: { index: number; limits: SharedLimits };
}

/**
 * What the server does once as it starts, before several processes serve (the cluster's primary
 * runs it, then starts its workers): migrations, the data key, the session secret generated if
 * there is none, and the start-up tasks below. Nothing stays open.
 */
export function prepareToServe(env: NodeJS.ProcessEnv, options: { log?: (message: string) => void } = {}): Config {
  const opened = openLentera(env, { create: true, ...options });
  try {
    startUpOnce(opened);
    return opened.config;
  } finally {
    opened.close();
  }
}

/** Done by one process only: two would each issue a setup link, and the second would void the first. */
function startUpOnce(opened: OpenedLentera): void {
  const { config, services, log } = opened;
  resolveSessionSecret(config.dataDir, config.sessionSecret, (m) => log(`WARNING: ${m}`));
  const languagesRecorded = services.reportLanguages.recordOlderLanguages();
  if (languagesRecorded > 0) log(`Recorded the language of ${languagesRecorded} report(s) filed before Lentera kept it.`);
  // First start: no account yet, so the first administrator needs a way in. A new link on every
  // start until someone has used one (the old link stops working).
  const setupLink = services.accountService.issueSetupLinkIfNoAccounts();
  if (setupLink) {
    log(`No accounts yet. Open this link within 24 hours to create the first administrator (it works once):\n  ${setupLink}`);
  }
}

/** The web part, on top of an opened Lentera: only the server signs cookies, so only it needs the session secret. */
function serve(opened: OpenedLentera, processIndex: number): Lentera {
  const { config, db, services, now, log } = opened;
  const sessionSecret = resolveSessionSecret(config.dataDir, config.sessionSecret, (m) => log(`WARNING: ${m}`));
  const sessionStore = new SqliteSessionStore(db, IDLE_TIMEOUT_MS, () => now().getTime());
  let outboxWorker: OutboxWorker | undefined;
  const translator = loadTranslator();
  const health = createDatabaseHealth(db, config.databasePath, config.integrityCheckMinutes * 60 * 1000, log);
  const app = createApp({
    config,
    health,
    sessionStore,
    sessionSecret,
    translator,
    areas: loadAreaDirectory(config.areasCsv),
    services,
    now,
    log,
    limits: opened.limits,
    processIndex,
  });
  // Answered before the app sees a request (one it could not even parse): both languages at once.
  const unparsable = { 431: locales.map((l) => translator.forLocale(l)('errors.431.text')).join('\n') };
  return {
    config,
    db,
    app,
    server: createHttpServer(app, unparsable),
    services,
    health,
    now,
    startOutboxWorker() {
      // Each run first queues the redirect reminders now due (one per redirect, ever), then sends.
      const drain = (limit: number, stop: AbortSignal) => {
        services.redirectReminders.run();
        return services.outboxService.drain(limit, stop);
      };
      if (!outboxWorker) {
        // Only while this process holds the outbox lease: one sender at a time across processes and commands.
        const lease = services.outboxLease(`server process ${processIndex}`);
        outboxWorker = createOutboxWorker({ drain, pollMs: config.outbox.pollSeconds * 1000, log, lease });
        // Said once, as the server starts sending: with no SMTP_URL, which folder to open.
        log(describeMailDestination(services.outboxService.transportDescription()));
      }
      outboxWorker.start();
      return outboxWorker;
    },
    stopBackgroundWork: async () => outboxWorker?.stop(),
    close() {
      // Normally stopped already (stopBackgroundWork); if not, at least no new run or send against a closed database.
      void outboxWorker?.stop();
      health.stop();
      sessionStore.close();
      opened.close();
    },
  };
}

/**
 * How long a stopping server still takes new connections: the browser of a resident whose report
 * was just committed follows the redirect to her receipt a moment later, and that page must answer.
 */
export const SHUTDOWN_DRAIN_MS = 3000;

/**
 * Stops cleanly: for `drainMs` it still serves (a redirect in flight can be followed), then it
 * stops taking connections, lets requests in flight finish, and closes the rest.
 */
export function shutDownGracefully(server: Server, lentera: Lentera, log: (m: string) => void, drainMs = SHUTDOWN_DRAIN_MS): Promise<void> {
  // The outbox worker stops alongside: no new send starts; the one in hand finishes; then the database closes.
  const workerStopped = lentera.stopBackgroundWork();
  return new Promise((resolve) => {
    const stopListening = () => {
      server.close(() => {
        void workerStopped.then(() => {
          lentera.close();
          log('Lentera stopped.');
          resolve();
        });
      });
      server.closeIdleConnections();
    };
    if (drainMs > 0) setTimeout(stopListening, drainMs);
    else stopListening();
  });
}
