import crypto from 'node:crypto';
import { ACKNOWLEDGEMENT_LINK_TTL_MS, type AcknowledgementAnswer, type AcknowledgementKind } from '../domain/acknowledgements';
import { done, refuse, type Outcome } from '../domain/outcome';

export type AcknowledgementLinkCheck = Outcome<{ kind: AcknowledgementKind; id: number; expiresAt: Date }, 'forged' | 'expired'>;

/**
 * `[c]<id>.<expiry, epoch seconds>.<HMAC-SHA-256, base64url>`: a bare id is a redirect (the links
 * emailed before case referrals existed keep working), `c` a referral out from a case.
 */
const tokenShape = /^(c?)([1-9]\d{0,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

const prefixOf: Record<AcknowledgementKind, string> = { redirect: '', case_referral: 'c' };
/** Each kind signs under its own label, so a redirect's signature never passes for a case referral's. */
const labelOf: Record<AcknowledgementKind, string> = { redirect: 'redirect-ack', case_referral: 'case-referral-ack' };

/**
 * The links a partner answers a redirect or a case referral with. Nothing is stored: the token is
 * signed (HMAC under a key derived from DATA_KEY) over its kind, the row's id and an expiry, so it
 * cannot be made for another row or lengthened. Whoever holds the link may answer, as with any
 * emailed link; the page behind it shows no report content (a case referral's page shows the
 * summary written for that partner, which the email carries anyway).
 */
export function createAcknowledgementLinks(key: Buffer, baseUrl: string, ttlMs = ACKNOWLEDGEMENT_LINK_TTL_MS) {
  const sign = (kind: AcknowledgementKind, payload: string) =>
    crypto.createHmac('sha256', key).update(`${labelOf[kind]}:${payload}`, 'utf8').digest();

  return {
    /** A token for redirect `id` (or, with `kind`, for another kind of row). */
    issue(id: number, at: Date, kind: AcknowledgementKind = 'redirect'): { token: string; expiresAt: Date } {
      const expiresAt = new Date(Math.floor((at.getTime() + ttlMs) / 1000) * 1000);
      const payload = `${id}.${expiresAt.getTime() / 1000}`;
      return { token: `${prefixOf[kind]}${payload}.${sign(kind, payload).toString('base64url')}`, expiresAt };
    },

    /** The page's address; `answer` only chooses which button the page puts first. */
    url(token: string, answer?: AcknowledgementAnswer): string {
      return `${baseUrl}/ack/${token}${answer ? `?answer=${answer}` : ''}`;
    },

    /** Forged (bad shape or signature) is checked before expiry, so an old date proves nothing. */
    check(token: string, at: Date): AcknowledgementLinkCheck {
      const m = tokenShape.exec(token);
      if (!m) return refuse('forged');
      const [, prefix, id, expiry, signature] = m as unknown as [string, string, string, string, string];
      const kind: AcknowledgementKind = prefix === 'c' ? 'case_referral' : 'redirect';
      // Compared as text: base64url has more than one spelling of the same last bits.
      const expected = Buffer.from(sign(kind, `${id}.${expiry}`).toString('base64url'), 'ascii');
      if (!crypto.timingSafeEqual(Buffer.from(signature, 'ascii'), expected)) return refuse('forged');
      const expiresAt = new Date(Number(expiry) * 1000);
      if (expiresAt.getTime() <= at.getTime()) return refuse('expired');
      return done({ kind, id: Number(id), expiresAt });
    },
  };
}

export type AcknowledgementLinks = ReturnType<typeof createAcknowledgementLinks>;
