import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { openLentera, type OpenedLentera } from '../lentera';
import { readEnvironment } from '../env';
import { COULD_NOT_RUN, openForCommand, runFromShell } from './command';
import { loadAreaDirectory } from '../data/areaReference';
import { newTotpSecret, totpCodeAt, totpUri } from '../security/totp';
import type { CaseClosureOutcome, CaseStage } from '../domain/cases';
import type { CloseReason, RedirectReason, RiskLevel } from '../domain/decisions';
import type { AcknowledgementAnswer } from '../domain/acknowledgements';
import type { AffectedGroup, Category, ContactDetails, IntakeChannel, ReporterRelation, Urgency } from '../domain/reference';
import type { ClientIdentity, Consent } from '../domain/referrals';
import type { ConsentMethod } from '../domain/caseReferrals';
import type { FactorKind } from '../domain/caseAssessments';
import type { FollowUpKind } from '../domain/casePlans';
import type { UploadedFile } from '../domain/attachments';
import { jakartaDate } from '../domain/sla';
import { roles, type CurrentAccount, type Role } from '../domain/roles';
import { formatReceipt } from '../domain/receipt';
import type { Outcome } from '../domain/outcome';
import type { CaseChange } from '../services/caseService';
import type { Decision } from '../services/triageService';
import * as material from './demoMaterial';

/**
 * `npm run seed:demo`: a small, believable office on a fresh install — a few dozen reports in every
 * state, referrals from departments, cases at several stages, redirects with and without the
 * partner's answer, reports recorded at the office with attachments, the LK3 working file on open
 * cases (assessments, plans, follow-ups, referrals out, a conference), closed cases with their
 * outcomes, partners, departments, and one account per role — so that a newcomer sees a
 * working office in a minute. Everything goes through the services, as the pages would make it,
 * on a clock set back over the last weeks (the audit log, timelines and due times read as if it
 * happened then). Prints how to sign in. Refuses a database that already holds reports unless --force.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const JAKARTA = 7 * HOUR;

export interface SeedDemoIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  /** The real time (tests pass their own); the history is laid out in the weeks before it. */
  now?: () => Date;
}

export interface DemoAccount {
  role: Role;
  email: string;
  name: string;
  password: string;
  totpSecret: string;
  otpauthUrl: string;
}

const usage = `Usage: npm run seed:demo [-- --force]

  Fills a fresh install with a small demo office (reports in every state, cases, partners,
  departments) and one account per role, and prints how each signs in. A database that already
  holds reports is refused; --force adds the demo to it anyway.`;

const newPassword = () => `demo-${crypto.randomBytes(6).toString('hex')}`;

/** Throws when a service refused: the demo is a fixed script, so a refusal is a bug worth its message. */
function must<T extends object>(outcome: Outcome<T, string>, what: string): T {
  if (!outcome.ok) throw new Error(`seed:demo: ${what} was refused (${outcome.problem})`);
  return outcome;
}

interface Filed {
  reference: string;
  receipt: string | null;
}

/** The steps of the demo, run in the order they happened, each at its own time. */
class Script {
  private steps: { at: number; order: number; run: () => unknown }[] = [];
  readonly filed = new Map<string, Filed>();
  private readonly cases = new Map<string, string>();

  constructor(
    private readonly lentera: OpenedLentera,
    private readonly realNow: number,
  ) {}

  /** A time `daysAgo` days before today (Jakarta calendar) at hh:mm WIB, never later than a minute ago. */
  time(daysAgo: number, hh: number, mm = 0): number {
    const todayJakarta = Math.floor((this.realNow + JAKARTA) / DAY) * DAY - JAKARTA;
    return Math.min(this.realNow - MINUTE, todayJakarta - daysAgo * DAY + hh * HOUR + mm * MINUTE);
  }

  /** The Jakarta calendar date `days` days from today (negative: before), as YYYY-MM-DD. */
  date(days: number): string {
    return jakartaDate(new Date(this.realNow + days * DAY));
  }

  at(when: number, run: () => unknown): void {
    this.steps.push({ at: when, order: this.steps.length, run });
  }

  report(key: string): Filed {
    const filed = this.filed.get(key);
    if (!filed) throw new Error(`seed:demo: ${key} is used before it is filed`);
    return filed;
  }

  /** The case a report was accepted into (read as the person would, through the report page). */
  caseOf(key: string, who: CurrentAccount): string {
    const known = this.cases.get(key);
    if (known) return known;
    const number = this.lentera.services.triageService.openReport(who, this.report(key).reference)?.report.caseNumber;
    if (!number) throw new Error(`seed:demo: ${key} has no case`);
    this.cases.set(key, number);
    return number;
  }

  async run(setClock: (ms: number) => void): Promise<void> {
    this.steps.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const step of this.steps) {
      setClock(step.at);
      await step.run();
    }
  }
}

export async function runSeedDemoCommand(argv: string[], io: SeedDemoIo): Promise<number> {
  let force: boolean;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help) {
      io.out(usage);
      return 0;
    }
    force = values.force;
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }

  const realNow = (io.now ?? (() => new Date()))().getTime();
  let clock = realNow;
  const now = () => new Date(clock);
  // Like the server: may create the data folder, the database and (for an empty one) the data key.
  const lentera = openForCommand(() => openLentera(io.env, { create: true, now, log: io.err }), io.err);
  if (!lentera) return COULD_NOT_RUN;
  try {
    const { services, config } = lentera;
    const counts = services.triageService.queuePage({ status: 'open' }, null, 1).counts;
    const held = Object.values(counts).reduce((a, b) => a + b, 0);
    if (held > 0 && !force) {
      io.err(`${config.databasePath} already holds ${held} reports: seed:demo fills a fresh install only (--force adds the demo anyway).`);
      return 1;
    }
    const script = new Script(lentera, realNow);
    const accounts = await seedDemo(lentera, script, (ms) => (clock = ms));
    clock = realNow;

    io.out(`A demo office is ready in ${config.databasePath}.`);
    io.out(`Start the server (npm start) and open ${config.baseUrl}/login. Each account signs in with its password, then a code`);
    io.out('from an authenticator app: add the TOTP secret (or open the otpauth URL) in any TOTP app (Aegis, Google Authenticator…).');
    io.out('These are demo accounts with demo data: never use them for real reports.\n');
    for (const a of [...accounts].sort((x, y) => roles.indexOf(x.role) - roles.indexOf(y.role))) {
      io.out(`${a.role.padEnd(10)} ${a.name}`);
      io.out(`           email     ${a.email}`);
      io.out(`           password  ${a.password}`);
      io.out(`           TOTP      ${a.totpSecret}`);
      io.out(`           ${a.otpauthUrl}\n`);
    }
    const receipts = ['waiting', 'redirect-accepted', 'case-monitoring', 'intake-office'].map((key) => script.report(key));
    if (receipts.length > 0) {
      io.out(
        `As a resident, open ${config.baseUrl}/status with a receipt: ${receipts.map((r) => `${formatReceipt(r.receipt ?? '')} (${r.reference})`).join(', ')}.`,
      );
    }
    io.out('Emails the demo caused wait in the outbox; the server sends them (to .eml files under the data folder without SMTP_URL).');
    return 0;
  } finally {
    lentera.close();
  }
}

/** The demo itself: accounts, departments, partners, then six weeks of reports. Returns the accounts with their sign-in details. */
async function seedDemo(lentera: OpenedLentera, script: Script, setClock: (ms: number) => void): Promise<DemoAccount[]> {
  const { services, config } = lentera;
  const { accountService, departmentService, partnerService, apiTokenService } = services;
  const areas = loadAreaDirectory(config.areasCsv);
  const place = (kelurahanName: string) => {
    for (const k of areas.kecamatan) {
      const l = k.kelurahan.find((x) => x.name === kelurahanName);
      if (l) return { kecamatanCode: k.code, kelurahanCode: l.code, name: l.name };
    }
    throw new Error(`seed:demo: no kelurahan ${kelurahanName} in ${config.areasCsv}`);
  };

  // --- People: one account per role, eight weeks ago ----------------------------------------------
  setClock(script.time(56, 8));
  const departmentId = (name: string, admin: number): number => {
    const made = departmentService.create(admin, name);
    if (made.ok) return made.id;
    const existing = accountService.findDepartment(name);
    if (existing === undefined) throw new Error(`seed:demo: department ${name} (${made.problem})`);
    return existing;
  };
  const accounts: DemoAccount[] = [];
  const makeAccount = async (role: Role, name: string, departmentId: number | null) => {
    const password = newPassword();
    let email = `${role === 'department' ? 'dinas' : role}@demo.lentera.test`;
    let created = await accountService.createFromCommandLine({ email, name, role, departmentId }, password);
    // --force on a database that has the demo already: the same person again, under a new address.
    for (let n = 2; !created.ok && created.problem === 'email_taken' && n < 100; n += 1) {
      email = `${role === 'department' ? 'dinas' : role}${n}@demo.lentera.test`;
      created = await accountService.createFromCommandLine({ email, name, role, departmentId }, password);
    }
    const { id } = must(created, `the ${role} account`);
    const totpSecret = newTotpSecret();
    must(await accountService.enrolTotp(id, totpSecret, await totpCodeAt(totpSecret, lentera.now())), 'enrolling a TOTP');
    accounts.push({
      role,
      email,
      name,
      password,
      totpSecret,
      otpauthUrl: totpUri(totpSecret, email, `Lentera (${config.orgName})`),
    });
    const account: CurrentAccount = { id, email, name, role, departmentId };
    return account;
  };
  const supervisor = await makeAccount('supervisor', material.staffNames.supervisor[0]!, null);
  const admin = await makeAccount('admin', material.staffNames.admin[0]!, null);
  const triage = await makeAccount('triage', material.staffNames.triage[0]!, null);
  const caseworker = await makeAccount('caseworker', material.staffNames.caseworker[0]!, null);

  setClock(script.time(55, 9));
  const departments = material.departments.map((d) => departmentId(d.name, admin.id));
  const officer = await makeAccount('department', material.staffNames.department[0]!, departments[0]!);
  const officerOf = { via: 'form' as const, accountId: officer.id, departmentId: departments[0]! };
  const apiOf = (i: number) => ({
    via: 'api' as const,
    tokenId: must(apiTokenService.issue(admin.id, departments[i]!, 'Sistem informasi dinas'), 'an API token').id,
    departmentId: departments[i]!,
  });
  const viaApi = [1, 2, 3, 4, 5].map(apiOf);
  const partnerIds = material.partners.map((p) => {
    const made = partnerService.create(admin.id, { ...p });
    if (made.ok) return made.id;
    const existing = partnerService.listAll().find((x) => x.name === p.name);
    if (!existing) throw new Error(`seed:demo: partner ${p.name} (${made.problem})`);
    return existing.id;
  });
  const partner = (name: string) => partnerIds[material.partners.findIndex((p) => p.name === name)]!;

  // --- What happens: residents file, triage decides, caseworkers work ------------------------------
  const { reportService, triageService, caseService, acknowledgementService, referralService } = services;
  const text = (category: Category, n = 0) => material.narratives[category].texts[n % material.narratives[category].texts.length]!;

  interface PublicReport {
    category: Category;
    urgency: Urgency;
    kelurahan: string;
    relation: ReporterRelation;
    groups?: AffectedGroup[];
    text?: number;
    location?: string;
    contact?: Pick<ContactDetails, 'name' | 'phone' | 'channel'> & Partial<ContactDetails>;
  }
  const file = (key: string, when: number, r: PublicReport) =>
    script.at(when, () => {
      const where = place(r.kelurahan);
      const filed = reportService.submitPublicReport({
        category: r.category,
        affectedGroups: r.groups ?? material.narratives[r.category].groups,
        kecamatanCode: where.kecamatanCode,
        kelurahanCode: where.kelurahanCode,
        locationDetail: r.location ?? null,
        narrative: `${text(r.category, r.text)} ${material.placeSentences[(r.text ?? 0) % material.placeSentences.length]!.replace('{kelurahan}', where.name)}`,
        urgency: r.urgency,
        reporterRelation: r.relation,
        contact: r.contact
          ? { email: '', safeHours: material.safeHours[0]!, mayLeaveMessage: false, notifyByEmail: false, ...r.contact }
          : null,
        language: 'id',
      });
      script.filed.set(key, { reference: filed.reference, receipt: filed.receipt });
    });

  interface Referral {
    submitter: (typeof viaApi)[number] | typeof officerOf;
    category: Category;
    urgency: Urgency;
    kelurahan: string;
    groups: AffectedGroup[];
    client: Pick<ClientIdentity, 'name' | 'age' | 'sex'>;
    consent: Consent;
  }
  let referralNumber = 0;
  const refer = (key: string, when: number, r: Referral) =>
    script.at(when, () => {
      const where = place(r.kelurahan);
      referralNumber += 1;
      const departmentReference = `${new Date(when).getUTCFullYear()}/RJK/${String(100 + referralNumber)}-${crypto.randomBytes(2).toString('hex')}`;
      const input = {
        departmentReference,
        client: { ...r.client, dateOfBirth: null, nik: null, address: `${where.name}, Padang`, phone: '0812 7000 1234' },
        kecamatanCode: where.kecamatanCode,
        kelurahanCode: where.kelurahanCode,
        category: r.category,
        affectedGroups: r.groups,
        urgency: r.urgency,
        reason: material.referralReasons[r.category] ?? text(r.category),
        actionsTaken: material.referralActions[referralNumber % material.referralActions.length]!,
        consent: r.consent,
      };
      const reference =
        r.submitter.via === 'form'
          ? must(referralService.submit(r.submitter, input), 'a referral').reference
          : must(
              referralService.submitFromApi(r.submitter, input, undefined, (ref) => `${config.baseUrl}/api/v1/referrals/${ref}`),
              'a referral through the API',
            ).answer.reference;
      script.filed.set(key, { reference, receipt: null });
    });

  const ref = (key: string) => script.report(key).reference;
  const claim = (key: string, when: number, by = triage) =>
    script.at(when, () => must(triageService.claim(by, ref(key)), `claiming ${key}`));
  const ask = (key: string, when: number, n = 0, by = triage) =>
    script.at(when, () =>
      must(triageService.askReporter(by, ref(key), material.staffQuestions[n % material.staffQuestions.length]!), `asking on ${key}`),
    );
  const reply = (key: string, when: number, n = 0) =>
    script.at(when, () => {
      const id = reportService.findReportByReceipt(script.report(key).receipt ?? '');
      if (id === undefined) throw new Error(`seed:demo: no receipt for ${key}`);
      must(reportService.addReporterMessage(id, material.reporterReplies[n % material.reporterReplies.length]!), `the reply on ${key}`);
    });
  const decide = (key: string, when: number, decision: () => Decision, by = triage) =>
    script.at(when, () => must(triageService.decide(by, ref(key), decision()), `deciding ${key}`));
  const accept = (key: string, when: number, risk: RiskLevel | null, note = material.decisionNotes.accept[0]!) =>
    decide(key, when, () => ({ kind: 'accept', existingCaseNumber: null, assigneeId: caseworker.id, riskLevel: risk, note }));
  const redirect = (key: string, when: number, partnerName: string, reason: RedirectReason, n = 0) =>
    decide(key, when, () => ({
      kind: 'redirect',
      partnerId: partner(partnerName),
      reason,
      summary: material.redirectTexts[n % material.redirectTexts.length]!.summary,
      explanation: material.redirectTexts[n % material.redirectTexts.length]!.explanation,
    }));
  const close = (key: string, when: number, reason: CloseReason, note = '') => decide(key, when, () => ({ kind: 'close', reason, note }));
  const acknowledge = (key: string, when: number, answer: AcknowledgementAnswer, reason = '') =>
    script.at(when, () => must(acknowledgementService.recordByStaff(triage, ref(key), answer, reason), `the answer on ${key}`));
  const work = (key: string, when: number, change: CaseChange, by = caseworker) =>
    script.at(when, () => must(caseService.change(by, script.caseOf(key, by), change), `a change to the case of ${key}`));
  const note = (key: string, when: number, n: number) =>
    work(key, when, { kind: 'note', text: material.caseNotes[n % material.caseNotes.length]! });
  const stage = (key: string, when: number, s: CaseStage) => work(key, when, { kind: 'stage', stage: s });
  const assess = (key: string, when: number, level: RiskLevel, n = 0) =>
    work(key, when, {
      kind: 'risk',
      level,
      riskFactors: material.riskFactors[n % material.riskFactors.length]!,
      protectiveFactors: material.protectiveFactors[n % material.protectiveFactors.length]!,
    });
  const closeCase = (key: keyof typeof material.closingSummaries, when: number, outcome: CaseClosureOutcome) =>
    work(key, when, { kind: 'close', outcome, summary: material.closingSummaries[key] });
  const respond = (key: string, when: number, n = 0) =>
    script.at(when, () =>
      must(triageService.respondToDepartment(triage, ref(key), material.referralResponses[n]!), `responding on ${key}`),
    );
  const t = (daysAgo: number, hh: number, mm = 0) => script.time(daysAgo, hh, mm);
  const phone = (n: number) => `0813 6${String(100 + n)} ${String(4000 + n * 7)}`;

  // --- The newer work: reports recorded at the office, attachments, the LK3 working file ----------
  const { staffIntakeService, attachmentService, caseAssessmentService, casePlanService, caseReferralService, caseConferenceService } =
    services;

  /** A photo as a phone sends it (a plain colour stands in for the picture) and a scanned letter, made in memory. */
  const photo = async (): Promise<UploadedFile> => ({
    originalName: material.attachmentNames.photo,
    bytes: await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 176, g: 148, b: 124 } } })
      .jpeg({ quality: 80 })
      .toBuffer(),
  });
  const letter = async (): Promise<UploadedFile> => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    const font = await doc.embedFont(StandardFonts.Helvetica);
    material.letterLines.forEach((line, i) => page.drawText(line, { x: 64, y: 760 - i * 18, size: 11, font }));
    return { originalName: material.attachmentNames.letter, bytes: Buffer.from(await doc.save()) };
  };

  interface OfficeReport {
    channel: IntakeChannel;
    /** When the office received it; recorded at the step's own time. */
    receivedAt: number;
    takenBy?: CurrentAccount;
    category: Category;
    urgency: Urgency;
    kelurahan: string;
    relation: ReporterRelation;
    contact?: Pick<ContactDetails, 'name' | 'phone' | 'channel'> & Partial<ContactDetails>;
    receipt?: boolean;
    files?: (() => Promise<UploadedFile>)[];
  }
  const recordAtOffice = (key: string, when: number, r: OfficeReport) =>
    script.at(when, async () => {
      const uploads = await Promise.all((r.files ?? []).map((f) => f()));
      const prepared = must(await attachmentService.prepare({ files: uploads, problem: null }), `the attachments of ${key}`);
      const where = place(r.kelurahan);
      const recorded = must(
        staffIntakeService.record(
          triage,
          {
            report: {
              category: r.category,
              affectedGroups: material.narratives[r.category].groups,
              kecamatanCode: where.kecamatanCode,
              kelurahanCode: where.kelurahanCode,
              locationDetail: null,
              narrative: material.intakeNarratives[r.channel as keyof typeof material.intakeNarratives],
              urgency: r.urgency,
              reporterRelation: r.relation,
              contact: r.contact
                ? { email: '', safeHours: material.safeHours[2]!, mayLeaveMessage: false, notifyByEmail: false, ...r.contact }
                : null,
              language: 'id',
            },
            channel: r.channel,
            receivedAt: new Date(r.receivedAt),
            takenBy: (r.takenBy ?? triage).id,
            giveReceipt: r.receipt ?? false,
          },
          prepared.files,
        ),
        `recording ${key} at the office`,
      );
      script.filed.set(key, { reference: recorded.reference, receipt: recorded.receipt });
    });

  const factorId = (kind: FactorKind, label: string): number => {
    const factor = caseAssessmentService.factors().find((f) => f.kind === kind && f.labelId === label && !f.retired);
    if (!factor) throw new Error(`seed:demo: no ${kind} factor "${label}" on the supervisors' lists`);
    return factor.id;
  };
  const initialAssessment = (key: keyof typeof material.initialAssessments, when: number) =>
    script.at(when, () => {
      const a = material.initialAssessments[key];
      must(
        caseAssessmentService.save(caseworker, script.caseOf(key, caseworker), {
          kind: 'initial',
          body: {
            presentingProblem: a.presentingProblem,
            household: a.household.map((m) => ({ ...m })),
            safety: a.safety,
            safetyPlan: a.safetyPlan,
            riskFactorIds: a.risk.map((label) => factorId('risk', label)),
            riskNotes: a.riskNotes,
            protectiveFactorIds: a.protective.map((label) => factorId('protective', label)),
            protectiveNotes: a.protectiveNotes,
            decision: a.decision,
            decisionReason: a.decisionReason,
          },
        }),
        `the initial assessment of ${key}`,
      );
    });
  const inDepthAssessment = (key: keyof typeof material.inDepthAssessments, version: number, when: number) =>
    script.at(when, () => {
      const a = material.inDepthAssessments[key][version]!;
      const members = Object.entries(a.members).map(([name, m]: [string, { attitudes: string; thoughts: string; behaviour: string }]) => {
        const member = material.initialAssessments[key].household.find((h) => h.name === name);
        if (!member) throw new Error(`seed:demo: ${name} is not in the household of ${key}`);
        return { member: { name, relation: member.relation, ageGroup: member.ageGroup }, ...m };
      });
      must(
        caseAssessmentService.save(caseworker, script.caseOf(key, caseworker), {
          kind: 'in_depth',
          body: {
            members,
            familyFunctioning: a.familyFunctioning,
            strengths: a.strengths,
            riskLevel: a.riskLevel,
            riskReason: a.riskReason,
          },
        }),
        `the in-depth assessment of ${key}`,
      );
    });

  /** The plan page as the worker opens it, to find the goal or activity just written (audited, as the page is). */
  const planOf = async (number: string) => {
    const page = await casePlanService.view(caseworker, number, 'plan');
    if (!page) throw new Error(`seed:demo: no plan page for ${number}`);
    return page.plan;
  };
  const dueOn = {
    done: (when: number) => jakartaDate(new Date(when + 7 * DAY)),
    today: () => script.date(0),
    overdue: () => script.date(-3),
    later: () => script.date(10),
  };
  const plan = (key: keyof typeof material.planGoals, when: number) =>
    script.at(when, async () => {
      const number = script.caseOf(key, caseworker);
      for (const g of material.planGoals[key]) {
        must(casePlanService.change(caseworker, number, { kind: 'add_goal', text: g.goal }), `a goal of ${key}`);
        const goalId = (await planOf(number)).goals.at(-1)!.id;
        for (const a of g.activities) {
          const responsible =
            'responsible' in a ? { kind: 'other' as const, name: a.responsible } : { kind: 'staff' as const, accountId: caseworker.id };
          must(
            casePlanService.change(caseworker, number, {
              kind: 'add_activity',
              goalId,
              activity: { title: a.title, lk3Function: a.lk3Function, responsible, dueOn: dueOn[a.due](when) },
            }),
            `an activity of ${key}`,
          );
        }
      }
    });
  const progress = (key: string, when: number, title: string, note: string) =>
    script.at(when, async () => {
      const number = script.caseOf(key, caseworker);
      const activity = (await planOf(number)).goals.flatMap((g) => g.activities).find((a) => a.title === title);
      if (!activity) throw new Error(`seed:demo: no activity "${title}" on ${key}`);
      must(
        casePlanService.change(caseworker, number, { kind: 'progress', activityId: activity.id, status: 'done', note }),
        `progress on ${key}`,
      );
    });
  const followUp = (key: keyof typeof material.followUpOutcomes, when: number, kind: FollowUpKind, nextInDays: number) =>
    script.at(when, () =>
      must(
        casePlanService.change(caseworker, script.caseOf(key, caseworker), {
          kind: 'follow_up',
          followUpKind: kind,
          heldOn: jakartaDate(new Date(when)),
          outcome: material.followUpOutcomes[key],
          nextOn: script.date(nextInDays),
          staffIds: [caseworker.id],
        }),
        `a follow-up on ${key}`,
      ),
    );
  const referralsOut = new Map<string, number>();
  const referOut = (key: keyof typeof material.caseReferrals, when: number, consentMethod: ConsentMethod) =>
    script.at(when, () => {
      const r = material.caseReferrals[key];
      const made = must(
        caseReferralService.refer(caseworker, script.caseOf(key, caseworker), {
          partnerId: partner(r.partner),
          consentBy: r.consentBy,
          consentMethod,
          consentOn: jakartaDate(new Date(when)),
          summary: r.summary,
          request: r.request,
        }),
        `the referral out of ${key}`,
      );
      referralsOut.set(key, made.id);
    });
  const partnerAnswers = (key: keyof typeof material.caseReferrals, when: number, answer: AcknowledgementAnswer) =>
    script.at(when, () =>
      must(
        caseReferralService.recordByStaff(caseworker, script.caseOf(key, caseworker), referralsOut.get(key)!, answer, ''),
        `the partner's answer on ${key}`,
      ),
    );
  const conference = (key: string, when: number, partners: string[]) =>
    script.at(when, () =>
      must(
        caseConferenceService.record(supervisor, script.caseOf(key, supervisor), {
          heldOn: jakartaDate(new Date(when)),
          staffIds: [supervisor.id, caseworker.id],
          partnerIds: partners.map(partner),
          otherAttendees: material.conference.otherAttendees,
          decisions: material.conference.decisions,
          nextSteps: material.conference.nextSteps,
        }),
        `the case conference on ${key}`,
      ),
    );

  // Still waiting for triage: new, claimed, waiting for the reporter, answered.
  file('new-immediate', t(0, 7, 40), {
    category: 'physical_violence',
    urgency: 'immediate',
    kelurahan: 'Lubuk Buaya',
    relation: 'neighbour',
  });
  file('new-urgent', t(1, 15, 10), { category: 'neglect', urgency: 'urgent', kelurahan: 'Alang Laweh', relation: 'neighbour', text: 1 });
  file('new-contact', t(2, 11, 5), {
    category: 'economic_hardship',
    urgency: 'normal',
    kelurahan: 'Kuranji',
    relation: 'self',
    text: 1,
    contact: { name: 'Rahmi Putri', phone: phone(1), channel: 'whatsapp', safeHours: 'Siang hari, 10.00–14.00' },
  });
  file('new-overdue', t(8, 20, 30), {
    category: 'parenting_child_concerns',
    urgency: 'normal',
    kelurahan: 'Pasar Ambacang',
    relation: 'self',
  });
  file('new-today', t(0, 9, 15), { category: 'care_needs', urgency: 'normal', kelurahan: 'Surau Gadang', relation: 'family', text: 1 });
  file('review-urgent', t(1, 9, 30), {
    category: 'sexual_violence',
    urgency: 'urgent',
    kelurahan: 'Parak Gadang Timur',
    relation: 'family',
  });
  claim('review-urgent', t(1, 10, 5));
  file('review', t(3, 14, 0), { category: 'family_conflict', urgency: 'normal', kelurahan: 'Lolong Belanti', relation: 'self', text: 1 });
  claim('review', t(2, 8, 45));
  file('answered', t(6, 19, 20), {
    category: 'substance_use',
    urgency: 'normal',
    kelurahan: 'Koto Lua',
    relation: 'family',
    contact: { name: 'Siti Wahyuni', phone: phone(2), channel: 'sms' },
  });
  claim('answered', t(5, 9, 0));
  ask('answered', t(5, 9, 20), 0);
  reply('answered', t(4, 13, 0), 0);
  file('waiting', t(4, 16, 40), { category: 'psychological_abuse', urgency: 'normal', kelurahan: 'Gunung Pangilun', relation: 'self' });
  ask('waiting', t(3, 10, 0), 3);
  file('waiting-urgent', t(2, 7, 55), { category: 'exploitation', urgency: 'urgent', kelurahan: 'Olo', relation: 'neighbour' });
  claim('waiting-urgent', t(2, 8, 30));
  ask('waiting-urgent', t(2, 8, 50), 1);
  file('waiting-long', t(11, 10, 0), { category: 'other', urgency: 'normal', kelurahan: 'Batu Gadang', relation: 'professional' });
  ask('waiting-long', t(10, 9, 0), 2);
  refer('referral-new', t(1, 13, 30), {
    submitter: officerOf,
    category: 'neglect',
    urgency: 'urgent',
    kelurahan: 'Pasie Nan Tigo',
    groups: ['child'],
    client: { name: 'Fauzan Saputra', age: 8, sex: 'male' },
    consent: { state: 'obtained', method: 'written', obtainedBy: material.consentTakers[0]! },
  });
  refer('referral-review', t(3, 10, 15), {
    submitter: viaApi[2]!,
    category: 'exploitation',
    urgency: 'urgent',
    kelurahan: 'Purus',
    groups: ['child'],
    client: { name: 'Andi Pratama', age: 13, sex: 'male' },
    consent: { state: 'not_obtained', ground: 'child_at_risk', justification: material.noConsentJustifications.child_at_risk },
  });
  claim('referral-review', t(2, 9, 10));

  // Accepted into cases, which the caseworker has taken to every stage.
  file('case-intake', t(3, 21, 0), {
    category: 'physical_violence',
    urgency: 'urgent',
    kelurahan: 'Kampung Jawa',
    relation: 'friend',
    text: 1,
  });
  claim('case-intake', t(2, 8, 40));
  accept('case-intake', t(2, 11, 0), 'medium', material.decisionNotes.accept[1]!);
  file('case-initial', t(12, 8, 20), { category: 'neglect', urgency: 'urgent', kelurahan: 'Lubuk Minturun', relation: 'neighbour' });
  accept('case-initial', t(11, 14, 0), null);
  stage('case-initial', t(9, 10, 0), 'initial_assessment');
  assess('case-initial', t(9, 11, 0), 'high', 1);
  note('case-initial', t(8, 15, 30), 0);
  file('case-joined', t(9, 12, 45), { category: 'neglect', urgency: 'normal', kelurahan: 'Lubuk Minturun', relation: 'family', text: 1 });
  script.at(t(8, 10, 0), () =>
    must(
      triageService.decide(triage, ref('case-joined'), {
        kind: 'accept',
        existingCaseNumber: script.caseOf('case-initial', supervisor),
        assigneeId: null,
        riskLevel: null,
        note: 'Laporan kedua tentang keluarga yang sama; digabung ke kasus yang sudah berjalan.',
      }),
      'accepting case-joined into its case',
    ),
  );
  file('case-in-depth', t(20, 10, 10), {
    category: 'sexual_violence',
    urgency: 'urgent',
    kelurahan: 'Koto Baru Nan XX',
    relation: 'family',
    text: 1,
  });
  claim('case-in-depth', t(20, 10, 40));
  accept('case-in-depth', t(20, 13, 0), 'high', material.decisionNotes.accept[2]!);
  stage('case-in-depth', t(18, 9, 0), 'initial_assessment');
  // Its decision moves the case on to the in-depth assessment, which has two versions.
  initialAssessment('case-in-depth', t(18, 10, 0));
  note('case-in-depth', t(17, 14, 0), 3);
  inDepthAssessment('case-in-depth', 0, t(12, 9, 30));
  inDepthAssessment('case-in-depth', 1, t(6, 15, 0));
  // Referred out for legal aid with the family's consent; the partner has not answered yet.
  referOut('case-in-depth', t(1, 10, 0), 'guardian');
  file('case-plan', t(26, 9, 0), { category: 'family_conflict', urgency: 'normal', kelurahan: 'Andalas', relation: 'self' });
  accept('case-plan', t(24, 10, 0), 'low');
  stage('case-plan', t(22, 9, 0), 'initial_assessment');
  initialAssessment('case-plan', t(22, 10, 0));
  inDepthAssessment('case-plan', 0, t(17, 9, 0));
  note('case-plan', t(15, 13, 0), 2);
  // Saving the plan moves the case to the intervention plan stage.
  plan('case-plan', t(9, 10, 30));
  file('case-intervention', t(33, 8, 30), {
    category: 'child_marriage',
    urgency: 'urgent',
    kelurahan: 'Bungus Barat',
    relation: 'professional',
  });
  claim('case-intervention', t(33, 9, 0));
  accept('case-intervention', t(33, 11, 30), 'high');
  stage('case-intervention', t(31, 9, 0), 'initial_assessment');
  initialAssessment('case-intervention', t(31, 10, 0));
  plan('case-intervention', t(27, 9, 0));
  note('case-intervention', t(26, 14, 0), 1);
  conference('case-intervention', t(25, 10, 0), ['UPTD PPA Kota Padang']);
  progress('case-intervention', t(23, 11, 0), material.planGoals['case-intervention'][0].activities[0].title, material.progressNotes[0]!);
  progress('case-intervention', t(22, 15, 0), material.planGoals['case-intervention'][0].activities[1].title, material.progressNotes[1]!);
  stage('case-intervention', t(20, 9, 0), 'intervention');
  note('case-intervention', t(6, 15, 0), 4);
  followUp('case-intervention', t(6, 16, 0), 'home_visit', 4);
  file('case-monitoring', t(40, 19, 0), {
    category: 'psychological_abuse',
    urgency: 'normal',
    kelurahan: 'Kubu Dalam Parak Karakah',
    relation: 'self',
    text: 1,
  });
  accept('case-monitoring', t(38, 10, 0), 'medium');
  stage('case-monitoring', t(36, 9, 0), 'initial_assessment');
  stage('case-monitoring', t(31, 9, 0), 'intervention_plan');
  stage('case-monitoring', t(27, 9, 0), 'intervention');
  note('case-monitoring', t(20, 10, 0), 2);
  stage('case-monitoring', t(10, 9, 0), 'monitoring');
  note('case-monitoring', t(3, 11, 0), 4);
  followUp('case-monitoring', t(3, 11, 30), 'call', 11);
  file('case-closed', t(42, 10, 0), {
    category: 'parenting_child_concerns',
    urgency: 'normal',
    kelurahan: 'Ganting Parak Gadang',
    relation: 'self',
    text: 1,
  });
  accept('case-closed', t(41, 9, 30), 'low');
  stage('case-closed', t(39, 9, 0), 'initial_assessment');
  stage('case-closed', t(35, 9, 0), 'intervention');
  note('case-closed', t(28, 14, 0), 2);
  stage('case-closed', t(21, 9, 0), 'monitoring');
  closeCase('case-closed', t(7, 15, 0), 'goals_met');
  file('case-hold', t(16, 22, 10), { category: 'mental_health_crisis', urgency: 'urgent', kelurahan: 'Kapalo Koto', relation: 'family' });
  accept('case-hold', t(15, 9, 0), 'medium');
  stage('case-hold', t(14, 9, 0), 'initial_assessment');
  note('case-hold', t(13, 16, 0), 5);
  work('case-hold', t(12, 9, 0), { kind: 'hold', onHold: true });
  file('escalated', t(5, 23, 40), {
    category: 'mental_health_crisis',
    urgency: 'immediate',
    kelurahan: 'Parupuk Tabing',
    relation: 'family',
    text: 0,
  });
  claim('escalated', t(5, 23, 50));
  script.at(t(5, 23, 55), () => must(triageService.escalate(triage, ref('escalated'), '112'), 'escalating'));
  accept('escalated', t(4, 9, 0), 'high');
  stage('escalated', t(3, 9, 0), 'initial_assessment');
  refer('referral-case', t(19, 9, 40), {
    submitter: viaApi[0]!,
    category: 'mental_health_crisis',
    urgency: 'urgent',
    kelurahan: 'Pasar Ambacang',
    groups: ['adult_man', 'family'],
    client: { name: 'Hendra Koto', age: 41, sex: 'male' },
    consent: { state: 'not_obtained', ground: 'danger_to_life', justification: material.noConsentJustifications.danger_to_life },
  });
  accept('referral-case', t(18, 10, 0), 'high');
  respond('referral-case', t(18, 10, 30), 0);
  stage('referral-case', t(16, 9, 0), 'initial_assessment');
  stage('referral-case', t(11, 9, 0), 'intervention');
  // Referred out to the hospital with the wife's consent; the hospital accepted by phone, and the case closed.
  referOut('referral-case', t(10, 10, 0), 'verbal');
  partnerAnswers('referral-case', t(8, 14, 0), 'accepted');
  closeCase('referral-case', t(4, 10, 0), 'referred_accepted');
  refer('referral-accepted', t(13, 14, 20), {
    submitter: viaApi[4]!,
    category: 'economic_hardship',
    urgency: 'normal',
    kelurahan: 'Padang Sarai',
    groups: ['family'],
    client: { name: 'Nurhayati Tanjung', age: 36, sex: 'female' },
    consent: { state: 'obtained', method: 'verbal', obtainedBy: material.consentTakers[3]! },
  });
  accept('referral-accepted', t(12, 10, 0), 'low');
  stage('referral-accepted', t(9, 9, 0), 'initial_assessment');
  file('case-declined', t(30, 20, 0), {
    category: 'substance_use',
    urgency: 'normal',
    kelurahan: 'Kalumbuk',
    relation: 'self',
    contact: { name: 'Elvi Susanti', phone: phone(4), channel: 'phone', safeHours: material.safeHours[3]! },
  });
  accept('case-declined', t(29, 10, 0), 'medium');
  stage('case-declined', t(27, 9, 0), 'initial_assessment');
  note('case-declined', t(24, 14, 0), 5);
  closeCase('case-declined', t(13, 11, 0), 'family_declined');

  // Received at the office by phone, WhatsApp, in person and by letter, and recorded there by triage.
  recordAtOffice('intake-phone', t(0, 8, 20), {
    channel: 'phone',
    receivedAt: t(0, 8, 5),
    category: 'neglect',
    urgency: 'urgent',
    kelurahan: 'Pasar Ambacang',
    relation: 'neighbour',
  });
  recordAtOffice('intake-whatsapp', t(1, 8, 30), {
    channel: 'whatsapp',
    receivedAt: t(2, 21, 15),
    category: 'physical_violence',
    urgency: 'urgent',
    kelurahan: 'Belakang Tangsi',
    relation: 'family',
    contact: { name: 'Wati', phone: phone(5), channel: 'whatsapp' },
    files: [photo],
  });
  claim('intake-whatsapp', t(1, 9, 0));
  recordAtOffice('intake-office', t(2, 10, 40), {
    channel: 'office',
    receivedAt: t(2, 10, 0),
    takenBy: supervisor,
    category: 'economic_hardship',
    urgency: 'normal',
    kelurahan: 'Sungai Sapih',
    relation: 'self',
    contact: { name: 'Yusnita', phone: phone(6), channel: 'phone' },
    receipt: true,
  });
  recordAtOffice('intake-letter', t(5, 10, 0), {
    channel: 'letter',
    receivedAt: t(6, 9, 0),
    category: 'exploitation',
    urgency: 'normal',
    kelurahan: 'Air Tawar Timur',
    relation: 'professional',
    files: [letter],
  });
  claim('intake-letter', t(5, 10, 30));

  // Redirected to partners, answered or not.
  file('redirect-unanswered', t(9, 9, 30), {
    category: 'physical_violence',
    urgency: 'normal',
    kelurahan: 'Sawahan',
    relation: 'neighbour',
    text: 2,
  });
  redirect('redirect-unanswered', t(8, 10, 0), 'UPTD PPA Kota Padang', 'mandate_elsewhere', 0);
  file('redirect-received', t(7, 15, 0), {
    category: 'sexual_violence',
    urgency: 'urgent',
    kelurahan: 'Air Tawar Barat',
    relation: 'friend',
    text: 1,
  });
  redirect('redirect-received', t(6, 9, 0), 'LBH Padang', 'legal_aid_needed', 1);
  acknowledge('redirect-received', t(5, 10, 0), 'received');
  file('redirect-accepted', t(19, 11, 0), { category: 'economic_hardship', urgency: 'normal', kelurahan: 'Jati', relation: 'neighbour' });
  redirect('redirect-accepted', t(18, 9, 30), 'Sakti Peksos Kota Padang', 'social_assistance_needed', 2);
  acknowledge('redirect-accepted', t(17, 11, 0), 'accepted');
  file('redirect-declined', t(14, 20, 0), {
    category: 'mental_health_crisis',
    urgency: 'normal',
    kelurahan: 'Aie Pacah',
    relation: 'family',
    text: 1,
  });
  redirect('redirect-declined', t(13, 9, 0), 'Puskesmas Lubuk Buaya', 'health_service_needed', 3);
  acknowledge('redirect-declined', t(12, 14, 0), 'declined', material.declineReasons[0]!);
  file('redirect-recent', t(1, 8, 0), {
    category: 'substance_use',
    urgency: 'normal',
    kelurahan: 'Banuaran Nan XX',
    relation: 'family',
    text: 1,
  });
  redirect('redirect-recent', t(0, 8, 30), 'BNN Kota Padang', 'mandate_elsewhere', 3);
  file('redirect-puspaga', t(28, 16, 0), {
    category: 'parenting_child_concerns',
    urgency: 'normal',
    kelurahan: 'Kampung Lapai',
    relation: 'self',
  });
  redirect('redirect-puspaga', t(27, 10, 0), 'Puspaga Kota Padang', 'mandate_elsewhere', 0);
  acknowledge('redirect-puspaga', t(27, 14, 0), 'received');
  acknowledge('redirect-puspaga', t(26, 9, 0), 'accepted');
  refer('referral-redirected', t(22, 10, 0), {
    submitter: viaApi[1]!,
    category: 'child_marriage',
    urgency: 'urgent',
    kelurahan: 'Ampang',
    groups: ['child'],
    client: { name: 'Putri Caniago', age: 14, sex: 'female' },
    consent: { state: 'obtained', method: 'written', obtainedBy: material.consentTakers[2]! },
  });
  redirect('referral-redirected', t(21, 9, 0), 'UPTD PPA Kota Padang', 'mandate_elsewhere', 0);
  respond('referral-redirected', t(21, 9, 20), 1);
  acknowledge('referral-redirected', t(20, 10, 0), 'accepted');

  // Duplicates and closures.
  file('duplicate', t(3, 8, 10), {
    category: 'physical_violence',
    urgency: 'urgent',
    kelurahan: 'Kampung Jawa',
    relation: 'neighbour',
    text: 2,
  });
  decide('duplicate', t(2, 11, 30), () => ({
    kind: 'duplicate',
    duplicateOfReference: ref('case-intake'),
    note: material.decisionNotes.duplicate[0]!,
  }));
  file('duplicate-2', t(18, 12, 0), { category: 'economic_hardship', urgency: 'normal', kelurahan: 'Jati', relation: 'friend' });
  decide('duplicate-2', t(17, 10, 0), () => ({
    kind: 'duplicate',
    duplicateOfReference: ref('redirect-accepted'),
    note: material.decisionNotes.duplicate[1]!,
  }));
  file('duplicate-3', t(8, 18, 0), { category: 'neglect', urgency: 'normal', kelurahan: 'Lubuk Minturun', relation: 'other', text: 1 });
  decide('duplicate-3', t(7, 9, 0), () => ({ kind: 'duplicate', duplicateOfReference: ref('case-initial'), note: '' }));
  file('closed-mandate', t(25, 10, 0), { category: 'other', urgency: 'normal', kelurahan: 'Bungus Selatan', relation: 'self' });
  close('closed-mandate', t(24, 9, 0), 'outside_mandate', material.decisionNotes.close[2]!);
  file('closed-info', t(30, 13, 0), { category: 'family_conflict', urgency: 'normal', kelurahan: 'Piai Tangah', relation: 'neighbour' });
  ask('closed-info', t(29, 9, 0), 1);
  close('closed-info', t(15, 9, 0), 'insufficient_information', material.decisionNotes.close[1]!);
  file('closed-resolved', t(10, 11, 0), {
    category: 'care_needs',
    urgency: 'normal',
    kelurahan: 'Cupak Tangah',
    relation: 'family',
    text: 1,
    contact: { name: 'Yulia Sari', phone: phone(3), channel: 'phone' },
  });
  claim('closed-resolved', t(10, 13, 0));
  close('closed-resolved', t(9, 10, 0), 'resolved_at_intake', material.decisionNotes.close[0]!);
  file('closed-spam', t(6, 2, 10), { category: 'other', urgency: 'immediate', kelurahan: 'Berok Nipah', relation: 'other' });
  close('closed-spam', t(6, 7, 30), 'spam');
  refer('referral-closed', t(16, 10, 0), {
    submitter: viaApi[3]!,
    category: 'economic_hardship',
    urgency: 'normal',
    kelurahan: 'Koto Panjang Ikua Koto',
    groups: ['family'],
    client: { name: 'Irfan Piliang', age: 52, sex: 'male' },
    consent: { state: 'obtained', method: 'verbal', obtainedBy: material.consentTakers[1]! },
  });
  close('referral-closed', t(15, 10, 0), 'outside_mandate', 'Kebutuhan administrasi kependudukan; ditangani Disdukcapil.');
  respond('referral-closed', t(15, 10, 20), 1);

  await script.run(setClock);
  return accounts;
}

if (require.main === module) {
  runFromShell(() =>
    runSeedDemoCommand(process.argv.slice(2), {
      env: readEnvironment(),
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    }),
  );
}
