import { bootstrap, shutDownGracefully } from './bootstrap';
import { readEnvironment } from './env';

/** The entry point: reads the environment, builds Lentera (bootstrap.ts), listens, and stops cleanly. */
function main(): void {
  const log = (message: string) => console.log(message);
  const lentera = bootstrap(readEnvironment(), { log });
  const { port, host, baseUrl } = lentera.config;
  const { server } = lentera;
  server.listen(port, host, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    log(`Lentera is serving ${baseUrl} (listening on ${host}:${actualPort}).`);
  });
  // Only this process sends mail: the worker drains the outbox every OUTBOX_POLL_SECONDS.
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
