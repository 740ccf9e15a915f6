import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/data/db';
import { migrate, migrationsOnDisk, MigrationError } from '../../src/data/migrate';
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
    expect(() => migrate(db, own)).toThrow(/^Migration 0002_bad\.sql failed and was rolled back: no such table: nowhere$/);
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

  it('refuses a pending migration numbered below the highest applied one, and applies nothing', () => {
    const own = path.join(dir, 'migrations');
    fs.mkdirSync(own);
    fs.writeFileSync(path.join(own, '0001_first.sql'), 'CREATE TABLE a (x INTEGER);');
    fs.writeFileSync(path.join(own, '0003_third.sql'), 'CREATE TABLE c (x INTEGER);');
    const db = openDatabase(path.join(dir, 'd.db'));
    expect(migrate(db, own)).toEqual(['0001_first', '0003_third']);
    // A file filling the gap, and a proper next one: a new database would run 0002 before 0003, this one after.
    fs.writeFileSync(path.join(own, '0002_gap.sql'), 'CREATE TABLE b (x INTEGER);');
    fs.writeFileSync(path.join(own, '0004_next.sql'), 'CREATE TABLE d (x INTEGER);');
    expect(() => migrate(db, own)).toThrow(MigrationError);
    expect(() => migrate(db, own)).toThrow(
      /^0002_gap\.sql in .* is not applied, but the database already has migration 0003_third \(number 3\)/,
    );
    expect(() => migrate(db, own)).toThrow(/nothing was applied\.$/);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).not.toContain('b');
    expect(tables).not.toContain('d');
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(['0001_first', '0003_third']);
    // Renumbered after the highest, it goes in.
    fs.renameSync(path.join(own, '0002_gap.sql'), path.join(own, '0005_gap.sql'));
    expect(migrate(db, own)).toEqual(['0004_next', '0005_gap']);
    db.close();
  });

  it('refuses two files with the same number', () => {
    const own = path.join(dir, 'migrations');
    fs.mkdirSync(own);
    fs.writeFileSync(path.join(own, '0001_first.sql'), 'CREATE TABLE a (x INTEGER);');
    fs.writeFileSync(path.join(own, '0001_again.sql'), 'CREATE TABLE b (x INTEGER);');
    const db = openDatabase(path.join(dir, 'e.db'));
    expect(() => migrate(db, own)).toThrow(/^Two migrations in .* share a number: 0001_first\.sql\.$/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b')").pluck().all()).toEqual([]);
    db.close();
  });

  it('leaves the numbers 3 and 4 unused, and numbers every file once', () => {
    const numbers = migrationsOnDisk(migrationsDir).map((m) => m.number);
    expect(numbers).not.toContain(3);
    expect(numbers).not.toContain(4);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
