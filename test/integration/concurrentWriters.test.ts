import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bootstrap } from '../../src/bootstrap';
import { loadAreaDirectory } from '../../src/data/areaReference';
import { parseReportForm, reportFormValues } from '../../src/routes/public/reportForm';
import { csrfTokenOf, formBody, validReport } from '../helpers/testApp';
import { CookieJar, processEnv, runCommand, startServer, type ServerProcess } from '../helpers/serverProcess';

/**
 * Two writers in two processes: the server taking reports, and the maintenance commands run from
 * cron beside it. Every write transaction starts IMMEDIATE, so each waits its turn (busy_timeout)
 * instead of failing with "database is locked".
 */
describe('the server and the commands writing at once', () => {
  let dir: string;
  let server: ServerProcess;
  const env = () => processEnv(dir, { RATE_REPORTS_PER_IP: '100000', RATE_REPORTS_GLOBAL: '100000', RETENTION_DAYS: '365' });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-writers-'));
    // Something for retention to purge (reports decided three years ago) and for the drain to send
    // (urgent reports tell triage by email).
    const lentera = bootstrap(env(), { log: () => undefined });
    const parsed = parseReportForm(reportFormValues(validReport({ urgency: 'urgent' })), loadAreaDirectory(lentera.config.areasCsv));
    if (!parsed.ok) throw new Error('invalid seed report');
    for (let i = 0; i < 1500; i += 1) lentera.services.reportService.submitPublicReport(parsed.input);
    lentera.db.exec(
      `UPDATE reports SET status = 'closed', decision_reason = 'spam', decided_at = '2023-05-10T03:00:00.000Z' WHERE id <= 1200`,
    );
    lentera.close();
    server = await startServer(env());
  });
  afterAll(async () => {
    await server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** One resident filing reports until `until` settles (at least `minimum` each); the answers' statuses. */
  async function resident(until: Promise<unknown>, minimum: number): Promise<number[]> {
    let done = false;
    void until.then(() => (done = true));
    const statuses: number[] = [];
    while (!done || statuses.length < minimum) {
      const jar = new CookieJar();
      const form = await jar.fetch(`${server.url}/report`);
      const posted = await jar.fetch(`${server.url}/report`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: formBody({ ...validReport({ urgency: 'urgent' }), _csrf: csrfTokenOf(await form.text()) }),
      });
      statuses.push(posted.status);
      if (posted.status === 303) statuses.push((await jar.fetch(`${server.url}/report/receipt`)).status);
    }
    return statuses;
  }

  it('retention and the outbox drain run while 20 residents file reports: no 5xx, every command done, the audit chain intact', async () => {
    const commands = Promise.all([
      runCommand('retention', [], env()),
      runCommand('outboxDrain', [], env()),
      runCommand('retention', [], env()),
      runCommand('outboxDrain', [], env()),
    ]);
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => resident(commands, 5)))).flat();
    const [retention, drain, retentionAgain, drainAgain] = await commands;

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([200, 303]));
    for (const run of [retention, retentionAgain]) {
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
    }
    for (const run of [drain, drainAgain]) {
      expect(run.err).not.toMatch(/locked|SQLITE_BUSY/);
      expect(run.code).toBe(0);
    }
    const db = new Database(path.join(dir, 'lentera.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) FROM reports WHERE decided_at < '2024-01-01'").pluck().get()).toBe(0);
      expect(db.prepare("SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts > 0").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    const verify = await runCommand('auditVerify', [], env());
    expect(verify.out).toMatch(/^Audit log intact: \d+ events/);
    expect(verify.code).toBe(0);
  });
});
