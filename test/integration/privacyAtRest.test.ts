import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, fileReport, formBody, openStatus, tokenFrom, validReport, type TestApp } from '../helpers/testApp';

/** Everything on disk under the data folder: the database, its WAL, secrets, anything else. */
function everythingOnDisk(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else parts.push(fs.readFileSync(full));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

describe('what is on disk and in the logs', () => {
  const visitorAddress = '203.0.113.77';
  const userAgent = 'CanaryBrowser/9.9 (visitor-fingerprint-7f3a)';
  const narrative = 'NARASI-RAHASIA: ayah memukul anak setiap malam di rumah';
  const location = 'LOKASI-RAHASIA Jalan Melati nomor 7';
  const phone = '0812 9999 7777';
  const email = 'pelapor.rahasia@example.id';
  const message = 'PESAN-RAHASIA tambahan dari pelapor';
  let lentera: TestApp;
  let receipt: string;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleLines.push(args.map(String).join(' '));
      });
    }
    lentera = createTestApp({ TRUST_PROXY: '1' });
    const agent = request
      .agent(lentera.app)
      .set('User-Agent', userAgent)
      .set('X-Forwarded-For', visitorAddress)
      .set('Referer', 'https://search.example/?q=lapor+kdrt');
    receipt = await fileReport(
      agent,
      validReport({
        narrative,
        location_detail: location,
        wants_contact: 'yes',
        contact_name: 'Nama Samaran',
        contact_phone: phone,
        contact_email: email,
        contact_channel: 'whatsapp',
        contact_leave_message: 'no',
      }),
    );
    await openStatus(agent, receipt);
    const token = await tokenFrom(agent, '/status');
    await agent
      .post('/status/messages')
      .type('form')
      .send(formBody({ message, _csrf: token }))
      .expect(303);
    await agent.get('/no-such-page').expect(404);
    // Close so the WAL is folded into the database file as well.
    lentera.db.pragma('wal_checkpoint(TRUNCATE)');
  });
  afterAll(() => {
    jest.restoreAllMocks();
    lentera.cleanup();
  });

  it('keeps narratives, locations, contact details and messages encrypted in the database file', () => {
    const disk = everythingOnDisk(lentera.dir);
    for (const secret of [
      narrative,
      'NARASI-RAHASIA',
      location,
      'LOKASI-RAHASIA',
      phone,
      email,
      'Nama Samaran',
      message,
      'PESAN-RAHASIA',
    ]) {
      expect(disk.includes(Buffer.from(secret))).toBe(false);
    }
    const row = lentera.db.prepare('SELECT narrative_enc, location_detail_enc, contact_enc FROM reports').get() as Record<string, string>;
    for (const value of Object.values(row)) expect(value).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
    expect(lentera.db.prepare('SELECT body_enc FROM messages').pluck().get()).toMatch(/^v1:/);
  });

  it('stores the receipt only as a keyed hash', () => {
    const disk = everythingOnDisk(lentera.dir);
    expect(disk.includes(Buffer.from(receipt))).toBe(false);
    expect(disk.includes(Buffer.from(receipt.replace(/(\d{4})(?=\d)/g, '$1 ')))).toBe(false);
    const hash = lentera.db.prepare('SELECT receipt_hash FROM reports').pluck().get() as Buffer;
    expect(hash).toHaveLength(32);
  });

  it('writes nothing about the visitor (address, user agent, referrer) to disk', () => {
    const disk = everythingOnDisk(lentera.dir);
    for (const trace of [visitorAddress, userAgent, 'visitor-fingerprint', 'search.example', '127.0.0.1', '::ffff:']) {
      expect(disk.includes(Buffer.from(trace))).toBe(false);
    }
  });

  it('logs nothing about the visitor or the report', () => {
    const logged = [...consoleLines, ...lentera.logs].join('\n');
    for (const trace of [visitorAddress, userAgent, 'search.example', '127.0.0.1', narrative, phone, email, message, receipt]) {
      expect(logged).not.toContain(trace);
    }
  });
});
