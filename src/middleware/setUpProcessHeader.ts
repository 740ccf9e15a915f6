import type { RequestHandler } from 'express';

/**
 * `Lentera-Process: <n>` on every answer, with PROCESS_HEADER=true only: tests and benchmarks of
 * several server processes (WEB_CONCURRENCY) see which process answered. Off by default, as it
 * tells an outsider nothing they need.
 */
export function setUpProcessHeader(processIndex: number): RequestHandler {
  const value = String(processIndex);
  return (_req, res, next) => {
    res.setHeader('Lentera-Process', value);
    next();
  };
}
