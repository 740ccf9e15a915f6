import http from 'node:http';
import { eventually } from './smtpServer';
import { processEnv, startServer, type ServerProcess } from './serverProcess';

/**
 * Several server processes (WEB_CONCURRENCY) in tests. PROCESS_HEADER=true makes each answer say
 * which process gave it (`Lentera-Process`). The cluster's primary hands each new connection to
 * the next worker in turn, and a kept-alive connection stays with the worker that accepted it; so
 * a test reaches a chosen process by opening connections until one is answered by that process,
 * then sending everything over that one connection — and every answer is checked to come from it.
 */

/** Starts the built server with `processes` workers on the data folder `dir`, and waits until every one listens. */
export async function startCluster(dir: string, processes: number, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServer(processEnv(dir, { WEB_CONCURRENCY: String(processes), PROCESS_HEADER: 'true', ...extra }));
  await eventually(() => (server.output().match(/listening on /g) ?? []).length === processes);
  return server;
}

/** One kept-alive connection to one server process: `fetch` for CookieJar.through. */
export interface ProcessConnection {
  process: string;
  fetch(url: string, init: RequestInit): Promise<Response>;
  close(): void;
}

const PROCESS_HEADER = 'lentera-process';

function send(agent: http.Agent, url: string, init: RequestInit = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const req = http.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const out = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        const status = res.statusCode ?? 0;
        const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers: out }));
      });
    });
    req.on('error', reject);
    if (typeof init.body === 'string') req.write(init.body);
    else if (init.body !== undefined && init.body !== null) return reject(new Error('send: only string bodies'));
    req.end();
  });
}

/** A connection answered by server process `index` (a number as in "process 2 of 2"). */
export async function connectionTo(baseUrl: string, index: number, attempts = 40): Promise<ProcessConnection> {
  const wanted = String(index);
  for (let i = 0; i < attempts; i += 1) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const probe = await send(agent, `${baseUrl}/healthz`);
    await probe.arrayBuffer();
    if (probe.headers.get(PROCESS_HEADER) !== wanted) {
      agent.destroy();
      continue;
    }
    return {
      process: wanted,
      async fetch(url, init) {
        const res = await send(agent, url, init);
        const answeredBy = res.headers.get(PROCESS_HEADER);
        // The connection was closed and another opened, to whichever process: the test would prove nothing.
        if (answeredBy !== wanted) throw new Error(`Expected an answer from process ${wanted}, got one from ${answeredBy}`);
        return res;
      },
      close: () => agent.destroy(),
    };
  }
  throw new Error(`No connection reached process ${index} in ${attempts} attempts`);
}
