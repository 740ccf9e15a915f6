import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from './db';
import { createAuditRepository } from './auditRepository';
import { keyCheckValue } from './fieldCipher';

/** Rows of the tables a copy is compared on. */
export interface CopyCounts {
  reports: number;
  cases: number;
  accounts: number;
  auditEvents: number;
}

const countsQuery = `SELECT (SELECT count(*) FROM reports) AS reports, (SELECT count(*) FROM cases) AS cases,
  (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM audit_events) AS auditEvents`;

/** The live counts just before and just after a copy: the copy's snapshot lies between them. */
export interface CountRange {
  before: CopyCounts;
  after: CopyCounts;
}

/**
 * A consistent copy of the live database in one statement: `VACUUM INTO` reads one snapshot (the
 * WAL included) in a single read transaction, so steady writes by the server neither block it nor
 * restart it, as they restart the online backup API's page steps. `target` must be an empty file;
 * create it 0600 first, and the copy keeps that mode.
 */
export function copyDatabase(db: Db, target: string): CountRange {
  const counts = db.prepare(countsQuery);
  const before = counts.get() as CopyCounts;
  db.prepare('VACUUM INTO ?').run(target);
  return { before, after: counts.get() as CopyCounts };
}

export type CopyProblem = 'integrity' | 'key' | 'counts' | 'audit';

const between = (value: number, a: number, b: number) => value >= Math.min(a, b) && value <= Math.max(a, b);

/**
 * Opens a finished copy read-only and checks it: SQLite's integrity check, the data key's check
 * value, row counts between the live ones just before and just after the copy, and an intact
 * audit chain. Returns the copy's counts.
 */
export function verifyCopy(
  file: string,
  dataKey: Buffer,
  live: CountRange,
): { ok: true; counts: CopyCounts } | { ok: false; problem: CopyProblem; detail: string } {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = copy.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    if (integrity.length !== 1 || integrity[0]!.integrity_check !== 'ok') {
      return {
        ok: false,
        problem: 'integrity',
        detail: integrity
          .map((r) => r.integrity_check)
          .slice(0, 3)
          .join('; '),
      };
    }
    const keyCheck = copy.prepare('SELECT key_check FROM installation WHERE id = 1').pluck().get() as string | undefined;
    if (keyCheck !== undefined && keyCheck !== keyCheckValue(dataKey))
      return { ok: false, problem: 'key', detail: 'the key check value differs' };
    const counts = copy.prepare(countsQuery).get() as CopyCounts;
    for (const table of Object.keys(counts) as (keyof CopyCounts)[]) {
      if (!between(counts[table], live.before[table], live.after[table])) {
        return {
          ok: false,
          problem: 'counts',
          detail: `${table}: ${counts[table]} in the copy, ${live.before[table]} to ${live.after[table]} live`,
        };
      }
    }
    const broken = createAuditRepository(copy, dataKey).verify();
    if (broken) return { ok: false, problem: 'audit', detail: `event ${broken.id}: ${broken.problem}` };
    return { ok: true, counts };
  } finally {
    copy.close();
  }
}

/** Flushes a file (or folder) to disk. */
export function fsyncPath(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
