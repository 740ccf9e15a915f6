import crypto from 'node:crypto';
import type { Urgency } from '../domain/reference';

export interface PendingReceipt {
  receipt: string;
  urgency: Urgency;
}

/** A new receipt kept for the browser that filed the report, split in two halves. */
export interface SealedReceipt {
  /** AES-256-GCM ciphertext (with its expiry inside): kept in the visitor's session row. */
  sealed: string;
  /** The one-off key: kept only in a cookie in the visitor's browser. */
  key: string;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Keeps a new receipt for the browser that filed the report — across reloads, a second tab, a
 * restart or a second server process — without ever writing it in clear: the receipt is encrypted
 * under a fresh random key; the ciphertext waits in the session row (SQLite, committed before the
 * redirect is sent) and the key in an HttpOnly cookie. Neither half alone reveals the receipt, and
 * it is never in clear on disk or in a URL. `ttlMs` bounds how long the pair can be opened: the
 * expiry is sealed in with the receipt (GCM authenticates it), so no one can extend it; the routes
 * discard both halves sooner when the person says she has noted the code, or leaves by quick exit.
 */
export function createReceiptHandoff(ttlMs: number, now: () => number = Date.now) {
  return {
    seal(entry: PendingReceipt): SealedReceipt {
      const key = crypto.randomBytes(32);
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv(ALGORITHM, key, iv);
      const plaintext = JSON.stringify({ r: entry.receipt, u: entry.urgency, e: now() + ttlMs });
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url'), key: key.toString('base64url') };
    },

    /** The receipt, or undefined when a half is missing, does not fit the other, or has expired. */
    open(sealed: unknown, key: unknown): PendingReceipt | undefined {
      if (typeof sealed !== 'string' || typeof key !== 'string') return undefined;
      const keyBytes = Buffer.from(key, 'base64url');
      const data = Buffer.from(sealed, 'base64url');
      if (keyBytes.length !== 32 || data.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = crypto.createDecipheriv(ALGORITHM, keyBytes, data.subarray(0, IV_BYTES));
        decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
        const { r, u, e } = JSON.parse(plaintext) as { r: string; u: Urgency; e: number };
        return e > now() ? { receipt: r, urgency: u } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export type ReceiptHandoff = ReturnType<typeof createReceiptHandoff>;
