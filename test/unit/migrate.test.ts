import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/data/db';
import { migrate, MigrationError } from '../../src/data/migrate';
import { migrationsDir } from '../../src/paths';

describe('migrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-migrate-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies each file once, and sets the pragmas', () => {
    const db = openDatabase(path.join(dir, 'a.db'));
    const first = migrate(db, migrationsDir);
    expect(first[0]).toBe('0001_init');
    expect(migrate(db, migrationsDir)).toEqual([]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    for (const f of ['a.db', 'a.db-wal']) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    db.close();
  });

  it('rolls back a failing migration and records nothing for it', () => {
    const own = path.join(dir, 'migrations');
    fs.mkdirSync(own);
    fs.writeFileSync(path.join(own, '0001_good.sql'), 'CREATE TABLE a (x INTEGER);');
    fs.writeFileSync(path.join(own, '0002_bad.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);');
    const db = openDatabase(path.join(dir, 'b.db'));
    expect(() => migrate(db, own)).toThrow();
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toContain('a');
    expect(tables).not.toContain('b');
    expect(db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual(['0001_good']);
    db.close();
  });

  it('refuses a database that holds a migration not on disk', () => {
    const db = openDatabase(path.join(dir, 'c.db'));
    migrate(db, migrationsDir);
    db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES ('9999_from_the_future', 'now')").run();
    expect(() => migrate(db, migrationsDir)).toThrow(MigrationError);
    expect(() => migrate(db, migrationsDir)).toThrow(/9999_from_the_future/);
    db.close();
  });
});
