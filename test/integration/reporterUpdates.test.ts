import fs from 'node:fs';
import request from 'supertest';
import { createTestApp, fileReport, formBody, tokenFrom, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { mailFolder } from '../../src/mail/transport';

/** Monday 2 March 2026, 10:00 WIB. */
const START = new Date('2026-03-02T03:00:00Z');
const MINUTE = 60 * 1000;

/**
 * Several staff actions in one sitting send the reporter one "there is news" email, through the
 * real outbox (file transport: SMTP_URL unset) on a clock the test moves.
 */
describe('a reporter who asked for email news', () => {
  let lentera: TestApp;
  let clock = START;
  let triage: StaffAccount;
  let supervisor: StaffAccount;

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' }, { now: () => clock });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor' });
  });
  afterAll(() => lentera.cleanup());

  const at = (minutes: number) => {
    clock = new Date(START.getTime() + minutes * MINUTE);
  };

  interface Row {
    id: number;
    status: string;
    next_attempt_at: string;
    coalesce_key: string | null;
  }
  const reporterEmails = (): Row[] =>
    lentera.db
      .prepare("SELECT id, status, next_attempt_at, coalesce_key FROM outbox WHERE template = 'reporter_update' ORDER BY id")
      .all() as Row[];
  const emlFiles = () =>
    fs.existsSync(mailFolder(lentera.config.dataDir))
      ? fs.readdirSync(mailFolder(lentera.config.dataDir)).filter((f) => f.endsWith('.eml'))
      : [];

  async function reportAskingForNews(email: string): Promise<string> {
    await fileReport(
      request.agent(lentera.app),
      validReport({
        wants_contact: 'yes',
        contact_name: 'Bu Ani',
        contact_phone: '',
        contact_email: email,
        contact_channel: 'email',
        contact_hours: '',
        contact_leave_message: 'no',
        contact_notify: 'yes',
      }),
    );
    return lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
  }

  async function act(agent: Agent, reference: string, action: string, fields: Record<string, string> = {}): Promise<void> {
    const token = await tokenFrom(agent, `/staff/reports/${reference}`);
    const res = await agent
      .post(`/staff/reports/${reference}/${action}`)
      .type('form')
      .send(formBody({ ...fields, _csrf: token }));
    expect(res.status).toBe(303);
  }

  const drain = () => lentera.services.outboxService.drain(100);

  beforeEach(() => {
    lentera.db.prepare('DELETE FROM outbox').run();
    fs.rmSync(mailFolder(lentera.config.dataDir), { recursive: true, force: true });
  });

  it('one sitting — claim, a question, a decision — sends one email, ten minutes after the last action', async () => {
    at(0);
    const reference = await reportAskingForNews('ani@contoh.id');
    const agent = await signedInAgent(lentera, triage);
    await act(agent, reference, 'claim');
    at(3);
    await act(agent, reference, 'ask', { 'ask-message': 'Apakah anak itu bersekolah di dekat rumah?' });
    at(6);
    await act(agent, reference, 'close', { 'close-reason': 'resolved_at_intake', 'close-note': '' });

    const [waiting, ...more] = reporterEmails();
    expect(more).toEqual([]);
    expect(waiting).toMatchObject({ status: 'pending', next_attempt_at: new Date(START.getTime() + 16 * MINUTE).toISOString() });
    // The key names the report only through a keyed hash.
    expect(waiting!.coalesce_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(waiting!.coalesce_key).not.toContain(reference);

    at(15);
    expect((await drain()).sent).toBe(0);
    at(16);
    expect((await drain()).sent).toBe(1);
    expect(emlFiles()).toHaveLength(1);
    expect(reporterEmails()).toEqual([expect.objectContaining({ status: 'sent', coalesce_key: null })]);

    // Later news (a supervisor reopens it the next day) is a new email.
    at(24 * 60);
    await act(await signedInAgent(lentera, supervisor), reference, 'reopen');
    expect(reporterEmails().map((e) => e.status)).toEqual(['sent', 'pending']);
  });

  it('a long sitting still sends its email an hour after the first action', async () => {
    at(0);
    const reference = await reportAskingForNews('budi@contoh.id');
    const agent = await signedInAgent(lentera, triage);
    // Claim and release every 8 minutes for 56 minutes: each changes what the reporter sees.
    for (let minute = 0; minute <= 56; minute += 8) {
      at(minute);
      await act(agent, reference, minute % 16 === 0 ? 'claim' : 'release');
    }
    expect(reporterEmails()).toEqual([
      expect.objectContaining({ status: 'pending', next_attempt_at: new Date(START.getTime() + 60 * MINUTE).toISOString() }),
    ]);
    at(60);
    expect((await drain()).sent).toBe(1);
    at(64);
    await act(agent, reference, 'claim');
    expect(reporterEmails().map((e) => e.status)).toEqual(['sent', 'pending']);
  });

  it('each report has its own email', async () => {
    at(0);
    const first = await reportAskingForNews('citra@contoh.id');
    const second = await reportAskingForNews('dewi@contoh.id');
    const agent = await signedInAgent(lentera, triage);
    await act(agent, first, 'claim');
    await act(agent, second, 'claim');
    await act(agent, first, 'release');
    expect(reporterEmails()).toHaveLength(2);
    at(10);
    expect((await drain()).sent).toBe(2);
  });

  it('an email already being retried keeps its schedule and carries the later news too', async () => {
    at(0);
    const reference = await reportAskingForNews('eka@contoh.id');
    const agent = await signedInAgent(lentera, triage);
    await act(agent, reference, 'claim');
    // As after a failed first attempt: tried once, next attempt at minute 30.
    const retryAt = new Date(START.getTime() + 30 * MINUTE).toISOString();
    lentera.db.prepare("UPDATE outbox SET attempts = 1, next_attempt_at = ?, last_error = 'ESOCKET'").run(retryAt);
    at(5);
    await act(agent, reference, 'release');
    expect(reporterEmails()).toEqual([expect.objectContaining({ status: 'pending', next_attempt_at: retryAt })]);
  });
});
