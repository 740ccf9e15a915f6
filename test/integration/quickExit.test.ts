import { createTestApp, type TestApp } from '../helpers/testApp';
import { CookieJar } from '../helpers/serverProcess';
import { fileReportUpToRedirect, postForm, receiptOn, serve, sessionIdIn } from '../helpers/receipts';

const NEUTRAL = 'https://neutral.example/weather';

/**
 * The quick exit goes through GET /exit, which ends whatever this browser holds here before it
 * sends the visitor on: a shared phone picked up a moment later opens nothing.
 */
describe('quick exit through /exit', () => {
  let lentera: TestApp;
  let site: { url: string; close(): Promise<void> };
  let jar: CookieJar;
  beforeAll(async () => {
    lentera = createTestApp({ QUICK_EXIT_URL: NEUTRAL, RATE_REPORTS_PER_IP: '1000', RATE_RECEIPT_CHECKS_PER_IP: '1000' });
    site = await serve(lentera);
  });
  afterAll(async () => {
    await site.close();
    lentera.cleanup();
  });
  beforeEach(() => {
    jar = new CookieJar();
  });

  const get = (path: string, cookies: CookieJar = jar) => cookies.fetch(`${site.url}${path}`);
  const sessionRows = (sid: string | null) => lentera.db.prepare('SELECT count(*) FROM sessions WHERE sid = ?').pluck().get(sid) as number;

  /** Leaves by the quick exit and checks the answer: on to the neutral site, uncached, no referrer, every cookie of ours cleared. */
  async function quickExit(): Promise<void> {
    const left = await get('/exit');
    expect(left.status).toBe(303);
    expect(left.headers.get('location')).toBe(NEUTRAL);
    expect(left.headers.get('cache-control')).toBe('no-store');
    expect(left.headers.get('referrer-policy')).toBe('no-referrer');
    const cleared = left.headers.getSetCookie();
    for (const [name, path] of [
      ['lentera.sid', '/'],
      ['lentera.csrf', '/'],
      ['lentera.receipt', '/report/receipt'],
      ['lang', '/'],
    ]) {
      expect(cleared).toContainEqual(
        expect.stringMatching(new RegExp(`^${name.replace('.', '\\.')}=; Path=${path.replace(/\//g, '\\/')}; Expires=Thu, 01 Jan 1970`)),
      );
    }
    expect(jar.header()).toBe('');
  }

  it('every public page offers it as a plain link to /exit, which works without JavaScript', async () => {
    await fileReportUpToRedirect(site.url, jar);
    for (const path of [
      '/',
      '/report',
      '/status',
      '/privacy',
      '/report/receipt',
      '/report/receipt/print',
      '/report/receipt/noted',
      '/no-such-page',
    ]) {
      const html = await (await get(path)).text();
      expect(html).toContain('<a class="quick-exit" href="/exit" data-quick-exit>');
    }
  });

  it('a visitor with nothing here is sent on, and nothing is written', async () => {
    const sessions = () => lentera.db.prepare('SELECT count(*) FROM sessions').pluck().get();
    const before = sessions();
    const left = await fetch(`${site.url}/exit`, { redirect: 'manual' });
    expect(left.status).toBe(303);
    expect(left.headers.get('location')).toBe(NEUTRAL);
    expect(left.headers.get('cache-control')).toBe('no-store');
    expect(sessions()).toBe(before);
  });

  it('ends a receipt session: the old session cookie no longer opens /status', async () => {
    await fileReportUpToRedirect(site.url, jar);
    const receipt = receiptOn(await (await get('/report/receipt')).text())!;
    expect(receipt).toMatch(/^\d{16}$/);
    await get('/report?lang=en'); // the remembered language, which the exit clears too
    expect((await postForm(site.url, jar, '/status', '/status', { receipt })).status).toBe(303);
    expect(await (await get('/status')).text()).toContain('id="current-status"');
    const held = jar.copy();
    const sid = sessionIdIn(held.header());
    expect(sessionRows(sid)).toBe(1);

    await quickExit();

    expect(sessionRows(sid)).toBe(0);
    // The cookies a shared phone might still hold open nothing: not the report, not the receipt.
    const status = await (await get('/status', held)).text();
    expect(status).not.toContain('id="current-status"');
    expect(status).toContain('id="receipt"');
    expect(receiptOn(await (await get('/report/receipt', held)).text())).toBeNull();
  });

  it('ends a receipt still on view: neither the receipt page nor its print view shows it again', async () => {
    await fileReportUpToRedirect(site.url, jar);
    expect(receiptOn(await (await get('/report/receipt')).text())).toMatch(/^\d{16}$/);
    const held = jar.copy();
    const sid = sessionIdIn(held.header());
    expect(sessionRows(sid)).toBe(1);

    await quickExit();

    expect(sessionRows(sid)).toBe(0);
    for (const path of ['/report/receipt', '/report/receipt/print']) {
      expect(receiptOn(await (await get(path, held)).text())).toBeNull();
    }
  });
});
