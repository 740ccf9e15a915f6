import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db';

export class MigrationError extends Error {}

const migrationFile = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Numbered SQL files in the folder, in order. The numbers need not be consecutive — 3 and 4 were
 * never used (0002 is followed by 0005), and no file may ever take them now: see `migrate`.
 */
export function migrationsOnDisk(dir: string): { version: string; number: number; file: string }[] {
  const found = fs
    .readdirSync(dir)
    .filter((f) => migrationFile.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), number: Number(f.slice(0, 4)), file: path.join(dir, f) }));
  // The number alone orders the migrations, so it must name one file.
  const twice = found.filter((m, i) => i > 0 && found[i - 1]!.number === m.number);
  if (twice.length > 0) {
    throw new MigrationError(`Two migrations in ${dir} share a number: ${twice.map((m) => `${path.basename(m.file)}`).join(', ')}.`);
  }
  return found;
}

/**
 * Applies each migration not yet applied, once, inside its own transaction, and records it
 * (version and time only: the files are not checksummed, so a comment may be edited; a statement
 * never is once it has landed). Refuses — before applying anything — a database that holds a
 * migration not on disk (it belongs to a newer or different version of the code), and a pending
 * migration numbered below the highest one applied: a new database would run it before the later
 * ones and an upgraded one after them, and the two would differ. A migration takes the next
 * number after the highest on disk.
 */
export function migrate(db: Db, dir: string): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const onDisk = migrationsOnDisk(dir);
  const known = new Set(onDisk.map((m) => m.version));
  const applied = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as string[];
  const unknown = applied.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new MigrationError(
      `The database has migrations that are not in ${dir}: ${unknown.join(', ')}. ` +
        'It was made by another version of Lentera; refusing to start.',
    );
  }
  const done = new Set(applied);
  const pending = onDisk.filter((m) => !done.has(m.version));
  const highest = onDisk.filter((m) => done.has(m.version)).at(-1);
  const late = highest ? pending.filter((m) => m.number < highest.number) : [];
  if (highest && late.length > 0) {
    throw new MigrationError(
      `${late.map((m) => path.basename(m.file)).join(', ')} in ${dir} ${late.length === 1 ? 'is' : 'are'} not applied, but the database ` +
        `already has migration ${highest.version} (number ${highest.number}): a migration numbered below the highest applied one would ` +
        'leave this database different from a new one. Give it the next free number; nothing was applied.',
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  const ran: string[] = [];
  for (const m of pending) {
    const sql = fs.readFileSync(m.file, 'utf8');
    try {
      db.transaction(() => {
        db.exec(sql);
        record.run(m.version, new Date().toISOString());
      }).immediate();
    } catch (err) {
      // Said with the file it came from; the ones before it stay applied, this one left nothing behind.
      throw new MigrationError(`Migration ${path.basename(m.file)} failed and was rolled back: ${(err as Error).message}`, { cause: err });
    }
    ran.push(m.version);
  }
  return ran;
}
