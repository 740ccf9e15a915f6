import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { shutDownGracefully } from '../../src/bootstrap';
import { createTestApp } from '../helpers/testApp';
import { startServer } from '../helpers/serverProcess';

describe('clean shutdown', () => {
  it('lets a request in flight finish, then closes the database', async () => {
    const lentera = createTestApp();
    const server = lentera.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    let stopped: Promise<void> | undefined;
    // Begin the shutdown the moment the request arrives, before it is answered.
    server.once('request', () => {
      stopped = shutDownGracefully(server, lentera, () => undefined, 0);
    });
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/report', agent: false }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
    expect(response.status).toBe(200);
    expect(response.body).toContain('</html>');
    await stopped;
    expect(server.listening).toBe(false);
    expect(lentera.db.open).toBe(false);
    fs.rmSync(lentera.dir, { recursive: true, force: true });
  });
});

describe('the server process (npm start)', () => {
  it('starts with no settings, generates its secrets, answers, and stops cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-server-'));
    // No settings at all but a free port, from a folder of its own: ./data is made there.
    const server = await startServer({ PATH: process.env.PATH ?? '', PORT: '0' }, dir);
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(server.output()).toMatch(/WARNING: Generated .*data\.key/);
      expect(fs.statSync(path.join(dir, 'data', 'data.key')).mode & 0o777).toBe(0o600);
      expect(fs.existsSync(path.join(dir, 'data', 'lentera.db'))).toBe(true);
      expect(await server.kill('SIGTERM')).toBe(0);
      expect(server.output()).toContain('Lentera stopped.');
    } finally {
      await server.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
