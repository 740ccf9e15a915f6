import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formBody, csrfTokenOf } from '../helpers/testApp';
import { CookieJar, processEnv, startServer } from '../helpers/serverProcess';
import { fileReportUpToRedirect, receiptOn, receiptOnDisk } from '../helpers/receipts';

describe('the receipt between the POST and the page that shows it', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-receipt-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('survives kill -9 of the server: a new process shows it, again on reload, and it was never in clear on disk', async () => {
    const first = await startServer(processEnv(dir));
    const jar = new CookieJar();
    try {
      await fileReportUpToRedirect(first.url, jar);
    } finally {
      await first.kill('SIGKILL');
    }
    const second = await startServer(processEnv(dir));
    try {
      const page = await jar.fetch(`${second.url}/report/receipt`);
      expect(page.status).toBe(200);
      const receipt = receiptOn(await page.text())!;
      expect(receipt).toMatch(/^\d{16}$/);
      // Still there on reload (until she says she has noted it, or 15 minutes pass: receiptLifetime.test.ts).
      const again = await jar.fetch(`${second.url}/report/receipt`);
      expect(receiptOn(await again.text())).toBe(receipt);
      // The receipt opens the report it was given for.
      const check = await jar.fetch(`${second.url}/status`);
      const opened = await jar.fetch(`${second.url}/status`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: formBody({ receipt, _csrf: csrfTokenOf(await check.text()) }),
      });
      expect(opened.status).toBe(303);
      const status = await jar.fetch(`${second.url}/status`);
      expect(await status.text()).toContain('id="current-status" class="status-name">Sudah masuk, menunggu dibaca<');
      expect(receiptOnDisk(dir, receipt)).toBe(false);
    } finally {
      await second.kill('SIGTERM');
    }
  });

  it('is still served while the server stops gracefully (SIGTERM right after the redirect)', async () => {
    const server = await startServer(processEnv(dir));
    const jar = new CookieJar();
    try {
      await fileReportUpToRedirect(server.url, jar);
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
      await fileReportUpToRedirect(server.url, jar);
      const cookies = jar.header();
      const withoutKey = cookies
        .split('; ')
        .filter((c) => !c.startsWith('lentera.receipt='))
        .join('; ');
      const withoutSession = cookies
        .split('; ')
        .filter((c) => !c.startsWith('lentera.sid='))
        .join('; ');
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
