/**
 * The bench seeder's generator (bench/seed.ts): the reports of `--years` of service and everything
 * that happened to them, in time order, in batches of 1,000 reports, each batch handed over ready
 * to write — every sensitive field encrypted with the app's field cipher and every receipt hashed
 * and the audit events chained with the app's chain hash (bench/seedCipher.ts). Built, it runs in
 * a worker thread (this file is the worker's script) a few batches ahead of the main thread, which
 * only writes; from TypeScript (ts-jest) or with `--no-worker` the main thread calls it directly.
 * It never opens the database: what it continues from (ids, numbering, the last audit hash, the
 * accounts) comes in its input.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../src/config';
import { formatReference, reportFieldContext } from '../src/data/reportRepository';
import { redirectFieldContext } from '../src/data/redirectRepository';
import { caseFieldContext } from '../src/data/caseRepository';
import { referralFieldContext } from '../src/data/referralRepository';
import { messageContext } from '../src/data/reportTimelineRepository';
import { loadAreaDirectory } from '../src/data/areaReference';
import { jakartaDate, triageDueAt, workingDaysDueAt } from '../src/domain/sla';
import { formatCaseNumber, type CaseClosureOutcome, type CaseStage } from '../src/domain/cases';
import { closeReasons, redirectReasons, riskLevels } from '../src/domain/decisions';
import type { AffectedGroup, Category, ContactChannel, ReporterRelation, Urgency } from '../src/domain/reference';
import { reportStatuses, type ReportStatus } from '../src/domain/reportStatus';
import * as material from '../src/cli/demoMaterial';
import { createAuditChain, createBatchEncryptor, type AuditFields } from './seedCipher';

// ---------------------------------------------------------------------------------------------
// Randomness and time

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

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
export function iso(instant: number): string {
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
const earlyClosures: CaseClosureOutcome[] = ['family_declined', 'lost_contact', 'moved_away', 'referred_accepted'];
const channels: ContactChannel[] = ['whatsapp', 'phone', 'sms', 'email'];

// ---------------------------------------------------------------------------------------------
// Batches: rows planned by the generator, then encrypted, then handed to the main thread to write

/** A column value to encrypt: its index in the batch's `plain` list; replaced by the ciphertext before writing. */
type Enc = number;
export type Row = (string | number | null)[];

interface Batch {
  plain: string[];
  context: string[];
  receipts: string[];
  cases: Row[];
  reports: Row[];
  groups: Row[];
  events: Row[];
  messages: Row[];
  redirects: Row[];
  referrals: Row[];
  /** Reports decided more than once: when first (for report_statistics.hours_to_first_decision), when filed, the report. */
  firstDecisions: Row[];
  /** Case events due in this batch (made in this one or an earlier one: their bodies are ciphertexts by the time it is handed over). */
  caseEvents: Row[];
  /** Case events made in this batch, to be written in this one or a later one: their bodies get their ciphertexts when this batch is encrypted. */
  caseEventsMade: Row[];
  audit: AuditFields[];
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
});

/** The columns of each table that hold an `Enc` (an index into the batch's ciphertexts) until it is encrypted. */
const encrypted = {
  cases: [5, 6],
  reports: [7, 8, 11, 23],
  messages: [3],
  redirects: [4, 5, 7],
  referrals: [4, 7, 9, 10, 11],
  caseEvents: [4],
};
/** The reports' column of the receipt's hash: the receipt's number in the batch's `hashes` until written. */
export const RECEIPT_COLUMN = 2;

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
  // Sifted with a hole rather than swaps: millions of events pass through it.
  push(item: Deferred): void {
    const a = this.items;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p]!;
      if (!before(item, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }
  pop(): Deferred | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    const n = a.length;
    if (n > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && before(a[r]!, a[l]!) ? r : l;
        if (!before(a[m]!, last)) break;
        a[i] = a[m]!;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}
const before = (x: Deferred, y: Deferred) => x.at < y.at || (x.at === y.at && x.seq < y.seq);

// ---------------------------------------------------------------------------------------------
// What the generator continues from, what it hands over, what it tells at the end

export interface GeneratorInput {
  /** The installation's data key, hex. */
  dataKey: string;
  /** The last audit event's hash and the next event's id: the chain runs on from them. */
  prevHash: string;
  auditId: number;
  /** The next free ids (chosen here, so that each encrypted field is bound to its row before the row exists). */
  reportId: number;
  caseId: number;
  redirectId: number;
  /** The numbering so far, [year, last number]. */
  reportSeq: [number, number][];
  caseSeq: [number, number][];
  seed: number;
  total: number;
  nowMs: number;
  spanMs: number;
  triageTargets: Config['triageTargets'];
  ackDays: number;
  areasCsv: string;
  triage: number[];
  supervisors: number[];
  caseworkers: number[];
  departments: { id: number; name: string; prefix: string; officers: number[]; tokenId: number; nextReference: number }[];
  partners: { id: number; email: string; areasServed: string[] }[];
}

/** A batch ready to write: every encrypted field holds its ciphertext, every audit event its predecessor's hash and its own. */
export interface PreparedBatch {
  cases: Row[];
  reports: Row[];
  groups: Row[];
  events: Row[];
  messages: Row[];
  redirects: Row[];
  referrals: Row[];
  /** Reports decided more than once: when first (for report_statistics.hours_to_first_decision), when filed, the report. */
  firstDecisions: Row[];
  caseEvents: Row[];
  /** id, at, actor, action, subject type, subject id, detail, prev_hash, hash. */
  audit: Row[];
  /** The receipts' hashes, 32 bytes each (a report's RECEIPT_COLUMN holds its number here). */
  hashes: Uint8Array<ArrayBuffer>;
  /** Reports generated up to the end of this batch. */
  reportsDone: number;
}

export interface GeneratorSummary {
  byStatus: Record<ReportStatus, number>;
  counts: { referrals: number; cases: number; redirects: number; messages: number };
  /** Residents' receipts, newest first within each status. */
  receipts: { reference: string; receipt: string; status: ReportStatus }[];
  references: Record<ReportStatus | 'referral', string[]>;
  caseNumbers: string[];
  reportSeq: [number, number][];
  caseSeq: [number, number][];
}

/**
 * Reports per batch. Small batches die young: with a large young generation (the command runs
 * Node.js with --max-semi-space-size=128, the worker gets as much), few of their rows and strings
 * live long enough to be promoted, and the garbage collector costs a fraction of what 5,000 at a
 * time did.
 */
const BATCH = 1000;

/** The generator: `next()` makes, encrypts and hands over the next batch (null after the last), `summary()` what was made. */
export function createGenerator(input: GeneratorInput): { next(): PreparedBatch | null; summary(): GeneratorSummary } {
  const { triageTargets, ackDays, areasCsv, total, nowMs, spanMs } = input;
  const random: Random = createRandom(input.seed);
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

  // Areas: a report's kelurahan drawn from the city's list (so a kecamatan as often as it has kelurahan).
  const kelurahan = loadAreaDirectory(areasCsv).kecamatan.flatMap((k) => k.kelurahan.map((l) => ({ kecamatan: k.code, ...l })));

  const { triage, supervisors, caseworkers } = input;
  const staff = [...triage, ...supervisors, ...caseworkers];
  const departmentIds = input.departments.map((d) => ({ ...d }));
  const partnerIds = input.partners;
  let auditId = input.auditId;

  // --- Counters, continued from what the database holds ----------------------------------------------
  const reportSeq = new Map<number, number>(input.reportSeq);
  const caseSeq = new Map<number, number>(input.caseSeq);
  const nextNumber = (seq: Map<number, number>, year: number) => {
    const n = (seq.get(year) ?? 0) + 1;
    seq.set(year, n);
    return n;
  };
  let reportId = input.reportId;
  let caseId = input.caseId;
  let redirectId = input.redirectId;

  // --- What is returned ------------------------------------------------------------------------------
  const byStatus = Object.fromEntries(reportStatuses.map((s) => [s, 0])) as Record<ReportStatus, number>;
  const counts = { referrals: 0, cases: 0, redirects: 0, messages: 0 };
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
    let closure: CaseClosureOutcome | null = null;
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
        closure = last ? (random.chance(0.85) ? 'goals_met' : 'other') : random.pick(earlyClosures);
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

  // --- Batches: made, encrypted, handed over -------------------------------------------------------
  const encrypt = createBatchEncryptor(Buffer.from(input.dataKey, 'hex'));
  const chain = createAuditChain(Buffer.from(input.dataKey, 'hex'), input.prevHash);
  let from = 0;
  const next = (): PreparedBatch | null => {
    if (from >= total) return null;
    const to = Math.min(total, from + BATCH);
    for (let i = from; i < to; i += 1) generate(i);
    if (to === total) {
      // What is still to come up to now: later steps of cases, acknowledgements, sign-ins.
      signInsUntil(nowMs);
      flushUntil(nowMs);
    }
    from = to;
    const b = batch;
    batch = newBatch();
    const answer = encrypt({ plain: b.plain, context: b.context, receipts: b.receipts });
    const put = (rows: Row[], columns: number[]) => {
      for (const row of rows) for (const c of columns) if (row[c] !== null) row[c] = answer.cipher[row[c] as Enc]!;
    };
    put(b.cases, encrypted.cases);
    put(b.reports, encrypted.reports);
    put(b.messages, encrypted.messages);
    put(b.redirects, encrypted.redirects);
    put(b.referrals, encrypted.referrals);
    // Case events made here and due in a later batch are ready by the time that one is handed over.
    put(b.caseEventsMade, encrypted.caseEvents);
    return {
      cases: b.cases,
      reports: b.reports,
      groups: b.groups,
      events: b.events,
      messages: b.messages,
      redirects: b.redirects,
      referrals: b.referrals,
      firstDecisions: b.firstDecisions,
      caseEvents: b.caseEvents,
      audit: b.audit.map((fields): Row => {
        const prev = chain.last;
        return [...fields, prev, chain.next(fields)];
      }),
      hashes: answer.hashes,
      reportsDone: to,
    };
  };

  const newestFirst = <T>(list: T[] | undefined) => [...(list ?? [])].reverse();
  const summary = (): GeneratorSummary => ({
    byStatus,
    counts,
    receipts: reportStatuses.flatMap((s) => newestFirst(receiptSamples.get(s))),
    references: Object.fromEntries(
      [...reportStatuses, 'referral' as const].map((k) => [k, newestFirst(referenceSamples.get(k))]),
    ) as GeneratorSummary['references'],
    caseNumbers: openCases
      .filter((c) => c.closedAt === Infinity)
      .map((c) => c.number)
      .reverse()
      .slice(0, SAMPLE),
    reportSeq: [...reportSeq],
    caseSeq: [...caseSeq],
  });
  return { next, summary };
}

// ---------------------------------------------------------------------------------------------
// The worker thread: batches ahead of the main thread, as many as it has asked for

/** A message from the worker: a batch, or (after the last) the summary. */
export type GeneratorMessage = { batch: PreparedBatch } | { summary: GeneratorSummary };

if (!isMainThread && parentPort && (workerData as { role?: string } | null)?.role === 'seed-generator') {
  const port = parentPort;
  const data = workerData as { input: GeneratorInput; ahead: number };
  const generator = createGenerator(data.input);
  // Each message from the main thread is one more batch it may take; it starts with `ahead`.
  let credits = data.ahead;
  let finished = false;
  const pump = () => {
    while (credits > 0 && !finished) {
      const batch = generator.next();
      if (batch === null) {
        finished = true;
        port.postMessage({ summary: generator.summary() } satisfies GeneratorMessage);
        return;
      }
      credits -= 1;
      port.postMessage({ batch } satisfies GeneratorMessage, [batch.hashes.buffer]);
    }
  };
  port.on('message', () => {
    credits += 1;
    pump();
  });
  pump();
}
