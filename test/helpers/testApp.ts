import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { bootstrap, type Lentera } from '../../src/bootstrap';

export const TEST_DATA_KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

export interface TestApp extends Lentera {
  dir: string;
  logs: string[];
  cleanup(): void;
}

/** The real app on a fresh SQLite file built by the real migrations, in a temporary folder. */
export function createTestApp(env: Record<string, string> = {}, options: { now?: () => Date } = {}): TestApp {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-test-'));
  const logs: string[] = [];
  const lentera = bootstrap(
    {
      NODE_ENV: 'test',
      DATABASE_PATH: path.join(dir, 'lentera.db'),
      DATA_KEY: TEST_DATA_KEY,
      SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
      ...env,
    },
    { log: (m) => logs.push(m), now: options.now },
  );
  return {
    ...lentera,
    dir,
    logs,
    cleanup() {
      lentera.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Agent = ReturnType<typeof request.agent>;

/** The CSRF token of the first form on a page. */
export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token on the page');
  return match[1]!;
}

/** GETs a page as a person would, then returns its CSRF token. */
export async function tokenFrom(agent: Agent, pagePath: string): Promise<string> {
  const page = await agent.get(pagePath).expect(200);
  return csrfTokenOf(page.text);
}

/** A complete, valid report form. */
export function validReport(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    category: 'neglect',
    affected_groups: ['child'],
    kecamatan: '13.71.01',
    kelurahan: '13.71.01.1001',
    location_detail: 'Dekat masjid, gang ketiga',
    narrative: 'Anak tetangga sering ditinggal sendirian berhari-hari tanpa makanan.',
    urgency: 'normal',
    relation: 'neighbour',
    wants_contact: 'no',
    ...overrides,
  };
}

/** Encodes a form as a browser does, repeating keys for lists. */
export function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  }
  return params.toString();
}

/** Files a report through the form and returns the receipt shown once (digits only). */
export async function fileReport(agent: Agent, fields: Record<string, string | string[]> = validReport()): Promise<string> {
  const token = await tokenFrom(agent, '/report');
  await agent
    .post('/report')
    .type('form')
    .send(formBody({ ...fields, _csrf: token }))
    .expect(303)
    .expect('Location', '/report/receipt');
  const receiptPage = await agent.get('/report/receipt').expect(200);
  const match = /data-receipt>([\d ]+)</.exec(receiptPage.text);
  if (!match) throw new Error('No receipt on the receipt page');
  return match[1]!.replace(/ /g, '');
}

/** Opens a receipt session with the receipt. */
export async function openStatus(agent: Agent, receipt: string): Promise<void> {
  const token = await tokenFrom(agent, '/status');
  await agent
    .post('/status')
    .type('form')
    .send(formBody({ receipt, _csrf: token }))
    .expect(303)
    .expect('Location', '/status');
}
