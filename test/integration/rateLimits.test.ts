import request from 'supertest';
import { createTestApp, fileReport, formBody, openStatus, tokenFrom, validReport, type TestApp } from '../helpers/testApp';

/** Each test gets its own app, so counters start at zero. TRUST_PROXY=1 lets a test speak as several clients. */
describe('rate limits', () => {
  let lentera: TestApp;
  afterEach(() => lentera.cleanup());

  async function checkReceipt(agent: ReturnType<typeof request.agent>, client: string, receipt = '0000 0000 0000 0000') {
    const token = await tokenFrom(agent, '/status');
    return agent.post('/status').set('X-Forwarded-For', client).type('form').send(formBody({ receipt, _csrf: token }));
  }

  it('limits receipt checks per client, right or wrong, with a friendly 429', async () => {
    lentera = createTestApp({ TRUST_PROXY: '1', RATE_RECEIPT_CHECKS_PER_IP: '3' });
    const agent = request.agent(lentera.app);
    for (let i = 0; i < 3; i += 1) expect((await checkReceipt(agent, '198.51.100.1')).status).toBe(400);
    const refused = await checkReceipt(agent, '198.51.100.1');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Terlalu banyak percobaan');
    // Another client is not affected.
    expect((await checkReceipt(agent, '198.51.100.2')).status).toBe(400);
  });

  it('limits receipt checks for everyone together, so many addresses cannot add up to a flood', async () => {
    lentera = createTestApp({ TRUST_PROXY: '1', RATE_RECEIPT_CHECKS_PER_IP: '100', RATE_RECEIPT_CHECKS_GLOBAL: '4' });
    const agent = request.agent(lentera.app);
    for (let i = 0; i < 4; i += 1) expect((await checkReceipt(agent, `198.51.100.${i + 10}`)).status).toBe(400);
    expect((await checkReceipt(agent, '198.51.100.99')).status).toBe(429);
  });

  it('limits report submissions per client; a form sent back with errors does not count', async () => {
    lentera = createTestApp({ TRUST_PROXY: '1', RATE_REPORTS_PER_IP: '2' });
    const agent = request.agent(lentera.app);
    const send = async (fields: Record<string, string | string[]>, client: string) => {
      const token = await tokenFrom(agent, '/report');
      return agent.post('/report').set('X-Forwarded-For', client).type('form').send(formBody({ ...fields, _csrf: token }));
    };
    expect((await send(validReport({ narrative: 'short' }), '198.51.100.1')).status).toBe(400);
    expect((await send(validReport(), '198.51.100.1')).status).toBe(303);
    expect((await send(validReport(), '198.51.100.1')).status).toBe(303);
    const refused = await send(validReport(), '198.51.100.1');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Terlalu banyak percobaan');
    expect(lentera.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(2);
    expect((await send(validReport(), '198.51.100.2')).status).toBe(303);
  });

  it('limits report submissions for everyone together', async () => {
    lentera = createTestApp({ TRUST_PROXY: '1', RATE_REPORTS_PER_IP: '100', RATE_REPORTS_GLOBAL: '2' });
    const agent = request.agent(lentera.app);
    const send = async (client: string) => {
      const token = await tokenFrom(agent, '/report');
      return agent.post('/report').set('X-Forwarded-For', client).type('form').send(formBody({ ...validReport(), _csrf: token }));
    };
    expect((await send('198.51.100.1')).status).toBe(303);
    expect((await send('198.51.100.2')).status).toBe(303);
    expect((await send('198.51.100.3')).status).toBe(429);
  });

  it('limits messages per report', async () => {
    lentera = createTestApp({ RATE_MESSAGES_PER_REPORT: '2' });
    const agent = request.agent(lentera.app);
    const receipt = await fileReport(agent);
    await openStatus(agent, receipt);
    const send = async () => {
      const token = await tokenFrom(agent, '/status');
      return agent.post('/status/messages').type('form').send(formBody({ message: 'Informasi tambahan', _csrf: token }));
    };
    expect((await send()).status).toBe(303);
    expect((await send()).status).toBe(303);
    expect((await send()).status).toBe(429);
    // Another report's thread is not affected.
    const other = request.agent(lentera.app);
    await openStatus(other, await fileReport(other));
    const token = await tokenFrom(other, '/status');
    expect((await other.post('/status/messages').type('form').send(formBody({ message: 'Halo', _csrf: token }))).status).toBe(303);
  });
});
