import cluster from 'node:cluster';
import { bootstrap, shutDownGracefully, type BootstrapOptions } from './bootstrap';
import { runPrimary, workerOptions } from './cluster';
import { loadConfig } from './config';
import { readEnvironment } from './env';

/**
 * The entry point: reads the environment, builds Lentera (bootstrap.ts), listens, and stops cleanly.
 * With WEB_CONCURRENCY > 1 (default: one process per core) this process becomes the cluster's
 * primary and starts that many server processes (cluster.ts); each of them runs `serve`.
 */
function main(): void {
  const log = (message: string) => console.log(message);
  const env = readEnvironment();
  if (cluster.isWorker) return serve(env, log, { worker: workerOptions() });
  const processes = loadConfig(env).webConcurrency;
  if (processes > 1) return runPrimary(env, processes, log);
  serve(env, log, {});
}

/** One server process: the only one, or one of a cluster's workers. */
function serve(env: NodeJS.ProcessEnv, log: (message: string) => void, options: Pick<BootstrapOptions, 'worker'>): void {
  const lentera = bootstrap(env, { log, ...options });
  const { port, host, baseUrl, webConcurrency } = lentera.config;
  const { server } = lentera;
  const which = options.worker ? `, process ${options.worker.index} of ${webConcurrency}` : '';
  server.listen(port, host, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    log(`Lentera is serving ${baseUrl} (listening on ${host}:${actualPort}${which}).`);
  });
  // The worker drains the outbox every OUTBOX_POLL_SECONDS, while it holds the outbox lease (one sender at a time).
  lentera.startOutboxWorker();
  // SQLite's quick_check now and every INTEGRITY_CHECK_MINUTES, in a worker thread; /healthz reports it.
  lentera.health.start();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void shutDownGracefully(server, lentera, log).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
