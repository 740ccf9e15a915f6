import request from 'supertest';
import { createTestApp, fileReport, formBody, openStatus, tokenFrom, type TestApp } from '../helpers/testApp';

describe('checking a report with its receipt', () => {
  let clock = new Date('2026-11-27T02:00:00Z'); // Friday 09:00 WIB
  let lentera: TestApp;
  beforeAll(() => {
    lentera = createTestApp({ RATE_REPORTS_PER_IP: '1000', RATE_RECEIPT_CHECKS_PER_IP: '1000' }, { now: () => clock });
  });
  afterAll(() => lentera.cleanup());

  async function reportWithReceipt() {
    const agent = request.agent(lentera.app);
    const receipt = await fileReport(agent);
    return { agent: request.agent(lentera.app), receipt };
  }

  it('opens the status in plain language, with the date the next update is due', async () => {
    const { agent, receipt } = await reportWithReceipt();
    await openStatus(agent, receipt.replace(/(\d{4})/g, '$1 ').trim());
    const page = await agent.get('/status').expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<h2 id="current-status" class="status-name">Sudah masuk, menunggu dibaca</h2>');
    expect(page.text).toContain('Kami akan memberi kabar paling lambat Rabu, 2 Desember 2026.');
    expect(page.text).toContain('Laporan masuk');
    expect(page.text).toContain('Penelantaran');
    // The receipt itself is never echoed back, and neither is what was reported.
    expect(page.text).not.toContain(receipt);
    expect(page.text).not.toContain('ditinggal sendirian');
  });

  it('shows the same in English', async () => {
    const { agent, receipt } = await reportWithReceipt();
    await openStatus(agent, receipt);
    const page = await agent.get('/status?lang=en').expect(200);
    expect(page.text).toContain('<h2 id="current-status" class="status-name">Received, waiting to be read</h2>');
    expect(page.text).toContain('We will update you by Wednesday, 2 December 2026.');
  });

  it('gives one generic answer for unknown and malformed receipts, keeping what was typed', async () => {
    const agent = request.agent(lentera.app);
    const answers: string[] = [];
    for (const receipt of ['1234 5678 9012 3456', '12', 'abcd']) {
      const token = await tokenFrom(agent, '/status');
      const res = await agent
        .post('/status')
        .type('form')
        .send(formBody({ receipt, _csrf: token }))
        .expect(400);
      expect(res.text).toContain(`value="${receipt}"`);
      expect(res.text).toContain('<a href="#receipt">');
      answers.push(/<div class="error-summary"[\s\S]*?<\/div>/.exec(res.text)![0]);
    }
    expect(new Set(answers).size).toBe(1);
  });

  it('a purged report answers exactly like an unknown receipt', async () => {
    const { agent, receipt } = await reportWithReceipt();
    lentera.db.prepare('UPDATE reports SET receipt_hash = NULL WHERE id = (SELECT max(id) FROM reports)').run();
    const token = await tokenFrom(agent, '/status');
    const res = await agent
      .post('/status')
      .type('form')
      .send(formBody({ receipt, _csrf: token }))
      .expect(400);
    expect(res.text).toContain('Kode tanda terima tidak dapat dibuka');
  });

  it('starts a new session id when a receipt opens', async () => {
    const { agent, receipt } = await reportWithReceipt();
    const form = await agent.get('/status').expect(200);
    // Showing the form writes no session: nothing about this visitor is stored before they submit.
    expect(String(form.headers['set-cookie'])).not.toMatch(/lentera\.sid=/);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    // A session id planted before the receipt is typed (fixation) must not become the receipt session.
    const fixed = 's%3Aattacker-chosen-id.signature';
    const opened = await agent
      .post('/status')
      .set('Cookie', `lentera.sid=${fixed}`)
      .type('form')
      .send(formBody({ receipt, _csrf: token }))
      .expect(303);
    const after = String(opened.headers['set-cookie']).match(/lentera\.sid=([^;]+)/)![1];
    expect(after).toBeDefined();
    expect(after).not.toBe(fixed);
    expect(String(opened.headers['set-cookie'])).toMatch(/lentera\.sid=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(String(opened.headers['set-cookie'])).not.toMatch(/lentera\.sid=[^,]*(Expires|Max-Age)/);
  });

  it('lets the reporter add information, which the thread then shows, escaped', async () => {
    const { agent, receipt } = await reportWithReceipt();
    await openStatus(agent, receipt);
    const token = await tokenFrom(agent, '/status');
    await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: 'Kejadian terulang malam ini <b>lagi</b>', _csrf: token }))
      .expect(303)
      .expect('Location', '/status#messages');
    const page = await agent.get('/status').expect(200);
    expect(page.text).toContain('Pesan Anda sudah terkirim.');
    expect(page.text).toContain('Kejadian terulang malam ini &lt;b&gt;lagi&lt;/b&gt;');
    expect(page.text).toContain('Anda menambahkan informasi');
    // The notice shows once.
    expect((await agent.get('/status').expect(200)).text).not.toContain('Pesan Anda sudah terkirim.');
  });

  it('a reply moves a report that waited on the reporter back to review', async () => {
    const { agent, receipt } = await reportWithReceipt();
    lentera.db.prepare("UPDATE reports SET status = 'awaiting_info' WHERE id = (SELECT max(id) FROM reports)").run();
    await openStatus(agent, receipt);
    expect((await agent.get('/status')).text).toContain('Menunggu jawaban Anda');
    const token = await tokenFrom(agent, '/status');
    await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: 'Ini jawaban saya', _csrf: token }))
      .expect(303);
    const page = await agent.get('/status').expect(200);
    expect(page.text).toContain('<h2 id="current-status" class="status-name">Sedang dipelajari petugas</h2>');
    expect(page.text).toContain('Status berubah: Sedang dipelajari petugas');
  });

  it.each([
    ['', 'Tulis pesan Anda'],
    ['   ', 'Tulis pesan Anda'],
    ['x'.repeat(4001), 'Pesan terlalu panjang'],
  ])('refuses the message %#, keeping what was typed', async (message, error) => {
    const { agent, receipt } = await reportWithReceipt();
    await openStatus(agent, receipt);
    const token = await tokenFrom(agent, '/status');
    const res = await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message, _csrf: token }))
      .expect(400);
    expect(res.text).toContain(`<a href="#message">${error}`);
    expect(res.text).toContain(`>${message}</textarea>`);
  });

  it('refuses a message without a receipt session, and one without a token', async () => {
    const agent = request.agent(lentera.app);
    const token = await tokenFrom(agent, '/status');
    await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: 'Halo', _csrf: token }))
      .expect(403);
    const { agent: other, receipt } = await reportWithReceipt();
    await openStatus(other, receipt);
    await other
      .post('/status/messages')
      .type('form')
      .send(formBody({ message: 'Halo' }))
      .expect(403);
  });

  it('a receipt session lasts at most an hour, however active', async () => {
    const { agent, receipt } = await reportWithReceipt();
    await openStatus(agent, receipt);
    clock = new Date(clock.getTime() + 25 * 60 * 1000);
    expect((await agent.get('/status')).text).toContain('id="current-status"');
    clock = new Date(clock.getTime() + 25 * 60 * 1000);
    expect((await agent.get('/status')).text).toContain('id="current-status"');
    clock = new Date(clock.getTime() + 11 * 60 * 1000);
    const page = await agent.get('/status').expect(200);
    expect(page.text).not.toContain('id="current-status"');
    expect(page.text).toContain('id="receipt"');
  });

  it('a session idle for more than 30 minutes is gone', async () => {
    const { agent, receipt } = await reportWithReceipt();
    await openStatus(agent, receipt);
    clock = new Date(clock.getTime() + 31 * 60 * 1000);
    const page = await agent.get('/status').expect(200);
    expect(page.text).toContain('id="receipt"');
  });

  it('closing the session ends it on the server', async () => {
    const { agent, receipt } = await reportWithReceipt();
    await openStatus(agent, receipt);
    const token = await tokenFrom(agent, '/status');
    await agent
      .post('/status/end')
      .type('form')
      .send(formBody({ _csrf: token }))
      .expect(303)
      .expect('Location', '/');
    expect((await agent.get('/status')).text).toContain('id="receipt"');
  });
});
