import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { csrfTokenOf, formBody, validReport, type TestApp } from './testApp';
import type { CookieJar } from './serverProcess';

/** The 16 digits a receipt page shows (`data-receipt`), or null when it shows none. */
export function receiptOn(html: string): string | null {
  const match = /data-receipt>([\d ]+)</.exec(html);
  return match ? match[1]!.replace(/ /g, '') : null;
}

/** Files a report as a browser does and returns the redirect's answer (the receipt page not yet fetched). */
export async function fileReportUpToRedirect(
  baseUrl: string,
  jar: CookieJar,
  fields: Record<string, string | string[]> = validReport(),
): Promise<Response> {
  const form = await jar.fetch(`${baseUrl}/report`);
  expect(form.status).toBe(200);
  const posted = await jar.fetch(`${baseUrl}/report`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formBody({ ...fields, _csrf: csrfTokenOf(await form.text()) }),
  });
  expect(posted.status).toBe(303);
  expect(posted.headers.get('location')).toBe('/report/receipt');
  return posted;
}

/** Posts a form of `pagePath` as a browser does: the CSRF token read from that page, the cookies of `jar`. */
export async function postForm(
  baseUrl: string,
  jar: CookieJar,
  pagePath: string,
  action: string,
  fields: Record<string, string> = {},
): Promise<Response> {
  const page = await jar.fetch(`${baseUrl}${pagePath}`);
  return jar.fetch(`${baseUrl}${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formBody({ ...fields, _csrf: csrfTokenOf(await page.text()) }),
  });
}

/** Every file the database consists of (the file and its WAL), as bytes. */
export function databaseBytes(dir: string): Buffer {
  const files = ['lentera.db', 'lentera.db-wal'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
  return Buffer.concat(files.map((f) => fs.readFileSync(f)));
}

/** Whether the receipt's digits, plain or grouped as shown, are anywhere in the database files. */
export function receiptOnDisk(dir: string, receipt: string): boolean {
  const bytes = databaseBytes(dir);
  return [receipt, receipt.replace(/(\d{4})(?=\d)/g, '$1 ')].some((form) => bytes.includes(Buffer.from(form)));
}

/** The session id a `Cookie` header carries in `lentera.sid` (express-session signs it as `s:<id>.<signature>`). */
export function sessionIdIn(cookieHeader: string): string | null {
  const value = /(?:^|;\s*)lentera\.sid=([^;]+)/.exec(cookieHeader)?.[1];
  return value
    ? decodeURIComponent(value)
        .replace(/^s:/, '')
        .replace(/\.[^.]*$/, '')
    : null;
}

/** Serves a test app's HTTP server on a free port of 127.0.0.1, for requests made with fetch and a CookieJar. */
export async function serve(lentera: TestApp): Promise<{ url: string; close(): Promise<void> }> {
  const { server } = lentera;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
