/**
 * Lentera over HTTP on a seeded database (`npm run bench:http`).
 *
 * Starts the production build (`node dist/server.js`, NODE_ENV=production behind a trusted local
 * proxy, as deployed) on a database filled by the bench seeder (bench/seed.ts; BENCH_HTTP_REPORTS
 * reports, default 1,000,000, kept between runs in BENCH_HTTP_CACHE and reused while its
 * parameters match; each run works on a copy), signs a staff member in through the real pages
 * (password, then a TOTP code), and drives each page with autocannon for BENCH_HTTP_SECONDS
 * (default 5) after a one-second warm-up, 10 connections:
 *
 *   - the baseline: a bare Express "ok" server, started beside it in the same run;
 *   - `/`; the whole public submission (form → POST with its CSRF token → receipt page, 16
 *     residents at once, counted in reports per second);
 *   - the triage queue (default, filtered, a deep page through the keyset cursor), a report, a
 *     case, statistics for one year (ten at once, and one person alone), and the status page a
 *     receipt opens.
 *
 * For each it prints requests/s, p50/p95/p99 (ms, every response timed) and the ratio to the
 * baseline, then the peak RSS of the server's processes (VmHWM), once per WEB_CONCURRENCY in
 * BENCH_HTTP_PROCESSES (default "1,2"), and writes bench/results.json. Information, not a test:
 * nothing is asserted about time; it fails only when a page answers something unexpected.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { projectRoot } from '../src/paths';
import { openMigratedDatabase } from '../src/lentera';
import { totpCodeAt } from '../src/security/totp';
import { seedBench } from './seed';

const REPORTS = Number(process.env.BENCH_HTTP_REPORTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const PROCESSES = (process.env.BENCH_HTTP_PROCESSES ?? '1,2').split(',').map(Number);
const CACHE = process.env.BENCH_HTTP_CACHE ?? path.join(os.tmpdir(), 'lentera-bench-http');
/** To profile: only the pages whose names contain one of these, and Node.js options for the server (`--cpu-prof`). */
const ONLY = (process.env.BENCH_HTTP_ONLY ?? '').split(',').filter(Boolean);
const SERVER_NODE_ARGS = (process.env.BENCH_HTTP_NODE_ARGS ?? '').split(' ').filter(Boolean);
const CONNECTIONS = 10;
const SUBMITTERS = 16;
/** The seeder's PRNG seed: the same data on every machine. */
const SEED = 1;
/** Where the app believes it is served; requests arrive as if from a TLS proxy on the same machine. */
const BASE_URL = 'https://lentera.bench.test';
const PROXY_HEADERS = { 'x-forwarded-proto': 'https', host: 'lentera.bench.test' };
const SERVER_JS = path.join(projectRoot, 'dist', 'server.js');
const RESULTS = path.join(projectRoot, 'bench', 'results.json');

const VALID_REPORT: Record<string, string | string[]> = {
  category: 'neglect',
  affected_groups: ['child'],
  kecamatan: '13.71.01',
  kelurahan: '13.71.01.1001',
  location_detail: 'Dekat masjid, gang ketiga',
  narrative: 'Anak tetangga sering ditinggal sendirian berhari-hari tanpa makanan.',
  urgency: 'normal',
  relation: 'neighbour',
  wants_contact: 'no',
};

function formBody(fields: Record<string, string | string[]>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  return form.toString();
}

function csrfToken(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('No CSRF token on the page');
  return match[1];
}

const decodeEntities = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#x3D;/gi, '=')
    .replace(/&#61;/g, '=');

/** `name=value` pairs from Set-Cookie lines, into `jar` (an emptied cookie is dropped). */
function keepCookies(jar: Map<string, string>, setCookie: string | string[] | undefined): void {
  for (const line of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

// ---------------------------------------------------------------------------------------------
// A browser for the set-up steps (signing in, finding a report, a case, a receipt)

class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly origin: string) {}

  async get(pathname: string, expected = 200): Promise<string> {
    const res = await this.send('GET', pathname);
    if (res.status !== expected) throw new Error(`GET ${pathname} answered ${res.status}, not ${expected}`);
    return res.text;
  }

  async post(
    pathname: string,
    fields: Record<string, string | string[]>,
  ): Promise<{ status: number; location: string | null; text: string }> {
    return this.send('POST', pathname, formBody(fields));
  }

  private async send(method: string, pathname: string, body?: string) {
    const headers: Record<string, string> = { ...PROXY_HEADERS, accept: 'text/html' };
    if (this.cookies.size > 0) headers.cookie = cookieHeader(this.cookies);
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = BASE_URL;
    }
    const res = await fetch(`${this.origin}${pathname}`, { method, headers, body, redirect: 'manual' });
    keepCookies(this.cookies, res.headers.getSetCookie());
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }
}

/** Signs in with the password, then a TOTP code (the next step's code when this step's was spent by an earlier run). */
async function signIn(browser: Browser, account: { email: string; password: string; totpSecret: string }): Promise<void> {
  const login = await browser.post('/login', {
    email: account.email,
    password: account.password,
    _csrf: csrfToken(await browser.get('/login')),
  });
  if (login.status !== 303 || login.location !== '/login/code') throw new Error(`Signing in: the password step answered ${login.status}`);
  for (const ahead of [0, 30_000, 60_000]) {
    const code = await totpCodeAt(account.totpSecret, new Date(Date.now() + ahead));
    const answer = await browser.post('/login/code', { code, _csrf: csrfToken(await browser.get('/login/code')) });
    if (answer.status === 303) return;
  }
  throw new Error('Signing in: no TOTP code was taken');
}

// ---------------------------------------------------------------------------------------------
// Processes: the bare baseline, the server, their memory

/** The baseline: a bare Express app answering "ok", in a process of its own like the server. */
function runBaselineServer(): void {
  const app = express();
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  const server = app.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

async function startBaseline(): Promise<{ origin: string; child: ChildProcess }> {
  const child = fork(__filename, ['--baseline'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the baseline server exited with ${code}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, child };
}

interface Server {
  origin: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the built server and waits until each of its `processes` listens. */
async function startServer(env: Record<string, string>, processes: number): Promise<Server> {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, SERVER_JS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const listening = [...output.matchAll(/listening on [^:]+:(\d+)/g)];
      if (listening.length >= processes) {
        clearInterval(timer);
        resolve(Number(listening[0]![1]));
      }
    }, 20);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`the server exited:\n${output}`));
    });
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The process and its descendants (a cluster's workers). */
function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i += 1) {
    try {
      for (const task of fs.readdirSync(`/proc/${all[i]}/task`)) {
        const children = fs.readFileSync(`/proc/${all[i]}/task/${task}/children`, 'utf8').trim();
        if (children) all.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // The process ended meanwhile.
    }
  }
  return all;
}

/** kB of a /proc/<pid>/status field (VmRSS now, VmHWM the peak so far), per process of the tree. */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number[] {
  return processTree(pid).map((p) => {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  });
}

/** CPU time (user + system, ms) the processes have used so far: what a page costs, however busy the machine is. */
function cpuMsOf(pids: number[]): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const p of pids) {
    try {
      // The fields after the command name (which may hold spaces) are space-separated; utime and stime are 14th and 15th.
      const fields = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return (ticks * 1000) / ticksPerSecond;
}

const mb = (kb: number) => Math.round(kb / 1024);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// Measuring

interface Measured {
  name: string;
  requestsPerSecond: number;
  /** For the submission: reports filed per second (three requests each). */
  reportsPerSecond?: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  /** The server's CPU time per request (all its processes), in ms: its cost, apart from how busy the machine was. */
  cpuMsPerRequest?: number;
  /** Average size of an answer, headers and body. */
  bytesPerResponse: number;
  unexpected: number;
  ratioToBaseline?: number;
  /** RSS of the server's processes when this page's run ended (MB). */
  rssAfterMb?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

type Request = autocannon.Request;

/**
 * One page (or sequence) under load: a warm-up second, then `SECONDS` measured; every response's
 * latency kept, and any answer other than `expected` counted (and the run reported as failing).
 */
async function measure(
  name: string,
  origin: string,
  requests: Request[],
  options: { connections?: number; expected?: (status: number, index: number) => boolean; headers?: Record<string, string> } = {},
  serverPid?: number,
): Promise<Measured> {
  const connections = options.connections ?? CONNECTIONS;
  const expected = options.expected ?? ((status: number) => status === 200);
  const run = async (duration: number, track: boolean) => {
    const latencies: number[] = [];
    let unexpected = 0;
    let position = 0;
    let finished: (result: autocannon.Result) => void = () => undefined;
    let failed: (err: unknown) => void = () => undefined;
    const done = new Promise<autocannon.Result>((resolve, reject) => ((finished = resolve), (failed = reject)));
    const instance = autocannon({ url: origin, connections, duration, requests, headers: options.headers }, (err, result) =>
      err ? failed(err) : finished(result),
    );
    if (track) {
      // Responses of one connection come in request order; sequences are counted per client.
      const positions = new Map<unknown, number>();
      instance.on('response', (client: unknown, status: number, _bytes: number, ms: number) => {
        position = positions.get(client) ?? 0;
        positions.set(client, (position + 1) % requests.length);
        latencies.push(ms);
        if (!expected(status, position)) unexpected += 1;
      });
    }
    const result = await done;
    return { result, latencies, unexpected };
  };
  await run(1, false);
  const pids = serverPid === undefined ? [] : processTree(serverPid);
  const cpuBefore = cpuMsOf(pids);
  const { result, latencies, unexpected } = await run(SECONDS, true);
  const cpuMs = cpuMsOf(pids) - cpuBefore;
  latencies.sort((a, b) => a - b);
  const elapsed = result.duration;
  return {
    name,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    requests: latencies.length,
    ...(serverPid === undefined ? {} : { cpuMsPerRequest: round(cpuMs / Math.max(1, latencies.length), 3) }),
    bytesPerResponse: Math.round(result.throughput.total / Math.max(1, result.requests.total)),
    unexpected: unexpected + result.errors + result.timeouts,
  };
}

// ---------------------------------------------------------------------------------------------
// The pages

interface Targets {
  reportPath: string;
  casePath: string;
  deepQueuePath: string;
  statsPath: string;
  staffCookie: string;
  statusCookie: string;
}

/** Finds what the staff pages will be asked for, as a person would: through the pages themselves. */
async function findTargets(origin: string, account: { email: string; password: string; totpSecret: string }): Promise<Targets> {
  const staff = new Browser(origin);
  await signIn(staff, account);
  const queue = await staff.get('/staff/queue');
  const report = /href="(\/staff\/reports\/[^"?#]+)"/.exec(queue)?.[1];
  if (!report) throw new Error('The queue shows no report');
  // Deep in the queue: 40 pages on through the keyset cursor ("next" link).
  let deep = '/staff/queue';
  for (let page = 0; page < 40; page += 1) {
    const html = await staff.get(deep);
    const next = /href="(\/staff\/queue\?[^"]*after=[^"]+)"/.exec(html)?.[1];
    if (!next) break;
    deep = decodeEntities(next);
  }
  const cases = await staff.get('/staff/cases');
  const kase = /href="(\/staff\/cases\/[^"?#]+)"/.exec(cases)?.[1];
  if (!kase) throw new Error('The case list shows no case');
  // Statistics for last year (a full calendar year of reports).
  const year = new Date().getUTCFullYear() - 1;
  const statsPath = `/staff/stats?from=${year}-01-01&to=${year}-12-31`;

  // A resident who files a report, notes her receipt and opens its status page.
  const resident = new Browser(origin);
  const filed = await resident.post('/report', { ...VALID_REPORT, _csrf: csrfToken(await resident.get('/report')) });
  if (filed.status !== 303) throw new Error(`Filing a report answered ${filed.status}`);
  const receipt = /data-receipt>([\d ]+)</.exec(await resident.get('/report/receipt'))?.[1]?.replace(/ /g, '');
  if (!receipt) throw new Error('The receipt page shows no receipt');
  const opened = await resident.post('/status', { receipt, _csrf: csrfToken(await resident.get('/status')) });
  if (opened.status !== 303) throw new Error(`Checking the receipt answered ${opened.status}`);
  await resident.get('/status');

  return {
    reportPath: decodeEntities(report),
    casePath: decodeEntities(kase),
    deepQueuePath: deep,
    statsPath,
    staffCookie: cookieHeader(staff.cookies),
    statusCookie: cookieHeader(resident.cookies),
  };
}

/** form → POST with its token → receipt page; each connection a new resident with her own cookies. */
function submissionSequence(): Request[] {
  type Context = { cookies?: Map<string, string>; token?: string };
  const withCookies = (req: Request, context: Context): Request => ({
    ...req,
    headers: { ...req.headers, ...PROXY_HEADERS, ...(context.cookies?.size ? { cookie: cookieHeader(context.cookies) } : {}) },
  });
  return [
    {
      method: 'GET',
      path: '/report',
      setupRequest: (req: Request, context: Context) => {
        context.cookies = new Map();
        return withCookies(req, context);
      },
      onResponse: (_status: number, body: string, context: Context, headers: Record<string, string | string[]>) => {
        keepCookies(context.cookies!, headers['set-cookie'] ?? headers['Set-Cookie']);
        context.token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
      },
    },
    {
      method: 'POST',
      path: '/report',
      setupRequest: (req: Request, context: Context) =>
        withCookies(
          {
            ...req,
            headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE_URL },
            body: formBody({ ...VALID_REPORT, _csrf: context.token ?? '' }),
          },
          context,
        ),
      onResponse: (_status: number, _body: string, context: Context, headers: Record<string, string | string[]>) => {
        keepCookies(context.cookies!, headers['set-cookie'] ?? headers['Set-Cookie']);
      },
    },
    {
      method: 'GET',
      path: '/report/receipt',
      setupRequest: (req: Request, context: Context) => withCookies(req, context),
    },
  ] as Request[];
}

/**
 * Waits until the server is idle (under 10 % of a core for three seconds running): what it does once
 * at its start would otherwise be counted against the pages — the integrity check of the whole
 * file (PRAGMA quick_check in a worker thread, half a minute and more at a million reports) and
 * the mail found due (a seeded database holds redirects whose one reminder is due).
 */
async function settled(pid: number): Promise<void> {
  const deadline = Date.now() + 5 * 60 * 1000;
  let said = false;
  for (let quiet = 0; quiet < 3 && Date.now() < deadline;) {
    const before = cpuMsOf(processTree(pid));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busy = cpuMsOf(processTree(pid)) - before;
    quiet = busy < 100 ? quiet + 1 : 0;
    if (quiet === 0 && !said) {
      console.error('  waiting for the server to finish its start-up work (integrity check, mail due) …');
      said = true;
    }
  }
}

async function benchServer(processes: number, baseline: number, env: Record<string, string>, account: StaffSignIn) {
  const server = await startServer({ ...env, WEB_CONCURRENCY: String(processes) }, processes);
  const rssIdle = mb(sum(memoryOf(server.child.pid!, 'VmRSS')));
  const results: Measured[] = [];
  try {
    await settled(server.child.pid!);
    const targets = await findTargets(server.origin, account);
    const staff = { ...PROXY_HEADERS, cookie: targets.staffCookie };
    const pages: [string, Request[], Parameters<typeof measure>[3]][] = [
      ['/', [{ method: 'GET', path: '/' }], { headers: PROXY_HEADERS }],
      [
        'public submission (form → POST → receipt)',
        submissionSequence(),
        { connections: SUBMITTERS, expected: (status, index) => status === (index === 1 ? 303 : 200) },
      ],
      ['/staff/queue', [{ method: 'GET', path: '/staff/queue' }], { headers: staff }],
      ['/staff/queue, filtered', [{ method: 'GET', path: '/staff/queue?status=open&category=neglect&urgency=normal' }], { headers: staff }],
      ['/staff/queue, deep page (keyset)', [{ method: 'GET', path: targets.deepQueuePath }], { headers: staff }],
      ['report detail', [{ method: 'GET', path: targets.reportPath }], { headers: staff }],
      ['case', [{ method: 'GET', path: targets.casePath }], { headers: staff }],
      ['statistics, one year', [{ method: 'GET', path: targets.statsPath }], { headers: staff }],
      // What one supervisor waits for a year's figures (the budget's "each"), not ten at once in a queue.
      ['statistics, one year, one person', [{ method: 'GET', path: targets.statsPath }], { headers: staff, connections: 1 }],
      [
        'status page (receipt session)',
        [{ method: 'GET', path: '/status' }],
        { headers: { ...PROXY_HEADERS, cookie: targets.statusCookie } },
      ],
    ];
    for (const [name, requests, options] of pages.filter(
      ([name]) => ONLY.length === 0 || ONLY.some((o) => name === o || (o.length > 1 && name.includes(o))),
    )) {
      const m = await measure(name, server.origin, requests, options, server.child.pid!);
      if (name.startsWith('public submission')) m.reportsPerSecond = Math.round(m.requestsPerSecond / 3);
      m.ratioToBaseline = round(m.requestsPerSecond / baseline, 3);
      m.rssAfterMb = mb(sum(memoryOf(server.child.pid!, 'VmRSS')));
      results.push(m);
      console.error(`  ${name}: ${m.requestsPerSecond} req/s, p95 ${m.p95} ms, ${m.cpuMsPerRequest} ms CPU each, RSS ${m.rssAfterMb} MB`);
    }
    const peaks = memoryOf(server.child.pid!, 'VmHWM');
    return { processes, results, rssIdleMb: rssIdle, peakRssMb: mb(sum(peaks)), peakRssPerProcessMb: peaks.map(mb) };
  } catch (err) {
    console.error(server.output());
    throw err;
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The database

interface StaffSignIn {
  email: string;
  password: string;
  totpSecret: string;
}

/**
 * A seeded database for `reports`, from the cache when one was made with the same parameters
 * (and the same migrations), else seeded anew by bench/seed.ts; the run itself works on a copy, so
 * every run starts from the same data.
 */
async function seededDatabase(reports: number): Promise<{ dir: string; dataKey: string; supervisors: StaffSignIn[] }> {
  // Another seeder (its built file changed) seeds anew; new migrations are applied to the cached copy.
  const seeder = crypto.createHash('sha256');
  for (const file of ['seed.js', 'seedGenerator.js', 'seedCipher.js']) seeder.update(fs.readFileSync(path.join(__dirname, file)));
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify({ reports, seed: SEED, seeder: seeder.digest('hex') }))
    .digest('hex')
    .slice(0, 16);
  const cached = path.join(CACHE, `${reports}-${key}`);
  const manifest = path.join(cached, 'bench.json');
  if (!fs.existsSync(manifest)) {
    fs.rmSync(cached, { recursive: true, force: true });
    fs.mkdirSync(cached, { recursive: true, mode: 0o700 });
    const dataKey = crypto.randomBytes(32).toString('hex');
    console.error(`Seeding ${reports.toLocaleString('en')} reports into ${cached} (kept for later runs) …`);
    let shown = -1;
    const seeded = await seedBench({
      reports,
      databasePath: path.join(cached, 'lentera.db'),
      env: { DATA_KEY: dataKey },
      seed: SEED,
      onProgress: (done, total) => {
        const percent = Math.floor((100 * done) / total);
        if (percent !== shown) process.stderr.write(`\r  ${(shown = percent)} %`);
      },
    });
    process.stderr.write(`\n  seeded in ${seeded.seconds.toFixed(1)} s\n`);
    const supervisors = seeded.accounts
      .filter((a) => a.role === 'supervisor')
      .map(({ email, password, totpSecret }) => ({ email, password, totpSecret }));
    fs.writeFileSync(manifest, JSON.stringify({ reports, dataKey, supervisors }));
  } else {
    console.error(`Using the seeded database in ${cached}.`);
  }
  const { dataKey, supervisors } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dataKey: string; supervisors: StaffSignIn[] };
  openMigratedDatabase({ DATABASE_PATH: path.join(cached, 'lentera.db'), DATA_KEY: dataKey }, { create: false }).close();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-bench-http-run-'));
  for (const f of ['lentera.db', 'lentera.db-wal']) {
    if (fs.existsSync(path.join(cached, f))) fs.copyFileSync(path.join(cached, f), path.join(dir, f));
  }
  return { dir, dataKey, supervisors };
}

// ---------------------------------------------------------------------------------------------

function table(results: Measured[], baseline: Measured): string {
  const lines = [
    '| page | req/s | p50 ms | p95 ms | p99 ms | × baseline | server CPU ms/req | KB/answer |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of [baseline, ...results]) {
    const rate = m.reportsPerSecond !== undefined ? `${m.requestsPerSecond} (${m.reportsPerSecond} reports/s)` : `${m.requestsPerSecond}`;
    const ratio = m === baseline ? '1' : `${m.ratioToBaseline}`;
    lines.push(
      `| ${m.name} | ${rate} | ${m.p50} | ${m.p95} | ${m.p99} | ${ratio} | ${m.cpuMsPerRequest ?? ''} | ${round(m.bytesPerResponse / 1024, 1)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (!fs.existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run npm run build`);
  const { dir, dataKey, supervisors } = await seededDatabase(REPORTS);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    BASE_URL,
    TRUST_PROXY: 'loopback',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: path.join(dir, 'lentera.db'),
    DATA_KEY: dataKey,
    SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
    OUTBOX_POLL_SECONDS: '3600',
    // Thousands of reports and receipt checks from one address, on purpose.
    RATE_REPORTS_PER_IP: '10000000',
    RATE_REPORTS_GLOBAL: '10000000',
    RATE_RECEIPT_CHECKS_PER_IP: '10000000',
    RATE_RECEIPT_CHECKS_GLOBAL: '10000000',
  };
  const baselineServer = await startBaseline();
  const runs = [];
  let baseline: Measured | undefined;
  try {
    for (const processes of PROCESSES) {
      baseline = await measure('baseline: bare Express "ok"', baselineServer.origin, [{ method: 'GET', path: '/' }]);
      console.error(`WEB_CONCURRENCY=${processes} (baseline ${baseline.requestsPerSecond} req/s) …`);
      // A TOTP code works once per 30-second step: each run signs in as another supervisor when it can.
      const account = supervisors[runs.length % supervisors.length]!;
      const run = await benchServer(processes, baseline.requestsPerSecond, env, account);
      runs.push({ ...run, baseline });
      console.log(
        `\nWEB_CONCURRENCY=${processes}, ${REPORTS.toLocaleString('en')} reports, ${SECONDS} s each, ${CONNECTIONS} connections:\n`,
      );
      console.log(table(run.results, baseline));
      console.log(
        `\nserver RSS: ${run.rssIdleMb} MB idle, peak ${run.peakRssMb} MB` +
          (run.peakRssPerProcessMb.length > 1 ? ` (${run.peakRssPerProcessMb.join(' + ')} MB)` : ''),
      );
    }
  } finally {
    baselineServer.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const failed = runs.flatMap((r) => r.results.filter((m) => m.unexpected > 0).map((m) => `${m.name} (${r.processes}): ${m.unexpected}`));
  fs.writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        when: new Date().toISOString(),
        machine: {
          cpus: os.cpus().length,
          model: os.cpus()[0]?.model,
          node: process.version,
          memoryGb: Math.round(os.totalmem() / 2 ** 30),
        },
        reports: REPORTS,
        secondsEach: SECONDS,
        connections: CONNECTIONS,
        submitters: SUBMITTERS,
        runs,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nWritten to ${path.relative(process.cwd(), RESULTS)}.`);
  if (failed.length > 0) {
    console.error(`Unexpected answers: ${failed.join('; ')}`);
    process.exitCode = 1;
  }
}

if (process.argv.includes('--baseline')) runBaselineServer();
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
