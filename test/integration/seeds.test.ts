import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { bootstrap, type Lentera } from '../../src/bootstrap';
import { projectRoot } from '../../src/paths';
import { roles, type Role } from '../../src/domain/roles';
import { reportStatuses } from '../../src/domain/reportStatus';
import * as material from '../../src/cli/demoMaterial';
import { BENCH_PASSWORD, benchTotpSecret, seedBench } from '../../bench/seed';
import { processEnv, runCommand, runScript } from '../helpers/serverProcess';
import { openStatus, type Agent } from '../helpers/testApp';
import { signIn } from '../helpers/staff';
import { localeTexts, type Tree } from '../../src/i18n';

/** Any sentence of the seeds' narratives, as staff should read it decrypted on a report page. */
const narrativeOnPage = (html: string) =>
  Object.values(material.narratives).some((n) => n.texts.some((t) => html.includes(t.slice(0, 40)))) ||
  Object.values(material.referralReasons).some((t) => html.includes(t.slice(0, 40)));

async function signedIn(lentera: Lentera, account: { email: string; password: string; totpSecret: string }): Promise<Agent> {
  const id = lentera.db.prepare('SELECT id FROM accounts WHERE email = ?').pluck().get(account.email) as number;
  const agent = request.agent(lentera.app);
  await signIn(agent, lentera, { id, ...account });
  return agent;
}

/** Opens a resident's status page with a receipt, as she would, and checks it shows the report's status. */
async function expectStatusPage(lentera: Lentera, receipt: string, reference: string): Promise<void> {
  const agent = request.agent(lentera.app);
  await openStatus(agent, receipt);
  const status = lentera.db.prepare('SELECT status FROM reports WHERE reference = ?').pluck().get(reference) as string;
  const name = ((localeTexts.id.publicStatus as Tree)[status] as Tree).name as string;
  expect((await agent.get('/status').expect(200)).text).toContain(`<h2 id="current-status" class="status-name">${name}</h2>`);
}

/** A report's page for staff, from the first report link on a page. */
async function firstReportPage(agent: Agent, html: string): Promise<string> {
  const reference = /\/staff\/reports\/(LAP-\d{4}-\d+)/.exec(html)?.[1];
  expect(reference).toBeDefined();
  const page = await agent.get(`/staff/reports/${reference}`).expect(200);
  expect(page.text).toContain(reference);
  return page.text;
}

describe('npm run seed:demo', () => {
  let dir: string;
  let env: Record<string, string>;
  let output: string;
  let lentera: Lentera;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-seed-demo-'));
    env = processEnv(dir);
    const seeded = await runCommand('seedDemo', [], env);
    expect(seeded).toMatchObject({ code: 0 });
    output = seeded.out;
    lentera = bootstrap(env, { log: () => undefined });
  });
  afterAll(() => {
    lentera?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The sign-in details the command printed for a role. */
  function printed(role: Role) {
    const block = new RegExp(
      `^${role} +(.+)\\n +email +(\\S+)\\n +password +(\\S+)\\n +TOTP +([A-Z2-7]+)\\n +(otpauth://totp/\\S+)$`,
      'm',
    ).exec(output);
    if (!block) throw new Error(`No sign-in details for ${role} in:\n${output}`);
    return { name: block[1]!, email: block[2]!, password: block[3]!, totpSecret: block[4]!, otpauthUrl: block[5]! };
  }

  it('prints sign-in details for one account per role, each of which signs in', async () => {
    expect(lentera.db.prepare('SELECT role FROM accounts ORDER BY role').pluck().all()).toEqual([...roles].sort());
    for (const role of roles) {
      const account = printed(role);
      expect(account.otpauthUrl).toContain(`secret=${account.totpSecret}`);
      const id = lentera.db.prepare('SELECT id FROM accounts WHERE email = ?').pluck().get(account.email) as number;
      const agent = request.agent(lentera.app);
      const landing = await signIn(agent, lentera, { id, ...account });
      expect(landing).not.toMatch(/login/);
    }
  });

  it('files reports in every state, through the services', async () => {
    const { counts } = lentera.services.triageService.queuePage({ status: 'open' }, null, 50);
    for (const status of reportStatuses) expect(counts[status]).toBeGreaterThan(0);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(30);
    const count = (sql: string) => lentera.db.prepare(sql).pluck().get() as number;
    // Cases at every stage but one closed, one on hold, one holding two reports.
    expect(count("SELECT count(DISTINCT stage) FROM cases WHERE stage <> 'terminated'")).toBeGreaterThanOrEqual(5);
    expect(count("SELECT count(*) FROM cases WHERE stage = 'terminated' AND closed_at IS NOT NULL")).toBeGreaterThan(0);
    expect(count('SELECT count(*) FROM cases WHERE on_hold = 1')).toBeGreaterThan(0);
    expect(count('SELECT max(n) FROM (SELECT count(*) AS n FROM reports WHERE case_id IS NOT NULL GROUP BY case_id)')).toBe(2);
    // Redirects answered every way, and one never answered.
    expect(lentera.db.prepare('SELECT DISTINCT ack_status FROM redirects ORDER BY 1').pluck().all()).toEqual([
      'accepted',
      'declined',
      'received',
      'sent',
    ]);
    expect(count("SELECT count(*) FROM reports WHERE source = 'department'")).toBeGreaterThanOrEqual(5);
    expect(count('SELECT count(*) FROM partners')).toBe(material.partners.length);
    expect(count('SELECT count(*) FROM departments')).toBe(material.departments.length);
    // Every place is a real kelurahan of its kecamatan.
    expect(count("SELECT count(*) FROM reports WHERE kelurahan_code NOT LIKE kecamatan_code || '.%'")).toBe(0);
    // The history spreads over weeks, and the audit chain holds.
    expect(count('SELECT count(DISTINCT substr(created_at, 1, 10)) FROM reports')).toBeGreaterThan(15);
    expect(await runCommand('auditVerify', [], env)).toMatchObject({ code: 0 });
  });

  it('shows triage a working queue and readable reports, and a caseworker their cases', async () => {
    const triage = await signedIn(lentera, printed('triage'));
    const queue = await triage.get('/staff/queue').expect(200);
    expect(narrativeOnPage(await firstReportPage(triage, queue.text))).toBe(true);

    const caseworker = await signedIn(lentera, printed('caseworker'));
    const cases = await caseworker.get('/staff/cases').expect(200);
    const slug = /\/staff\/cases\/(LK3-\d{4}-\d{4,})/.exec(cases.text)?.[1];
    expect(slug).toBeDefined();
    const casePage = await caseworker.get(`/staff/cases/${slug}`).expect(200);
    expect(material.caseNotes.some((n) => casePage.text.includes(n)) || casePage.text.includes(slug!.replace(/-/g, '/'))).toBe(true);
  });

  it('prints receipts that open a resident’s status page', async () => {
    const receipts = [...output.matchAll(/(\d{4} \d{4} \d{4} \d{4}) \((LAP-\d{4}-\d+)\)/g)];
    expect(receipts.length).toBeGreaterThan(0);
    for (const [, receipt, reference] of receipts) await expectStatusPage(lentera, receipt!, reference!);
  });

  it('records reports at the office, by each channel, with attachments triage can open', async () => {
    const intakes = lentera.db
      .prepare('SELECT i.channel, r.reference FROM report_intakes i JOIN reports r ON r.id = i.report_id ORDER BY i.channel')
      .all() as { channel: string; reference: string }[];
    expect(intakes.map((i) => i.channel)).toEqual(['letter', 'office', 'phone', 'whatsapp']);
    // The one recorded in person got a receipt, printed with the others.
    expect(output).toContain(`(${intakes.find((i) => i.channel === 'office')!.reference})`);

    const triage = await signedIn(lentera, printed('triage'));
    const whatsapp = intakes.find((i) => i.channel === 'whatsapp')!.reference;
    const page = await triage.get(`/staff/reports/${whatsapp}`).expect(200);
    const channelName = ((localeTexts.id.intake as Tree).channels as Tree).whatsapp as string;
    expect(page.text).toContain(`<dd id="intake-channel">${channelName}</dd>`);
    expect(page.text).toContain(material.attachmentNames.photo);

    const files = lentera.db
      .prepare(
        "SELECT a.id, a.media_type AS type, r.reference FROM attachments a JOIN reports r ON r.id = a.report_id WHERE a.source = 'staff' ORDER BY a.media_type",
      )
      .all() as { id: number; type: string; reference: string }[];
    expect(files.map((f) => f.type)).toEqual(['application/pdf', 'image/jpeg']);
    for (const f of files) {
      const opened = await triage.get(`/staff/reports/${f.reference}/attachments/${f.id}`).expect(200);
      expect(opened.headers['content-type']).toBe(f.type);
      expect(Number(opened.headers['content-length'])).toBeGreaterThan(100);
    }
  });

  it('keeps the LK3 working file on open cases: assessments, plans, follow-ups, referrals out, a conference; closures with outcomes', async () => {
    const count = (sql: string) => lentera.db.prepare(sql).pluck().get() as number;
    const column = (sql: string) => lentera.db.prepare(sql).pluck().all();
    expect(count("SELECT count(DISTINCT case_id) FROM case_assessments WHERE kind = 'initial'")).toBeGreaterThanOrEqual(3);
    expect(count("SELECT max(version) FROM case_assessments WHERE kind = 'in_depth'")).toBe(2);
    expect(count('SELECT count(DISTINCT case_id) FROM case_plan_goals')).toBe(2);
    expect(count('SELECT count(DISTINCT lk3_function) FROM case_plan_activities')).toBe(6);
    expect(column('SELECT DISTINCT status FROM case_plan_activities ORDER BY 1')).toEqual(['done', 'planned']);
    expect(count('SELECT count(*) FROM case_follow_ups WHERE next_on IS NOT NULL')).toBe(2);
    expect(column('SELECT ack_status FROM case_referrals ORDER BY 1')).toEqual(['accepted', 'sent']);
    expect(count('SELECT count(*) FROM case_referrals WHERE consent_on IS NULL')).toBe(0);
    expect(count('SELECT count(*) FROM case_conferences')).toBe(1);
    expect(column('SELECT closure_reason FROM cases WHERE closed_at IS NOT NULL ORDER BY 1')).toEqual([
      'family_declined',
      'goals_met',
      'referred_accepted',
    ]);
    expect(count('SELECT count(*) FROM cases WHERE closed_at IS NOT NULL AND closing_summary_enc IS NULL')).toBe(0);

    // The caseworker opens the case with a plan and two assessments: its sections, the flags, the assessment itself.
    const caseworker = await signedIn(lentera, printed('caseworker'));
    const slugOf = (sql: string) => (lentera.db.prepare(sql).pluck().get() as string).replace(/\//g, '-');
    const planned = slugOf(
      "SELECT number FROM cases WHERE id IN (SELECT case_id FROM case_plan_goals) AND id IN (SELECT case_id FROM case_assessments WHERE kind = 'in_depth')",
    );
    const casePage = (await caseworker.get(`/staff/cases/${planned}`).expect(200)).text;
    for (const section of ['assessments', 'plan', 'follow-ups']) expect(casePage).toContain(`data-section="${section}"`);
    expect(casePage).toContain(`/staff/cases/${planned}/assessments/in-depth"`);
    expect(casePage).toContain(material.planGoals['case-plan'][0].goal);
    const initial = (await caseworker.get(`/staff/cases/${planned}/assessments/initial`).expect(200)).text;
    expect(initial).toContain(material.initialAssessments['case-plan'].household[0].name);

    const conferenced = slugOf('SELECT number FROM cases WHERE id IN (SELECT case_id FROM case_conferences)');
    const busy = (await caseworker.get(`/staff/cases/${conferenced}`).expect(200)).text;
    expect(busy).toContain('data-flag="overdue-activities"');
    expect(busy).toMatch(new RegExp(`/staff/cases/${conferenced}/conferences/\\d+"`));
    const referred = slugOf("SELECT c.number FROM cases c JOIN case_referrals r ON r.case_id = c.id WHERE r.ack_status = 'sent'");
    expect((await caseworker.get(`/staff/cases/${referred}`).expect(200)).text).toContain('data-ack="sent"');
  });

  it('refuses a database that already holds reports, unless --force', async () => {
    const again = await runCommand('seedDemo', [], env);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already holds');
    const forced = await runCommand('seedDemo', ['--force'], env);
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('triage2@demo.lentera.test');
  });
});

describe('npm run seed:bench', () => {
  const REPORTS = 2000;
  let dir: string;
  let env: Record<string, string>;
  let output: string;
  let progress: string;
  let lentera: Lentera;
  const seedScript = path.join(projectRoot, 'dist-bench', 'bench', 'seed.js');

  beforeAll(async () => {
    if (!fs.existsSync(seedScript)) throw new Error(`${seedScript} is missing: run npm run build:bench (npm test's pretest does)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-seed-bench-'));
    env = processEnv(dir);
    // As the shell runs it: the built bench, its worker thread, the app's data key.
    const seeded = await runScript(seedScript, ['--reports', String(REPORTS), '--database', env.DATABASE_PATH!], env);
    expect(seeded).toMatchObject({ code: 0 });
    output = seeded.out;
    progress = seeded.err;
    lentera = bootstrap(env, { log: () => undefined });
  });
  afterAll(() => {
    lentera?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fills every status, with a progress bar, and prints how to sign in', () => {
    expect(progress).toContain(`${REPORTS.toLocaleString('en')}/${REPORTS.toLocaleString('en')}`);
    expect(output).toContain(`${REPORTS.toLocaleString('en')} reports`);
    expect(output).toContain(BENCH_PASSWORD);
    expect(output).toContain(benchTotpSecret('triage1@bench.lentera.test'));
    const count = (sql: string) => lentera.db.prepare(sql).pluck().get() as number;
    expect(count('SELECT count(*) FROM reports')).toBe(REPORTS);
    for (const status of reportStatuses) expect(count(`SELECT count(*) FROM reports WHERE status = '${status}'`)).toBeGreaterThan(0);
    // Most decided long ago, a few open, recent.
    expect(count("SELECT count(*) FROM reports WHERE status IN ('new', 'in_review', 'awaiting_info')")).toBeLessThan(REPORTS / 10);
    for (const table of ['cases', 'case_events', 'redirects', 'referrals', 'messages', 'report_events', 'audit_events']) {
      expect(count(`SELECT count(*) FROM ${table}`)).toBeGreaterThan(0);
    }
    expect(lentera.db.prepare('SELECT DISTINCT role FROM accounts ORDER BY 1').pluck().all()).toEqual([...roles].sort());
    // What the app keeps by its triggers and aggregates agrees with the reports.
    expect(count('SELECT sum(count) FROM report_status_counts')).toBe(REPORTS);
    expect(count('SELECT count(*) FROM report_statistics')).toBe(REPORTS);
    const aggregates = lentera.db
      .prepare("SELECT substr(name, 1, length(name) - 8) FROM sqlite_master WHERE type = 'view' AND name LIKE 'report_statistics%_recount'")
      .pluck()
      .all() as string[];
    expect(aggregates.length).toBeGreaterThan(0);
    for (const table of aggregates) {
      // Each aggregate table holds what its recount view counts from report_statistics (a count fallen to 0 may stay as a row).
      expect(count(`SELECT count(*) FROM (SELECT * FROM ${table}_recount EXCEPT SELECT * FROM ${table} WHERE count <> 0)`)).toBe(0);
      expect(count(`SELECT count(*) FROM (SELECT * FROM ${table} WHERE count <> 0 EXCEPT SELECT * FROM ${table}_recount)`)).toBe(0);
    }
    // A declined redirect was reopened and redirected elsewhere, as an office would: the statistics keep the first decision's time.
    expect(count('SELECT count(*) FROM (SELECT report_id FROM redirects GROUP BY report_id HAVING count(*) > 1)')).toBeGreaterThan(0);
    expect(
      count(
        `SELECT count(*) FROM report_statistics s WHERE s.report_id IN (SELECT report_id FROM redirects GROUP BY report_id HAVING count(*) > 1)
           AND NOT s.hours_to_first_decision < s.hours_to_decision`,
      ),
    ).toBe(0);
    // Only the latest redirect of a redirected report stands (0015), and the counts say so.
    expect(
      count(
        `SELECT count(*) FROM redirects d JOIN reports r ON r.id = d.report_id
          WHERE d.standing <> (r.status = 'redirected' AND d.id = (SELECT max(id) FROM redirects WHERE report_id = d.report_id))`,
      ),
    ).toBe(0);
    expect(count('SELECT sum(count) FROM redirect_standing_counts')).toBe(count('SELECT count(*) FROM redirects WHERE standing = 1'));
    expect(count('SELECT count(*) FROM pragma_foreign_key_check')).toBe(0);
    expect(lentera.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('leaves the schema as the migrations made it: every index and trigger set aside while seeding is back', () => {
    const freshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-seed-schema-'));
    const fresh = bootstrap(processEnv(freshDir), { log: () => undefined });
    try {
      const schema = (l: Lentera) =>
        l.db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
      expect(schema(lentera)).toEqual(schema(fresh));
    } finally {
      fresh.close();
      fs.rmSync(freshDir, { recursive: true, force: true });
    }
  });

  it('opens in the app: a triage officer signs in, the queue and a report render, decrypted', async () => {
    const triage = await signedIn(lentera, {
      email: 'triage1@bench.lentera.test',
      password: BENCH_PASSWORD,
      totpSecret: benchTotpSecret('triage1@bench.lentera.test'),
    });
    const queue = await triage.get('/staff/queue').expect(200);
    expect(narrativeOnPage(await firstReportPage(triage, queue.text))).toBe(true);
    const closed = await triage.get('/staff/queue?status=closed').expect(200);
    await firstReportPage(triage, closed.text);
  });

  it("opens a seeded resident's status page with the receipt it printed", async () => {
    const [, receipt, reference] = /receipt to try on \/status: (\d{16}) \((LAP-\d{4}-\d+)/.exec(output) ?? [];
    expect(receipt).toBeDefined();
    await expectStatusPage(lentera, receipt!, reference!);
  });

  it('refuses to add to it, unless forced; seedBench then adds more and the audit chain still holds', async () => {
    const refused = await runScript(seedScript, ['--reports', '10', '--database', env.DATABASE_PATH!], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('already holds reports');

    // What the HTTP benchmark calls (here without the worker thread: the module runs from TypeScript).
    const more = await seedBench({ reports: 300, databasePath: env.DATABASE_PATH!, env, force: true, seed: 2 });
    expect(lentera.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(REPORTS + 300);
    expect(more.accounts.filter((a) => a.role === 'triage').length).toBeGreaterThan(1);
    const sample = more.receipts.find((r) => r.status === 'awaiting_info') ?? more.receipts[0]!;
    await expectStatusPage(lentera, sample.receipt, sample.reference);
    expect(await runCommand('auditVerify', [], env)).toMatchObject({ code: 0 });
  });
});
