import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Opens the database with the pragmas every connection needs (DESIGN.md, security baseline). */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  if (file !== ':memory:') {
    // Only the service's own user may read it (SQLite gives the WAL and SHM files the same mode).
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
  }
  db.pragma('journal_mode = WAL');
  // FULL: a report is on disk before its receipt is shown.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted content is overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  return db;
}

/** A cheap query that throws when the database does not answer (for /healthz). */
export function createPing(db: Db): () => void {
  const ping = db.prepare('SELECT 1').pluck();
  return () => {
    ping.get();
  };
}
