import http from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Request } from 'playwright-core';
import type { Locale } from '../../src/i18n';
import type { StaffAccount } from './staff';
import { createTestApp, type TestApp } from './testApp';

/** Debian's Chromium; CHROMIUM_PATH overrides it on machines that keep it elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A server listening on 127.0.0.1 on a port the system chose, with a way to stop it (and every open connection). */
interface Listening {
  server: http.Server;
  origin: string;
  stop(): Promise<void>;
}

/**
 * Listens first and only then learns the port, so that there is no window in which another process
 * could take a port we picked but had not bound yet. The handler is set afterwards (see startApp).
 */
async function listenOnFreePort(handler: http.RequestListener): Promise<Listening> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** One request the neutral site answered, as it saw it. */
export interface NeutralVisit {
  path: string;
  referer: string | undefined;
  cookie: string | undefined;
}

export interface NeutralSite {
  origin: string;
  /** Where the quick exit sends people (QUICK_EXIT_URL), from the app's /exit once it has ended their session. */
  exitUrl: string;
  /** A page to start a browsing session from, so that history has an entry before the app. */
  startUrl: string;
  visits: NeutralVisit[];
  stop(): Promise<void>;
}

export const NEUTRAL_EXIT_TITLE = 'Neutral site';
export const NEUTRAL_START_TITLE = 'Neutral start page';

/**
 * Stands in for the neutral site (a search engine, the weather) that the quick exit goes to.
 * Its pages load nothing else, not even a favicon, so every request they make is accounted for.
 */
export async function startNeutralSite(): Promise<NeutralSite> {
  const visits: NeutralVisit[] = [];
  const listening = await listenOnFreePort((req, res) => {
    const path = req.url ?? '/';
    visits.push({ path, referer: req.headers.referer, cookie: req.headers.cookie });
    const title = path.startsWith('/start') ? NEUTRAL_START_TITLE : NEUTRAL_EXIT_TITLE;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head><body><h1>${title}</h1></body></html>`,
    );
  });
  return {
    origin: listening.origin,
    exitUrl: `${listening.origin}/`,
    startUrl: `${listening.origin}/start`,
    visits,
    stop: listening.stop,
  };
}

export interface RunningApp {
  lentera: TestApp;
  /** The served origin, equal to BASE_URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  url(path: string): string;
  stop(): Promise<void>;
}

/** Generous limits, so that a suite that files many reports from one address is not refused. */
export const RELAXED_RATE_LIMITS: Record<string, string> = {
  RATE_REPORTS_PER_IP: '1000',
  RATE_REPORTS_GLOBAL: '1000',
  RATE_RECEIPT_CHECKS_PER_IP: '1000',
  RATE_RECEIPT_CHECKS_GLOBAL: '1000',
  RATE_MESSAGES_PER_REPORT: '1000',
};

/**
 * The real app (createTestApp: temporary database, real migrations) served on 127.0.0.1. The
 * server listens before the app is built, so that BASE_URL can be exactly the origin it serves.
 */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  let app: TestApp['app'] | undefined;
  const listening = await listenOnFreePort((req, res) => {
    if (!app) {
      res.writeHead(503).end();
      return;
    }
    app(req, res);
  });
  let lentera: TestApp;
  try {
    lentera = createTestApp({ ...RELAXED_RATE_LIMITS, ...env, BASE_URL: listening.origin });
  } catch (err) {
    await listening.stop();
    throw err;
  }
  app = lentera.app;
  return {
    lentera,
    baseUrl: listening.origin,
    url: (path) => `${listening.origin}${path}`,
    async stop() {
      await listening.stop();
      lentera.cleanup();
    },
  };
}

/** A request a page made, as the browser reported it. */
export interface RecordedRequest {
  url: string;
  method: string;
  resourceType: string;
  navigation: boolean;
}

export interface RequestLog {
  requests: RecordedRequest[];
  /** Requests that would have left 127.0.0.1; they were aborted before reaching the network. */
  blocked: string[];
  /**
   * Every request to an origin other than the app's, leaving out top-level navigations to the
   * neutral-site URLs given (a deliberate quick exit, or the page a test starts from).
   */
  foreign(allowedNavigations?: readonly string[]): RecordedRequest[];
}

/**
 * Records every request the pages of a context make and aborts any that would leave 127.0.0.1,
 * so that a test can neither reach nor silently depend on another site.
 */
export async function recordRequests(context: BrowserContext, appOrigin: string): Promise<RequestLog> {
  const requests: RecordedRequest[] = [];
  const blocked: string[] = [];
  context.on('request', (request: Request) => {
    requests.push({
      url: request.url(),
      method: request.method(),
      resourceType: request.resourceType(),
      navigation: request.isNavigationRequest() && request.frame().parentFrame() === null,
    });
  });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'http:' && url.hostname === '127.0.0.1') return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return {
    requests,
    blocked,
    foreign(allowedNavigations = []) {
      return requests.filter((r) => {
        if (r.url.startsWith('data:') || r.url === 'about:blank') return false;
        if (new URL(r.url).origin === appOrigin) return false;
        return !(r.navigation && r.resourceType === 'document' && allowedNavigations.includes(r.url));
      });
    },
  };
}

export interface TrackedPage {
  context: BrowserContext;
  page: Page;
  log: RequestLog;
}

/** A fresh context (its own cookies) with one page, every request of which is recorded. */
export async function openTrackedPage(browser: Browser, appOrigin: string, options: BrowserContextOptions = {}): Promise<TrackedPage> {
  const context = await browser.newContext(options);
  const log = await recordRequests(context, appOrigin);
  const page = await context.newPage();
  return { context, page, log };
}

/** Throws, listing them, when pages of the context asked anything of another origin. */
export function expectNoThirdPartyRequests(log: RequestLog, allowedNavigations: readonly string[] = []): void {
  const foreign = log.foreign(allowedNavigations);
  if (foreign.length > 0 || log.blocked.length > 0) {
    const lines = [...foreign.map((r) => `${r.method} ${r.url} (${r.resourceType})`), ...log.blocked.map((u) => `blocked: ${u}`)];
    throw new Error(`Requests to origins other than the app's:\n  ${lines.join('\n  ')}`);
  }
}

export interface BrowserForTests {
  /** Chromium, launched before the file's first test. */
  readonly browser: Browser;
  /** A fresh context (its own cookies) with one tracked page (see openTrackedPage), closed after the test that opened it. */
  open(appOrigin: string, options?: BrowserContextOptions): Promise<TrackedPage>;
}

/**
 * The browser side of an e2e file: launches Chromium before the file's tests and closes it after
 * them, and closes every context a test opened with `open` once that test is over. Call it at the
 * top level of a test file (it registers Jest hooks).
 */
export function useBrowser(): BrowserForTests {
  let browser: Browser | undefined;
  const opened: TrackedPage[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });
  const suite: BrowserForTests = {
    get browser(): Browser {
      if (!browser) throw new Error('useBrowser: the browser is launched in beforeAll; use it from a hook or a test');
      return browser;
    },
    async open(appOrigin, options = {}) {
      const tracked = await openTrackedPage(suite.browser, appOrigin, options);
      opened.push(tracked);
      return tracked;
    },
  };
  return suite;
}

/** The app an e2e file tests, as useApp gives it: the running app without `stop` (useApp stops it). */
export type AppUnderTest = Omit<RunningApp, 'stop'>;

/**
 * The app for an e2e file: started (see startApp) before the file's tests and stopped after them.
 * `env` is called as the app starts, so it may use what beforeAll hooks declared before this call
 * started (Jest runs hooks in the order they are declared). Call it at the top level of a test file.
 */
export function useApp(env: () => Record<string, string> = () => ({})): AppUnderTest {
  let started: RunningApp | undefined;
  beforeAll(async () => {
    started = await startApp(env());
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): RunningApp => {
    if (!started) throw new Error('useApp: the app starts in beforeAll; use it from a hook or a test');
    return started;
  };
  return {
    get lentera() {
      return current().lentera;
    },
    get baseUrl() {
      return current().baseUrl;
    },
    url: (path) => current().url(path),
  };
}

/**
 * The neutral site the quick exit goes to, and the app with QUICK_EXIT_URL pointing at it: started
 * before the file's tests, the app stopped before the neutral site after them. Call it at the top
 * level of a test file.
 */
export function useAppWithNeutralSite(env: () => Record<string, string> = () => ({})): { running: AppUnderTest; neutral: NeutralSite } {
  let started: NeutralSite | undefined;
  beforeAll(async () => {
    started = await startNeutralSite();
  });
  const site = (): NeutralSite => {
    if (!started) throw new Error('useAppWithNeutralSite: the neutral site starts in beforeAll; use it from a hook or a test');
    return started;
  };
  const running = useApp(() => ({ QUICK_EXIT_URL: site().exitUrl, ...env() }));
  // Declared after useApp's afterAll, so it runs after it: the app stops before the neutral site does.
  afterAll(async () => {
    await started?.stop();
  });
  const neutral: NeutralSite = {
    get origin() {
      return site().origin;
    },
    get exitUrl() {
      return site().exitUrl;
    },
    get startUrl() {
      return site().startUrl;
    },
    get visits() {
      return site().visits;
    },
    stop: () => site().stop(),
  };
  return { running, neutral };
}

/** Whether the first element matching `first` comes before the first matching `second` in the document. */
export async function comesBefore(page: Page, first: string, second: string): Promise<boolean> {
  const script = `(() => {
    const a = document.querySelector(${JSON.stringify(first)});
    const b = document.querySelector(${JSON.stringify(second)});
    if (!a || !b) throw new Error('missing element');
    return Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  })()`;
  return (await page.evaluate(script)) as boolean;
}

/**
 * Presses Shift three times, as a person leaving in a hurry does (the quick exit's keyboard gesture,
 * as GOV.UK's "Exit this page"). Focus must be outside any field: there, Shift never counts.
 */
export async function pressShiftThreeTimes(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
}

/** Signs in with email and password on the login page at `loginUrl` (no second factor: REQUIRE_2FA=false) and waits to leave /login. */
export async function signInWithPassword(page: Page, loginUrl: string, account: Pick<StaffAccount, 'email' | 'password'>): Promise<void> {
  await page.goto(loginUrl);
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('form[action="/login"] button[type=submit]')]);
}

/** Clicks `selector` and waits for the page that answers; returns its status (0 when there was no response). */
export async function submitAndWait(page: Page, selector: string): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response?.status() ?? 0;
}

/** The axe rule sets the pages are held to: WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe (AXE_TAGS) on the page as it is now. One readable entry per violation: the rule, its
 * impact and help, the help URL, then each element at fault with what axe says is wrong with it.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return results.violations.map((v) => {
    const nodes = v.nodes.map(
      (n) => `      at ${n.target.join(' ')}\n        ${n.failureSummary?.replace(/\n/g, '\n        ') ?? ''}\n        ${n.html}`,
    );
    return `${v.id} [${v.impact ?? 'n/a'}] ${v.help}\n    ${v.helpUrl}\n${nodes.join('\n')}`;
  });
}

export interface AxeChecker {
  /** The names of the states checked so far, in order. */
  readonly checked: string[];
  /** Every violation found so far, each under the name (and URL) of the state it was found in. */
  readonly problems: string[];
  /** Runs axe on the page as it is now and records what it finds under `name`; with a language, first expects <html lang> to be it. */
  check(name: string): Promise<void>;
  /** Throws, listing them all, when any check found a violation. */
  assertClean(): void;
}

/**
 * Collects axe violations over several states of a page and reports them together at the end, so
 * that one run shows every problem. With `lang`, each check first expects the page to be in that
 * language, and each problem is marked with it.
 */
export function axeChecker(page: Page, lang?: Locale): AxeChecker {
  const checked: string[] = [];
  const problems: string[] = [];
  return {
    checked,
    problems,
    async check(name) {
      if (lang) expect(await page.getAttribute('html', 'lang')).toBe(lang);
      const violations = await axeViolations(page);
      checked.push(name);
      for (const v of violations) problems.push(`${lang ? `[${lang}] ` : ''}${name} (${page.url()}): ${v}`);
    },
    assertClean() {
      if (problems.length > 0) throw new Error(`axe found ${problems.length} violation(s):\n\n${problems.join('\n\n')}`);
    },
  };
}
