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
 * app does and chaining the audit log with the app's chain hash (all three in a worker thread,
 * bench/seedCipher.ts, while the main thread writes), so the server opens, decrypts and verifies
 * all of it. `seedBench` is what the benches call (`seededCopy` shares one seeding between them);
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
import { formatReference, reportFieldContext } from '../src/data/reportRepository';
import { rebuildRedirectStanding, redirectFieldContext } from '../src/data/redirectRepository';
import { caseFieldContext } from '../src/data/caseRepository';
import { referralFieldContext } from '../src/data/referralRepository';
import { messageContext } from '../src/data/reportTimelineRepository';
import { loadAreaDirectory } from '../src/data/areaReference';
import { rebuildStatisticsAggregates } from '../src/data/statisticsAggregates';
import { totpSecretContext } from '../src/services/accountService';
import { hashPassword } from '../src/security/passwords';
import { totpUri } from '../src/security/totp';
import { jakartaDate, triageDueAt, workingDaysDueAt } from '../src/domain/sla';
import { formatCaseNumber, type CaseClosureReason, type CaseStage } from '../src/domain/cases';
import { closeReasons, redirectReasons, riskLevels } from '../src/domain/decisions';
import { API_TOKEN_PREFIX } from '../src/domain/departments';
import type { AffectedGroup, Category, ContactChannel, ReporterRelation, Urgency } from '../src/domain/reference';
import { reportStatuses, type ReportStatus } from '../src/domain/reportStatus';
import type { Role } from '../src/domain/roles';
import * as material from '../src/cli/demoMaterial';
import { runFromShell } from '../src/cli/command';
import { createBatchEncryptor, type AuditFields, type CipherAnswer, type CipherRequest } from './seedCipher';

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
  /** Encrypt and chain the audit log in a worker thread while the main thread writes (default: when the machine has two cores or more). */
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
  /** Seconds of the main thread: making rows, waiting for the encryption, writing, and the recount at the end. */
  phases: { generate: number; waitForEncryption: number; write: number; finish: number };
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
// Randomness and time

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function createRandom(seed: number) {
  let state = seed >>> 0;
  // mulberry32: small, fast, and the same sequence on every machine.
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    /** An item by weight: [[item, weight], …]. */
    weighted: <T>(table: readonly (readonly [T, number])[]): T => {
      let r = next() * table.reduce((s, [, w]) => s + w, 0);
      for (const [item, w] of table) if ((r -= w) < 0) return item;
      return table[table.length - 1]![0];
    },
    /** Exponentially distributed with this mean. */
    expo: (mean: number) => -Math.log(1 - next()) * mean,
    digits: (n: number) => {
      let s = '';
      while (s.length < n) s += String(Math.floor(next() * 1e8)).padStart(8, '0');
      return s.slice(0, n);
    },
  };
}
type Random = ReturnType<typeof createRandom>;

/** An instant as toISOString() writes it (YYYY-MM-DDTHH:mm:ss.sssZ), the day's part made once per day: the seeder writes millions. */
const isoDays = new Map<number, string>();
const pad = (n: number, width: number) => String(n).padStart(width, '0');
function iso(instant: number): string {
  const ms = Math.floor(instant);
  const day = Math.floor(ms / DAY);
  let prefix = isoDays.get(day);
  if (prefix === undefined) isoDays.set(day, (prefix = new Date(day * DAY).toISOString().slice(0, 11)));
  const t = ms - day * DAY;
  return `${prefix}${pad(Math.floor(t / HOUR), 2)}:${pad(Math.floor(t / MINUTE) % 60, 2)}:${pad(Math.floor(t / 1000) % 60, 2)}.${pad(t % 1000, 3)}Z`;
}
const yearOf = (ms: number) => Number(jakartaDate(new Date(ms)).slice(0, 4));

// ---------------------------------------------------------------------------------------------
// The shape of the data: how often what happens

const categoryWeights: [Category, number][] = [
  ['family_conflict', 16],
  ['neglect', 14],
  ['physical_violence', 13],
  ['psychological_abuse', 9],
  ['parenting_child_concerns', 9],
  ['economic_hardship', 9],
  ['sexual_violence', 6],
  ['care_needs', 5],
  ['mental_health_crisis', 5],
  ['substance_use', 4],
  ['exploitation', 3],
  ['child_marriage', 2],
  ['trafficking', 1],
  ['other', 4],
];
const urgencyWeights: [Urgency, number][] = [
  ['immediate', 8],
  ['urgent', 27],
  ['normal', 65],
];
const relationWeights: [ReporterRelation, number][] = [
  ['self', 30],
  ['family', 20],
  ['neighbour', 28],
  ['friend', 8],
  ['professional', 6],
  ['other', 8],
];
type Decided = 'accepted' | 'redirected' | 'duplicate' | 'closed';
const publicOutcomes: [Decided, number][] = [
  ['accepted', 24],
  ['redirected', 26],
  ['duplicate', 9],
  ['closed', 41],
];
const referralOutcomes: [Decided, number][] = [
  ['accepted', 50],
  ['redirected', 30],
  ['duplicate', 3],
  ['closed', 17],
];
const decisionAction: Record<Decided, string> = {
  accepted: 'report.accepted',
  redirected: 'report.redirected',
  duplicate: 'report.marked_duplicate',
  closed: 'report.closed',
};
const workingStages: CaseStage[] = [
  'intake',
  'initial_assessment',
  'in_depth_assessment',
  'intervention_plan',
  'intervention',
  'monitoring',
];
/** Mean days a case spends in each working stage before the next (the last: before it is closed). */
const stageMeanDays = [3, 8, 12, 8, 30, 45];
const earlyClosures: CaseClosureReason[] = ['client_withdrew', 'lost_contact', 'moved_away', 'referred_out'];
const channels: ContactChannel[] = ['whatsapp', 'phone', 'sms', 'email'];

// ---------------------------------------------------------------------------------------------
// Batches: rows planned by the generator, encrypted (worker), then written (main thread)

/** A column value to encrypt: its index in the batch's `plain` list; replaced by the ciphertext before writing. */
type Enc = number;
type Row = (string | number | null | Buffer)[];

interface Batch {
  plain: string[];
  context: string[];
  receipts: string[];
  answer?: CipherAnswer;
  cases: Row[];
  reports: Row[];
  groups: Row[];
  events: Row[];
  messages: Row[];
  redirects: Row[];
  referrals: Row[];
  /** Reports decided more than once: when first (for report_statistics.hours_to_first_decision), when filed, the report. */
  firstDecisions: Row[];
  /** Case events due in this batch (made in this one or an earlier one: their bodies are ciphertexts by the time it is written). */
  caseEvents: Row[];
  /** Case events made in this batch, to be written in this one or a later one: their bodies get their ciphertexts as soon as this batch's arrive. */
  caseEventsMade: Row[];
  audit: AuditFields[];
  reportsDone: number;
}

const newBatch = (): Batch => ({
  plain: [],
  context: [],
  receipts: [],
  cases: [],
  reports: [],
  groups: [],
  events: [],
  messages: [],
  redirects: [],
  referrals: [],
  firstDecisions: [],
  caseEvents: [],
  caseEventsMade: [],
  audit: [],
  reportsDone: 0,
});

/** The columns of each table that hold an `Enc` (an index into the batch's ciphertexts) until written. */
const encrypted = {
  cases: [5, 6],
  reports: [7, 8, 11, 23],
  messages: [3],
  redirects: [4, 5, 7],
  referrals: [4, 7, 9, 10, 11],
  caseEvents: [4],
};
const RECEIPT_COLUMN = 2;

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

/** A write that happens later than the report being generated: kept in time order until the generator passes its time. */
type Deferred =
  | {
      at: number;
      seq: number;
      audit: { actor: number | null; action: string; subjectType: string | null; subjectId: string | null; detail: string | null };
    }
  | { at: number; seq: number; caseEvent: Row };

/** A binary min-heap on (at, seq): the audit log and case timelines come out in the order things happened. */
class Timeline {
  private items: Deferred[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Deferred | undefined {
    return this.items[0];
  }
  push(item: Deferred): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Deferred | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
const before = (x: Deferred, y: Deferred) => x.at < y.at || (x.at === y.at && x.seq < y.seq);

// ---------------------------------------------------------------------------------------------
// Encryption and the audit chain: in a worker thread, or in the main thread

interface Encryptor {
  run(batch: Batch): Promise<void>;
  close(): Promise<void>;
}

function createEncryptor(dataKey: Buffer, prevHash: string, inWorker: boolean): Encryptor {
  const request = (b: Batch): CipherRequest => ({ plain: b.plain, context: b.context, receipts: b.receipts, audit: b.audit });
  // Built, the worker is seedCipher.js beside this file; run from TypeScript (ts-jest) there is none, and the main thread does it.
  const script = path.join(__dirname, 'seedCipher.js');
  if (!inWorker || !fs.existsSync(script)) {
    const encrypt = createBatchEncryptor(dataKey, prevHash);
    return {
      run: async (b) => {
        b.answer = encrypt(request(b));
      },
      close: async () => undefined,
    };
  }
  const worker = new Worker(script, { workerData: { role: 'seed-cipher', dataKey: dataKey.toString('hex'), prevHash } });
  const waiting: { resolve: (a: CipherAnswer) => void; reject: (e: Error) => void }[] = [];
  worker.on('message', (answer: CipherAnswer) => waiting.shift()?.resolve(answer));
  worker.on('error', (e) => waiting.splice(0).forEach((w) => w.reject(e)));
  return {
    run(b) {
      return new Promise<CipherAnswer>((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.postMessage(request(b));
      }).then((answer) => {
        b.answer = answer;
      });
    },
    async close() {
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

/** Drops the triggers that write the statistics' aggregate tables and the redirects' standing flag (0015), and returns the SQL that makes them again. */
function suspendAggregateTriggers(db: Db): string[] {
  const triggers = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
         AND (sql LIKE '%INSERT INTO report_statistics_daily%' OR sql LIKE '%INSERT INTO report_statistics_hours%'
              OR name LIKE 'redirects_standing%')`,
    )
    .all() as { name: string; sql: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
  return triggers.map((t) => t.sql);
}

/**
 * Drops the plain (not unique) indexes of the tables the seeder fills, and returns the SQL that
 * makes them again — but never on a table that a trigger reads or writes (a trigger's lookup
 * without its index would scan the table on every row). Building the audit log's three indexes
 * at the end reads its millions of wide rows three times, and still costs less than keeping them
 * row by row (measured on a million reports: 132 s of the main thread against 142 s).
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
           AND tbl_name IN ('reports', 'report_events', 'messages', 'audit_events', 'case_events', 'cases', 'redirects', 'referrals')`,
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
    // Only while seeding: no fsync, a 256 MiB cache, and (for a new file) a rollback journal in
    // memory. Restored before the database is handed back (openDatabase's own settings; the cache
    // ends with this connection).
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    db.pragma('temp_store = MEMORY');
    if (!appending) db.pragma('journal_mode = MEMORY');
    // In a new file, the plain indexes of the filled tables and the triggers that keep the
    // statistics' aggregates (0013) wait: the indexes are built once at the end from their own
    // definitions, and fill() recounts the aggregates (rebuildStatisticsAggregates) instead of row
    // by row — the usual way to load a database in bulk. An existing database keeps both, so that
    // it is never left without them.
    const suspended = appending ? [] : [...suspendIndexes(db), ...suspendAggregateTriggers(db)];
    let restoring = 0;
    let result: SeedBenchResult;
    try {
      result = await fill(db, dataKey, config, { ...options, total, databasePath, started });
    } finally {
      const t = performance.now();
      for (const sql of suspended) db.exec(sql);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      restoring = (performance.now() - t) / 1000;
    }
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
}

async function fill(db: Db, dataKey: Buffer, config: Config, o: FillOptions): Promise<SeedBenchResult> {
  const { triageTargets, redirectAcknowledgementDays: ackDays, areasCsv } = config;
  const random: Random = createRandom(o.seed ?? 1);
  const total = o.total;
  const nowMs = (o.now ?? new Date()).getTime();
  const spanMs = Math.round((o.years ?? 6) * 365.25 * DAY);
  const startMs = nowMs - spanMs;
  const noHolidays: ReadonlySet<string> = new Set();
  // The working-day clock (src/domain/sla.ts) gives the same due time for every report of one
  // Jakarta day and urgency (bar `immediate`, in clock hours): asked once per day.
  const jakartaDay = (ms: number) => Math.floor((ms + 7 * HOUR) / DAY);
  const dueTimes = new Map<number, number>();
  const dueAt = (ms: number, urgency: Urgency): number => {
    if (urgency === 'immediate') return triageDueAt(new Date(ms), urgency, triageTargets, noHolidays).getTime();
    const key = jakartaDay(ms) * 2 + (urgency === 'urgent' ? 1 : 0);
    let due = dueTimes.get(key);
    if (due === undefined) dueTimes.set(key, (due = triageDueAt(new Date(ms), urgency, triageTargets, noHolidays).getTime()));
    return due;
  };
  const acknowledgementDueTimes = new Map<number, number>();
  const acknowledgementDueAt = (ms: number): number => {
    let due = acknowledgementDueTimes.get(jakartaDay(ms));
    if (due === undefined)
      acknowledgementDueTimes.set(jakartaDay(ms), (due = workingDaysDueAt(new Date(ms), ackDays, noHolidays).getTime()));
    return due;
  };
  const cipher = createFieldCipher(dataKey);
  const auditKey = deriveKey(dataKey, 'audit-chain');

  // Areas: a report's kelurahan drawn from the city's list (so a kecamatan as often as it has kelurahan).
  const kelurahan = loadAreaDirectory(areasCsv).kecamatan.flatMap((k) => k.kelurahan.map((l) => ({ kecamatan: k.code, ...l })));

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
  // From here on the worker chains the audit log on from the last event written.
  const encryptor = createEncryptor(dataKey, prevHash, o.worker ?? os.availableParallelism() > 1);
  const byRole = (role: Role) => accounts.filter((a) => a.role === role).map((a) => a.id);
  const triage = byRole('triage');
  const supervisors = byRole('supervisor');
  const caseworkers = byRole('caseworker');
  const staff = [...triage, ...supervisors, ...caseworkers];

  // --- Counters, continued from what the database holds ----------------------------------------------
  const reportSeq = new Map<number, number>(
    (db.prepare('SELECT year, last_number FROM report_sequences').all() as { year: number; last_number: number }[]).map((r) => [
      r.year,
      r.last_number,
    ]),
  );
  const caseSeq = new Map<number, number>(
    (db.prepare('SELECT year, last_number FROM case_sequences').all() as { year: number; last_number: number }[]).map((r) => [
      r.year,
      r.last_number,
    ]),
  );
  const nextNumber = (seq: Map<number, number>, year: number) => {
    const n = (seq.get(year) ?? 0) + 1;
    seq.set(year, n);
    return n;
  };
  let reportId = nextId(db, 'reports');
  let caseId = nextId(db, 'cases');
  let redirectId = nextId(db, 'redirects');

  // --- What is returned ------------------------------------------------------------------------------
  const byStatus = Object.fromEntries(reportStatuses.map((s) => [s, 0])) as Record<ReportStatus, number>;
  const counts = { referrals: 0, cases: 0, redirects: 0, messages: 0, auditEvents: 0 };
  const SAMPLE = 30;
  const receiptSamples = new Map<ReportStatus, { reference: string; receipt: string; status: ReportStatus }[]>();
  const referenceSamples = new Map<ReportStatus | 'referral', string[]>();
  const keepNewest = <T>(map: Map<string, T[]>, key: string, item: T) => {
    const list = map.get(key) ?? [];
    list.push(item);
    if (list.length > SAMPLE) list.shift();
    map.set(key, list);
  };
  const openCases: { id: number; number: string; closedAt: number; assignee: number | null }[] = [];
  const recentReports: { id: number; reference: string }[] = [];

  // --- Which reports are still open: the newest few thousand, and a few forgotten ones before them -----
  const openWindow = Math.min(total, Math.max(20, Math.min(6000, Math.round(total * 0.006))));
  const stragglerFrom = Math.max(0, total - openWindow - Math.round((120 * DAY * total) / spanMs));

  // --- Generating ----------------------------------------------------------------------------------
  const later = new Timeline();
  let seq = 0;
  let batch = newBatch();
  const enc = (plain: string, context: string): Enc => {
    batch.plain.push(plain);
    batch.context.push(context);
    return batch.plain.length - 1;
  };
  const auditLater = (
    at: number,
    actor: number | null,
    action: string,
    subjectType: string | null,
    subjectId: string | number | null,
    detail?: object,
  ) =>
    later.push({
      at,
      seq: seq++,
      audit: {
        actor,
        action,
        subjectType,
        subjectId: subjectId === null ? null : String(subjectId),
        detail: detail ? JSON.stringify(detail) : null,
      },
    });
  const caseEventLater = (at: number, caseRow: number, actor: number | null, kind: string, code: string | null, body: string | null) => {
    const row: Row = [caseRow, actor, kind, code, body === null ? null : enc(body, caseFieldContext.eventBody(caseRow)), iso(at)];
    batch.caseEventsMade.push(row);
    later.push({ at, seq: seq++, caseEvent: row });
  };
  /** Everything that happened before `until` goes into the current batch, in order. */
  const flushUntil = (until: number) => {
    for (let next = later.peek(); next && next.at <= until; next = later.peek()) {
      later.pop();
      if ('audit' in next) {
        const a = next.audit;
        batch.audit.push([auditId++, iso(next.at), a.actor, a.action, a.subjectType, a.subjectId, a.detail]);
      } else {
        batch.caseEvents.push(next.caseEvent);
      }
    }
  };
  // Sign-ins: most staff on most working days.
  let nextSignInDay = Math.floor(startMs / DAY) * DAY;
  const signInsUntil = (until: number) => {
    for (; nextSignInDay <= until; nextSignInDay += DAY) {
      const weekday = new Date(nextSignInDay + 7 * HOUR).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      for (const id of staff) {
        if (random.chance(0.6))
          auditLater(nextSignInDay + HOUR + random.int(8 * HOUR), id, 'auth.login', 'account', id, { factor: 'totp' });
      }
    }
  };

  /** A new case and its whole life up to now: stages, notes, risk, holds, and its closure if it came. */
  const openCase = (openedAt: number, by: number, reference: string, riskLevel: string | null, note: string | null): number => {
    const id = caseId++;
    const number = formatCaseNumber(yearOf(openedAt), nextNumber(caseSeq, yearOf(openedAt)));
    const assignee = random.chance(0.05) ? null : random.chance(0.1) ? random.pick(supervisors) : random.pick(caseworkers);
    const worker = assignee ?? random.pick(supervisors);
    caseEventLater(openedAt, id, by, 'opened', reference, note);
    auditLater(openedAt, by, 'case.opened', 'case', id, { report: reference, number });
    if (assignee !== null) caseEventLater(openedAt, id, by, 'assigned', String(assignee), null);
    let risk = riskLevel;
    let riskEnc: Enc | null = null;
    let protectiveEnc: Enc | null = null;
    let stage: CaseStage = 'intake';
    let at = openedAt;
    let closedAt: number | null = null;
    let closure: CaseClosureReason | null = null;
    let onHold = 0;
    for (let s = 0; s < workingStages.length; s += 1) {
      const leaves = at + (0.3 + random.expo(1)) * stageMeanDays[s]! * DAY;
      if (leaves > nowMs) {
        if (random.chance(0.06)) {
          const heldAt = at + random.next() * (nowMs - at);
          caseEventLater(heldAt, id, worker, 'hold', null, null);
          auditLater(heldAt, worker, 'case.hold_changed', 'case', id);
          onHold = 1;
        }
        break;
      }
      at = leaves;
      const last = s === workingStages.length - 1;
      if (last || random.chance(0.05)) {
        closedAt = at;
        closure = last ? (random.chance(0.85) ? 'goals_achieved' : 'other') : random.pick(earlyClosures);
        caseEventLater(at, id, worker, 'closed', closure, random.chance(0.5) ? random.pick(material.caseNotes) : null);
        auditLater(at, worker, 'case.closed', 'case', id, { code: closure });
        stage = 'terminated';
        break;
      }
      // Now and then a stage is skipped, as LK3 work allows.
      if (s >= 1 && s < workingStages.length - 2 && random.chance(0.2)) s += 1;
      stage = workingStages[s + 1]!;
      caseEventLater(at, id, worker, 'stage_changed', stage, null);
      auditLater(at, worker, 'case.stage_changed', 'case', id, { code: stage });
      if (random.chance(0.35)) {
        const noteAt = Math.min(nowMs, at + random.expo(12 * HOUR));
        caseEventLater(noteAt, id, worker, 'note', null, random.pick(material.caseNotes));
        auditLater(noteAt, worker, 'case.note_added', 'case', id);
      }
      if (stage === 'initial_assessment' && random.chance(0.6)) {
        risk = random.pick(riskLevels);
        riskEnc = enc(random.pick(material.riskFactors), caseFieldContext.riskFactors(id));
        protectiveEnc = enc(random.pick(material.protectiveFactors), caseFieldContext.protectiveFactors(id));
        const assessedAt = Math.min(nowMs, at + HOUR);
        caseEventLater(assessedAt, id, worker, 'risk_changed', risk, null);
        auditLater(assessedAt, worker, 'case.risk_changed', 'case', id, { code: risk });
      }
    }
    batch.cases.push([
      id,
      number,
      stage,
      onHold,
      risk,
      riskEnc,
      protectiveEnc,
      assignee,
      iso(openedAt),
      closedAt === null ? null : iso(closedAt),
      closure,
      iso(Math.min(nowMs, closedAt ?? at)),
    ]);
    counts.cases += 1;
    openCases.push({ id, number, closedAt: closedAt ?? Infinity, assignee });
    if (openCases.length > 200) openCases.shift();
    return id;
  };

  const generate = (i: number) => {
    const id = reportId++;
    const createdAt = startMs + Math.floor(((i + random.next()) / total) * spanMs);
    // Sign-ins a day ahead, so that none is left behind a time already written.
    signInsUntil(createdAt + DAY);
    flushUntil(createdAt);
    const year = yearOf(createdAt);
    const reference = formatReference(year, nextNumber(reportSeq, year));
    const department = random.chance(0.12) ? random.pick(departmentIds) : null;
    const category = random.weighted(categoryWeights);
    const place = random.pick(kelurahan);
    const urgency = random.weighted(urgencyWeights);
    const slaDueAt = dueAt(createdAt, urgency);
    const language = random.chance(0.04) ? 'en' : 'id';
    const story = material.narratives[category];
    const groups = new Set<AffectedGroup>(story.groups.slice(0, 1 + random.int(story.groups.length)));
    const events: [string, string | null, number][] = [['submitted', 'new', createdAt]];
    let updatedAt = createdAt;

    // Open or decided, and when.
    let status: ReportStatus;
    const open =
      i >= total - openWindow
        ? !(urgency === 'immediate' ? random.chance(0.7) : random.chance(0.15))
        : i >= stragglerFrom && random.chance(0.01);
    let claimedBy: number | null = null;
    let claimedAt: number | null = null;
    let decidedAt: number | null = null;
    let asked: number | null = null;
    let replied: number | null = null;
    const decider = random.chance(0.1) ? random.pick(supervisors) : random.pick(triage);
    let decidedBy = decider;
    let firstDecidedAt: number | null = null;
    if (open) {
      status =
        i >= total - openWindow
          ? random.weighted<ReportStatus>([
              ['new', 45],
              ['in_review', 35],
              ['awaiting_info', 20],
            ])
          : random.chance(0.7)
            ? 'awaiting_info'
            : 'in_review';
      const step = (nowMs - createdAt) / 4;
      if (status !== 'new' && (status === 'in_review' || random.chance(0.6))) {
        claimedBy = decider;
        claimedAt = createdAt + step * random.next();
        events.push(['status_changed', 'in_review', claimedAt]);
      }
      if (status === 'awaiting_info') asked = createdAt + step * (1 + random.next());
    } else {
      const mean = urgency === 'immediate' ? 1.5 * HOUR : urgency === 'urgent' ? 16 * HOUR : 45 * HOUR;
      let delay = 10 * MINUTE + random.expo(mean) + (random.chance(0.1) ? random.expo(3 * DAY) : 0);
      delay = Math.min(delay, Math.max(10 * MINUTE, nowMs - HOUR - createdAt));
      decidedAt = createdAt + delay;
      if (random.chance(0.5)) {
        claimedBy = decider;
        claimedAt = createdAt + delay * 0.3;
        events.push(['status_changed', 'in_review', claimedAt]);
      }
      if (!department && random.chance(0.08)) {
        asked = createdAt + delay * 0.4;
        if (random.chance(0.75)) replied = createdAt + delay * 0.7;
      }
      status = random.weighted(department ? referralOutcomes : publicOutcomes);
      if (status === 'duplicate' && recentReports.length === 0) status = 'closed';
    }
    if (claimedBy !== null) auditLater(claimedAt!, claimedBy, 'report.claimed', 'report', reference);
    if (asked !== null) {
      const by = claimedBy ?? decider;
      batch.messages.push([id, 'staff', by, enc(random.pick(material.staffQuestions), messageContext(id)), iso(asked)]);
      events.push(['staff_message', null, asked], ['status_changed', 'awaiting_info', asked]);
      auditLater(asked, by, 'report.message_sent', 'report', reference, { status: 'awaiting_info' });
      counts.messages += 1;
      updatedAt = asked;
      if (replied !== null) {
        batch.messages.push([id, 'reporter', null, enc(random.pick(material.reporterReplies), messageContext(id)), iso(replied)]);
        events.push(['reporter_message', null, replied], ['status_changed', 'in_review', replied]);
        counts.messages += 1;
        updatedAt = replied;
      }
    }
    let escalatedAt: number | null = null;
    let escalatedTo: string | null = null;
    if (urgency === 'immediate' && random.chance(0.25)) {
      escalatedAt = Math.min(nowMs, createdAt + 10 * MINUTE + random.int(20 * MINUTE));
      escalatedTo = random.chance(0.7) ? '112' : '110';
      auditLater(escalatedAt, decider, 'report.escalated', 'report', reference, { to: escalatedTo });
    }

    /** A redirect to a partner (not `not`) decided at `at` by `by`, with the partner's answers up to now, or none. */
    const redirect = (at: number, by: number, not: number | null) => {
      const served = partnerIds.filter((p) => p.id !== not && (p.areasServed.length === 0 || p.areasServed.includes(place.kecamatan)));
      const partner = random.pick(served);
      const why = random.pick(redirectReasons);
      const texts = random.pick(material.redirectTexts);
      const rid = redirectId++;
      const ackDueAt = acknowledgementDueAt(at);
      const answeredAt = at + random.expo(1.2 * DAY);
      let ack = 'sent';
      let ackAt: number | null = null;
      let ackReason: Enc | null = null;
      let declinedAt: number | null = null;
      let viaStaff = random.chance(0.3);
      const answer = (a: string, when: number) => {
        events.push([`partner_${a}`, null, when]);
        auditLater(when, viaStaff ? by : null, 'redirect.acknowledged', 'report', reference, {
          status: a,
          redirect: rid,
          via: viaStaff ? 'staff' : 'link',
        });
        ack = a;
        ackAt = when;
      };
      if (answeredAt < nowMs && !random.chance(0.05)) {
        const final = random.weighted([
          ['accepted', 70],
          ['received', 20],
          ['declined', 10],
        ] as const);
        if (final !== 'received' && random.chance(0.3)) answer('received', answeredAt);
        const finalAt = final === 'received' || ackAt === null ? answeredAt : answeredAt + random.expo(DAY);
        if (finalAt < nowMs) {
          answer(final, finalAt);
          if (final === 'declined') {
            ackReason = enc(random.pick(material.declineReasons), redirectFieldContext.acknowledgementReason(rid));
            declinedAt = finalAt;
          }
        }
      }
      // A partner that never answered is phoned after its reminder, and staff record what they said:
      // only the recent ones still wait on the queue's panel.
      const phonedAt = ackDueAt + 2 * DAY + random.expo(4 * DAY);
      if (ack === 'sent' && phonedAt < nowMs) {
        viaStaff = true;
        answer(random.chance(0.8) ? 'accepted' : 'received', phonedAt);
      }
      // The one reminder, when the due time passed without an answer and the partner has an email.
      const remindedAt = ackDueAt + HOUR < Math.min(nowMs, ackAt ?? Infinity) && partner.email !== '' ? ackDueAt + HOUR : null;
      if (remindedAt !== null) auditLater(remindedAt, null, 'redirect.reminded', 'report', reference, { redirect: rid });
      batch.redirects.push([
        rid,
        id,
        partner.id,
        why,
        enc(texts.summary, redirectFieldContext.summary(id)),
        enc(texts.explanation, redirectFieldContext.explanation(id)),
        ack,
        ackReason,
        ackAt === null ? null : iso(ackAt),
        by,
        iso(at),
        iso(ackDueAt),
        remindedAt === null ? null : iso(remindedAt),
      ]);
      counts.redirects += 1;
      return { partnerId: partner.id, reason: why, declinedAt };
    };

    // The decision, and what it made: a case, a redirect, a duplicate link.
    let reason: string | null = null;
    let noteEnc: Enc | null = null;
    let duplicateOf: number | null = null;
    let inCase: number | null = null;
    if (decidedAt !== null) {
      const detail: Record<string, string | number> = { status };
      const note = (texts: string[]) => (random.chance(0.3) ? random.pick(texts) : null);
      if (random.chance(0.25)) auditLater(decidedAt - 2 * MINUTE, decider, 'report.viewed', 'report', reference);
      switch (status as Decided) {
        case 'accepted': {
          const text = note(material.decisionNotes.accept);
          noteEnc = text === null ? null : enc(text, reportFieldContext.decisionNote(reference));
          const joinable = random.chance(0.15) ? openCases.filter((c) => c.closedAt > decidedAt!) : [];
          if (joinable.length > 0) {
            const c = random.pick(joinable);
            inCase = c.id;
            caseEventLater(decidedAt, c.id, decider, 'report_added', reference, null);
            auditLater(decidedAt, decider, 'case.report_added', 'case', c.id, { report: reference });
          } else {
            inCase = openCase(decidedAt, decider, reference, random.chance(0.6) ? random.pick(riskLevels) : null, text);
          }
          detail.case = inCase;
          break;
        }
        case 'redirected': {
          const first = redirect(decidedAt, decider, null);
          reason = first.reason;
          detail.partner = first.partnerId;
          detail.reason = first.reason;
          // A partner that declined: a supervisor reopens the report and redirects it elsewhere (the
          // decline stands, and shows on the queue, only until someone gets to it).
          const reopenedAt = first.declinedAt === null ? Infinity : first.declinedAt + 2 * HOUR + random.expo(DAY);
          if (reopenedAt + HOUR < nowMs) {
            events.push(['status_changed', status, decidedAt]);
            auditLater(decidedAt, decider, decisionAction.redirected, 'report', reference, { ...detail });
            const supervisor = random.pick(supervisors);
            events.push(['status_changed', 'in_review', reopenedAt]);
            auditLater(reopenedAt, supervisor, 'report.reopened', 'report', reference, { from: 'redirected' });
            firstDecidedAt = decidedAt;
            decidedAt = reopenedAt + 30 * MINUTE;
            decidedBy = claimedBy = supervisor;
            claimedAt = reopenedAt;
            const second = redirect(decidedAt, supervisor, first.partnerId);
            reason = second.reason;
            detail.partner = second.partnerId;
            detail.reason = second.reason;
          }
          break;
        }
        case 'duplicate': {
          const text = note(material.decisionNotes.duplicate);
          noteEnc = text === null ? null : enc(text, reportFieldContext.decisionNote(reference));
          const original = random.pick(recentReports);
          duplicateOf = original.id;
          detail.duplicateOf = original.reference;
          break;
        }
        case 'closed': {
          const text = note(material.decisionNotes.close);
          noteEnc = text === null ? null : enc(text, reportFieldContext.decisionNote(reference));
          reason = random.weighted<string>(closeReasons.map((r, k) => [r, [30, 25, 20, 20, 5][k] ?? 5] as const));
          detail.reason = reason;
          break;
        }
      }
      events.push(['status_changed', status, decidedAt]);
      auditLater(decidedAt, decidedBy, decisionAction[status as Decided], 'report', reference, detail);
      updatedAt = Math.max(updatedAt, decidedAt);
      // Decided twice: the statistics keep the hours to the first decision (0012), as they would have.
      if (firstDecidedAt !== null) batch.firstDecisions.push([iso(firstDecidedAt), iso(createdAt), id]);
    }

    // The report itself: from a resident (with a receipt) or a department (a referral).
    let receiptColumn: number | null = null;
    let contact: Enc | null = null;
    let location: Enc | null = null;
    let relation: ReporterRelation = 'professional';
    if (department === null) {
      const receipt = random.digits(16);
      batch.receipts.push(receipt);
      receiptColumn = batch.receipts.length - 1;
      relation = random.weighted(relationWeights);
      if (random.chance(0.45)) location = enc(random.pick(material.locationDetails), reportFieldContext.locationDetail(reference));
      if (random.chance(0.4)) {
        const name = `${random.pick(material.givenNames)} ${random.pick(material.familyNames)}`;
        const channel = random.pick(channels);
        const email =
          channel === 'email' || random.chance(0.2) ? `${name.toLowerCase().replace(/ /g, '.')}${random.int(100)}@contoh.id` : '';
        contact = enc(
          JSON.stringify({
            name,
            phone: `08${random.digits(10)}`,
            email,
            channel,
            safeHours: random.pick(material.safeHours),
            mayLeaveMessage: random.chance(0.5),
            notifyByEmail: email !== '' && random.chance(0.6),
          }),
          reportFieldContext.contact(reference),
        );
      }
      const sample = { reference, receipt, status };
      const list = receiptSamples.get(status) ?? [];
      list.push(sample);
      if (list.length > SAMPLE) list.shift();
      receiptSamples.set(status, list);
    } else {
      const via = department.officers.length > 0 && random.chance(0.6) ? 'form' : 'api';
      const officer = via === 'form' ? random.pick(department.officers) : null;
      const notObtained = random.chance(0.15);
      const ground = groups.has('child') || random.chance(0.5) ? 'child_at_risk' : 'danger_to_life';
      if (notObtained && ground === 'child_at_risk') groups.add('child');
      const age = ground === 'child_at_risk' && notObtained ? 6 + random.int(11) : 18 + random.int(60);
      const client = {
        name: `${random.pick(material.givenNames)} ${random.pick(material.familyNames)}`,
        age,
        dateOfBirth: null,
        sex: random.chance(0.6) ? 'female' : 'male',
        nik: random.chance(0.7) ? `1371${random.digits(12)}` : null,
        address: `${place.name}, Padang`,
        phone: `08${random.digits(10)}`,
      };
      const respondedAt = decidedAt !== null && random.chance(0.5) ? decidedAt + 5 * MINUTE : null;
      if (respondedAt !== null) auditLater(respondedAt, decider, 'referral.responded', 'report', reference);
      batch.referrals.push([
        id,
        department.id,
        officer,
        `${department.prefix}/${year}/${String(department.nextReference++).padStart(5, '0')}`,
        enc(JSON.stringify(client), referralFieldContext.client(id)),
        notObtained ? 'not_obtained' : 'obtained',
        notObtained ? null : random.chance(0.6) ? 'written' : 'verbal',
        notObtained ? null : enc(random.pick(material.consentTakers), referralFieldContext.consentBy(id)),
        notObtained ? ground : null,
        notObtained ? enc(material.noConsentJustifications[ground], referralFieldContext.justification(id)) : null,
        random.chance(0.7) ? enc(random.pick(material.referralActions), referralFieldContext.actions(id)) : null,
        respondedAt === null ? null : enc(random.pick(material.referralResponses), referralFieldContext.response(id)),
        via,
        iso(createdAt),
      ]);
      auditLater(createdAt, officer, 'referral.submitted', 'report', reference, {
        ...(via === 'form' ? { via } : { via, token: department.tokenId }),
        department: department.id,
        consent: notObtained ? 'not_obtained' : 'obtained',
      });
      counts.referrals += 1;
      keepNewest(referenceSamples, 'referral', reference);
    }
    const text =
      department === null ? story.texts[random.int(story.texts.length)]! : (material.referralReasons[category] ?? story.texts[0]!);
    const narrative = random.chance(0.5) ? `${text} ${random.pick(material.placeSentences).replace('{kelurahan}', place.name)}` : text;
    const keepsKelurahan = department !== null || random.chance(0.85);
    batch.reports.push([
      id,
      reference,
      receiptColumn,
      department === null ? 'public' : 'department',
      category,
      place.kecamatan,
      keepsKelurahan ? place.code : null,
      location,
      enc(narrative, reportFieldContext.narrative(reference)),
      urgency,
      relation,
      contact,
      contact === null ? 0 : 1,
      status,
      iso(slaDueAt),
      iso(createdAt),
      iso(Math.max(updatedAt, claimedAt ?? 0, escalatedAt ?? 0)),
      department?.id ?? null,
      claimedBy,
      claimedAt === null ? null : iso(claimedAt),
      decidedAt === null ? null : decidedBy,
      decidedAt === null ? null : iso(decidedAt),
      reason,
      noteEnc,
      duplicateOf,
      inCase,
      escalatedAt === null ? null : iso(escalatedAt),
      escalatedTo,
      language,
    ]);
    for (const g of groups) batch.groups.push([id, g]);
    events.sort((a, b) => a[2] - b[2]);
    for (const [kind, s, at] of events) batch.events.push([id, kind, s, iso(at)]);
    byStatus[status] += 1;
    keepNewest(referenceSamples, status, reference);
    recentReports.push({ id, reference });
    if (recentReports.length > 500) recentReports.shift();
  };

  // --- Writing ---------------------------------------------------------------------------------------
  const prepared = Object.fromEntries(Object.entries(statements).map(([k, sql]) => [k, db.prepare(sql)])) as Record<
    keyof typeof statements,
    Database.Statement
  >;
  const withCiphertexts = (row: Row, columns: number[], from: Batch) => {
    for (const c of columns) if (row[c] !== null) row[c] = from.answer!.cipher[row[c] as Enc]!;
    return row;
  };
  const write = db.transaction((b: Batch) => {
    for (const r of b.cases) prepared.cases.run(withCiphertexts(r, encrypted.cases, b));
    for (const r of b.reports) {
      if (r[RECEIPT_COLUMN] !== null) {
        const k = r[RECEIPT_COLUMN] as number;
        r[RECEIPT_COLUMN] = Buffer.from(b.answer!.hashes.buffer, b.answer!.hashes.byteOffset + k * 32, 32);
      }
      prepared.reports.run(withCiphertexts(r, encrypted.reports, b));
    }
    for (const r of b.firstDecisions) prepared.firstDecisions.run(r);
    for (const r of b.groups) prepared.groups.run(r);
    for (const r of b.events) prepared.events.run(r);
    for (const r of b.messages) prepared.messages.run(withCiphertexts(r, encrypted.messages, b));
    for (const r of b.redirects) prepared.redirects.run(withCiphertexts(r, encrypted.redirects, b));
    for (const r of b.referrals) prepared.referrals.run(withCiphertexts(r, encrypted.referrals, b));
    for (const r of b.caseEvents) prepared.caseEvents.run(r);
    b.audit.forEach((r, k) => {
      const hash = b.answer!.auditHashes[k]!;
      prepared.audit.run(...r, prevHash, hash);
      prevHash = hash;
    });
    counts.auditEvents += b.audit.length;
  });

  // Small batches die young: with a large young generation (the command runs Node.js with
  // --max-semi-space-size=128), few of their rows and strings live long enough to be promoted, and
  // the garbage collector costs a fraction of what 5,000 at a time did.
  const BATCH = 1000;
  const inFlight: { batch: Batch; encrypted: Promise<void> }[] = [];
  const depth = 2;
  // Where the main thread's time goes (milliseconds): making rows, waiting for the worker's encryption, writing.
  const phases = { generate: 0, waitForEncryption: 0, write: 0, finish: 0 };
  const timed = <T>(phase: keyof typeof phases, work: () => T): T => {
    const t = performance.now();
    try {
      return work();
    } finally {
      phases[phase] += performance.now() - t;
    }
  };
  const writeOldest = async () => {
    const oldest = inFlight.shift()!;
    const t = performance.now();
    await oldest.encrypted;
    phases.waitForEncryption += performance.now() - t;
    // Batches are written in order, so a case event is never written before the batch that made it is encrypted.
    for (const row of oldest.batch.caseEventsMade) withCiphertexts(row, encrypted.caseEvents, oldest.batch);
    timed('write', () => write(oldest.batch));
    o.onProgress?.(oldest.batch.reportsDone, total);
  };
  try {
    for (let from = 0; from < total; from += BATCH) {
      const to = Math.min(total, from + BATCH);
      timed('generate', () => {
        for (let i = from; i < to; i += 1) generate(i);
      });
      if (to === total) {
        // What is still to come up to now: later steps of cases, acknowledgements, sign-ins.
        signInsUntil(nowMs);
        flushUntil(nowMs);
      }
      batch.reportsDone = to;
      inFlight.push({ batch, encrypted: encryptor.run(batch) });
      batch = newBatch();
      if (inFlight.length >= depth) await writeOldest();
    }
    while (inFlight.length > 0) await writeOldest();
  } finally {
    await encryptor.close();
  }

  // --- After: numbering, the statistics' aggregates -------------------------------------------------
  const finishedAt = performance.now();
  db.transaction(() => {
    const reportSequence = db.prepare(
      'INSERT INTO report_sequences (year, last_number) VALUES (?, ?) ON CONFLICT (year) DO UPDATE SET last_number = max(last_number, excluded.last_number)',
    );
    for (const [year, n] of reportSeq) reportSequence.run(year, n);
    const caseSequence = db.prepare(
      'INSERT INTO case_sequences (year, last_number) VALUES (?, ?) ON CONFLICT (year) DO UPDATE SET last_number = max(last_number, excluded.last_number)',
    );
    for (const [year, n] of caseSeq) caseSequence.run(year, n);
    rebuildStatisticsAggregates(db);
    // Which redirects still stand, and their counts (migration 0015's triggers, suspended above: they look redirects up by report_id, whose index waits too).
    rebuildRedirectStanding(db);
  })();
  phases.finish = performance.now() - finishedAt;

  const newestFirst = <T>(list: T[] | undefined) => [...(list ?? [])].reverse();
  return {
    databasePath: o.databasePath,
    reports: total,
    byStatus,
    ...counts,
    seconds: (Date.now() - o.started) / 1000,
    phases: Object.fromEntries(Object.entries(phases).map(([k, ms]) => [k, Math.round(ms) / 1000])) as SeedBenchResult['phases'],
    accounts,
    apiTokens,
    receipts: reportStatuses.flatMap((s) => newestFirst(receiptSamples.get(s))),
    references: Object.fromEntries(
      [...reportStatuses, 'referral' as const].map((k) => [k, newestFirst(referenceSamples.get(k))]),
    ) as SeedBenchResult['references'],
    caseNumbers: openCases
      .filter((c) => c.closedAt === Infinity)
      .map((c) => c.number)
      .reverse()
      .slice(0, SAMPLE),
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
  const seeder = crypto.createHash('sha256').update(fs.readFileSync(__filename)).digest('hex');
  const day = new Date().toISOString().slice(0, 10);
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify({ reports: options.reports, seed: options.seed ?? 1, day, seeder }))
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
