import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { runRetention } from '../../src/cli/retention';
import { runAuditVerify } from '../../src/cli/auditVerify';
import { partnerTypes } from '../../src/domain/partners';
import type { ReferralInput } from '../../src/domain/referrals';
import type { CurrentAccount } from '../../src/domain/roles';
import { createTestApp, csrfTokenOf, fileReport, formBody, openStatus, tokenFrom, validReport, TEST_DATA_KEY, type TestApp } from '../helpers/testApp';
import { createStaffAccount, type StaffAccount } from '../helpers/staff';
import { validReferral } from '../helpers/referrals';

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
    const code = runRetention(args, env(), (l) => out.push(l), (l) => err.push(l), () => clock);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  const count = (sql: string, ...params: unknown[]) => lentera.db.prepare(sql).pluck().get(...params) as number;
  const idOf = (reference: string) => lentera.db.prepare('SELECT id FROM reports WHERE reference = ?').pluck().get(reference) as number | undefined;

  /** Files a report through the public form; returns its receipt and reference. */
  async function file(fields = validReport()): Promise<{ receipt: string; reference: string }> {
    const receipt = await fileReport(request.agent(lentera.app), fields);
    const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    return { receipt, reference };
  }

  function close(reference: string) {
    expect(lentera.services.triageService.decide(triage, reference, { kind: 'close', reason: 'not_actionable', note: 'Catatan penutupan' })).toEqual({ ok: true });
  }

  /** The whole answer /status gives a receipt, with the typed receipt and the CSRF token taken out. */
  async function statusAnswer(receipt: string): Promise<{ status: number; text: string }> {
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/status');
    const res = await agent.post('/status').type('form').send(formBody({ receipt, _csrf: token }));
    return { status: res.status, text: res.text.split(receipt).join('RECEIPT').replace(/name="_csrf" value="[^"]+"/g, '') };
  }

  beforeEach(async () => {
    at(0);
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000', RATE_RECEIPT_CHECKS_PER_IP: '1000', RETENTION_DAYS: '30' }, { now: () => clock });
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
    await agent.post('/status/messages').type('form').send(formBody({ message: 'masih ada?', _csrf: token })).expect(403);
  });

  it('keeps an accepted report while its case is open, and until the case has been closed long enough; then the case goes too', async () => {
    const { reference } = await file();
    expect(
      lentera.services.triageService.decide(triage, reference, { kind: 'accept', existingCaseNumber: null, assigneeId: worker.id, riskLevel: 'medium', note: 'Catatan kasus' }),
    ).toEqual({ ok: true });
    const caseId = count('SELECT case_id FROM reports WHERE reference = ?', reference);
    const number = lentera.db.prepare('SELECT number FROM cases WHERE id = ?').pluck().get(caseId) as string;

    at(100);
    expect(retention().out).toContain('Purged 0 report(s)');
    expect(idOf(reference)).toBeDefined();

    const who: CurrentAccount = { id: worker.id, email: worker.email, name: worker.name, role: worker.role, departmentId: null };
    expect(lentera.services.caseService.change(who, number, { kind: 'note', text: 'Catatan kunjungan rumah' })).toEqual({ ok: true });
    expect(lentera.services.caseService.change(who, number, { kind: 'close', reason: 'goals_achieved', note: '' })).toEqual({ ok: true });

    at(120); // closed 20 days ago
    expect(retention('--dry-run').out).toContain('Would purge 0 report(s)');
    retention();
    expect(idOf(reference)).toBeDefined();
    expect(count('SELECT count(*) FROM cases WHERE id = ?', caseId)).toBe(1);

    at(131); // closed 31 days ago
    expect(retention('--dry-run').out).toContain('Would purge 1 report(s) (with 0 message(s), 0 redirect(s), 0 referral(s)), 1 case(s) (with 4 case event(s))');
    const result = retention();
    expect(result.out).toContain('Purged 1 report(s) (with 0 message(s), 0 redirect(s), 0 referral(s)), 1 case(s) (with 4 case event(s))');
    expect(idOf(reference)).toBeUndefined();
    expect(count('SELECT count(*) FROM cases WHERE id = ?', caseId)).toBe(0);
    expect(count('SELECT count(*) FROM case_events WHERE case_id = ?', caseId)).toBe(0);
  });

  it('purges redirects and referral rows, unlinks survivors marked duplicate of a purged report, and old sent emails only', async () => {
    const admin = await createStaffAccount(lentera, { role: 'admin' });
    const partner = lentera.services.partnerService.create(admin.id, {
      name: 'LBH Uji', type: partnerTypes[0], phone: '0751-000', email: 'mitra@lbh.test', address: 'Jl. Uji', areasServed: [],
    });
    if (!partner.ok) throw new Error('partner');
    const redirected = await file(validReport({ wants_contact: 'no' }));
    expect(
      lentera.services.triageService.decide(triage, redirected.reference, { kind: 'redirect', partnerId: partner.id, reason: 'legal_aid_needed', summary: 'Ringkasan untuk mitra', explanation: 'Penjelasan untuk pelapor' }),
    ).toMatchObject({ ok: true });
    const officer = await createStaffAccount(lentera, { role: 'department' });
    const referral = lentera.services.referralService.submit({ via: 'form', accountId: officer.id, departmentId: officer.departmentId! }, validReferral() as unknown as ReferralInput);
    if (!referral.ok) throw new Error(`referral: ${referral.problem}`);
    close(referral.reference);
    // Sent long ago; and one still pending (never purged here).
    lentera.db.prepare("UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = (SELECT min(id) FROM outbox)").run(clock.toISOString());

    at(40);
    const survivor = await file();
    expect(lentera.services.triageService.decide(triage, survivor.reference, { kind: 'duplicate', duplicateOfReference: redirected.reference, note: '' })).toEqual({ ok: true });
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
    expect(lentera.db.prepare("SELECT status, duplicate_of FROM reports WHERE reference = ?").get(survivor.reference)).toEqual({ status: 'duplicate', duplicate_of: null });
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
    const bytes = () => Buffer.concat([fs.readFileSync(dbFile), fs.existsSync(`${dbFile}-wal`) ? fs.readFileSync(`${dbFile}-wal`) : Buffer.alloc(0)]);
    expect(bytes().includes(stored)).toBe(true);

    at(31);
    expect(retention().code).toBe(0);
    expect(bytes().includes(stored)).toBe(false);
    expect(bytes().includes(reference)).toBe(true); // the audit log keeps codes: the reference stays there
  });

  it('records one audit event with counts only, and the audit chain still verifies', async () => {
    const { reference } = await file();
    close(reference);
    at(31);
    retention();
    const events = lentera.db.prepare("SELECT actor_account_id, subject_type, detail FROM audit_events WHERE action = 'retention.purged'").all();
    expect(events).toEqual([
      { actor_account_id: null, subject_type: null, detail: JSON.stringify({ reports: 1, messages: 0, redirects: 0, referrals: 0, cases: 0, caseEvents: 0, emails: 0 }) },
    ]);
    const out: string[] = [];
    expect(runAuditVerify(env(), (l) => out.push(l), () => undefined)).toBe(0);
    expect(out.join('\n')).toContain('Audit log intact');
  });

  it('refuses unknown arguments and a missing database with exit code 2', () => {
    expect(retention('--everything').code).toBe(2);
    const out: string[] = [];
    const code = runRetention([], { ...env(), DATABASE_PATH: path.join(lentera.dir, 'none', 'x.db') }, (l) => out.push(l), () => undefined);
    expect(code).toBe(2);
    expect(out).toEqual([]);
  });
});
