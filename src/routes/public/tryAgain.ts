import type { Response } from 'express';

/**
 * When someone a rate limit turned away may try again, in plain words: the time on the Asia/Jakarta
 * clock, rounded up to the minute so that it is never too early, and about how long that is from now.
 */
export function tryAgainAt(res: Response, now: Date, retryAfterSeconds: number): { time: string; wait: string } {
  const at = Math.ceil((now.getTime() + retryAfterSeconds * 1000) / 60_000) * 60_000;
  const minutes = Math.max(1, Math.ceil((at - now.getTime()) / 60_000));
  const { formatTime, formatDuration } = res.locals as { formatTime: (d: Date) => string; formatDuration: (ms: number) => string };
  return { time: formatTime(new Date(at)), wait: formatDuration(minutes * 60_000) };
}
