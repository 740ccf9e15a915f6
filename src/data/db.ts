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
    // Permissions are only ever taken away here: a file made read-only stays read-only, and the
    // start then stops on it (src/lentera.ts) rather than quietly making it writable again.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      if (!fs.existsSync(f)) continue;
      const { mode, uid } = fs.statSync(f);
      if ((mode & 0o077) !== 0 && uid === process.getuid?.()) fs.chmodSync(f, mode & 0o700);
    }
  }
  // WAL, which Litestream also needs (docs/operations.md#replication). SQLite's own checkpoints
  // (PASSIVE, every 1,000 pages) stay on: they keep the WAL small when Litestream is not running,
  // and while it runs its read transaction keeps them from recycling WAL frames it has not yet copied.
  db.pragma('journal_mode = WAL');
  // FULL: a report is on disk before its receipt is shown.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted content is overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  // 16 MB of pages kept per connection (SQLite's default is 2 MB): at a million reports a queue
  // page, its panel and the reports they name no longer fit in 2 MB, and every request read its
  // pages again from the file (three times the time of the queries).
  db.pragma('cache_size = -16000');
  return db;
}
