import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { TEST_DATA_KEY } from './testApp';

export const SERVER_JS = path.join(projectRoot, 'dist', 'server.js');
export const distCli = (name: string) => path.join(projectRoot, 'dist', 'cli', `${name}.js`);

/** The environment of a real server or command on the data folder `dir` (a test database). */
export function processEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_PATH: path.join(dir, 'lentera.db'),
    DATA_KEY: TEST_DATA_KEY,
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
    OUTBOX_POLL_SECONDS: '3600',
    // One process, as the tests of a single server expect; the cluster's tests set WEB_CONCURRENCY=2.
    WEB_CONCURRENCY: '1',
    ...extra,
  };
}

export interface ServerProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  port: number;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts the built server (`npm run build` first; `pretest` does it) and waits until it listens;
 * `serverJs` is another build's server.js (a release installed elsewhere).
 */
export async function startServer(
  env: Record<string, string>,
  cwd: string = projectRoot,
  as: { uid?: number; gid?: number } = {},
  serverJs: string = SERVER_JS,
): Promise<ServerProcess> {
  if (!fs.existsSync(serverJs)) throw new Error(`${serverJs} is missing: run npm run build`);
  return startListening(process.execPath, [serverJs], env, cwd, as);
}

/**
 * Runs `command` (the server, or a program that runs it: `litestream replicate -exec …`) and waits
 * until the server it starts listens. `detached` makes it a process group of its own, so that
 * `process.kill(-child.pid, …)` reaches it and every process under it at once.
 */
export async function startListening(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string = projectRoot,
  options: { uid?: number; gid?: number; detached?: boolean } = {},
): Promise<ServerProcess> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
    // A server that could not be started at all (a Node.js its user may not run, say) ends here, not in a timeout.
    child.once('error', (e) => resolve(e.message));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on [^:]+:(\d+)/.exec(output);
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`server exited with ${code}: ${output}`));
    });
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs a built command (`dist/cli/<name>.js`) to its end. */
export function runCommand(
  name: string,
  args: string[],
  env: Record<string, string>,
  cwd: string = projectRoot,
): Promise<{ code: number; out: string; err: string }> {
  return runScript(distCli(name), args, env, cwd);
}

/** Runs a built script (a command, or a bench in dist-bench/) with Node.js to its end. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  cwd: string = projectRoot,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** A browser's cookies for one site, enough for these tests (no paths or expiry). */
export class CookieJar {
  /** `send`: how requests go out (a connection to one server process of several: test/helpers/cluster.ts). */
  constructor(
    private readonly cookies = new Map<string, string>(),
    private readonly send: (url: string, init: RequestInit) => Promise<Response> = fetch,
  ) {}

  /** The same cookies (shared, not copied), its requests sent through `send`. */
  through(send: (url: string, init: RequestInit) => Promise<Response>): CookieJar {
    return new CookieJar(this.cookies, send);
  }

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** The cookies as they are now, kept apart: what a shared phone would still hold after this browser moved on. */
  copy(): CookieJar {
    const copy = new CookieJar();
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }

  /** A request as the browser makes it: its cookies sent, those it is given kept, redirects not followed. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('Cookie', this.header());
    const res = await this.send(url, { ...init, headers, redirect: 'manual' });
    this.store(res);
    return res;
  }
}
