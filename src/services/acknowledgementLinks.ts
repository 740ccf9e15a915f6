import crypto from 'node:crypto';
import { ACKNOWLEDGEMENT_LINK_TTL_MS, type AcknowledgementAnswer } from '../domain/acknowledgements';
import { done, refuse, type Outcome } from '../domain/outcome';

export type AcknowledgementLinkCheck = Outcome<{ redirectId: number; expiresAt: Date }, 'forged' | 'expired'>;

/** `<redirect id>.<expiry, epoch seconds>.<HMAC-SHA-256, base64url>` */
const tokenShape = /^([1-9]\d{0,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * The links a partner answers a redirect with. Nothing is stored: the token is signed (HMAC under
 * a key derived from DATA_KEY) over the redirect's id and an expiry, so it cannot be made for
 * another redirect or lengthened. Whoever holds the link may answer, as with any emailed link;
 * the page behind it shows no report content.
 */
export function createAcknowledgementLinks(key: Buffer, baseUrl: string, ttlMs = ACKNOWLEDGEMENT_LINK_TTL_MS) {
  const sign = (payload: string) => crypto.createHmac('sha256', key).update(`redirect-ack:${payload}`, 'utf8').digest();

  return {
    issue(redirectId: number, at: Date): { token: string; expiresAt: Date } {
      const expiresAt = new Date(Math.floor((at.getTime() + ttlMs) / 1000) * 1000);
      const payload = `${redirectId}.${expiresAt.getTime() / 1000}`;
      return { token: `${payload}.${sign(payload).toString('base64url')}`, expiresAt };
    },

    /** The page's address; `answer` only chooses which button the page puts first. */
    url(token: string, answer?: AcknowledgementAnswer): string {
      return `${baseUrl}/ack/${token}${answer ? `?answer=${answer}` : ''}`;
    },

    /** Forged (bad shape or signature) is checked before expiry, so an old date proves nothing. */
    check(token: string, at: Date): AcknowledgementLinkCheck {
      const m = tokenShape.exec(token);
      if (!m) return refuse('forged');
      const [, id, expiry, signature] = m as unknown as [string, string, string, string];
      // Compared as text: base64url has more than one spelling of the same last bits.
      const expected = Buffer.from(sign(`${id}.${expiry}`).toString('base64url'), 'ascii');
      if (!crypto.timingSafeEqual(Buffer.from(signature, 'ascii'), expected)) return refuse('forged');
      const expiresAt = new Date(Number(expiry) * 1000);
      if (expiresAt.getTime() <= at.getTime()) return refuse('expired');
      return done({ redirectId: Number(id), expiresAt });
    },
  };
}

export type AcknowledgementLinks = ReturnType<typeof createAcknowledgementLinks>;
