/**
 * A database that looks like a service that has run for years (`npm run seed:bench -- --reports N`).
 *
 * Reports from residents and departments filed over the last `years` (default 6), most decided long
 * ago and a few thousand open, as the app would have left them: claims, questions to the reporter
 * and answers, decisions (accepted into cases, redirected to partners who acknowledge or decline,
 * duplicates, closed), escalations, referrals with clients and consent, cases through the LK3
 * stages with notes and risk assessments, sign-ins, views — each with its timeline events and its
 * audit event on the hash chain, in time order — and the statistics the app keeps (its triggers,
 * then the aggregates rebuilt). Staff accounts of every role sign in with known details.
 *
 * It opens the database as the server does (src/lentera.ts `openData`: the app's migrations and the
 * installation's data key) and writes the rows directly, in large transactions with prepared
 * statements, encrypting every sensitive field with the app's field cipher, hashing receipts as the
 * app does and chaining the audit log with the app's chain hash, so the server opens, decrypts and
 * verifies all of it. The rows are made, encrypted and chained in a worker thread
 * (bench/seedGenerator.ts) a few batches ahead, while the main thread only writes. `seedBench` is what the benches call (`seededCopy` shares one seeding between them);
 * run as a command it draws a progress bar on standard error and prints the sign-in details at the
 * end. docs/performance.md says what it holds and what it costs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { openData } from '../src/lentera';
import { loadConfig, type Config } from '../src/config';
import { readEnvironment } from '../src/env';
import type { Db } from '../src/data/db';
import { createFieldCipher, createKeyedHasher, deriveKey } from '../src/data/fieldCipher';
import { auditChainHash, GENESIS_HASH } from '../src/data/auditRepository';
import { rebuildRedirectStanding } from '../src/data/redirectRepository';
import { rebuildStatisticsAggregates } from '../src/data/statisticsAggregates';
import { rebuildCaseStatistics } from '../src/data/caseStatisticsRepository';
import { totpSecretContext } from '../src/services/accountService';
import { hashPassword } from '../src/security/passwords';
import { totpUri } from '../src/security/totp';
import { API_TOKEN_PREFIX } from '../src/domain/departments';
import { reportStatuses, type ReportStatus } from '../src/domain/reportStatus';
import type { Role } from '../src/domain/roles';
import * as material from '../src/cli/demoMaterial';
import { runFromShell } from '../src/cli/command';
import {
  createGenerator,
  DAY,
  iso,
  RECEIPT_COLUMN,
  type GeneratorInput,
  type GeneratorMessage,
  type GeneratorSummary,
  type PreparedBatch,
  type Row,
} from './seedGenerator';

/** The one password of every seeded account (a bench database only: never a real installation). */
export const BENCH_PASSWORD = 'lentera-bench-password';
const EMAIL_DOMAIN = 'bench.lentera.test';

export interface SeedBenchOptions {
  /** How many reports to file. */
  reports: number;
  /** The database file; default: a new file `bench-<reports>.db` in the data folder DATABASE_PATH names. */
  databasePath?: string;
  /** Settings as the app reads them (DATA_KEY, DATABASE_PATH…); default: the process environment over `.env`. */
  env?: NodeJS.ProcessEnv;
  /** Add to a database that already holds reports (refused otherwise). Nothing is ever deleted. */
  force?: boolean;
  /** Years of history, ending at `now` (default 6). */
  years?: number;
  /** The end of the history (default: now). */
  now?: Date;
  /** The random generator's seed: the same seed makes the same data, receipts and accounts (default 1). */
  seed?: number;
  /** Make, encrypt and chain the rows in a worker thread while the main thread writes (default: when the machine has two cores or more). */
  worker?: boolean;
  /** Called after each batch of reports is written. */
  onProgress?: (done: number, total: number) => void;
  /** Where the app's warnings go (a generated data key…); default standard error. */
  log?: (message: string) => void;
}

export interface SeededAccount {
  id: number;
  role: Role;
  email: string;
  name: string;
  password: string;
  /** Base32, as an authenticator app takes it; enrolled with no code used yet. */
  totpSecret: string;
  otpauthUrl: string;
  departmentId: number | null;
}

export interface SeedBenchResult {
  databasePath: string;
  reports: number;
  byStatus: Record<ReportStatus, number>;
  referrals: number;
  cases: number;
  redirects: number;
  messages: number;
  auditEvents: number;
  seconds: number;
  /** Seconds of the main thread: waiting for the worker's rows (or making them, without the worker), writing, and the indexes and recounts at the end. */
  phases: { rows: number; write: number; finish: number };
  accounts: SeededAccount[];
  /** A bearer token for the referral API per department. */
  apiTokens: { departmentId: number; departmentName: string; token: string }[];
  /** Residents' reports with their receipts (newest of each status): POST /status with one opens its page. */
  receipts: { reference: string; receipt: string; status: ReportStatus }[];
  /** References to open as staff, newest first. */
  references: Record<ReportStatus | 'referral', string[]>;
  /** Open cases, newest first (LK3/2026/0001; in a URL LK3-2026-0001). */
  caseNumbers: string[];
}

/** Why seedBench would not touch a database (one that already holds reports, without `force`). */
export class SeedRefused extends Error {
  override name = 'SeedRefused';
}

/** The n-th seeded account of a role (0 = the first). */
export function accountFor(result: Pick<SeedBenchResult, 'accounts'>, role: Role, n = 0): SeededAccount {
  const account = result.accounts.filter((a) => a.role === role)[n];
  if (!account) throw new Error(`No seeded ${role} account number ${n}`);
  return account;
}

/** The TOTP secret of a seeded account: fixed by its email, so every run and every client knows it. */
export function benchTotpSecret(email: string): string {
  const bytes = crypto.createHash('sha256').update(`lentera bench totp:${email}`).digest().subarray(0, 20);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

const statements = {
  cases: `INSERT INTO cases (id, number, stage, on_hold, risk_level, risk_factors_enc, protective_factors_enc, assigned_to, opened_at, closed_at, closure_reason, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  reports: `INSERT INTO reports (id, reference, receipt_hash, source, category, kecamatan_code, kelurahan_code, location_detail_enc, narrative_enc,
      urgency, reporter_relation, contact_enc, wants_contact, status, sla_due_at, created_at, updated_at, department_id, claimed_by, claimed_at,
      decided_by, decided_at, decision_reason, decision_note_enc, duplicate_of, case_id, escalated_at, escalated_to, language)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  groups: 'INSERT INTO report_affected_groups (report_id, group_code) VALUES (?, ?)',
  events: 'INSERT INTO report_events (report_id, kind, status, created_at) VALUES (?, ?, ?, ?)',
  messages: 'INSERT INTO messages (report_id, author, account_id, body_enc, created_at) VALUES (?, ?, ?, ?, ?)',
  redirects: `INSERT INTO redirects (id, report_id, partner_id, reason_code, summary_enc, reporter_explanation_enc, ack_status, ack_reason_enc, ack_at,
      created_by, created_at, ack_due_at, reminded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  referrals: `INSERT INTO referrals (report_id, department_id, officer_account_id, department_reference, client_enc, consent, consent_method,
      consent_by_enc, no_consent_ground, no_consent_justification_enc, actions_taken_enc, response_enc, channel, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  caseEvents: 'INSERT INTO case_events (case_id, account_id, kind, code, body_enc, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  firstDecisions: 'UPDATE report_statistics SET hours_to_first_decision = round((julianday(?) - julianday(?)) * 24, 2) WHERE report_id = ?',
  audit: `INSERT INTO audit_events (id, at, actor_account_id, action, subject_type, subject_id, detail, prev_hash, hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
};

// ---------------------------------------------------------------------------------------------
// The rows: from the generator in a worker thread, or in the main thread

interface RowSource {
  /** The next batch, null after the last. */
  next(): Promise<PreparedBatch | null>;
  /** What was made (after the last batch). */
  summary(): GeneratorSummary;
  close(): Promise<void>;
}

/** Batches the worker may make ahead of the one being written. */
const AHEAD = 3;
/** The worker's young generation, as large as the command gives the main thread (--max-semi-space-size=128). */
const YOUNG_GENERATION_MB = 384;

function createRowSource(input: GeneratorInput, inWorker: boolean): RowSource {
  // Built, the worker is seedGenerator.js beside this file; run from TypeScript (ts-jest) there is none, and the main thread makes the rows.
  const script = path.join(__dirname, 'seedGenerator.js');
  if (!inWorker || !fs.existsSync(script)) {
    const generator = createGenerator(input);
    return { next: async () => generator.next(), summary: () => generator.summary(), close: async () => undefined };
  }
  // A large young generation: most of a batch's rows then die young, as on the main thread.
  const worker = new Worker(script, {
    workerData: { role: 'seed-generator', input, ahead: AHEAD },
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  const arrived: GeneratorMessage[] = [];
  let waiting: { resolve: (m: GeneratorMessage) => void; reject: (e: Error) => void } | null = null;
  let failed: Error | null = null;
  let summary: GeneratorSummary | null = null;
  let closing = false;
  worker.on('message', (m: GeneratorMessage) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w.resolve(m);
    } else arrived.push(m);
  });
  const fail = (e: Error) => {
    failed = e;
    const w = waiting;
    waiting = null;
    w?.reject(e);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (summary === null && !closing) fail(new Error(`The seed generator's worker stopped (exit code ${code})`));
  });
  return {
    async next() {
      if (failed) throw failed;
      const m =
        arrived.shift() ??
        (await new Promise<GeneratorMessage>((resolve, reject) => {
          waiting = { resolve, reject };
        }));
      if ('summary' in m) {
        summary = m.summary;
        return null;
      }
      // One more batch it may make, while this one is written.
      worker.postMessage('more');
      return m.batch;
    },
    summary() {
      if (!summary) throw new Error('The seed generator has not finished');
      return summary;
    },
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The database before and after

/** Whether the file at `file` is a Lentera database that holds reports (without changing it). */
function holdsReports(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reports'").pluck().get() === 1;
    return hasTable && db.prepare('SELECT EXISTS (SELECT 1 FROM reports)').pluck().get() === 1;
  } finally {
    db.close();
  }
}

/**
 * Drops the triggers that write the statistics' aggregate tables, the redirects' standing flag (0015)
 * and the case statistics from the cases and their timelines (0022: rebuildCaseStatistics counts them
 * at the end, its daily counts' triggers suspended around it: suspendTriggersOn), and returns the SQL
 * that makes them again.
 */
function suspendAggregateTriggers(db: Db): string[] {
  return suspendTriggersWhere(
    db,
    `sql LIKE '%INSERT INTO report_statistics_daily%' OR sql LIKE '%INSERT INTO report_statistics_hours%'
     OR name LIKE 'redirects_standing%' OR tbl_name IN ('cases', 'case_events')`,
  );
}

/** Drops every trigger on these tables, and returns the SQL that makes them again. */
function suspendTriggersOn(db: Db, tables: string[]): string[] {
  return suspendTriggersWhere(db, `tbl_name IN (${tables.map(() => '?').join(', ')})`, tables);
}

/** Drops the triggers that `condition` (on sqlite_master) picks, and returns the SQL that makes them again. */
function suspendTriggersWhere(db: Db, condition: string, params: string[] = []): string[] {
  const triggers = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (${condition})`).all(...params) as {
    name: string;
    sql: string;
  }[];
  for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
  return triggers.map((t) => t.sql);
}

/**
 * Drops the triggers that run after each report is inserted — the report's statistics row (0012)
 * and the status counts — and returns, for each, the SQL that makes it again and the SQL that does
 * its work for every report at once: its own statement, with `new` the reports table read in id
 * order (`INSERT … VALUES (new.…)` becomes `INSERT … SELECT new.… FROM reports AS new`), so that
 * the formulas stay the app's. A trigger of another shape is left in place.
 */
function suspendReportInsertTriggers(db: Db): { sql: string; replay: string }[] {
  const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'reports'").all() as {
    name: string;
    sql: string;
  }[];
  const suspended: { sql: string; replay: string }[] = [];
  for (const t of triggers) {
    const shape =
      /^CREATE TRIGGER\s+"?\w+"?\s+AFTER\s+INSERT\s+ON\s+"?reports"?\s+BEGIN\s+(INSERT\s+INTO\s+\w+\s*\([^()]*\))\s*VALUES\s*\(([^;]*)\)\s*(ON\s+CONFLICT[^;]*)?;\s*END$/i.exec(
        t.sql.trim(),
      );
    if (!shape) continue;
    const [, insert, values, upsert] = shape;
    db.exec(`DROP TRIGGER "${t.name}"`);
    suspended.push({ sql: t.sql, replay: `${insert} SELECT ${values} FROM reports AS new WHERE true ORDER BY new.id ${upsert ?? ''}` });
  }
  return suspended;
}

/**
 * Drops the plain (not unique) indexes of the tables the seeder fills, and returns the SQL that
 * makes them again — but never on a table that a trigger still in force reads or writes (a
 * trigger's lookup without its index would scan the table on every row): called after the
 * triggers that wait are dropped. The event logs (audit, report and case events) keep theirs: their
 * rows arrive in id order under a few dozen leading keys, so each index grows at a few right-hand
 * edges, and the main thread, which waits for the worker's rows a quarter of the time, absorbs
 * that cost; built at the end instead, each index reads millions of wide rows again (the audit
 * log's three took 16 s of a million reports' 129 s; kept row by row, the whole seed took 108 s).
 * Without the worker (one core) they would cost more kept than built, by about a tenth.
 */
function suspendIndexes(db: Db): string[] {
  const bodies = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]).map((sql) =>
    sql.slice(sql.search(/\bBEGIN\b/i)),
  );
  const usedByTriggers = (table: string) => bodies.some((body) => new RegExp(`\\b${table}\\b`, 'i').test(body));
  const indexes = (
    db
      .prepare(
        `SELECT name, tbl_name AS tableName, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
           AND tbl_name IN ('reports', 'messages', 'cases', 'redirects', 'referrals')`,
      )
      .all() as { name: string; tableName: string; sql: string }[]
  ).filter((i) => !usedByTriggers(i.tableName));
  for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
  return indexes.map((i) => i.sql);
}

/** The next free id of a table (ids are chosen here, so that encrypted fields can be bound to their rows before they are written). */
const nextId = (db: Db, table: string) => db.prepare(`SELECT coalesce(max(id), 0) + 1 FROM ${table}`).pluck().get() as number;

// ---------------------------------------------------------------------------------------------

/**
 * Fills a database (see the top of this file) and returns what a benchmark needs to use it: the
 * accounts with their passwords and TOTP secrets, receipts, references and case numbers.
 */
export async function seedBench(options: SeedBenchOptions): Promise<SeedBenchResult> {
  const started = Date.now();
  const total = Math.floor(options.reports);
  if (!Number.isFinite(total) || total < 1) throw new Error('seedBench: reports must be a positive number');
  const env = options.env ?? readEnvironment();
  const databasePath = path.resolve(options.databasePath ?? path.join(loadConfig(env).dataDir, `bench-${total}.db`));
  const appending = holdsReports(databasePath);
  if (appending && !options.force) {
    throw new SeedRefused(`${databasePath} already holds reports: refusing to add to it (--force adds ${total} more; nothing is deleted).`);
  }
  const data = openData({ ...env, DATABASE_PATH: databasePath }, { create: true, log: options.log });
  const { db, dataKey, config } = data;
  try {
    // Only while seeding: no fsync, a 256 MiB cache, (for a new file) a rollback journal in memory,
    // no foreign-key lookups (the seeder only refers to rows it has written or read; the seeds test
    // checks every key), no zeroing of freed space (the seeder deletes nothing), and the sorts of
    // the indexes built at the end on up to as many threads as there are cores (the generator's
    // worker has finished by then). Temporary files stay files: the indexes' sorts spilled to
    // memory instead (temp_store = MEMORY) cost a third more CPU on a million reports. Restored
    // before the database is handed back (openDatabase's own settings; the cache and the threads
    // end with this connection).
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    db.pragma(`threads = ${Math.min(4, os.availableParallelism())}`);
    db.pragma('secure_delete = OFF');
    db.pragma('foreign_keys = OFF');
    if (!appending) db.pragma('journal_mode = MEMORY');
    // In a new file, the triggers that keep the statistics' aggregates (0013) and the redirects'
    // standing flag (0015) wait for one recount at the end, the triggers run after each report is
    // inserted (its statistics row, the status counts) run once over all reports at the end, and
    // the plain indexes of the filled tables other than the event logs that no remaining trigger
    // reads are built once at the end from their own definitions — the usual way to load a
    // database in bulk. An existing database keeps them all, so that it is never left without them.
    const aggregateTriggers = appending ? [] : suspendAggregateTriggers(db);
    const reportTriggers = appending ? [] : suspendReportInsertTriggers(db);
    const indexes = appending ? [] : suspendIndexes(db);
    let restoring = 0;
    let result: SeedBenchResult;
    try {
      result = await fill(db, dataKey, config, {
        ...options,
        total,
        databasePath,
        started,
        replay: reportTriggers.map((t) => t.replay),
      });
    } finally {
      const t = performance.now();
      for (const sql of [...indexes, ...aggregateTriggers, ...reportTriggers.map((r) => r.sql)]) db.exec(sql);
      db.pragma('foreign_keys = ON');
      db.pragma('secure_delete = ON');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      restoring = (performance.now() - t) / 1000;
    }
    // The case statistics (0022): the seeder writes a case's events before its row, which its
    // triggers cannot follow, so they are counted once at the end — with the indexes back: the
    // recount looks each case's events and reports up by case (without case_events_case and
    // reports_case, a scan of millions of rows per case).
    // In a new file, without the triggers that keep their daily counts and histograms (0023): the
    // rebuild recounts those in one pass at its end.
    const t = performance.now();
    const countingTriggers = appending ? [] : suspendTriggersOn(db, ['case_statistics', 'case_stage_durations']);
    rebuildCaseStatistics(db);
    for (const sql of countingTriggers) db.exec(sql);
    restoring += (performance.now() - t) / 1000;
    result.phases.finish = Math.round((result.phases.finish + restoring) * 1000) / 1000;
    result.seconds = (Date.now() - started) / 1000;
    return result;
  } finally {
    data.close();
  }
}

interface FillOptions extends SeedBenchOptions {
  total: number;
  databasePath: string;
  started: number;
  /** The suspended report triggers' work, for all reports at once (suspendReportInsertTriggers). */
  replay: string[];
}

async function fill(db: Db, dataKey: Buffer, config: Config, o: FillOptions): Promise<SeedBenchResult> {
  const total = o.total;
  const nowMs = (o.now ?? new Date()).getTime();
  const spanMs = Math.round((o.years ?? 6) * 365.25 * DAY);
  const startMs = nowMs - spanMs;
  const cipher = createFieldCipher(dataKey);
  const auditKey = deriveKey(dataKey, 'audit-chain');
  // The audit chain, continued from whatever the database holds.
  let auditId = nextId(db, 'audit_events');
  let prevHash = (db.prepare('SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined) ?? GENESIS_HASH;
  const insertAudit = db.prepare(statements.audit);
  const appendAudit = (
    at: number,
    actor: number | null,
    action: string,
    subjectType: string | null,
    subjectId: string | null,
    detail: string | null,
  ) => {
    const event = { id: auditId, at: iso(at), actorAccountId: actor, action, subjectType, subjectId, detail };
    const hash = auditChainHash(auditKey, prevHash, event);
    const row: Row = [auditId, event.at, actor, action, subjectType, subjectId, detail, prevHash, hash];
    auditId += 1;
    prevHash = hash;
    return row;
  };

  // --- Who works here: accounts, departments, partners (before the history starts) -----------------
  const setupAt = startMs - 30 * DAY;
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const accounts: SeededAccount[] = [];
  const departmentIds: { id: number; name: string; prefix: string; officers: number[]; tokenId: number; nextReference: number }[] = [];
  const partnerIds: { id: number; email: string; areasServed: string[] }[] = [];
  const apiTokens: SeedBenchResult['apiTokens'] = [];
  db.transaction(() => {
    const setup: Row[] = [];
    const upsertAccount = db.prepare(
      `INSERT INTO accounts (email, name, role, department_id, password_hash, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?)
       ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, department_id = excluded.department_id,
         password_hash = excluded.password_hash, active = 1, approval = NULL
       RETURNING id`,
    );
    const setTotp = db.prepare('UPDATE accounts SET totp_secret_enc = ?, totp_last_step = NULL WHERE id = ?');
    const addAccount = (role: Role, n: number, name: string, departmentId: number | null) => {
      const email = `${role}${n}@${EMAIL_DOMAIN}`;
      const id = upsertAccount.pluck().get(email, name, role, departmentId, passwordHash, iso(setupAt), iso(setupAt)) as number;
      const totpSecret = benchTotpSecret(email);
      setTotp.run(cipher.encrypt(totpSecret, totpSecretContext(id)), id);
      setup.push(appendAudit(setupAt, null, 'account.created', 'account', String(id), JSON.stringify({ role, via: 'cli' })));
      accounts.push({
        id,
        role,
        email,
        name,
        password: BENCH_PASSWORD,
        totpSecret,
        otpauthUrl: totpUri(totpSecret, email, `Lentera (${config.orgName})`),
        departmentId,
      });
      return id;
    };
    for (const role of ['admin', 'supervisor', 'triage', 'caseworker'] as const) {
      material.staffNames[role].forEach((name, i) => addAccount(role, i + 1, name, null));
    }
    const admin = accounts[0]!.id;
    const departmentId = db.prepare('SELECT id FROM departments WHERE name = ?').pluck();
    const insertDepartment = db.prepare('INSERT INTO departments (name, active, created_at, updated_at) VALUES (?, 1, ?, ?)');
    const countReferrals = db.prepare('SELECT count(*) FROM referrals WHERE department_id = ?').pluck();
    const insertToken = db.prepare(
      'INSERT INTO api_tokens (department_id, label, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING',
    );
    const tokenId = db.prepare('SELECT id FROM api_tokens WHERE token_hash = ?').pluck();
    const tokenHasher = createKeyedHasher(dataKey, 'api-token');
    let officer = 0;
    material.departments.forEach((d, i) => {
      let id = departmentId.get(d.name) as number | undefined;
      if (id === undefined) {
        id = Number(insertDepartment.run(d.name, iso(setupAt), iso(setupAt)).lastInsertRowid);
        setup.push(appendAudit(setupAt, admin, 'department.created', 'department', String(id), null));
      }
      const officers: number[] = [];
      for (let k = 0; k < (i < 2 ? 2 : 1) && officer < material.staffNames.department.length; k += 1) {
        officers.push(addAccount('department', officer + 1, material.staffNames.department[officer]!, id));
        officer += 1;
      }
      const token = `${API_TOKEN_PREFIX}${crypto.createHash('sha256').update(`lentera bench api token:${d.name}`).digest('base64url')}`;
      const tokenHash = tokenHasher.hash(token);
      insertToken.run(id, 'Sistem rujukan', tokenHash, admin, iso(setupAt));
      const tid = tokenId.get(tokenHash) as number;
      setup.push(appendAudit(setupAt, admin, 'api_token.issued', 'api_token', String(tid), JSON.stringify({ department: id })));
      apiTokens.push({ departmentId: id, departmentName: d.name, token });
      departmentIds.push({
        id,
        name: d.name,
        prefix: d.prefix,
        officers,
        tokenId: tid,
        nextReference: (countReferrals.get(id) as number) + 1,
      });
    });
    const partnerId = db.prepare('SELECT id FROM partners WHERE name = ?').pluck();
    const insertPartner = db.prepare(
      `INSERT INTO partners (name, type, phone, email, address, areas_served, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    );
    for (const p of material.partners) {
      let id = partnerId.get(p.name) as number | undefined;
      if (id === undefined) {
        id = Number(
          insertPartner.run(p.name, p.type, p.phone, p.email, p.address, p.areasServed.join(','), iso(setupAt), iso(setupAt))
            .lastInsertRowid,
        );
        setup.push(appendAudit(setupAt, admin, 'partner.created', 'partner', String(id), JSON.stringify({ type: p.type })));
      }
      partnerIds.push({ id, email: p.email, areasServed: p.areasServed });
    }
    for (const row of setup) insertAudit.run(row);
  })();
  const byRole = (role: Role) => accounts.filter((a) => a.role === role).map((a) => a.id);

  // --- The rows: made in the worker (or here), continued from what the database holds -----------------
  const sequence = (table: string) =>
    (db.prepare(`SELECT year, last_number FROM ${table}`).all() as { year: number; last_number: number }[]).map((r): [number, number] => [
      r.year,
      r.last_number,
    ]);
  const rows = createRowSource(
    {
      dataKey: dataKey.toString('hex'),
      prevHash,
      auditId,
      reportId: nextId(db, 'reports'),
      caseId: nextId(db, 'cases'),
      redirectId: nextId(db, 'redirects'),
      reportSeq: sequence('report_sequences'),
      caseSeq: sequence('case_sequences'),
      seed: o.seed ?? 1,
      total,
      nowMs,
      spanMs,
      triageTargets: config.triageTargets,
      ackDays: config.redirectAcknowledgementDays,
      areasCsv: config.areasCsv,
      triage: byRole('triage'),
      supervisors: byRole('supervisor'),
      caseworkers: byRole('caseworker'),
      departments: departmentIds,
      partners: partnerIds,
    },
    o.worker ?? os.availableParallelism() > 1,
  );

  // --- Writing ---------------------------------------------------------------------------------------
  const insert = Object.fromEntries(Object.entries(statements).map(([k, sql]) => [k, db.prepare(sql)])) as Record<
    keyof typeof statements,
    Database.Statement
  >;
  let auditEvents = 0;
  const firstDecisions: Row[] = [];
  // Values spread as arguments: better-sqlite3 binds them faster than an array.
  const write = db.transaction((b: PreparedBatch) => {
    const hashes = Buffer.from(b.hashes.buffer, b.hashes.byteOffset, b.hashes.byteLength);
    for (const r of b.cases) insert.cases.run(...r);
    for (const r of b.reports) {
      const k = r[RECEIPT_COLUMN] as number | null;
      if (k === null) insert.reports.run(...r);
      else insert.reports.run(...r.slice(0, RECEIPT_COLUMN), hashes.subarray(k * 32, k * 32 + 32), ...r.slice(RECEIPT_COLUMN + 1));
    }
    for (const r of b.groups) insert.groups.run(...r);
    for (const r of b.events) insert.events.run(...r);
    for (const r of b.messages) insert.messages.run(...r);
    for (const r of b.redirects) insert.redirects.run(...r);
    for (const r of b.referrals) insert.referrals.run(...r);
    for (const r of b.caseEvents) insert.caseEvents.run(...r);
    for (const r of b.audit) insert.audit.run(...r);
    auditEvents += b.audit.length;
  });

  // Where the main thread's time goes (milliseconds): waiting for rows (making them, without the worker), writing, finishing.
  const phases = { rows: 0, write: 0, finish: 0 };
  try {
    for (;;) {
      let t = performance.now();
      const batch = await rows.next();
      phases.rows += performance.now() - t;
      if (batch === null) break;
      t = performance.now();
      write(batch);
      phases.write += performance.now() - t;
      firstDecisions.push(...batch.firstDecisions);
      o.onProgress?.(batch.reportsDone, total);
    }
  } finally {
    await rows.close();
  }
  const made = rows.summary();

  // --- After: the reports' statistics rows, numbering, the statistics' aggregates ---------------------
  const finishedAt = performance.now();
  db.transaction(() => {
    // The suspended report triggers' statements, for every report at once.
    for (const sql of o.replay) db.exec(sql);
    // Decided twice: the statistics keep the hours to the first decision (0012), as they would have.
    const firstDecision = db.prepare(statements.firstDecisions);
    for (const r of firstDecisions) firstDecision.run(...r);
    const reportSequence = db.prepare(
      'INSERT INTO report_sequences (year, last_number) VALUES (?, ?) ON CONFLICT (year) DO UPDATE SET last_number = max(last_number, excluded.last_number)',
    );
    for (const [year, n] of made.reportSeq) reportSequence.run(year, n);
    const caseSequence = db.prepare(
      'INSERT INTO case_sequences (year, last_number) VALUES (?, ?) ON CONFLICT (year) DO UPDATE SET last_number = max(last_number, excluded.last_number)',
    );
    for (const [year, n] of made.caseSeq) caseSequence.run(year, n);
    rebuildStatisticsAggregates(db);
    // Which redirects still stand, and their counts (migration 0015's triggers, suspended above: they look redirects up by report_id, whose index waits too).
    rebuildRedirectStanding(db);
  })();
  phases.finish = performance.now() - finishedAt;

  return {
    databasePath: o.databasePath,
    reports: total,
    byStatus: made.byStatus,
    ...made.counts,
    auditEvents,
    seconds: (Date.now() - o.started) / 1000,
    phases: Object.fromEntries(Object.entries(phases).map(([k, ms]) => [k, Math.round(ms) / 1000])) as SeedBenchResult['phases'],
    accounts,
    apiTokens,
    receipts: made.receipts,
    references: made.references,
    caseNumbers: made.caseNumbers,
  };
}

// ---------------------------------------------------------------------------------------------
// One seeding for several benches

export interface SeededCopy {
  /** A new folder holding the copy (`lentera.db`); `remove()` deletes it. */
  dir: string;
  /** What opens it: its path and its data key. */
  env: { DATABASE_PATH: string; DATA_KEY: string };
  seeded: SeedBenchResult;
  remove(): void;
}

/**
 * A private copy of a database seeded with `reports` reports. The seeding is kept in `cacheDir`
 * (BENCH_SEED_CACHE, default a folder in the system's temporary one) and reused by every bench
 * that asks for the same number on the same day with the same seeder, so that CI seeds a million
 * reports once for all its benches; each run works on its own copy, so that every run starts from
 * the same data. Other days' seedings of that size are deleted.
 */
export async function seededCopy(options: {
  reports: number;
  seed?: number;
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
  log?: (message: string) => void;
}): Promise<SeededCopy> {
  const log = options.log ?? ((m: string) => console.error(m));
  const cacheDir = options.cacheDir ?? process.env.BENCH_SEED_CACHE ?? path.join(os.tmpdir(), 'lentera-bench-seed');
  // The seeder is this file and the generator's two beside it.
  const seeder = crypto.createHash('sha256');
  for (const file of [__filename, ...['seedGenerator', 'seedCipher'].map((f) => path.join(__dirname, f + path.extname(__filename)))]) {
    if (fs.existsSync(file)) seeder.update(fs.readFileSync(file));
  }
  const day = new Date().toISOString().slice(0, 10);
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify({ reports: options.reports, seed: options.seed ?? 1, day, seeder: seeder.digest('hex') }))
    .digest('hex')
    .slice(0, 16);
  const cached = path.join(cacheDir, `${options.reports}-${key}`);
  const manifest = path.join(cached, 'seeded.json');
  fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  for (const other of fs.readdirSync(cacheDir)) {
    if (other.startsWith(`${options.reports}-`) && path.join(cacheDir, other) !== cached) {
      fs.rmSync(path.join(cacheDir, other), { recursive: true, force: true });
    }
  }
  if (!fs.existsSync(manifest)) {
    fs.rmSync(cached, { recursive: true, force: true });
    const dataKey = crypto.randomBytes(32).toString('hex');
    log(`Seeding ${options.reports.toLocaleString('en')} reports into ${cached} (kept for the other benches of the day) …`);
    const seeded = await seedBench({
      reports: options.reports,
      databasePath: path.join(cached, 'lentera.db'),
      env: { DATA_KEY: dataKey },
      seed: options.seed,
      onProgress: options.onProgress,
      log,
    });
    fs.writeFileSync(manifest, JSON.stringify({ dataKey, seeded }));
  } else {
    log(`Using the reports seeded in ${cached}.`);
  }
  const { dataKey, seeded } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dataKey: string; seeded: SeedBenchResult };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-bench-run-'));
  fs.copyFileSync(path.join(cached, 'lentera.db'), path.join(dir, 'lentera.db'));
  return {
    dir,
    env: { DATABASE_PATH: path.join(dir, 'lentera.db'), DATA_KEY: dataKey },
    seeded,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------------------------------------
// The command

const usage = `Usage: npm run seed:bench -- --reports N [--database PATH] [--force] [--years Y] [--seed S] [--no-worker]

  Fills a database with N reports over Y years (default 6) as a service that has run that long
  would hold them, and prints how to sign in. Without --database: a new file bench-N.db in the
  data folder of DATABASE_PATH (encrypted under that folder's data key, or DATA_KEY).
  A database that already holds reports is refused; --force adds N more to it (nothing is deleted).
  Serve it with: DATABASE_PATH=<the file> npm start`;

/** A progress bar on standard error: redrawn in place on a terminal, a line every tenth otherwise. */
function progressBar(label: string): { update(done: number, total: number): void; end(): void } {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let lastTenth = -1;
  let drawn = 0;
  return {
    update(done, total) {
      // At most ten times a second on a terminal.
      if (tty && done < total && Date.now() - drawn < 100) return;
      drawn = Date.now();
      const share = done / total;
      const elapsed = (Date.now() - started) / 1000;
      const eta = share > 0 ? elapsed / share - elapsed : 0;
      const width = 30;
      const bar = '█'.repeat(Math.round(share * width)).padEnd(width, '░');
      const line = `${label} ${bar} ${(share * 100).toFixed(0).padStart(3)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')}  ${elapsed.toFixed(0)} s, ~${eta.toFixed(0)} s left`;
      if (tty) process.stderr.write(`\r${line}`);
      else if (Math.floor(share * 10) > lastTenth) {
        lastTenth = Math.floor(share * 10);
        process.stderr.write(`${line}\n`);
      }
    },
    end() {
      if (tty && drawn > 0) process.stderr.write('\n');
    },
  };
}

export interface SeedBenchIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Draw the progress bar (on standard error). */
  progress?: boolean;
}

/**
 * `npm run seed:bench -- …`. Returns the exit code: 0 seeded, 1 refused (a database that already
 * holds reports), 2 a wrong call. Exported so that the tests call it with argv, as the shell would.
 */
export async function runSeedBenchCommand(argv: string[], io: SeedBenchIo): Promise<number> {
  const { out, err } = io;
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        reports: { type: 'string' },
        database: { type: 'string' },
        force: { type: 'boolean', default: false },
        years: { type: 'string' },
        seed: { type: 'string' },
        'no-worker': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    err(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    out(usage);
    return 0;
  }
  const reports = Number(values.reports);
  const years = values.years === undefined ? undefined : Number(values.years);
  if (!Number.isInteger(reports) || reports < 1 || (years !== undefined && !(years > 0))) {
    err(usage);
    return 2;
  }
  const bar = progressBar('Filing reports');
  let result: SeedBenchResult;
  try {
    result = await seedBench({
      reports,
      databasePath: values.database,
      env: io.env,
      force: values.force,
      years,
      seed: values.seed === undefined ? undefined : Number(values.seed),
      worker: values['no-worker'] ? false : undefined,
      onProgress: io.progress === false ? undefined : (done, total) => bar.update(done, total),
      log: err,
    });
  } catch (e) {
    if (!(e instanceof SeedRefused)) throw e;
    err(e.message);
    return 1;
  } finally {
    bar.end();
  }
  const n = (v: number) => v.toLocaleString('en');
  out(`\nSeeded ${result.databasePath} in ${result.seconds.toFixed(1)} s:`);
  out(`  ${n(result.reports)} reports (${reportStatuses.map((s) => `${s} ${n(result.byStatus[s])}`).join(', ')})`);
  out(
    `  ${n(result.referrals)} referrals, ${n(result.cases)} cases, ${n(result.redirects)} redirects, ${n(result.messages)} messages, ${n(result.auditEvents)} audit events`,
  );
  out(
    `  main thread: ${Object.entries(result.phases)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ')}`,
  );
  out(`\nServe it:  DATABASE_PATH=${result.databasePath} npm start`);
  out(`\nEvery account's password: ${BENCH_PASSWORD}   (a bench database: never use these on a real installation)`);
  out('Second factor: add the secret (or the otpauth URL) to an authenticator app.\n');
  for (const a of result.accounts) out(`  ${a.role.padEnd(10)} ${a.email.padEnd(34)} TOTP ${a.totpSecret}`);
  const sample = result.receipts.find((r) => r.status === 'redirected') ?? result.receipts[0];
  if (sample) out(`\nA resident's receipt to try on /status: ${sample.receipt} (${sample.reference}, ${sample.status})`);
  return 0;
}

if (require.main === module) {
  runFromShell(() =>
    runSeedBenchCommand(process.argv.slice(2), {
      env: readEnvironment(),
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    }),
  );
}
