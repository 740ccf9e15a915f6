import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formBody, validReport, csrfTokenOf } from '../helpers/testApp';
import { CookieJar, processEnv, startServer, type ServerProcess } from '../helpers/serverProcess';

/** Files a report as a browser does and returns the redirect's answer (the receipt not yet fetched). */
async function fileReportUpToRedirect(server: ServerProcess, jar: CookieJar): Promise<Response> {
  const form = await jar.fetch(`${server.url}/report`);
  expect(form.status).toBe(200);
  const token = csrfTokenOf(await form.text());
  const posted = await jar.fetch(`${server.url}/report`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formBody({ ...validReport(), _csrf: token }),
  });
  expect(posted.status).toBe(303);
  expect(posted.headers.get('location')).toBe('/report/receipt');
  return posted;
}

function receiptOn(html: string): string {
  const match = /data-receipt>([\d ]+)</.exec(html);
  if (!match) throw new Error(`No receipt on the page: ${html.slice(0, 300)}`);
  return match[1]!.replace(/ /g, '');
}

/** Every file the database consists of, as bytes. */
const databaseBytes = (dir: string) =>
  Buffer.concat(['lentera.db', 'lentera.db-wal'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));

describe('the receipt between the POST and the page that shows it', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-receipt-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('survives kill -9 of the server: a new process shows it once, and it was never in clear on disk', async () => {
    const first = await startServer(processEnv(dir));
    const jar = new CookieJar();
    try {
      await fileReportUpToRedirect(first, jar);
    } finally {
      await first.kill('SIGKILL');
    }
    const second = await startServer(processEnv(dir));
    try {
      const page = await jar.fetch(`${second.url}/report/receipt`);
      expect(page.status).toBe(200);
      const receipt = receiptOn(await page.text());
      expect(receipt).toMatch(/^\d{16}$/);
      // Shown once.
      const again = await jar.fetch(`${second.url}/report/receipt`);
      expect(receiptOn.bind(null, await again.text())).toThrow();
      // The receipt opens the report it was given for.
      const check = await jar.fetch(`${second.url}/status`);
      const opened = await jar.fetch(`${second.url}/status`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: formBody({ receipt, _csrf: csrfTokenOf(await check.text()) }),
      });
      expect(opened.status).toBe(303);
      const status = await jar.fetch(`${second.url}/status`);
      expect(await status.text()).toContain('id="current-status" class="status-name">Diterima<');
      const bytes = databaseBytes(dir);
      for (const form of [receipt, receipt.replace(/(\d{4})(?=\d)/g, '$1 ')]) expect(bytes.includes(Buffer.from(form))).toBe(false);
    } finally {
      await second.kill('SIGTERM');
    }
  });

  it('is still served while the server stops gracefully (SIGTERM right after the redirect)', async () => {
    const server = await startServer(processEnv(dir));
    const jar = new CookieJar();
    try {
      await fileReportUpToRedirect(server, jar);
      server.child.kill('SIGTERM');
      const page = await jar.fetch(`${server.url}/report/receipt`);
      expect(page.status).toBe(200);
      expect(receiptOn(await page.text())).toMatch(/^\d{16}$/);
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('Lentera stopped.');
    } finally {
      await server.kill('SIGKILL');
    }
  });

  it('needs both halves: the session row alone (another browser) or the key alone shows nothing', async () => {
    const server = await startServer(processEnv(dir));
    try {
      const jar = new CookieJar();
      await fileReportUpToRedirect(server, jar);
      const cookies = jar.header();
      const withoutKey = cookies.split('; ').filter((c) => !c.startsWith('lentera.receipt=')).join('; ');
      const withoutSession = cookies.split('; ').filter((c) => !c.startsWith('lentera.sid=')).join('; ');
      for (const cookie of [withoutKey, withoutSession]) {
        const page = await fetch(`${server.url}/report/receipt`, { headers: { Cookie: cookie } });
        expect(page.status).toBe(200);
        expect(await page.text()).not.toMatch(/data-receipt>/);
      }
    } finally {
      await server.kill('SIGTERM');
    }
  });
});
