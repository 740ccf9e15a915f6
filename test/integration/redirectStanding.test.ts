import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/data/db';
import { migrate } from '../../src/data/migrate';
import { migrationsDir } from '../../src/paths';
import { rebuildRedirectStanding } from '../../src/data/redirectRepository';

/**
 * redirects.standing (migration 0015), kept by triggers, against what it stands for: the latest
 * redirect of a report whose status is 'redirected'. The queue's panel and the reminders read the
 * flag, so it must agree with that definition after every kind of write.
 */
describe('which redirects still stand', () => {
  let dir: string;
  let db: Db;
  const at = '2026-01-05T03:00:00.000Z';

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-standing-'));
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The migrations, or only those before the one that brought the flag. */
  function openAt(which: 'all' | 'before the flag'): void {
    const folder = path.join(dir, 'migrations');
    fs.mkdirSync(folder);
    const files = fs.readdirSync(migrationsDir).filter((f) => f.endsWith('.sql'));
    const flag = files.find((f) => fs.readFileSync(path.join(migrationsDir, f), 'utf8').includes('ADD COLUMN standing'))!;
    for (const f of files.filter((f) => which === 'all' || f < flag)) {
      fs.copyFileSync(path.join(migrationsDir, f), path.join(folder, f));
    }
    db = openDatabase(path.join(dir, 'lentera.db'));
    migrate(db, folder);
    db.prepare("INSERT INTO partners (name, type, created_at, updated_at) VALUES ('UPTD PPA', 'government', ?, ?)").run(at, at);
  }

  let made = 0;
  const report = (status: string): number => {
    made += 1;
    return Number(
      db
        .prepare(
          `INSERT INTO reports (reference, source, category, kecamatan_code, narrative_enc, urgency, reporter_relation, status, sla_due_at, created_at, updated_at)
           VALUES (?, 'public', 'neglect', '13.71.01', 'v1:AAAA', 'normal', 'other', ?, ?, ?, ?)`,
        )
        .run(`LAP-2026-${String(made).padStart(6, '0')}`, status, at, at, at).lastInsertRowid,
    );
  };
  const redirect = (reportId: number): number =>
    Number(
      db
        .prepare(
          `INSERT INTO redirects (report_id, partner_id, reason_code, summary_enc, reporter_explanation_enc, created_at, ack_due_at)
           VALUES (?, 1, 'mandate_elsewhere', 'v1:AAAA', 'v1:AAAA', ?, ?)`,
        )
        .run(reportId, at, at).lastInsertRowid,
    );
  const setStatus = (reportId: number, status: string) => db.prepare('UPDATE reports SET status = ? WHERE id = ?').run(status, reportId);

  /** Each redirect's flag, and what the definition says it should be. */
  function flags(): { id: number; standing: number; expected: number }[] {
    return db
      .prepare(
        `SELECT d.id, d.standing,
           (r.status = 'redirected' AND NOT EXISTS (SELECT 1 FROM redirects later WHERE later.report_id = d.report_id AND later.id > d.id)) AS expected
         FROM redirects d JOIN reports r ON r.id = d.report_id ORDER BY d.id`,
      )
      .all() as { id: number; standing: number; expected: number }[];
  }
  /** The flag agrees with its definition, and the kept counts with a count; the standing ones. */
  const agree = () => {
    const rows = flags();
    expect(rows.map((r) => r.standing)).toEqual(rows.map((r) => r.expected));
    const kept = db.prepare('SELECT ack_status, count FROM redirect_standing_counts WHERE count <> 0 ORDER BY 1').all();
    const counted = db.prepare('SELECT ack_status, count(*) AS count FROM redirects WHERE standing = 1 GROUP BY 1 ORDER BY 1').all();
    expect(kept).toEqual(counted);
    return rows.filter((r) => r.standing === 1).map((r) => r.id);
  };
  const answer = (id: number, status: string) => db.prepare('UPDATE redirects SET ack_status = ? WHERE id = ?').run(status, id);

  it('follows redirects made before and after the decision, a second redirect, a reopening and a new redirect', () => {
    openAt('all');
    const a = report('in_review');
    const first = redirect(a); // as the triage service does: the redirect row, then the status
    expect(agree()).toEqual([]);
    setStatus(a, 'redirected');
    expect(agree()).toEqual([first]);
    const second = redirect(a);
    expect(agree()).toEqual([second]);
    setStatus(a, 'in_review'); // reopened
    expect(agree()).toEqual([]);
    setStatus(a, 'redirected'); // the status first, then the redirect row
    expect(agree()).toEqual([second]);
    const third = redirect(a);
    expect(agree()).toEqual([third]);
    answer(third, 'declined');
    answer(second, 'received'); // no longer standing: counted nowhere
    expect(agree()).toEqual([third]);
    const b = report('redirected'); // seeds write reports already decided
    const fourth = redirect(b);
    expect(agree()).toEqual([third, fourth]);
    setStatus(b, 'closed');
    expect(agree()).toEqual([third]);
    db.prepare('DELETE FROM redirects WHERE id = ?').run(third);
    expect(agree()).toEqual([second]);
    db.prepare('DELETE FROM redirects WHERE report_id = ?').run(a); // as retention does, with the report
    expect(agree()).toEqual([]);
  });

  it('is filled in for the redirects made before the migration', () => {
    openAt('before the flag');
    const a = report('in_review');
    redirect(a);
    setStatus(a, 'redirected');
    const b = report('redirected');
    redirect(b);
    redirect(b);
    answer(redirect(b), 'declined');
    const c = report('in_review');
    redirect(c);
    migrate(db, migrationsDir);
    expect(agree()).toHaveLength(2);
  });

  it('is rebuilt from the rows after a bulk load that went without the triggers', () => {
    openAt('all');
    const suspended = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'redirects_standing%'")
      .all() as {
      name: string;
      sql: string;
    }[];
    expect(suspended.length).toBeGreaterThan(0);
    for (const t of suspended) db.exec(`DROP TRIGGER ${t.name}`);
    const a = report('redirected');
    redirect(a);
    answer(redirect(a), 'declined');
    redirect(report('closed'));
    redirect(report('redirected'));
    for (const t of suspended) db.exec(t.sql);
    rebuildRedirectStanding(db);
    expect(agree()).toHaveLength(2);
    rebuildRedirectStanding(db);
    expect(agree()).toHaveLength(2);
  });
});
