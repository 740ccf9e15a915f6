import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { projectRoot } from '../../src/paths';
import { fileReportUpToRedirect, postForm, receiptOn } from '../helpers/receipts';
import { CookieJar, SERVER_JS, processEnv, runCommand, startListening, type ServerProcess } from '../helpers/serverProcess';

/**
 * A copy that survives the machine (docs/operations.md#replication): the real Litestream binary
 * that `npm ci` installs, replicating a real server's database to a directory while residents file
 * reports over HTTP; then the machine is "lost" (every process killed, the whole data directory
 * deleted), the database is restored from the replica alone, and every receipt shown before the
 * loss opens its report again — with the data key, which was backed up apart and is not in the
 * replica. Nothing here waits a fixed time: it polls the replica itself until it holds the reports.
 */

const LITESTREAM = path.join(projectRoot, 'node_modules', '@flydotio', `litestream-${process.platform}-${process.arch}`, 'litestream');
// The npm package ships the binary for Linux x86-64 (package.json's optionalDependencies): there the
// test always runs, and fails if the binary is missing.
const shipped = (process.platform === 'linux' && process.arch === 'x64') || fs.existsSync(LITESTREAM);
const REPORTS = 5;

/** Runs the Litestream binary to its end. */
function litestream(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(LITESTREAM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
    child.once('error', (e) => resolve({ code: null, output: e.message }));
  });
}

/** The number of reports in the replica as a restore would bring it back now, or -1 when it has none yet. */
async function reportsInReplica(config: string, databasePath: string, probe: string): Promise<number> {
  fs.rmSync(probe, { force: true });
  const restored = await litestream(['restore', '-config', config, '-o', probe, databasePath]);
  if (restored.code !== 0) return -1;
  try {
    const db = new Database(probe);
    try {
      return db.prepare('SELECT count(*) FROM reports').pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return -1; // Restored while a segment was being written: not there yet, look again.
  } finally {
    for (const f of [probe, `${probe}-wal`, `${probe}-shm`]) fs.rmSync(f, { force: true });
  }
}

/** Polls until `condition` holds; a generous deadline, so that only a real failure ends here. */
async function eventually(what: string, condition: () => Promise<boolean>, seconds = 120): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Still not so after ${seconds} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

(shipped ? describe : describe.skip)('replication with Litestream', () => {
  let root: string;
  const running: ServerProcess[] = [];

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-replication-'));
  });

  afterEach(async () => {
    // Whatever a failed test left running: the whole process group (Litestream and the servers under it).
    for (const p of running.splice(0)) {
      try {
        process.kill(-p.child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await p.exited;
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('restores every report whose receipt was shown, and opens them with the data key kept apart', async () => {
    const dataDir = path.join(root, 'data');
    const databasePath = path.join(dataDir, 'lentera.db');
    const replicaDir = path.join(root, 'replica');
    const keyBackup = path.join(root, 'key-backup', 'data.key');
    const probe = path.join(root, 'probe', 'lentera.db');
    fs.mkdirSync(path.dirname(probe));

    // The shipped configuration, with this test's paths for the database and the file replica.
    const shippedConfig = fs.readFileSync(path.join(projectRoot, 'deploy', 'litestream.yml'), 'utf8');
    expect(shippedConfig).toContain('path: /var/lib/lentera/lentera.db');
    expect(shippedConfig).toContain('path: /mnt/lentera-replica/lentera.db');
    const config = path.join(root, 'litestream.yml');
    fs.writeFileSync(
      config,
      shippedConfig
        .replace('path: /var/lib/lentera/lentera.db', `path: ${databasePath}`)
        .replace('path: /mnt/lentera-replica/lentera.db', `path: ${path.join(replicaDir, 'lentera.db')}`),
    );

    // As production runs it: no DATA_KEY, so the first start generates data.key in the data
    // directory; two server processes; Litestream starts them (`replicate -exec`).
    const env = processEnv(dataDir, { WEB_CONCURRENCY: '2', RATE_REPORTS_PER_IP: '100', RATE_RECEIPT_CHECKS_PER_IP: '100' });
    delete env.DATA_KEY;
    const replicate = () =>
      startListening(
        LITESTREAM,
        ['replicate', '-config', config, '-exec', `${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER_JS)}`],
        env,
        projectRoot,
        { detached: true },
      ).then((p) => {
        running.push(p);
        return p;
      });

    const first = await replicate();
    expect(first.output()).toMatch(/WARNING: Generated .*data\.key/);
    // The operator backs the key up apart from the database (and from the replica).
    fs.mkdirSync(path.dirname(keyBackup));
    fs.copyFileSync(path.join(dataDir, 'data.key'), keyBackup);

    const receipts: string[] = [];
    for (let i = 0; i < REPORTS; i += 1) {
      const jar = new CookieJar();
      await fileReportUpToRedirect(first.url, jar);
      const receipt = receiptOn(await (await jar.fetch(`${first.url}/report/receipt`)).text());
      expect(receipt).toMatch(/^\d{16}$/);
      receipts.push(receipt!);
    }

    // Litestream ships each change within about a second: wait until the replica, restored, holds them all.
    await eventually(
      `the replica holds the ${REPORTS} reports`,
      async () => (await reportsInReplica(config, databasePath, probe)) === REPORTS,
    );

    // The machine is lost: every process dies at once (no last sync), and the data directory is gone —
    // the database, its -wal and -shm, the secrets and Litestream's own bookkeeping beside them.
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(fs.existsSync(databasePath)).toBe(false);

    // The replica holds the database only: never the key.
    const replicaFiles = fs.readdirSync(replicaDir, { recursive: true, encoding: 'utf8' });
    expect(replicaFiles.filter((f) => f.includes('key') || f.includes('secret'))).toEqual([]);

    // Restore to the original path, on an empty data directory as a new machine would have it.
    fs.mkdirSync(dataDir, { mode: 0o700 });
    const restored = await litestream(['restore', '-config', config, databasePath]);
    expect(restored).toMatchObject({ code: 0 });
    expect(fs.existsSync(databasePath)).toBe(true);

    // Without the key the start stops, with the one line that says what to do.
    await expect(replicate()).rejects.toThrow(
      /exited with 1:[\s\S]*No DATA_KEY in the environment and no .*data\.key, but the database at .* holds data: without the key it was written with none of it can be read\. Restore data\.key \(or set DATA_KEY\) from your backup; refusing to start\./,
    );

    // With the key from its backup, the restored database checks out: the key opens it and the audit chain is whole.
    fs.copyFileSync(keyBackup, path.join(dataDir, 'data.key'));
    fs.chmodSync(path.join(dataDir, 'data.key'), 0o600);
    const verified = await runCommand('auditVerify', [], env);
    expect(verified.err).toBe('');
    expect(verified).toMatchObject({ code: 0, out: expect.stringMatching(/^Audit log intact: \d+ events/) });

    // …and every receipt shown before the loss opens its report.
    const second = await replicate();
    for (const receipt of receipts) {
      const jar = new CookieJar();
      const opened = await postForm(second.url, jar, '/status', '/status', { receipt });
      expect(opened.status).toBe(303);
      expect(await (await jar.fetch(`${second.url}/status`)).text()).toContain('id="current-status"');
    }

    // Litestream replicates the restored database in turn, and stops as systemd stops it (KillMode=mixed):
    // SIGTERM to Litestream alone, which hands it to the server, waits for it, ships the rest and exits 0.
    await eventually(
      'the restored database is replicated again',
      async () => (await reportsInReplica(config, databasePath, probe)) === REPORTS,
    );
    expect(await second.kill('SIGTERM')).toBe(0);
    expect(second.output()).toContain('Lentera stopped');
    expect(second.output()).toContain('litestream shut down');
  }, 300_000);
});
