/**
 * Page weight and latency of the public pages (`npm run bench`).
 *
 * Boots the real app (src/bootstrap) on a temporary database, serves it on 127.0.0.1 and, in both
 * languages, walks every public page as a visitor would: home, the report form (empty and with
 * errors), the receipt after a real submission and its print view, the status check (empty and
 * with a wrong receipt), the status page of an opened report, the page after "I have noted the
 * code" and the receipt page after it, privacy, the public summary (/transparency), and a 404. For each
 * page it fetches the HTML and every same-origin stylesheet, script and image it references
 * (uncompressed, as if nothing were cached), and checks:
 *
 *   - each page with its assets is under the budget (50 KB = 51200 bytes);
 *   - no page refers to another origin in a resource it loads (link, script, img, …) or in a link,
 *     the quick exit included: it goes through the site's own /exit, which sends the visitor on.
 *
 * Then it times GET / and POST /report over a bounded number of sequential requests and prints
 * the median and 95th percentile (information only). Exits non-zero when a check fails.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { bootstrap, type Lentera } from '../src/bootstrap';

const BUDGET_BYTES = 50 * 1024;
const LATENCY_WARMUP = 10;
const LATENCY_RUNS = 200;
/** However it goes, the bench ends: this fires only if something were left holding the process open. */
const WATCHDOG_MS = 5 * 60 * 1000;

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

// ---------------------------------------------------------------------------------------------
// Serving the app

interface Served {
  lentera: Lentera;
  /** What the app logged (the first-start setup link among it); printed only when the bench fails. */
  logs: string[];
  baseUrl: string;
  dir: string;
  stop(): Promise<void>;
}

/** Listens first (port 0), then builds the app with BASE_URL equal to the origin it is served on. */
async function serve(): Promise<Served> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-bench-'));
  let handler: http.RequestListener | undefined;
  const server = http.createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stopServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const logs: string[] = [];
  let lentera: Lentera;
  try {
    lentera = bootstrap(
      {
        // Not 'production': that needs an https BASE_URL, and this bench speaks plain HTTP on 127.0.0.1.
        NODE_ENV: 'development',
        BASE_URL: baseUrl,
        DATABASE_PATH: path.join(dir, 'lentera.db'),
        DATA_KEY: crypto.randomBytes(32).toString('hex'),
        SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
        // Many reports from one address on purpose.
        RATE_REPORTS_PER_IP: '100000',
        RATE_REPORTS_GLOBAL: '100000',
        RATE_RECEIPT_CHECKS_PER_IP: '100000',
        RATE_RECEIPT_CHECKS_GLOBAL: '100000',
      },
      { log: (m) => logs.push(m) },
    );
  } catch (err) {
    await stopServer();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  handler = lentera.app;
  return {
    lentera,
    logs,
    baseUrl,
    dir,
    async stop() {
      await stopServer();
      lentera.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A visitor: cookies kept between requests, redirects followed by hand, bodies as bytes

interface Fetched {
  url: string;
  status: number;
  location: string | null;
  contentType: string;
  body: Buffer;
  text: string;
}

class Visitor {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async get(pathOrUrl: string): Promise<Fetched> {
    return this.send('GET', pathOrUrl);
  }

  async post(pathOrUrl: string, fields: Record<string, string | string[]>): Promise<Fetched> {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
    return this.send('POST', pathOrUrl, form.toString());
  }

  /** Follows a 303 from a POST with a GET, as a browser does. */
  async follow(response: Fetched): Promise<Fetched> {
    if (response.status !== 303 || !response.location) throw new Error(`Expected a 303 from ${response.url}, got ${response.status}`);
    return this.get(new URL(response.location, response.url).href);
  }

  private async send(method: 'GET' | 'POST', pathOrUrl: string, body?: string): Promise<Fetched> {
    const url = new URL(pathOrUrl, this.baseUrl).href;
    const headers: Record<string, string> = { 'accept-encoding': 'identity', accept: 'text/html,*/*' };
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = this.baseUrl;
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      url,
      status: response.status,
      location: response.headers.get('location'),
      contentType: response.headers.get('content-type') ?? '',
      body: bytes,
      text: bytes.toString('utf8'),
    };
  }
}

function csrfToken(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('No CSRF token on the page');
  return match[1];
}

// ---------------------------------------------------------------------------------------------
// What a page refers to

interface Reference {
  tag: string;
  attribute: string;
  value: string;
  /** Whether a browser would fetch it to show the page (as opposed to a link or a form target). */
  loaded: boolean;
}

const RESOURCE_ATTRIBUTES: Record<string, string[]> = {
  link: ['href'],
  script: ['src'],
  img: ['src', 'srcset'],
  source: ['src', 'srcset'],
  iframe: ['src'],
  frame: ['src'],
  embed: ['src'],
  object: ['data'],
  audio: ['src'],
  video: ['src', 'poster'],
  track: ['src'],
  input: ['src'],
};
const NAVIGATION_ATTRIBUTES: Record<string, string[]> = { a: ['href'], area: ['href'], form: ['action'], button: ['formaction'] };

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attributesOf(tagBody: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of tagBody.matchAll(pattern)) {
    attributes.set(m[1]!.toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attributes;
}

/** The URLs in the HTML's tags that load something or lead somewhere. */
function referencesIn(html: string): Reference[] {
  const found: Reference[] = [];
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of withoutComments.matchAll(/<([a-z][a-z0-9-]*)\b([^>]*)>/gi)) {
    const tag = m[1]!.toLowerCase();
    const attributes = attributesOf(m[2] ?? '');
    const loadedNames = RESOURCE_ATTRIBUTES[tag] ?? [];
    const navigationNames = NAVIGATION_ATTRIBUTES[tag] ?? [];
    for (const attribute of [...loadedNames, ...navigationNames]) {
      const raw = attributes.get(attribute);
      if (raw === undefined || raw === '') continue;
      const values = attribute.endsWith('srcset') ? raw.split(',').map((c) => c.trim().split(/\s+/)[0] ?? '') : [raw];
      const loaded = loadedNames.includes(attribute) && (tag !== 'link' || isLoadedLink(attributes.get('rel') ?? ''));
      for (const value of values.filter(Boolean)) {
        found.push({ tag, attribute, value, loaded });
      }
    }
  }
  return found;
}

/** Link relations a browser fetches while showing the page. */
function isLoadedLink(rel: string): boolean {
  const rels = rel.toLowerCase().split(/\s+/);
  return rels.some((r) =>
    ['stylesheet', 'icon', 'shortcut', 'apple-touch-icon', 'preload', 'modulepreload', 'manifest', 'prefetch'].includes(r),
  );
}

/** url(...) and @import in a stylesheet. */
function referencesInCss(css: string): string[] {
  const urls: string[] = [];
  for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/gi)) urls.push(m[1] ?? m[2] ?? m[3] ?? '');
  for (const m of css.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/gi)) urls.push(m[1] ?? m[2] ?? '');
  return urls.filter((u) => u !== '' && !u.startsWith('data:'));
}

/** http(s) URLs on another origin; tel:, mailto:, fragments and relative URLs are ours or no one's. */
function isThirdParty(value: string, base: string, ownOrigin: string): boolean {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return url.protocol !== 'tel:' && url.protocol !== 'mailto:' && url.protocol !== 'data:';
  return url.origin !== ownOrigin;
}

// ---------------------------------------------------------------------------------------------
// Measuring pages

interface PageWeight {
  name: string;
  lang: string;
  status: number;
  expectedStatus: number;
  htmlBytes: number;
  assets: { url: string; bytes: number; status: number }[];
  thirdParty: string[];
  problems: string[];
}

const total = (p: PageWeight) => p.htmlBytes + p.assets.reduce((sum, a) => sum + a.bytes, 0);

/** The page's HTML plus each same-origin asset it loads (once each, nothing cached). */
async function weigh(
  visitor: Visitor,
  ownOrigin: string,
  name: string,
  lang: string,
  page: Fetched,
  expectedStatus: number,
  mustContain?: RegExp,
): Promise<PageWeight> {
  const problems: string[] = [];
  if (page.status !== expectedStatus) problems.push(`status ${page.status}, expected ${expectedStatus}`);
  if (!page.contentType.startsWith('text/html')) problems.push(`content type ${page.contentType}`);
  const langMatch = /<html[^>]*\blang="([^"]+)"/.exec(page.text);
  if (langMatch?.[1] !== lang) problems.push(`html lang="${langMatch?.[1] ?? ''}", expected "${lang}"`);
  if (mustContain && !mustContain.test(page.text)) problems.push(`does not contain ${mustContain}`);

  const references = referencesIn(page.text);
  const thirdParty = references
    .filter((r) => isThirdParty(r.value, page.url, ownOrigin))
    .map((r) => `<${r.tag} ${r.attribute}="${r.value}">`);

  const seen = new Set<string>();
  const assets: PageWeight['assets'] = [];
  const queue = references.filter((r) => r.loaded).map((r) => new URL(r.value, page.url).href);
  while (queue.length > 0) {
    const assetUrl = queue.shift()!;
    if (seen.has(assetUrl) || new URL(assetUrl).origin !== ownOrigin) continue;
    seen.add(assetUrl);
    const asset = await visitor.get(assetUrl);
    if (asset.status !== 200) problems.push(`asset ${assetUrl} answered ${asset.status}`);
    assets.push({ url: new URL(assetUrl).pathname, bytes: asset.body.length, status: asset.status });
    if (asset.contentType.startsWith('text/css')) {
      for (const ref of referencesInCss(asset.text)) {
        if (isThirdParty(ref, assetUrl, ownOrigin)) thirdParty.push(`url(${ref}) in ${new URL(assetUrl).pathname}`);
        else queue.push(new URL(ref, assetUrl).href);
      }
    }
  }
  return { name, lang, status: page.status, expectedStatus, htmlBytes: page.body.length, assets, thirdParty, problems };
}

/** Every public page in one language, as one visitor who chose that language once. */
async function weighAllPages(baseUrl: string, lang: 'id' | 'en'): Promise<PageWeight[]> {
  const visitor = new Visitor(baseUrl);
  const origin = new URL(baseUrl).origin;
  const pages: PageWeight[] = [];
  const add = async (name: string, page: Fetched, status: number, mustContain?: RegExp) =>
    pages.push(await weigh(visitor, origin, name, lang, page, status, mustContain));

  await add('home', await visitor.get(`/?lang=${lang}`), 200);

  const form = await visitor.get('/report');
  await add('report form', form, 200, /<form method="post" action="\/report"/);
  const token = csrfToken(form.text);

  await add('report form, errors', await visitor.post('/report', { _csrf: token }), 400, /class="error-summary"/);

  const filed = await visitor.post('/report', { ...VALID_REPORT, _csrf: token });
  const receiptPage = await visitor.follow(filed);
  await add('receipt', receiptPage, 200, /data-receipt>\d{4} \d{4} \d{4} \d{4}</);
  const receipt = /data-receipt>([\d ]+)</.exec(receiptPage.text)?.[1] ?? '';
  await add('receipt, print view', await visitor.get('/report/receipt/print'), 200, /data-receipt>\d{4} \d{4} \d{4} \d{4}</);

  const check = await visitor.get('/status');
  await add('status check', check, 200, /id="receipt"/);
  const checkToken = csrfToken(check.text);
  await add(
    'status check, wrong receipt',
    await visitor.post('/status', { receipt: '0000 0000 0000 0000', _csrf: checkToken }),
    400,
    /class="error-summary"/,
  );
  const opened = await visitor.post('/status', { receipt, _csrf: checkToken });
  await add('status page', await visitor.follow(opened), 200, /id="current-status"/);

  // The receipt stays on view until the visitor says she has noted it.
  const noted = await visitor.post('/report/receipt/noted', { _csrf: csrfToken((await visitor.get('/report/receipt')).text) });
  await add('receipt noted', await visitor.follow(noted), 200);
  await add('receipt, no longer shown', await visitor.get('/report/receipt'), 200);

  await add('privacy', await visitor.get('/privacy'), 200);
  // Its reports were all filed this month, which the summary does not publish yet: the page's frame.
  await add('reports in numbers', await visitor.get('/transparency'), 200);
  await add('404', await visitor.get('/does-not-exist'), 404);
  return pages;
}

// ---------------------------------------------------------------------------------------------
// Latency

interface Timing {
  name: string;
  runs: number;
  median: number;
  p95: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

async function time(name: string, once: () => Promise<void>): Promise<Timing> {
  for (let i = 0; i < LATENCY_WARMUP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const start = process.hrtime.bigint();
    await once();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { name, runs: LATENCY_RUNS, median: percentile(samples, 50), p95: percentile(samples, 95), max: samples[samples.length - 1]! };
}

async function measureLatency(baseUrl: string): Promise<Timing[]> {
  const reader = new Visitor(baseUrl);
  const home = await time('GET /', async () => {
    const page = await reader.get('/');
    if (page.status !== 200) throw new Error(`GET / answered ${page.status}`);
  });

  const reporter = new Visitor(baseUrl);
  const token = csrfToken((await reporter.get('/report')).text);
  const submit = await time('POST /report (valid, 303)', async () => {
    const response = await reporter.post('/report', { ...VALID_REPORT, _csrf: token });
    if (response.status !== 303) throw new Error(`POST /report answered ${response.status}`);
  });
  return [home, submit];
}

// ---------------------------------------------------------------------------------------------
// Output

function table(headers: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<number> {
  const served = await serve();
  let failures: string[] = [];
  let finished = false;
  try {
    console.log(
      `Lentera page weight: ${served.baseUrl}, budget ${BUDGET_BYTES} bytes per page (HTML + same-origin assets, uncompressed)\n`,
    );
    const pages = [...(await weighAllPages(served.baseUrl, 'id')), ...(await weighAllPages(served.baseUrl, 'en'))];

    const rows = pages.map((p) => [
      p.name,
      p.lang,
      String(p.status),
      String(p.htmlBytes),
      String(p.assets.reduce((s, a) => s + a.bytes, 0)),
      String(p.assets.length),
      String(total(p)),
      total(p) <= BUDGET_BYTES ? 'ok' : 'OVER',
    ]);
    console.log(table(['page', 'lang', 'status', 'html', 'assets', 'files', 'total', 'budget'], rows, new Set([2, 3, 4, 5, 6])));

    const assetSizes = new Map<string, number>();
    for (const p of pages) for (const a of p.assets) assetSizes.set(a.url, a.bytes);
    console.log(`\nAssets: ${[...assetSizes].map(([u, b]) => `${u} ${b} B`).join(', ')}`);
    const heaviest = pages.reduce((a, b) => (total(b) > total(a) ? b : a));
    console.log(
      `Heaviest page: ${heaviest.name} (${heaviest.lang}), ${total(heaviest)} bytes, ${((100 * total(heaviest)) / BUDGET_BYTES).toFixed(1)}% of the budget`,
    );

    failures = pages.flatMap((p) => [
      ...(total(p) > BUDGET_BYTES ? [`${p.name} (${p.lang}): ${total(p)} bytes, over the ${BUDGET_BYTES}-byte budget`] : []),
      ...p.thirdParty.map((r) => `${p.name} (${p.lang}): refers to another origin: ${r}`),
      ...p.problems.map((m) => `${p.name} (${p.lang}): ${m}`),
    ]);
    console.log(failures.length === 0 ? 'No page refers to a third-party origin.' : '');

    console.log(`\nLatency over ${LATENCY_RUNS} sequential requests each (after ${LATENCY_WARMUP} warm-up), 127.0.0.1, informational:`);
    console.log(
      `(express view cache: ${served.lentera.app.enabled('view cache') ? 'on' : 'off'}, NODE_ENV=${process.env.NODE_ENV ?? 'unset'})`,
    );
    const timings = await measureLatency(served.baseUrl);
    console.log(
      table(
        ['request', 'runs', 'median ms', 'p95 ms', 'max ms'],
        timings.map((t) => [t.name, String(t.runs), t.median.toFixed(2), t.p95.toFixed(2), t.max.toFixed(2)]),
        new Set([1, 2, 3, 4]),
      ),
    );
    finished = true;
  } finally {
    await served.stop();
    if (!finished || failures.length > 0) for (const line of served.logs) console.error(`[app] ${line}`);
  }

  if (failures.length > 0) {
    console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  console.log('\nAll pages within budget.');
  return 0;
}

const watchdog = setTimeout(() => {
  console.error(`Bench did not finish within ${WATCHDOG_MS / 1000} s; stopping.`);
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
