import crypto from 'node:crypto';
import type { Urgency } from '../domain/reference';

export interface PendingReceipt {
  receipt: string;
  urgency: Urgency;
}

/**
 * Carries a new receipt from the POST that made it to the one GET that shows it, in memory only:
 * the receipt is never written anywhere (not in the session row, not in a URL) and can be taken once.
 */
export function createReceiptHandoff(ttlMs: number, now: () => number = Date.now) {
  const pending = new Map<string, PendingReceipt & { expiresAt: number }>();

  function sweep(): void {
    const t = now();
    for (const [token, entry] of pending) if (entry.expiresAt <= t) pending.delete(token);
  }

  return {
    put(entry: PendingReceipt): string {
      sweep();
      const token = crypto.randomBytes(24).toString('base64url');
      pending.set(token, { ...entry, expiresAt: now() + ttlMs });
      return token;
    },

    /** The receipt, once; null when already taken or expired. */
    take(token: string): PendingReceipt | null {
      const entry = pending.get(token);
      pending.delete(token);
      if (!entry || entry.expiresAt <= now()) return null;
      return { receipt: entry.receipt, urgency: entry.urgency };
    },
  };
}

export type ReceiptHandoff = ReturnType<typeof createReceiptHandoff>;
