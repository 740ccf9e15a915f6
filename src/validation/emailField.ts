import { isEmailAddress } from '../domain/email';
import { lineText } from './textFields';

/**
 * An email address field: one line, trimmed, and an address by the one rule of domain/email.ts —
 * the rule sending applies, so an address a form takes is one the outbox sends to. Too long or not
 * an address says `invalid`; empty says `missing`, or passes as '' when no `missing` is given (an
 * address that may be left out).
 */
export function emailAddressText(max: number, invalid: string, missing?: string) {
  const text = lineText().trim();
  return (missing === undefined ? text : text.min(1, missing))
    .max(max, invalid)
    .refine((v) => (missing === undefined && v === '') || isEmailAddress(v), invalid);
}
