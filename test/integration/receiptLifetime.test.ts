import { createTestApp, type TestApp } from '../helpers/testApp';
import { CookieJar } from '../helpers/serverProcess';
import { fileReportUpToRedirect, postForm, receiptOn, receiptOnDisk, serve, sessionIdIn } from '../helpers/receipts';

/**
 * A new receipt stays on view in the browser that filed the report — reload, second tab, print
 * view — until she says she has noted it, 15 minutes pass, or she leaves by quick exit; sealed
 * throughout (ciphertext in the session row, key in a cookie), never in clear on disk.
 */
describe('the lifetime of a new receipt', () => {
  const start = new Date('2026-03-02T03:00:00Z');
  let clock = start;
  let lentera: TestApp;
  let site: { url: string; close(): Promise<void> };
  let jar: CookieJar;
  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000', RATE_RECEIPT_CHECKS_PER_IP: '1000' }, { now: () => clock });
    site = await serve(lentera);
  });
  afterAll(async () => {
    await site.close();
    lentera.cleanup();
  });
  beforeEach(() => {
    clock = start;
    jar = new CookieJar();
  });

  const get = (path: string, cookies: CookieJar = jar) => cookies.fetch(`${site.url}${path}`);
  /** What the sessions table holds for the session of `cookies` (undefined: no row). */
  const sessionRow = (cookies: CookieJar = jar) =>
    lentera.db.prepare('SELECT data FROM sessions WHERE sid = ?').pluck().get(sessionIdIn(cookies.header())) as string | undefined;

  /** Files a report and returns the receipt its page shows. */
  async function fileAndView(): Promise<string> {
    await fileReportUpToRedirect(site.url, jar);
    const page = await get('/report/receipt');
    expect(page.status).toBe(200);
    const receipt = receiptOn(await page.text());
    expect(receipt).toMatch(/^\d{16}$/);
    return receipt!;
  }

  it('a reload, a second look and the print view show the same code, uncached and never in a URL', async () => {
    const receipt = await fileAndView();
    for (const path of ['/report/receipt', '/report/receipt', '/report/receipt/print']) {
      const page = await get(path);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.url).not.toContain(receipt);
      expect(receiptOn(await page.text())).toBe(receipt);
    }
    expect(sessionRow()).toContain('pendingReceipt');
  });

  it("the print view holds the code, how to use it at the site's address, and the hotlines", async () => {
    const receipt = await fileAndView();
    const html = await (await get('/report/receipt/print')).text();
    expect(receiptOn(html)).toBe(receipt);
    expect(html).toContain('http://localhost:3000/status');
    for (const number of ['112', '110', '129', '119']) expect(html).toContain(`href="tel:${number}"`);
    expect(html).not.toContain('name="_csrf"'); // nothing to send from it
  });

  it('"I have written this code down" discards both halves and leads to a calm page', async () => {
    const receipt = await fileAndView();
    const before = jar.copy();
    const posted = await postForm(site.url, jar, '/report/receipt', '/report/receipt/noted');
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/report/receipt/noted');
    expect(posted.headers.getSetCookie().join('\n')).toMatch(/lentera\.receipt=; Path=\/report\/receipt; Expires=Thu, 01 Jan 1970/);
    // The session held only the receipt: the row is gone, not left empty.
    expect(sessionRow(before)).toBeUndefined();

    const calm = await get('/report/receipt/noted');
    expect(calm.status).toBe(200);
    expect(await calm.text()).toContain('Kode tanda terima tidak lagi ditampilkan di perangkat ini.');
    // Neither this browser nor its old cookies open it again.
    for (const cookies of [jar, before]) {
      const again = await get('/report/receipt', cookies);
      const html = await again.text();
      expect(receiptOn(html)).toBeNull();
      expect(html).not.toContain(receipt);
      expect(html).toContain('Kode tanda terima tidak ditampilkan lagi');
      expect(receiptOn(await (await get('/report/receipt/print', cookies)).text())).toBeNull();
    }
  });

  it("the confirmation needs the form's CSRF token: without it nothing is discarded", async () => {
    const receipt = await fileAndView();
    const forged = await jar.fetch(`${site.url}/report/receipt/noted`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(forged.status).toBe(403);
    expect(receiptOn(await (await get('/report/receipt')).text())).toBe(receipt);
  });

  it('15 minutes after the report the code is gone, and both halves with it', async () => {
    const receipt = await fileAndView();
    clock = new Date(start.getTime() + 15 * 60 * 1000 - 1000);
    expect(receiptOn(await (await get('/report/receipt')).text())).toBe(receipt);
    clock = new Date(start.getTime() + 15 * 60 * 1000 + 1000);
    const gone = await get('/report/receipt');
    expect(gone.status).toBe(200);
    expect(receiptOn(await gone.text())).toBeNull();
    expect(gone.headers.getSetCookie().join('\n')).toMatch(/lentera\.receipt=; Path=\/report\/receipt; Expires=Thu, 01 Jan 1970/);
    expect(sessionRow()).toBeUndefined();
    expect(receiptOn(await (await get('/report/receipt/print')).text())).toBeNull();
  });

  it('checking the report with the code does not take the code off the screen', async () => {
    const receipt = await fileAndView();
    const opened = await postForm(site.url, jar, '/status', '/status', { receipt });
    expect(opened.status).toBe(303);
    expect(await (await get('/status')).text()).toContain('id="current-status"');
    expect(receiptOn(await (await get('/report/receipt')).text())).toBe(receipt);
    // Carried into the new receipt session (a new id), alongside the report it opens.
    expect(sessionRow()).toMatch(/"pendingReceipt".*"receiptReportId"|"receiptReportId".*"pendingReceipt"/);
  });

  it('the key cookie is a session cookie for the receipt pages only', async () => {
    const posted = await fileReportUpToRedirect(site.url, jar);
    const line = posted.headers.getSetCookie().find((c) => c.startsWith('lentera.receipt='));
    expect(line).toMatch(/; Path=\/report\/receipt; HttpOnly; SameSite=Strict$/);
    expect(line).not.toMatch(/Expires|Max-Age/i);
  });

  it('is never in clear in the database file or its WAL, however often it is shown', async () => {
    const receipt = await fileAndView();
    await get('/report/receipt');
    await get('/report/receipt/print');
    await postForm(site.url, jar, '/status', '/status', { receipt });
    expect(receiptOnDisk(lentera.dir, receipt)).toBe(false);
    await postForm(site.url, jar, '/report/receipt', '/report/receipt/noted');
    expect(receiptOnDisk(lentera.dir, receipt)).toBe(false);
  });
});
