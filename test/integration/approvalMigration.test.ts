import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/data/db';
import { migrate } from '../../src/data/migrate';
import { migrationsDir } from '../../src/paths';

/**
 * Migration 0009 on a database made before it (issue "Step 5", items 2 and 3): what was already in
 * place when the fix is installed is brought under the new rules.
 */
describe('migration 0009 on an existing database', () => {
  let dir: string;
  let db: Db;
  const at = '2026-03-01T02:00:00.000Z';

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-0009-'));
    const before = path.join(dir, 'before');
    fs.mkdirSync(before);
    for (const file of fs.readdirSync(migrationsDir).filter((f) => /^\d{4}_/.test(f) && f < '0009')) {
      fs.copyFileSync(path.join(migrationsDir, file), path.join(before, file));
    }
    db = openDatabase(path.join(dir, 'lentera.db'));
    migrate(db, before);

    const account = db.prepare(
      'INSERT INTO accounts (id, email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    account.run(1, 'ani@lk3.test', 'Ani Admin', 'admin', 'hash', at, at);
    account.run(2, 'ani+2@lk3.test', 'Ani Kedua', 'supervisor', null, at, at);
    account.run(3, 'cli@lk3.test', 'Dari Terminal', 'caseworker', null, at, at);
    account.run(4, 'tari@lk3.test', 'Tari Triase', 'triage', 'hash', at, at);
    const event = db.prepare(
      "INSERT INTO audit_events (at, actor_account_id, action, subject_type, subject_id, detail, prev_hash, hash) VALUES (?, ?, 'account.invited', 'account', ?, ?, 'x', 'y')",
    );
    event.run(at, 1, '2', '{"role":"supervisor","via":"admin"}');
    event.run(at, null, '3', '{"role":"caseworker","via":"cli"}');
    const token = db.prepare(
      "INSERT INTO account_tokens (account_id, purpose, token_hash, expires_at, created_at) VALUES (?, 'invite', ?, '2026-03-04T02:00:00.000Z', ?)",
    );
    token.run(2, Buffer.from('token-of-ani-kedua'), at);
    token.run(3, Buffer.from('token-from-the-shell'), at);

    db.prepare(
      "INSERT INTO cases (id, number, stage, assigned_to, opened_at, updated_at) VALUES (1, 'LK3/2026/0001', 'intake', 4, ?, ?)",
    ).run(at, at);
    const report = db.prepare(
      `INSERT INTO reports (reference, source, category, kecamatan_code, narrative_enc, urgency, reporter_relation, status, sla_due_at, created_at, updated_at, case_id)
       VALUES (?, 'public', 'neglect', '13.71.01', 'v1:x', 'normal', 'neighbour', ?, ?, ?, ?, 1)`,
    );
    report.run('LAP-2026-000001', 'accepted', at, at, at);
    report.run('LAP-2026-000002', 'in_review', at, at, at);
    report.run('LAP-2026-000003', 'closed', at, at, at);

    migrate(db, migrationsDir);
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("puts a content-role invitation an administrator made, not yet accepted, under a supervisor's approval, and ends its link", () => {
    const accounts = db.prepare('SELECT id, approval, approval_requested_by AS requestedBy FROM accounts ORDER BY id').all();
    expect(accounts).toEqual([
      { id: 1, approval: null, requestedBy: null },
      { id: 2, approval: 'pending', requestedBy: 1 },
      { id: 3, approval: null, requestedBy: null },
      { id: 4, approval: null, requestedBy: null },
    ]);
    expect(db.prepare('SELECT account_id FROM account_tokens ORDER BY id').pluck().all()).toEqual([3]);
  });

  it("takes reports reopened after their acceptance out of the case, and says so on the case's timeline", () => {
    expect(db.prepare('SELECT reference, case_id FROM reports ORDER BY id').all()).toEqual([
      { reference: 'LAP-2026-000001', case_id: 1 },
      { reference: 'LAP-2026-000002', case_id: null },
      { reference: 'LAP-2026-000003', case_id: null },
    ]);
    expect(db.prepare('SELECT case_id, account_id, kind, code FROM case_events ORDER BY id').all()).toEqual([
      { case_id: 1, account_id: null, kind: 'report_detached', code: 'LAP-2026-000002' },
      { case_id: 1, account_id: null, kind: 'report_detached', code: 'LAP-2026-000003' },
    ]);
  });
});
