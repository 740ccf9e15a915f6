/**
 * A production install of a build (docs/production.md), for real: what a release holds is copied
 * to a folder of its own, `npm ci --omit=dev` installs it there (no TypeScript, no jest; the
 * native better-sqlite3 is built as on a server), and the built server runs from it with its data
 * directory elsewhere — as an unprivileged user when the test runs as root. Slow (npm builds
 * better-sqlite3 from source when no prebuilt binary can be fetched): `npm run test:production`,
 * run by .ci/run, not part of `npm test`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { startServer, type ServerProcess } from '../helpers/serverProcess';

/** What a release holds: the build and the files the built app reads at run time (no src/, test/ or bench/). */
const RELEASE = ['package.json', 'package-lock.json', 'scripts', 'dist', 'views', 'public', 'migrations', 'reference'];

/** The unprivileged user the server runs as when the test is root ("nobody" on Debian). */
const NOBODY = { uid: 65534, gid: 65534 };

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), output }));
  });
}

/** The environment npm gets: this one without the outer `npm run`'s own variables, this Node first on PATH. */
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_ENV'));
  const nodeBin = path.dirname(process.execPath);
  env.PATH = `${nodeBin}${path.delimiter}${process.env.PATH ?? ''}`;
  // Native addons are built against this Node's own headers when they sit beside it (a Node from a
  // tarball or the npm registry), whatever nodedir the machine's npm configuration names.
  const prefix = path.dirname(nodeBin);
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_version.h'))) env.npm_config_nodedir = prefix;
  return env;
}

/** Every file under `dir` but node_modules/, relative to it. */
function filesOf(dir: string, under = ''): string[] {
  return fs.readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(under, e.name);
    if (rel === 'node_modules') return [];
    return e.isDirectory() ? filesOf(dir, rel) : [rel];
  });
}

describe('a production-only install of a build', () => {
  let release: string;
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(() => {
    release = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-release-'));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-release-data-'));
  });

  afterAll(async () => {
    await server?.kill('SIGTERM');
    fs.rmSync(release, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'installs without dev dependencies and serves /healthz from dist/, its data outside the code',
    async () => {
      expect(fs.existsSync(path.join(projectRoot, 'dist', 'server.js'))).toBe(true); // pretest:production builds
      for (const entry of RELEASE) fs.cpSync(path.join(projectRoot, entry), path.join(release, entry), { recursive: true });

      const install = await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], release, npmEnv());
      expect({ code: install.code, output: install.code === 0 ? '' : install.output }).toEqual({ code: 0, output: '' });
      // The prepare step saw no TypeScript and built nothing; npm had no install script left unapproved.
      expect(install.output).toMatch(/TypeScript is not installed \(a production install\): not building/);
      expect(install.output).not.toMatch(/allowScripts/);

      const modules = path.join(release, 'node_modules');
      for (const dev of ['typescript', 'jest', 'ts-jest', 'eslint', '@types/node'])
        expect({ dev, installed: fs.existsSync(path.join(modules, dev)) }).toEqual({ dev, installed: false });
      expect(fs.existsSync(path.join(modules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
      // Litestream comes with the production dependencies where its npm package ships it (docs/production.md#6-replication-with-litestream).
      if (process.platform === 'linux' && process.arch === 'x64') {
        const litestream = await run(path.join(modules, '@flydotio', 'litestream-linux-x64', 'litestream'), ['version'], release, {});
        expect(litestream).toEqual({ code: 0, output: 'v0.3.13\n' });
      }

      // Root (CI) runs the server as an unprivileged user, who may read the code and write only the data directory.
      const asRoot = process.getuid?.() === 0;
      fs.chmodSync(release, 0o755);
      if (asRoot) fs.chownSync(dataDir, NOBODY.uid, NOBODY.gid);
      const before = filesOf(release).sort();
      const env = {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        BASE_URL: 'https://lentera.example.org',
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_PATH: path.join(dataDir, 'lentera.db'),
        OUTBOX_POLL_SECONDS: '3600',
      };
      server = await startServer(env, release, asRoot ? NOBODY : {}, path.join(release, 'dist', 'server.js'));

      const health = await fetch(`${server.url}/healthz`);
      expect({ status: health.status, body: await health.json() }).toMatchObject({ status: 200, body: { status: 'ok' } });
      // The pages speak from the locale texts shipped in dist/ (the release has no src/).
      const home = await fetch(`${server.url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Keluar cepat');

      // The database and the generated secrets went to the data directory; nothing was written beside the code.
      expect(fs.readdirSync(dataDir)).toEqual(expect.arrayContaining(['lentera.db', 'data.key', 'session.secret']));
      expect(filesOf(release).sort()).toEqual(before);
    },
    10 * 60_000,
  );
});
