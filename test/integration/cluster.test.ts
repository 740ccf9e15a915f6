import fs from 'node:fs';
import Database from 'better-sqlite3';
import { createTestApp } from '../helpers/testApp';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';
import { CookieJar, type ServerProcess } from '../helpers/serverProcess';
import { databaseBytes, fileReportUpToRedirect, postForm, receiptOn } from '../helpers/receipts';
import { connectionTo, startCluster, type ProcessConnection } from '../helpers/cluster';
import { eventually } from '../helpers/smtpServer';

/**
 * The built server (`npm run build`; `pretest` does it) with two server processes on one database
 * (WEB_CONCURRENCY=2). Each step is sent over a connection to a chosen process, and each answer is
 * checked to come from that process (test/helpers/cluster.ts), so "through the other process" is
 * what happened, not what the balancer may have done.
 */
describe('two server processes on one database (WEB_CONCURRENCY=2)', () => {
  let dir: string;
  let triage: StaffAccount;
  let server: ServerProcess;
  let one: ProcessConnection;
  let two: ProcessConnection;

  beforeAll(async () => {
    const setup = createTestApp();
    triage = await createStaffAccount(setup, { role: 'triage' });
    setup.close();
    dir = setup.dir;
    server = await startCluster(dir, 2, {
      // Not what this test is about: staff sign in with a password alone.
      REQUIRE_2FA: 'false',
      // So that a test can speak as several clients (X-Forwarded-For), as behind the reverse proxy.
      TRUST_PROXY: '1',
      RATE_RECEIPT_CHECKS_PER_IP: '4',
      RATE_MESSAGES_PER_REPORT: '2',
    });
    one = await connectionTo(server.url, 1);
    two = await connectionTo(server.url, 2);
  }, 60_000);

  afterAll(async () => {
    one?.close();
    two?.close();
    await server?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const url = (path: string) => `${server.url}${path}`;
  const latestReference = () => {
    const db = new Database(`${dir}/lentera.db`, { readonly: true });
    try {
      return db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    } finally {
      db.close();
    }
  };

  /** The status check with a receipt, as its form sends it. */
  const checkReceipt = (jar: CookieJar, receipt: string) => postForm(server.url, jar, '/status', '/status', { receipt });

  /** A new browser at `client`'s address (X-Forwarded-For from the proxy), connected to one process. */
  const browserAt = (client: string, via: ProcessConnection) =>
    new CookieJar().through((u, init) => {
      const headers = new Headers(init.headers);
      headers.set('X-Forwarded-For', client);
      return via.fetch(u, { ...init, headers });
    });

  it('a report filed through one process is shown, checked and decided through the other', async () => {
    // Filed through process 1…
    const resident = new CookieJar();
    await fileReportUpToRedirect(server.url, resident.through(one.fetch));
    const reference = latestReference();

    // …its receipt shown by process 2 (the sealed hand-off is in the session row, its key in her cookie).
    const page = await resident.through(two.fetch).fetch(url('/report/receipt'));
    expect(page.status).toBe(200);
    const receipt = receiptOn(await page.text())!;
    expect(receipt).toMatch(/^\d{16}$/);

    // Checked with the receipt through process 2.
    const checker = new CookieJar();
    expect((await checkReceipt(checker.through(two.fetch), receipt)).status).toBe(303);
    const status = await checker.through(two.fetch).fetch(url('/status'));
    expect(await status.text()).toContain('id="current-status" class="status-name">Sudah masuk, menunggu dibaca<');

    // Shown to a triage officer and decided, through process 2.
    const staff = new CookieJar();
    const signedIn = await postForm(server.url, staff.through(two.fetch), '/login', '/login', {
      email: triage.email,
      password: triage.password,
    });
    expect(signedIn.status).toBe(303);
    const queue = await staff.through(two.fetch).fetch(url('/staff/queue'));
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain(reference);
    const accepted = await postForm(
      server.url,
      staff.through(two.fetch),
      `/staff/reports/${reference}`,
      `/staff/reports/${reference}/accept`,
      {
        'accept-case_mode': 'new',
        'accept-case_number': '',
        'accept-assignee': '',
        'accept-risk': '',
        'accept-note': '',
      },
    );
    expect(accepted.status).toBe(303);

    // The decision is what process 1 shows the resident, and what the staff session (made on 2) sees there too.
    const seen = await (await checker.through(one.fetch).fetch(url('/status'))).text();
    expect(seen).toContain('id="current-status"');
    expect(seen).not.toContain('Sudah masuk, menunggu dibaca<');
    const detail = await staff.through(one.fetch).fetch(url(`/staff/reports/${reference}`));
    expect(detail.status).toBe(200);
    expect(one.process).toBe('1');
    expect(two.process).toBe('2');
  });

  it('hands the new receipt over whichever process the POST and the receipt page land on', async () => {
    const resident = new CookieJar();
    // Filed through process 2, shown by 1, again on reload by 2.
    await fileReportUpToRedirect(server.url, resident.through(two.fetch));
    const shown = receiptOn(await (await resident.through(one.fetch).fetch(url('/report/receipt'))).text());
    expect(shown).toMatch(/^\d{16}$/);
    expect(receiptOn(await (await resident.through(two.fetch).fetch(url('/report/receipt'))).text())).toBe(shown);
    // "I have noted it" through 1: process 2 no longer shows it either.
    expect((await postForm(server.url, resident.through(one.fetch), '/report/receipt', '/report/receipt/noted')).status).toBe(303);
    expect(receiptOn(await (await resident.through(two.fetch).fetch(url('/report/receipt'))).text())).toBeNull();
  });

  it('counts a client across both processes: wrong receipts, messages per report, failed sign-ins', async () => {
    const guessing = (via: ProcessConnection) => browserAt('203.0.113.9', via);
    // RATE_RECEIPT_CHECKS_PER_IP=4: two wrong receipts through each process use the allowance up…
    for (const via of [one, two, one, two]) {
      expect((await checkReceipt(guessing(via), '0000 0000 0000 0000')).status).toBe(400);
    }
    // …so both refuse the fifth: each process alone has seen only two.
    for (const via of [one, two]) {
      const refused = await checkReceipt(guessing(via), '0000 0000 0000 0000');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }

    // RATE_MESSAGES_PER_REPORT=2 (express-rate-limit, its counts in the primary): one message through each, the third refused.
    const resident = new CookieJar();
    await fileReportUpToRedirect(server.url, resident.through(one.fetch));
    const receipt = receiptOn(await (await resident.through(one.fetch).fetch(url('/report/receipt'))).text())!;
    expect((await checkReceipt(resident.through(two.fetch), receipt)).status).toBe(303);
    const message = (via: ProcessConnection) =>
      postForm(server.url, resident.through(via.fetch), '/status', '/status/messages', { message: 'Informasi tambahan' });
    expect((await message(one)).status).toBe(303);
    expect((await message(two)).status).toBe(303);
    expect((await message(one)).status).toBe(429);

    // Five wrong passwords, alternating processes, lock the account for this client on both.
    const signIn = (via: ProcessConnection, password: string) =>
      postForm(server.url, browserAt('203.0.113.10', via), '/login', '/login', { email: triage.email, password });
    for (const via of [one, two, one, two]) expect((await signIn(via, 'not the password')).status).toBe(400);
    // The fifth locks (its answer says so), and then even the right password is refused through either.
    expect((await signIn(one, 'not the password')).status).toBe(429);
    expect((await signIn(two, triage.password)).status).toBe(429);
    expect((await signIn(one, triage.password)).status).toBe(429);

    // Counted in the primary's memory: the addresses are in neither the database (nor its WAL) nor the log.
    for (const address of ['203.0.113.9', '203.0.113.10']) {
      expect(databaseBytes(dir).includes(address)).toBe(false);
      expect(server.output()).not.toContain(address);
    }
  });

  it("runs each server process with V8's young generation capped (its peak memory)", () => {
    const pids = [...server.output().matchAll(/Started server process \d of 2 \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    for (const pid of pids) {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain('--max-semi-space-size=4');
    }
  });

  it('starts a server process again when it dies, and stops every process on SIGTERM', async () => {
    const pid = Number(/Started server process 2 of 2 \(pid (\d+)\)/.exec(server.output())![1]);
    process.kill(pid, 'SIGKILL');
    await eventually(() =>
      /Server process 2 \(pid \d+\) exited unexpectedly \(signal SIGKILL\); starting it again in 1 s\./.test(server.output()),
    );
    await eventually(() => (server.output().match(/listening on /g) ?? []).length === 3);
    const again = await connectionTo(server.url, 2);
    try {
      expect((await again.fetch(url('/healthz'), {})).status).toBe(200);
    } finally {
      again.close();
    }

    one.close();
    two.close();
    expect(await server.kill('SIGTERM')).toBe(0);
    expect(server.output().match(/^Lentera stopped\.$/gm)).toHaveLength(2);
    expect(server.output()).toContain('Lentera stopped (every server process).');
  }, 30_000);
});
