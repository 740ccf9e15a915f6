import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db';

export class MigrationError extends Error {}

const migrationFile = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** Numbered SQL files in the folder, in order. */
export function migrationsOnDisk(dir: string): { version: string; file: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => migrationFile.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), file: path.join(dir, f) }));
}

/**
 * Applies each migration not yet applied, once, inside its own transaction, and records it.
 * Refuses to run when the database holds a migration that is not on disk: that database belongs
 * to a newer (or different) version of the code.
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
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  const ran: string[] = [];
  for (const m of onDisk) {
    if (done.has(m.version)) continue;
    const sql = fs.readFileSync(m.file, 'utf8');
    db.transaction(() => {
      db.exec(sql);
      record.run(m.version, new Date().toISOString());
    }).immediate();
    ran.push(m.version);
  }
  return ran;
}
