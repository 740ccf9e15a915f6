import request from 'supertest';
import { createTestApp, fileReport, formBody, tokenFrom, validReport, type Agent, type TestApp } from '../helpers/testApp';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { validReferral } from '../helpers/referrals';
import { SAVED_REPLIES_MAX, SAVED_REPLY_BODY_MAX, SAVED_REPLY_TITLE_MAX } from '../../src/domain/limits';

/** Saved replies: supervisors keep them at /staff/replies; triage inserts one into a message, with or without JavaScript. */
describe('saved replies', () => {
  let lentera: TestApp;
  let supervisor: StaffAccount;
  let triage: StaffAccount;
  let caseworker: StaffAccount;
  let admin: StaffAccount;

  beforeAll(async () => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000' });
    supervisor = await createStaffAccount(lentera, { role: 'supervisor' });
    triage = await createStaffAccount(lentera, { role: 'triage' });
    caseworker = await createStaffAccount(lentera, { role: 'caseworker' });
    admin = await createStaffAccount(lentera, { role: 'admin' });
  });
  afterAll(() => lentera.cleanup());

  const as = (account: StaffAccount) => signedInAgent(lentera, account);
  const count = () => lentera.db.prepare('SELECT count(*) FROM saved_replies').pluck().get() as number;
  const auditActions = (action: string) =>
    lentera.db.prepare('SELECT subject_id FROM audit_events WHERE action = ? ORDER BY id').pluck().all(action) as string[];

  const fields = (overrides: Record<string, string> = {}) => ({
    title_id: 'Menanyakan nomor telepon',
    body_id: 'Boleh kami minta nomor telepon yang aman untuk dihubungi?',
    title_en: 'Asking for a phone number',
    body_en: 'May we have a phone number that is safe to call?',
    ...overrides,
  });

  async function post(agent: Agent, path: string, body: Record<string, string>, tokenPage = '/staff/replies') {
    const token = await tokenFrom(agent, tokenPage);
    return agent
      .post(path)
      .type('form')
      .send(formBody({ ...body, _csrf: token }));
  }

  it('starts with the three suggested replies, in both languages', async () => {
    const rows = lentera.db.prepare('SELECT title_id, title_en, body_id, body_en FROM saved_replies ORDER BY id').all() as Record<
      string,
      string
    >[];
    expect(rows.map((r) => r.title_id)).toEqual(['Menanyakan lokasi', 'Menjelaskan pengalihan', 'Menanyakan waktu aman untuk menelepon']);
    for (const r of rows) for (const v of Object.values(r)) expect(v.length).toBeGreaterThan(5);
    const page = (await (await as(supervisor)).get('/staff/replies').expect(200)).text;
    expect(page).toContain('Menanyakan lokasi');
    expect(page).toContain('Asking for a safe time to call');
    expect(page).toContain('href="/staff/replies"');
  });

  it('a supervisor adds, edits and deletes a saved reply; each change audited by id, never its text', async () => {
    const agent = await as(supervisor);
    const created = await post(agent, '/staff/replies', fields());
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/staff/replies');
    const id = lentera.db.prepare('SELECT id FROM saved_replies WHERE title_id = ?').pluck().get('Menanyakan nomor telepon') as number;
    expect((await agent.get('/staff/replies').expect(200)).text).toContain('Balasan tersimpan sudah ditambahkan.');

    const edit = (await agent.get(`/staff/replies/${id}`).expect(200)).text;
    expect(edit).toContain('May we have a phone number that is safe to call?');
    const changed = await post(
      agent,
      `/staff/replies/${id}`,
      fields({ body_en: 'Could you give us a phone number that is safe to call?' }),
    );
    expect(changed.status).toBe(303);
    expect(lentera.db.prepare('SELECT body_en FROM saved_replies WHERE id = ?').pluck().get(id)).toBe(
      'Could you give us a phone number that is safe to call?',
    );

    expect((await post(agent, `/staff/replies/${id}/delete`, {})).status).toBe(303);
    expect(lentera.db.prepare('SELECT count(*) FROM saved_replies WHERE id = ?').pluck().get(id)).toBe(0);
    await agent.get(`/staff/replies/${id}`).expect(404);
    expect((await post(agent, `/staff/replies/${id}/delete`, {})).status).toBe(404);

    for (const action of ['saved_reply.created', 'saved_reply.updated', 'saved_reply.deleted'])
      expect(auditActions(action)).toContain(String(id));
    const detail = lentera.db.prepare("SELECT detail FROM audit_events WHERE action = 'saved_reply.updated'").pluck().get() as string;
    expect(detail).toContain('bodyEn');
    expect(detail).not.toContain('phone number');
  });

  it('refuses triage, caseworkers and administrators (403), and the signed-out', async () => {
    const before = count();
    for (const who of [triage, caseworker, admin]) {
      const agent = await as(who);
      await agent.get('/staff/replies').expect(403);
      await agent.get('/staff/replies/new').expect(403);
      const token = await tokenFrom(agent, '/account');
      for (const path of ['/staff/replies', '/staff/replies/1', '/staff/replies/1/delete']) {
        await agent
          .post(path)
          .type('form')
          .send(formBody({ ...fields(), _csrf: token }))
          .expect(403);
      }
      expect((await agent.get('/staff/queue')).text).not.toContain('href="/staff/replies"');
    }
    const anonymous = request.agent(lentera.app);
    expect((await anonymous.get('/staff/replies')).status).toBe(303);
    expect(count()).toBe(before);
    expect(lentera.db.prepare('SELECT count(*) FROM saved_replies WHERE id = 1').pluck().get()).toBe(1);
  });

  it('refuses a change without the CSRF token', async () => {
    const agent = await as(supervisor);
    const before = count();
    await agent.post('/staff/replies').type('form').send(formBody(fields())).expect(403);
    await agent.post('/staff/replies/1/delete').type('form').send('').expect(403);
    expect(count()).toBe(before);
  });

  it('empty or too long: 400, an error summary linking to each field, and everything typed kept', async () => {
    const agent = await as(supervisor);
    const before = count();
    const empty = await post(agent, '/staff/replies', { title_id: '', body_id: '  ', title_en: 'Kept title', body_en: '' });
    expect(empty.status).toBe(400);
    for (const id of ['title_id', 'body_id', 'body_en']) expect(empty.text).toContain(`href="#${id}"`);
    expect(empty.text).not.toContain('href="#title_en"');
    expect(empty.text).toContain('value="Kept title"');
    expect(empty.text).toContain('Tuliskan judul dalam Bahasa Indonesia');

    const longBody = 'kata '.repeat(SAVED_REPLY_BODY_MAX);
    const long = await post(agent, '/staff/replies', fields({ title_en: 'T'.repeat(SAVED_REPLY_TITLE_MAX + 1), body_id: longBody }));
    expect(long.status).toBe(400);
    expect(long.text).toContain('href="#title_en"');
    expect(long.text).toContain('href="#body_id"');
    expect(long.text).toContain(`Isi pesan paling banyak ${SAVED_REPLY_BODY_MAX} huruf`);
    expect(long.text).toContain(longBody.trim());
    expect(long.text).toContain('May we have a phone number that is safe to call?');
    expect(count()).toBe(before);

    const editing = await post(agent, '/staff/replies/1', fields({ title_id: '' }));
    expect(editing.status).toBe(400);
    expect(editing.text).toContain('href="#title_id"');
    expect(lentera.db.prepare('SELECT title_id FROM saved_replies WHERE id = 1').pluck().get()).toBe('Menanyakan lokasi');
  });

  it(`keeps at most ${SAVED_REPLIES_MAX}: one more is refused with a clear message`, async () => {
    const agent = await as(supervisor);
    const at = new Date().toISOString();
    const add = lentera.db.prepare(
      "INSERT INTO saved_replies (title_id, title_en, body_id, body_en, created_at, updated_at) VALUES ('Isi', 'Filler', 'Isi', 'Filler', ?, ?)",
    );
    const added: number[] = [];
    while (count() < SAVED_REPLIES_MAX) added.push(Number(add.run(at, at).lastInsertRowid));
    const refused = await post(agent, '/staff/replies', fields({ title_id: 'Satu lagi' }));
    expect(refused.status).toBe(409);
    expect(refused.text).toContain(`Sudah ada ${SAVED_REPLIES_MAX} balasan tersimpan`);
    expect(refused.text).toContain('value="Satu lagi"');
    expect(count()).toBe(SAVED_REPLIES_MAX);
    expect((await agent.get('/staff/replies').expect(200)).text).not.toContain('href="/staff/replies/new"');
    for (const id of added) lentera.db.prepare('DELETE FROM saved_replies WHERE id = ?').run(id);
  });

  describe('inserting one into a message', () => {
    async function newReport(language: 'id' | 'en' = 'id'): Promise<string> {
      await fileReport(request.agent(lentera.app), validReport());
      const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
      lentera.db.prepare('UPDATE reports SET language = ? WHERE reference = ?').run(language, reference);
      return reference;
    }
    const locationReply = () =>
      lentera.db.prepare("SELECT id, body_id, body_en FROM saved_replies WHERE title_id = 'Menanyakan lokasi'").get() as {
        id: number;
        body_id: string;
        body_en: string;
      };
    const textareaOf = (html: string, id: string) => {
      const m = new RegExp(`<textarea id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
      if (!m) throw new Error(`no textarea ${id}`);
      return m[1]!.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    };

    it('the report page offers the saved replies to triage, with their text for the script, and loads it', async () => {
      const reference = await newReport();
      const page = (await (await as(triage)).get(`/staff/reports/${reference}`).expect(200)).text;
      expect(page).toContain('id="ask-saved_reply"');
      expect(page).toContain('formaction="/staff/reports/' + reference + '/insert-reply"');
      expect(page).toContain('<script src="/js/savedReplies.js" defer></script>');
      expect(page).toContain('data-body-en="');
      // The report's language is chosen by default.
      expect(page).toMatch(/<option value="id" selected>/);
    });

    it('without JavaScript: the form comes back with the reply after what was typed, in the report language, nothing sent', async () => {
      const reference = await newReport('en');
      const agent = await as(triage);
      const reply = locationReply();
      const messagesBefore = lentera.db.prepare('SELECT count(*) FROM messages').pluck().get();
      const page = await post(
        agent,
        `/staff/reports/${reference}/insert-reply`,
        {
          'ask-message': 'Hello, thank you for writing.',
          'ask-saved_reply': String(reply.id),
          'ask-saved_reply_lang': 'en',
          insert: 'ask',
        },
        `/staff/reports/${reference}`,
      );
      expect(page.status).toBe(200);
      expect(textareaOf(page.text, 'ask-message')).toBe(`Hello, thank you for writing.\n\n${reply.body_en}`);
      expect(page.text).toMatch(/<textarea id="ask-message"[^>]* autofocus/);
      expect(page.text).toContain('Balasan tersimpan sudah disisipkan');
      expect(lentera.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(messagesBefore);

      // In Indonesian, into an empty field; then edited and sent as the officer wrote it.
      const again = await post(
        agent,
        `/staff/reports/${reference}/insert-reply`,
        { 'ask-message': '', 'ask-saved_reply': String(reply.id), 'ask-saved_reply_lang': 'id', insert: 'ask' },
        `/staff/reports/${reference}`,
      );
      expect(textareaOf(again.text, 'ask-message')).toBe(reply.body_id);
      const edited = `${reply.body_id} Terima kasih, Bu.`;
      const sent = await post(agent, `/staff/reports/${reference}/ask`, { 'ask-message': edited }, `/staff/reports/${reference}`);
      expect(sent.status).toBe(303);
      expect((await agent.get(`/staff/reports/${reference}`).expect(200)).text).toContain('Terima kasih, Bu.');
    });

    it('answering a department: the reply goes into the response', async () => {
      const officer = await createStaffAccount(lentera, { role: 'department' });
      const filed = lentera.services.referralService.submit(
        { via: 'form', accountId: officer.id, departmentId: officer.departmentId! },
        validReferral() as unknown as Parameters<typeof lentera.services.referralService.submit>[1],
      );
      if (!filed.ok) throw new Error('referral refused');
      const agent = await as(supervisor);
      const reply = locationReply();
      const page = await post(
        agent,
        `/staff/reports/${filed.reference}/insert-reply`,
        {
          'respond-response': 'Kepada Bapak/Ibu,',
          'respond-saved_reply': String(reply.id),
          'respond-saved_reply_lang': 'id',
          insert: 'respond',
        },
        `/staff/reports/${filed.reference}`,
      );
      expect(page.status).toBe(200);
      expect(textareaOf(page.text, 'respond-response')).toBe(`Kepada Bapak/Ibu,\n\n${reply.body_id}`);
    });

    it('no reply chosen, or an unknown one: 400 linking to the choice, what was typed kept', async () => {
      const reference = await newReport();
      const agent = await as(triage);
      for (const chosen of ['', '999999', 'x']) {
        const page = await post(
          agent,
          `/staff/reports/${reference}/insert-reply`,
          { 'ask-message': 'Sudah saya ketik', 'ask-saved_reply': chosen, 'ask-saved_reply_lang': 'id', insert: 'ask' },
          `/staff/reports/${reference}`,
        );
        expect(page.status).toBe(400);
        expect(page.text).toContain('href="#ask-saved_reply"');
        expect(textareaOf(page.text, 'ask-message')).toBe('Sudah saya ketik');
      }
    });

    it('refused to an administrator and to a caseworker on a report not theirs; refused without CSRF', async () => {
      const reference = await newReport();
      const reply = locationReply();
      const body = { 'ask-message': '', 'ask-saved_reply': String(reply.id), 'ask-saved_reply_lang': 'id', insert: 'ask' };
      const adminAgent = await as(admin);
      const adminToken = await tokenFrom(adminAgent, '/account');
      await adminAgent
        .post(`/staff/reports/${reference}/insert-reply`)
        .type('form')
        .send(formBody({ ...body, _csrf: adminToken }))
        .expect(403);
      const worker = await as(caseworker);
      const token = await tokenFrom(worker, '/staff/cases');
      await worker
        .post(`/staff/reports/${reference}/insert-reply`)
        .type('form')
        .send(formBody({ ...body, _csrf: token }))
        .expect(404);
      await (await as(triage)).post(`/staff/reports/${reference}/insert-reply`).type('form').send(formBody(body)).expect(403);
      // A caseworker reading no report sees no saved replies either (the forms are not there).
      expect((await worker.get('/staff/cases').expect(200)).text).not.toContain('ask-saved_reply');
    });
  });
});
