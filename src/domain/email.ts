import { EMAIL_MAX } from './limits';

/**
 * What an email address is in Lentera — one rule for every form, the API, the command line and
 * sending, so that an address a form accepts is never dropped when the email goes out.
 *
 * One plain address: an RFC 5321 dot-atom local part (at most 64 characters), `@`, and a domain
 * of LDH labels ending in a top-level domain of letters — or `localhost` (RFC 6761), which the
 * default TRIAGE_EMAIL uses. No display name, no comments, no quoting, no second recipient, and
 * nothing that could end a header line. A domain without a dot (`budi@gmail`) is refused: it is
 * almost always a typing mistake, and no mail server outside the installation's own host reaches it.
 */
const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const addressPattern = new RegExp(`^${atom}(?:\\.${atom})*@(?:(?:${label}\\.)+[A-Za-z]{2,63}|localhost)$`, 'i');

const LOCAL_PART_MAX = 64;

export function isEmailAddress(address: string): boolean {
  return address.length <= EMAIL_MAX && address.indexOf('@') <= LOCAL_PART_MAX && addressPattern.test(address);
}

/** Emails are compared without case (the column is COLLATE NOCASE) and stored in lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
