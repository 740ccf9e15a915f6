import request from 'supertest';
import { createTestApp, fileReport, formBody, openStatus, tokenFrom, validReport, type TestApp } from '../helpers/testApp';

/** Each test gets its own app, so counters start at zero. TRUST_PROXY=1 lets a test speak as several clients. */
describe('rate limits', () => {
  let lentera: TestApp;
  afterEach(() => lentera.cleanup());

  async function checkReceipt(agent: ReturnType<typeof request.agent>, client: string, receipt = '0000 0000 0000 0000') {
    const token = await tokenFrom(agent, '/status');
    return agent
      .post('/status')
      .set('X-Forwarded-For', client)
      .type('form')
      .send(formBody({ receipt, _csrf: token }));
  }

  it('limits receipt checks per client, right or wrong, with a friendly 429', async () => {
    lentera = createTestApp({ TRUST_PROXY: '1', RATE_RECEIPT_CHECKS_PER_IP: '3' });
    const agent = request.agent(lentera.app);
    for (let i = 0; i < 3; i += 1) expect((await checkReceipt(agent, '198.51.100.1')).status).toBe(400);
    const refused = await checkReceipt(agent, '198.51.100.1');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Terlalu banyak kode tanda terima dicoba');
    // Another client is not affected.
    expect((await checkReceipt(agent, '198.51.100.2')).status).toBe(400);
  });

  it('a flood of wrong receipts from several addresses slows the flooders, while residents with their receipt still get in', async () => {
    lentera = createTestApp({ TRUST_PROXY: '1', RATE_RECEIPT_CHECKS_PER_IP: '100', RATE_RECEIPT_CHECKS_GLOBAL: '6' });
    const agent = request.agent(lentera.app);
    const receipt = await fileReport(request.agent(lentera.app));
    const flooders = ['203.0.113.1', '203.0.113.2', '203.0.113.3'];
    // Two rounds of wrong receipts from everyone reach the global mark: a flood.
    for (let round = 0; round < 2; round += 1) {
      for (const f of flooders) expect((await checkReceipt(agent, f)).status).toBe(400);
    }
    // Each flooding address keeps a small allowance (three wrong ones), then waits.
    for (const f of flooders) expect((await checkReceipt(agent, f)).status).toBe(400);
    for (const f of flooders) {
      const refused = await checkReceipt(agent, f);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Meanwhile a resident's correct receipt is answered, even after one typing mistake.
    expect((await checkReceipt(request.agent(lentera.app), '198.51.100.7', receipt)).status).toBe(303);
    const clumsy = request.agent(lentera.app);
    expect((await checkReceipt(clumsy, '198.51.100.8')).status).toBe(400);
    expect((await checkReceipt(clumsy, '198.51.100.8', receipt)).status).toBe(303);
  });

  it('limits report submissions per client; a form sent back with errors does not count', async () => {
    lentera = createTestApp({ TRUST_PROXY: '1', RATE_REPORTS_PER_IP: '2' });
    const agent = request.agent(lentera.app);
    const send = async (fields: Record<string, string | string[]>, client: string) => {
      const token = await tokenFrom(agent, '/report');
      return agent
        .post('/report')
        .set('X-Forwarded-For', client)
        .type('form')
        .send(formBody({ ...fields, _csrf: token }));
    };
    expect((await send(validReport({ narrative: 'short' }), '198.51.100.1')).status).toBe(400);
    expect((await send(validReport(), '198.51.100.1')).status).toBe(303);
    expect((await send(validReport(), '198.51.100.1')).status).toBe(303);
    const refused = await send(validReport(), '198.51.100.1');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Laporan Anda belum terkirim');
    expect(lentera.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(2);
    expect((await send(validReport(), '198.51.100.2')).status).toBe(303);
  });

  it("a flood of reports from several addresses does not keep a resident's first report out", async () => {
    lentera = createTestApp({ TRUST_PROXY: '1', RATE_REPORTS_PER_IP: '100', RATE_REPORTS_GLOBAL: '3' });
    const agent = request.agent(lentera.app);
    const send = async (client: string) => {
      const token = await tokenFrom(agent, '/report');
      return agent
        .post('/report')
        .set('X-Forwarded-For', client)
        .type('form')
        .send(formBody({ ...validReport(), _csrf: token }));
    };
    for (const flooder of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) expect((await send(flooder)).status).toBe(303);
    // The global mark is reached: a client that already filed this hour waits…
    for (const flooder of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      const refused = await send(flooder);
      expect(refused.status).toBe(429);
      expect(refused.text).toContain('Laporan Anda belum terkirim');
    }
    // …while a resident's first report is still taken (and only her first, during the flood).
    expect((await send('198.51.100.20')).status).toBe(303);
    expect((await send('198.51.100.21')).status).toBe(303);
    expect((await send('198.51.100.20')).status).toBe(429);
    expect(lentera.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(5);
  });

  it('limits messages per report', async () => {
    lentera = createTestApp({ RATE_MESSAGES_PER_REPORT: '2' });
    const agent = request.agent(lentera.app);
    const receipt = await fileReport(agent);
    await openStatus(agent, receipt);
    const send = async () => {
      const token = await tokenFrom(agent, '/status');
      return agent
        .post('/status/messages')
        .type('form')
        .send(formBody({ message: 'Informasi tambahan', _csrf: token }));
    };
    expect((await send()).status).toBe(303);
    expect((await send()).status).toBe(303);
    expect((await send()).status).toBe(429);
    // Another report's thread is not affected.
    const other = request.agent(lentera.app);
    await openStatus(other, await fileReport(other));
    const token = await tokenFrom(other, '/status');
    expect(
      (
        await other
          .post('/status/messages')
          .type('form')
          .send(formBody({ message: 'Halo', _csrf: token }))
      ).status,
    ).toBe(303);
  });
});
