/**
 * The referral API's `Idempotency-Key` header (after draft-ietf-httpapi-idempotency-key-header): a
 * department's system sends a key it made up (a UUID, say) with a POST, and sends the same key
 * when it retries that POST. No I/O here: the key's format, the canonical form of a body, and how
 * long a key is remembered.
 */

import { IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_MIN } from './limits';

const keyPattern = `[A-Za-z0-9._:-]{${IDEMPOTENCY_KEY_MIN},${IDEMPOTENCY_KEY_MAX}}`;

/** IDEMPOTENCY_KEY_MIN–IDEMPOTENCY_KEY_MAX characters: letters, digits, `.`, `_`, `:` and `-` (a UUID fits). */
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^${keyPattern}$`);

/** The header as the OpenAPI document states it: the key, bare or as a quoted string. */
export const IDEMPOTENCY_HEADER_PATTERN = `^(?:${keyPattern}|"${keyPattern}")$`;

/** How long a key is remembered: a retry comes within minutes or hours; a week covers a long outage. */
export const IDEMPOTENCY_KEY_DAYS = 7;

/**
 * The key from the header's value: undefined when there is no header, 'invalid' when it is not a
 * key. The draft writes it as a Structured Field string (`"…"`); a bare key is taken too.
 */
export function parseIdempotencyKey(header: string | undefined): string | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  const key = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  return IDEMPOTENCY_KEY_PATTERN.test(key) ? key : 'invalid';
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * JSON with every object's keys in order and nothing undefined, so that two bodies that mean the
 * same thing give the same text whatever order their fields came in.
 */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): Json => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') {
      const out: { [key: string]: Json } = {};
      for (const k of Object.keys(v).sort()) {
        const item = (v as Record<string, unknown>)[k];
        if (item !== undefined) out[k] = sorted(item);
      }
      return out;
    }
    return v as Json;
  };
  return JSON.stringify(sorted(value));
}
