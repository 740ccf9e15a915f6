import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../helpers/testApp';

/** Sends one raw request and reads until the server closes: what came back, and whether the close was a reset. */
function rawRequest(port: number, request: string): Promise<{ received: string; reset: boolean }> {
  return new Promise((resolve) => {
    let received = '';
    let reset = false;
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', (err: NodeJS.ErrnoException) => (reset = reset || err.code === 'ECONNRESET' || err.code === 'EPIPE'));
    socket.on('close', () => resolve({ received, reset }));
  });
}

describe('requests too large to read', () => {
  let lentera: TestApp;
  let port: number;
  beforeAll(async () => {
    lentera = createTestApp();
    await new Promise<void>((resolve) => lentera.server.listen(0, '127.0.0.1', resolve));
    port = (lentera.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => lentera.server.close(resolve));
    lentera.cleanup();
  });

  it('a 100 KB address gets 431 and a clean close, never a reset, every time', async () => {
    for (let i = 0; i < 20; i += 1) {
      const { received, reset } = await rawRequest(port, `GET /${'a'.repeat(100_000 + i * 50_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      expect(received).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
      expect(received).toContain('Alamat halaman yang Anda buka terlalu panjang');
      expect(received).toContain('The address of the page you opened is too long');
      expect(reset).toBe(false);
    }
  });

  it('headers over the limit get 431 too, and garbage gets 400', async () => {
    const big = await rawRequest(port, `GET / HTTP/1.1\r\nHost: localhost\r\nCookie: x=${'b'.repeat(200_000)}\r\n\r\n`);
    expect(big.received).toMatch(/^HTTP\/1\.1 431 /);
    expect(big.reset).toBe(false);
    const garbage = await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.received).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('keeps an idle connection open past the 5 s clients reuse theirs within, so a next request is answered, not reset', async () => {
    const answers: string[] = [];
    const socket = net.connect(port, '127.0.0.1');
    socket.on('data', (chunk: Buffer) => answers.push(chunk.toString()));
    let closed = false;
    socket.on('close', () => (closed = true));
    const ask = async () => {
      const before = answers.length;
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      while (answers.length === before && !closed) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await ask();
    expect(answers.join('')).toMatch(/Keep-Alive: timeout=65\r\n/);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(closed).toBe(false);
    await ask();
    socket.destroy();
    expect(answers.join('').match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
  }, 20000);

  it('an ordinary request on the same server is served', async () => {
    const { received } = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toContain('{"status":"ok"}');
  });
});
