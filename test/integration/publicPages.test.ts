import request from 'supertest';
import { createTestApp, fileReport, openStatus, type TestApp } from '../helpers/testApp';

describe('public pages', () => {
  let lentera: TestApp;
  beforeAll(() => {
    lentera = createTestApp();
  });
  afterAll(() => lentera.cleanup());

  it.each(['/', '/report', '/status', '/privacy'])('%s is in Indonesian by default, with quick exit and safety headers', async (path) => {
    const res = await request(lentera.app).get(path).expect(200);
    expect(res.text).toContain('<html lang="id">');
    // Through /exit, which ends the session here before sending the visitor on (quickExit.test.ts).
    expect(res.text).toMatch(/<a class="quick-exit" href="\/exit" data-quick-exit>Keluar cepat<\/a>/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none';script-src 'self';style-src 'self';img-src 'self';font-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'none'",
    );
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).not.toMatch(/<script>|<style|style="/);
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('home explains the service, lists the hotlines and offers both buttons', async () => {
    const res = await request(lentera.app).get('/').expect(200);
    for (const text of ['href="tel:112"', 'href="tel:110"', 'href="tel:129"', 'href="tel:119"', 'href="/report"', 'href="/status"']) {
      expect(res.text).toContain(text);
    }
    expect(res.text).toContain('LK3 Dinas Sosial Kota Padang');
  });

  it('pages without a form set no session cookie', async () => {
    const res = await request(lentera.app).get('/').expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('a flood of anonymous GETs of pages with forms leaves the sessions table empty', async () => {
    for (let i = 0; i < 50; i++) {
      for (const path of ['/report', '/status', '/login', '/']) {
        const res = await request(lentera.app).get(path).expect(200);
        expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/lentera\.sid=/);
      }
    }
    expect(lentera.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it.each(['//evil.example/x', '/\\evil.example/x', '///evil.example/x?lang=en', '/%2F%2Fevil.example/x', '/report/..%2F%2Fevil.example'])(
    'no link on the page for %s leaves the site because of the request path',
    async (path) => {
      const res = await request(lentera.app).get(path);
      expect([200, 404]).toContain(res.status);
      const hrefs = [...res.text.matchAll(/(?:href|action|src)="([^"]*)"/g)].map((m) => m[1]!.replace(/&#39;|&amp;/g, '&'));
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) {
        // A link stays on the site when it is a path from the root (never `//` or `/\`), a query or a fragment.
        expect(href).toMatch(/^(\/(?![/\\])|\?|#|tel:)/);
        expect(new URL(href, 'http://localhost:3000/some/page').origin).toBe('http://localhost:3000');
      }
      expect(res.text).not.toContain('evil.example');
    },
  );

  it('?lang=en switches to English and a cookie remembers it; ?lang=id switches back', async () => {
    const agent = request.agent(lentera.app);
    const en = await agent.get('/?lang=en').expect(200);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Quick exit');
    expect(String(en.headers['set-cookie'])).toMatch(/lang=en;.*HttpOnly/);
    const remembered = await agent.get('/privacy').expect(200);
    expect(remembered.text).toContain('Privacy notice');
    const back = await agent.get('/report?lang=id').expect(200);
    expect(back.text).toContain('Buat laporan');
    expect((await agent.get('/').expect(200)).text).toContain('<html lang="id">');
  });

  it('ignores an unknown language', async () => {
    const res = await request(lentera.app).get('/?lang=fr').expect(200);
    expect(res.text).toContain('<html lang="id">');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('privacy notice covers purpose, storage, retention, rights under UU PDP and the limits of anonymity', async () => {
    const res = await request(lentera.app).get('/privacy').expect(200);
    for (const text of [
      'Untuk apa data digunakan',
      'Apa yang disimpan',
      '2 tahun',
      'Nomor 27 Tahun 2022',
      'Melapor tanpa nama dan batasnya',
    ]) {
      expect(res.text).toContain(text);
    }
  });

  it('answers /healthz with {"status":"ok"}', async () => {
    const res = await request(lentera.app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 503 on /healthz when the database does not', async () => {
    const broken = createTestApp();
    broken.db.close();
    await request(broken.app).get('/healthz').expect(503);
    broken.cleanup();
  });

  it('shows a friendly 404 in both languages', async () => {
    const id = await request(lentera.app).get('/tidak-ada').expect(404);
    expect(id.text).toContain('Halaman tidak ditemukan');
    const en = await request(lentera.app).get('/nope?lang=en').expect(404);
    expect(en.text).toContain('Page not found');
  });

  it('refuses a body over the size limit with a friendly 413, not a stack trace', async () => {
    const res = await request(lentera.app)
      .post('/report')
      .type('form')
      .send('narrative=' + 'a'.repeat(70 * 1024))
      .expect(413);
    expect(res.text).toContain('Isian terlalu panjang');
    expect(res.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('shows a friendly 500, no stack trace, and logs the fault without the visitor', async () => {
    const broken = createTestApp({ RATE_REPORTS_PER_IP: '100' });
    try {
      const agent = request.agent(broken.app);
      const receipt = await fileReport(agent);
      await openStatus(agent, receipt);
      broken.db.exec('DROP TABLE report_events');
      const res = await agent.get('/status?lang=en').set('User-Agent', 'CanaryAgent/1.0').expect(500);
      expect(res.text).toContain('Sorry, something went wrong');
      expect(res.text).not.toMatch(/SqliteError|no such table|\.ts:\d+|\.js:\d+/);
      expect(broken.logs.join('\n')).toContain('no such table: report_events');
      expect(broken.logs.join('\n')).not.toMatch(/CanaryAgent|127\.0\.0\.1/);
    } finally {
      broken.cleanup();
    }
  });

  it('serves its CSS and JavaScript, cacheable', async () => {
    const css = await request(lentera.app).get('/css/site.css').expect(200);
    expect(css.headers['cache-control']).toBe('public, max-age=86400');
    await request(lentera.app)
      .get('/js/site.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
  });
});
