import path from 'node:path';
import { ConfigError, defaultHotlines, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('runs with no settings at all', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.baseUrl).toBe('http://localhost:3000');
    expect(config.databasePath).toBe(path.resolve('./data/lentera.db'));
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.require2fa).toBe(true);
    expect(config.defaultLocale).toBe('id');
    expect(config.trustProxy).toBe(false);
    expect(config.hotlines).toEqual(defaultHotlines);
  });

  it('keeps sent .eml files a week and lets an address send 20 failed API tokens an hour, unless set', () => {
    expect(loadConfig({})).toMatchObject({ mailFilesKeepDays: 7, rateLimits: { apiAuthFailuresPerIp: 20 } });
    expect(loadConfig({ MAIL_FILES_KEEP_DAYS: '2', RATE_API_AUTH_FAILURES_PER_IP: '5' })).toMatchObject({
      mailFilesKeepDays: 2,
      rateLimits: { apiAuthFailuresPerIp: 5 },
    });
    expect(() => loadConfig({ MAIL_FILES_KEEP_DAYS: '0' })).toThrow('MAIL_FILES_KEEP_DAYS');
  });

  it("the office's public contact: a working default without a made-up phone number, and what is set", () => {
    expect(loadConfig({}).office).toEqual({
      address: 'Dinas Sosial Kota Padang',
      phone: null,
      whatsapp: null,
      hours: { id: 'Senin–Jumat, pukul 08.00–16.00 WIB', en: 'Monday to Friday, 08:00–16:00 WIB' },
    });
    const set = loadConfig({
      OFFICE_ADDRESS: 'Jl. Contoh No. 1',
      OFFICE_PHONE: '(0751) 123456',
      OFFICE_WHATSAPP: '+62 812-0000-0000',
      OFFICE_HOURS_ID: 'Senin–Kamis',
      OFFICE_HOURS_EN: 'Monday to Thursday',
    });
    expect(set.office).toEqual({
      address: 'Jl. Contoh No. 1',
      phone: '(0751) 123456',
      whatsapp: '+62 812-0000-0000',
      hours: { id: 'Senin–Kamis', en: 'Monday to Thursday' },
    });
    expect(() => loadConfig({ OFFICE_PHONE: 'call us' })).toThrow('OFFICE_PHONE');
    expect(() => loadConfig({ OFFICE_WHATSAPP: 'https://wa.me/62812' })).toThrow('OFFICE_WHATSAPP');
  });

  it('reads the settings it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      BASE_URL: 'https://lentera.example.id/',
      TRUST_PROXY: '1',
      REQUIRE_2FA: 'false',
      DEFAULT_LOCALE: 'en',
      HOTLINES: JSON.stringify([{ number: '112', id: 'Darurat', en: 'Emergency' }]),
    });
    expect(config.port).toBe(8080);
    expect(config.baseUrl).toBe('https://lentera.example.id');
    expect(config.trustProxy).toBe(1);
    expect(config.require2fa).toBe(false);
    expect(config.defaultLocale).toBe('en');
    expect(config.hotlines).toEqual([{ number: '112', id: 'Darurat', en: 'Emergency' }]);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
  });

  it.each([
    ['TRUST_PROXY', 'true'],
    ['PORT', 'abc'],
    ['DEFAULT_LOCALE', 'fr'],
    ['HOTLINES', 'not json'],
    ['REQUIRE_2FA', 'maybe'],
  ])('refuses %s=%s with a clear message', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('in production, refuses a BASE_URL that is not https and REQUIRE_2FA=false, each with one clear line', () => {
    const good = { NODE_ENV: 'production', BASE_URL: 'https://lentera.example.id' };
    expect(loadConfig(good).baseUrl).toBe('https://lentera.example.id');
    for (const env of [{ NODE_ENV: 'production' }, { ...good, BASE_URL: 'http://lentera.example.id' }]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(
        /^NODE_ENV=production needs BASE_URL to start with https:\/\/ \(it is http:\/\/[^)]+\); refusing to start\.$/,
      );
    }
    expect(() => loadConfig({ ...good, REQUIRE_2FA: 'false' })).toThrow(/^NODE_ENV=production refuses REQUIRE_2FA=false/);
    // Outside production both stay possible, for development.
    expect(loadConfig({ REQUIRE_2FA: 'false' }).require2fa).toBe(false);
  });

  it('tells partners how to reach the service (TRIAGE_EMAIL unless SERVICE_CONTACT) and gives them REDIRECT_ACK_DAYS working days', () => {
    expect(loadConfig({ TRIAGE_EMAIL: 'triase@lk3.test' })).toMatchObject({
      serviceContact: 'triase@lk3.test',
      redirectAcknowledgementDays: 2,
    });
    expect(loadConfig({ SERVICE_CONTACT: ' (0751) 123456 ', REDIRECT_ACK_DAYS: '5' })).toMatchObject({
      serviceContact: '(0751) 123456',
      redirectAcknowledgementDays: 5,
    });
    for (const days of ['0', '-1', 'two', '31']) expect(() => loadConfig({ REDIRECT_ACK_DAYS: days })).toThrow(ConfigError);
  });
});
