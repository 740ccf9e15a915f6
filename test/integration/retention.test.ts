import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { runRetention } from '../../src/cli/retention';
import { runAuditVerify } from '../../src/cli/auditVerify';
import { partnerTypes } from '../../src/domain/partners';
import type { ReferralInput } from '../../src/domain/referrals';
import type { CurrentAccount } from '../../src/domain/roles';
import {
  createTestApp,
  csrfTokenOf,
  fileReport,
  formBody,
  openStatus,
  tokenFrom,
  validReport,
  TEST_DATA_KEY,
  type TestApp,
} from '../helpers/testApp';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';
import { validReferral } from '../helpers/referrals';
import { createRetentionService } from '../../src/services/retentionService';
import { createRetentionRepository } from '../../src/data/retentionRepository';
import { createAuditRepository } from '../../src/data/auditRepository';
import { createTransactor } from '../../src/data/transaction';
import { createMailFiles, mailFolder } from '../../src/mail/transport';

const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2026-01-05T02:00:00Z');

describe('npm run retention (RETENTION_DAYS=30)', () => {
  let clock: Date;
  let lentera: TestApp;
  let triage: CurrentAccount;
  let worker: StaffAccount;

  const at = (days: number) => {
    clock = new Date(START.getTime() + days * DAY);
  };
  const env = () => ({ DATABASE_PATH: path.join(lentera.dir, 'lentera.db'), DATA_KEY: TEST_DATA_KEY, RETENTION_DAYS: '30' });

  /** The command, run in-process against the test database on the test clock. */
  function retention(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = runRetention(
      args,
      env(),
      (l) => out.push(l),
      (l) => err.push(l),
      () => clock,
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  const count = (sql: string, ...params: unknown[]) =>
    lentera.db
      .prepare(sql)
      .pluck()
      .get(...params) as number;
  const idOf = (reference: string) =>
    lentera.db.prepare('SELECT id FROM reports WHERE reference = ?').pluck().get(reference) as number | undefined;

  /** Files a report through the public form; returns its receipt and reference. */
  async function file(fields = validReport()): Promise<{ receipt: string; reference: string }> {
    const receipt = await fileReport(request.agent(lentera.app), fields);
    const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    return { receipt, reference };
  }

  function close(reference: string) {
    expect(
      lentera.services.triageService.decide(triage, reference, { kind: 'close', reason: 'not_actionable', note: 'Catatan penutupan' }),
    ).toEqual({ ok: true });
  }

  /** The whole answer /status gives a receipt, with the typed receipt and the CSRF token taken out. */
  async function statusAnswer(receipt: string): Promise<{ status: number; text: string }> {
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/status');
    const res = await agent
      .post('/status')
      .type('form')
      .send(formBody({ receipt, _csrf: token }));
    return {
      status: res.status,
      text: res.text
        .split(receipt)
        .join('RECEIPT')
        .replace(/name="_csrf" value="[^"]+"/g, ''),
    };
  }

  beforeEach(async () => {
    at(0);
    lentera = createTestApp(
      { RATE_REPORTS_PER_IP: '1000', RATE_RECEIPT_CHECKS_PER_IP: '1000', RETENTION_DAYS: '30' },
      { now: () => clock },
    );
    const t = await createStaffAccount(lentera, { role: 'triage' });
    triage = { id: t.id, email: t.email, name: t.name, role: t.role, departmentId: null };
    worker = await createStaffAccount(lentera, { role: 'caseworker' });
  });
  afterEach(() => lentera.cleanup());

  it('purges a report closed more than RETENTION_DAYS ago; its receipt then answers like an unknown one', async () => {
    const old = await file(validReport({ narrative: 'Laporan lama yang harus dihapus setelah masa simpan.' }));
    const open = await file();
    close(old.reference);
    lentera.services.reportService.addReporterMessage(idOf(old.reference)!, 'Pesan tambahan dari pelapor');
    at(20);
    const recent = await file();
    close(recent.reference);
    const oldId = idOf(old.reference)!;

    at(31);
    // Before: the receipt opens the report.
    expect((await statusAnswer(old.receipt)).status).toBe(303);
    const result = retention();
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('Purged 1 report(s) (with 1 message(s), 0 redirect(s), 0 referral(s)), 0 case(s)');

    expect(idOf(old.reference)).toBeUndefined();
    for (const table of ['report_events', 'messages', 'report_affected_groups']) {
      expect(count(`SELECT count(*) FROM ${table} WHERE report_id = ?`, oldId)).toBe(0);
    }
    // The recent decision and the report never decided stay, however old.
    expect(idOf(recent.reference)).toBeDefined();
    expect(idOf(open.reference)).toBeDefined();
    expect(count("SELECT count(*) FROM reports WHERE reference = ? AND status = 'new'", open.reference)).toBe(1);

    const purged = await statusAnswer(old.receipt);
    const unknown = await statusAnswer('1234567890123456');
    expect(purged.status).toBe(400);
    expect(purged).toEqual(unknown);
  });

  it('a receipt session open when its report is purged shows the receipt form again, not an error', async () => {
    const old = await file();
    close(old.reference);
    at(31);
    const agent = request.agent(lentera.app);
    await openStatus(agent, old.receipt);
    expect((await agent.get('/status').expect(200)).text).toContain('id="current-status"');
    expect(retention().code).toBe(0);
    const page = await agent.get('/status').expect(200);
    expect(page.text).not.toContain('id="current-status"');
    expect(page.text).toContain('id="receipt"');
    const token = csrfTokenOf(page.text);
    await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: 'masih ada?', _csrf: token }))
      .expect(403);
  });

  it('keeps an accepted report while its case is open, and until the case has been closed long enough; then the case goes too', async () => {
    const { reference } = await file();
    expect(
      lentera.services.triageService.decide(triage, reference, {
        kind: 'accept',
        existingCaseNumber: null,
        assigneeId: worker.id,
        riskLevel: 'medium',
        note: 'Catatan kasus',
      }),
    ).toEqual({ ok: true });
    const caseId = count('SELECT case_id FROM reports WHERE reference = ?', reference);
    const number = lentera.db.prepare('SELECT number FROM cases WHERE id = ?').pluck().get(caseId) as string;

    at(100);
    expect(retention().out).toContain('Purged 0 report(s)');
    expect(idOf(reference)).toBeDefined();

    const who: CurrentAccount = { id: worker.id, email: worker.email, name: worker.name, role: worker.role, departmentId: null };
    expect(lentera.services.caseService.change(who, number, { kind: 'note', text: 'Catatan kunjungan rumah' })).toEqual({ ok: true });
    expect(lentera.services.caseService.change(who, number, { kind: 'close', outcome: 'goals_met', summary: 'Tujuan tercapai' })).toEqual({
      ok: true,
    });

    at(120); // closed 20 days ago
    expect(retention('--dry-run').out).toContain('Would purge 0 report(s)');
    retention();
    expect(idOf(reference)).toBeDefined();
    expect(count('SELECT count(*) FROM cases WHERE id = ?', caseId)).toBe(1);

    at(131); // closed 31 days ago
    expect(retention('--dry-run').out).toContain(
      'Would purge 1 report(s) (with 0 message(s), 0 redirect(s), 0 referral(s)), 1 case(s) (with 4 case event(s))',
    );
    const result = retention();
    expect(result.out).toContain('Purged 1 report(s) (with 0 message(s), 0 redirect(s), 0 referral(s)), 1 case(s) (with 4 case event(s))');
    expect(idOf(reference)).toBeUndefined();
    expect(count('SELECT count(*) FROM cases WHERE id = ?', caseId)).toBe(0);
    expect(count('SELECT count(*) FROM case_events WHERE case_id = ?', caseId)).toBe(0);
  });

  it('purges redirects and referral rows, unlinks survivors marked duplicate of a purged report, and old sent emails only', async () => {
    const admin = await createStaffAccount(lentera, { role: 'admin' });
    const partner = lentera.services.partnerService.create(admin.id, {
      name: 'LBH Uji',
      type: partnerTypes[0],
      phone: '0751-000',
      email: 'mitra@lbh.test',
      address: 'Jl. Uji',
      areasServed: [],
    });
    if (!partner.ok) throw new Error('partner');
    const redirected = await file(validReport({ wants_contact: 'no' }));
    expect(
      lentera.services.triageService.decide(triage, redirected.reference, {
        kind: 'redirect',
        partnerId: partner.id,
        reason: 'legal_aid_needed',
        summary: 'Ringkasan untuk mitra',
        explanation: 'Penjelasan untuk pelapor',
      }),
    ).toMatchObject({ ok: true });
    const officer = await createStaffAccount(lentera, { role: 'department' });
    const referral = lentera.services.referralService.submit(
      { via: 'form', accountId: officer.id, departmentId: officer.departmentId! },
      validReferral() as unknown as ReferralInput,
    );
    if (!referral.ok) throw new Error(`referral: ${referral.problem}`);
    close(referral.reference);
    // Sent long ago; and one still pending (never purged here).
    lentera.db.prepare("UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = (SELECT min(id) FROM outbox)").run(clock.toISOString());

    at(40);
    const survivor = await file();
    expect(
      lentera.services.triageService.decide(triage, survivor.reference, {
        kind: 'duplicate',
        duplicateOfReference: redirected.reference,
        note: '',
      }),
    ).toEqual({ ok: true });
    expect(count('SELECT count(*) FROM redirects')).toBe(1);
    expect(count('SELECT count(*) FROM referrals')).toBe(1);

    const pending = count("SELECT count(*) FROM outbox WHERE status = 'pending'");
    expect(pending).toBeGreaterThan(0);
    const result = retention();
    expect(result.out).toContain('Purged 2 report(s) (with 0 message(s), 1 redirect(s), 1 referral(s))');
    expect(result.out).toContain('and 1 old email(s)');
    expect(count('SELECT count(*) FROM redirects')).toBe(0);
    expect(count('SELECT count(*) FROM referrals')).toBe(0);
    expect(count("SELECT count(*) FROM outbox WHERE status = 'pending'")).toBe(pending);
    expect(count("SELECT count(*) FROM outbox WHERE status = 'sent'")).toBe(0);
    expect(lentera.db.prepare('SELECT status, duplicate_of FROM reports WHERE reference = ?').get(survivor.reference)).toEqual({
      status: 'duplicate',
      duplicate_of: null,
    });
  });

  it('--dry-run prints what would go and deletes nothing, nor writes to the audit log', async () => {
    const { reference } = await file();
    close(reference);
    at(31);
    const reportsBefore = count('SELECT count(*) FROM reports');
    const auditBefore = count('SELECT count(*) FROM audit_events');
    const result = retention('--dry-run');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Dry run: nothing is deleted.');
    expect(result.out).toContain('Would purge 1 report(s)');
    expect(count('SELECT count(*) FROM reports')).toBe(reportsBefore);
    expect(idOf(reference)).toBeDefined();
    expect(count('SELECT count(*) FROM audit_events')).toBe(auditBefore);
  });

  it('leaves no trace of the purged narrative in the database file or its WAL', async () => {
    const { reference } = await file(validReport({ narrative: 'Narasi rahasia yang harus hilang dari berkas basis data.' }));
    close(reference);
    const stored = lentera.db.prepare('SELECT narrative_enc FROM reports WHERE reference = ?').pluck().get(reference) as string;
    const dbFile = path.join(lentera.dir, 'lentera.db');
    const bytes = () =>
      Buffer.concat([fs.readFileSync(dbFile), fs.existsSync(`${dbFile}-wal`) ? fs.readFileSync(`${dbFile}-wal`) : Buffer.alloc(0)]);
    expect(bytes().includes(stored)).toBe(true);

    at(31);
    expect(retention().code).toBe(0);
    expect(bytes().includes(stored)).toBe(false);
    expect(bytes().includes(reference)).toBe(true); // the audit log keeps codes: the reference stays there
  });

  const zero = {
    reports: 0,
    messages: 0,
    attachments: 0,
    redirects: 0,
    referrals: 0,
    cases: 0,
    caseEvents: 0,
    emails: 0,
    mailFiles: 0,
    idempotencyKeys: 0,
  };
  const purgeEvents = () =>
    (lentera.db.prepare("SELECT detail FROM audit_events WHERE action = 'retention.purged' ORDER BY id").pluck().all() as string[]).map(
      (d) => JSON.parse(d) as typeof zero,
    );

  /** The service as the command builds it, but deleting `size` at a time. */
  const retentionInBatchesOf = (size: number) =>
    createRetentionService({
      transaction: createTransactor(lentera.db),
      retention: createRetentionRepository(lentera.db),
      audit: createAuditRepository(lentera.db, Buffer.from(TEST_DATA_KEY, 'hex')),
      mailFiles: createMailFiles(mailFolder(lentera.dir)),
      retentionDays: 30,
      mailFilesKeepDays: 7,
      now: () => clock,
      batchSize: size,
    });

  async function closedReports(n: number): Promise<void> {
    for (let i = 0; i < n; i += 1) close((await file()).reference);
  }

  it('records an audit event with counts only, and the audit chain still verifies', async () => {
    const { reference } = await file();
    close(reference);
    at(31);
    retention();
    const events = lentera.db
      .prepare("SELECT actor_account_id, subject_type, detail FROM audit_events WHERE action = 'retention.purged'")
      .all();
    expect(events).toEqual([{ actor_account_id: null, subject_type: null, detail: JSON.stringify({ ...zero, reports: 1 }) }]);
    const out: string[] = [];
    expect(
      runAuditVerify(
        env(),
        (l) => out.push(l),
        () => undefined,
      ),
    ).toBe(0);
    expect(out.join('\n')).toContain('Audit log intact');
  });

  it('commits each batch together with an audit event recording exactly that batch', async () => {
    await closedReports(5);
    at(31);
    retentionInBatchesOf(2).run({ dryRun: false });
    expect(count('SELECT count(*) FROM reports')).toBe(0);
    expect(purgeEvents()).toEqual([
      { ...zero, reports: 2 },
      { ...zero, reports: 2 },
      { ...zero, reports: 1 },
    ]);
  });

  it('never commits a deletion without its audit event: a batch whose event fails is not deleted either', async () => {
    await closedReports(5);
    at(31);
    // The second retention event cannot be written (a full disk, say).
    lentera.db.exec(`CREATE TEMP TRIGGER second_purge_event_fails BEFORE INSERT ON main.audit_events
      WHEN new.action = 'retention.purged' AND (SELECT count(*) FROM main.audit_events WHERE action = 'retention.purged') >= 1
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    expect(() => retentionInBatchesOf(2).run({ dryRun: false })).toThrow('disk full');
    // The first batch went with its event; the second was rolled back whole; the rest never started.
    expect(purgeEvents()).toEqual([{ ...zero, reports: 2 }]);
    expect(count('SELECT count(*) FROM reports')).toBe(3);
  });

  it('records one event when there is nothing to purge', async () => {
    await closedReports(1);
    at(1);
    expect(retention().out).toContain('Purged 0 report(s)');
    expect(purgeEvents()).toEqual([zero]);
  });

  describe('email files (SMTP_URL unset: <data directory>/mail/)', () => {
    const folder = () => path.join(lentera.dir, 'mail');
    const files = () => (fs.existsSync(folder()) ? fs.readdirSync(folder()).sort() : []);

    /** A report marked urgent, so triage is emailed; the email is sent, i.e. written as an .eml file by the file transport. */
    async function emailSent(): Promise<string> {
      const before = new Set(files());
      await file(validReport({ urgency: 'urgent' }));
      expect(await lentera.services.outboxService.drain(10)).toMatchObject({ sent: 1 });
      const written = files().filter((f) => !before.has(f));
      expect(written).toEqual([expect.stringMatching(/^\d{6}-[0-9a-f]{32}\.eml$/)]);
      return written[0]!;
    }

    it('deletes sent files older than MAIL_FILES_KEEP_DAYS and leftover temporary ones, counted and audited; --dry-run only counts', async () => {
      const old = await emailSent();
      fs.copyFileSync(path.join(folder(), old), path.join(folder(), `${old}.tmp`)); // left behind by a crash
      fs.writeFileSync(path.join(folder(), 'catatan.txt'), 'not written by Lentera');
      at(3);
      const recent = await emailSent();
      expect(fs.readFileSync(path.join(folder(), old), 'utf8')).toContain('triase@localhost');

      at(8); // the first email was sent 8 days ago, the second 5
      const dry = retention('--dry-run');
      expect(dry.out).toContain('Would purge 2 email file(s) from the mail folder');
      expect(files()).toEqual([old, `${old}.tmp`, recent, 'catatan.txt'].sort());

      const result = retention();
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toContain('Purged 2 email file(s) from the mail folder');
      expect(files()).toEqual([recent, 'catatan.txt'].sort());
      expect(purgeEvents()).toEqual([{ ...zero, mailFiles: 2 }]);
      // The outbox rows themselves are kept until RETENTION_DAYS.
      expect(count("SELECT count(*) FROM outbox WHERE status = 'sent'")).toBe(2);
    });

    it('deletes the file of every email whose outbox row is purged, however recent MAIL_FILES_KEEP_DAYS would keep it', async () => {
      await emailSent();
      at(31);
      const result = runRetention(
        [],
        { ...env(), MAIL_FILES_KEEP_DAYS: '60' },
        () => undefined,
        () => undefined,
        () => clock,
      );
      expect(result).toBe(0);
      expect(files()).toEqual([]);
      expect(purgeEvents()).toEqual([
        { ...zero, emails: 1 },
        { ...zero, mailFiles: 1 },
      ]);
    });
  });

  it('prints the real error when it cannot run, not a guess', () => {
    const err: string[] = [];
    const code = runRetention(
      [],
      { ...env(), SMTP_URL: 'smtp://relay.lk3.test:99999' },
      () => undefined,
      (l) => err.push(l),
      () => clock,
    );
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('Invalid URL');
    expect(err.join('\n')).not.toMatch(/not migrated/);
  });

  it('refuses unknown arguments and a missing database with exit code 2', () => {
    expect(retention('--everything').code).toBe(2);
    const out: string[] = [];
    const code = runRetention(
      [],
      { ...env(), DATABASE_PATH: path.join(lentera.dir, 'none', 'x.db') },
      (l) => out.push(l),
      () => undefined,
    );
    expect(code).toBe(2);
    expect(out).toEqual([]);
  });
});
