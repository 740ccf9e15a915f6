import { Worker } from 'node:worker_threads';
import type { Db } from './db';
import type { DatabaseState, HealthReport } from '../domain/health';

function stateOf(err: unknown): DatabaseState {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  return 'unavailable';
}

// Runs in a worker thread, on its own read-only connection, so a check of a large file never
// holds up the web server's event loop.
const quickCheckWorker = `
const { parentPort, workerData } = require('node:worker_threads');
let result;
try {
  const Database = require(workerData.driver);
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const rows = db.pragma('quick_check(10)', { simple: false });
    result = { ok: rows.length === 1 && rows[0].quick_check === 'ok' };
  } finally {
    db.close();
  }
} catch (err) {
  result = { ok: false, error: String(err && err.code || err) };
}
parentPort.postMessage(result);
`;

/** One `PRAGMA quick_check` of the database file, off the main thread; `ok` is null when it was stopped. */
function quickCheck(file: string): { result: Promise<{ ok: boolean | null }>; stop: () => void } {
  const worker = new Worker(quickCheckWorker, { eval: true, workerData: { file, driver: require.resolve('better-sqlite3') } });
  const result = new Promise<{ ok: boolean | null }>((resolve) => {
    worker.once('message', (m: { ok: boolean }) => resolve({ ok: m.ok }));
    worker.once('error', () => resolve({ ok: false }));
    worker.once('exit', () => resolve({ ok: null }));
  });
  return { result, stop: () => void worker.terminate() };
}

/**
 * What /healthz reports about the database: a tiny write in a transaction that is rolled back
 * (a read-only file, a full disk or a locked database fail it; nothing is kept), and the result of
 * a periodic quick_check (damaged pages), run every `intervalMs` from `start()`.
 */
export function createDatabaseHealth(db: Db, file: string, intervalMs: number, log: (message: string) => void) {
  // Larger than a page, so that the write needs room in the file, as a real one may.
  const probe = db.prepare('INSERT INTO health_probe (filler) VALUES (zeroblob(8192))');
  let integrity: HealthReport['integrity'] = null;
  let timer: NodeJS.Timeout | undefined;
  let running: { done: Promise<void>; stop: () => void } | undefined;

  function runCheck(): void {
    if (running) return;
    const check = quickCheck(file);
    const done = check.result
      .then(({ ok }) => {
        if (ok === null) return;
        if (!ok && integrity?.ok !== false)
          log(`Database integrity check FAILED for ${file}: /healthz now reports it; restore from a backup.`);
        integrity = { ok, at: new Date().toISOString() };
      })
      .finally(() => {
        running = undefined;
      });
    running = { done, stop: check.stop };
  }

  return {
    report(): HealthReport {
      let state: DatabaseState = 'ok';
      try {
        db.transaction(() => {
          probe.run();
          throw new RolledBack();
        }).immediate();
      } catch (err) {
        if (!(err instanceof RolledBack)) state = stateOf(err);
      }
      if (state === 'ok' && integrity?.ok === false) state = 'corrupt';
      return { state, integrity };
    },

    /** Checks now, then every interval (an in-memory database has no file to check). */
    start(): void {
      if (file === ':memory:' || timer) return;
      runCheck();
      timer = setInterval(runCheck, intervalMs);
      timer.unref();
    },

    /** The check in progress, if any (tests wait for the first one). */
    settled(): Promise<void> {
      return running?.done ?? Promise.resolve();
    },

    /** No more checks; one in progress is stopped (its worker ends). */
    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
      running?.stop();
    },
  };
}

class RolledBack extends Error {}

export type DatabaseHealth = ReturnType<typeof createDatabaseHealth>;
