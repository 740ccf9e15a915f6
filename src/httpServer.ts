import http from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

/** How long a connection whose request could not be read may go on sending before it is cut. */
const DRAIN_MS = 5000;

/**
 * How long an idle keep-alive connection stays open: longer than clients and reverse proxies keep
 * theirs (browsers, undici and nginx give up after 60 s or less), so the client always closes first.
 * With Node's default of 5 s, a busy client could send its next request — a resident's report —
 * on a connection the server was just closing, and get "connection reset" instead of an answer.
 */
export const KEEP_ALIVE_MS = 65_000;

/**
 * The HTTP server for the app. A request that cannot even be parsed — a 100 KB address, headers
 * over the limit, garbage — is answered with its status (431, 400) and then the connection is
 * closed cleanly: what the client is still sending is read and thrown away first. Node's default
 * destroys the socket at once, and a socket closed with unread data sends a reset, which can
 * reach the client before the answer does, so the person sees "connection reset" instead of 431.
 */
export function createHttpServer(app: Express, messages: Record<number, string>): http.Server {
  const server = http.createServer(app);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Counted from the start of each request's headers; kept above the idle time, as Node advises.
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = `${messages[status] ?? http.STATUS_CODES[status]}\n`;
    socket.on('data', () => undefined);
    socket.resume();
    socket.setTimeout(DRAIN_MS, () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Cache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  return server;
}
