import { createAcknowledgementLinks } from '../../src/services/acknowledgementLinks';
import { ACKNOWLEDGEMENT_LINK_TTL_MS, acknowledgementChoices, canAcknowledge } from '../../src/domain/acknowledgements';
import { workingDaysDueAt } from '../../src/domain/sla';

describe('a partner acknowledging a redirect', () => {
  it('goes sent → received → accepted or declined; accepted and declined are final', () => {
    expect(acknowledgementChoices('sent')).toEqual(['received', 'accepted', 'declined']);
    expect(acknowledgementChoices('received')).toEqual(['accepted', 'declined']);
    expect(acknowledgementChoices('accepted')).toEqual([]);
    expect(acknowledgementChoices('declined')).toEqual([]);
    expect(canAcknowledge('sent', 'received')).toBe(true);
    expect(canAcknowledge('received', 'received')).toBe(false);
    expect(canAcknowledge('accepted', 'declined')).toBe(false);
  });

  it('is due at the end of the Nth working day, skipping weekends and holidays', () => {
    // Friday 6 March 2026, 10:00 WIB → 2 working days: Monday 9 is a holiday, so Wednesday 11, end of day WIB.
    const friday = new Date('2026-03-06T03:00:00Z');
    expect(workingDaysDueAt(friday, 2, new Set(['2026-03-09'])).toISOString()).toBe('2026-03-11T16:59:59.999Z');
    expect(workingDaysDueAt(friday, 2, new Set()).toISOString()).toBe('2026-03-10T16:59:59.999Z');
  });
});

describe('acknowledgement links', () => {
  const key = Buffer.alloc(32, 7);
  const links = createAcknowledgementLinks(key, 'https://lentera.test');
  const at = new Date('2026-03-02T03:00:00Z');

  it('carry the redirect and an expiry, signed', () => {
    const { token, expiresAt } = links.issue(42, at);
    expect(expiresAt.getTime()).toBe(at.getTime() + ACKNOWLEDGEMENT_LINK_TTL_MS);
    expect(links.check(token, at)).toEqual({ ok: true, kind: 'redirect', id: 42, expiresAt });
    expect(links.url(token, 'declined')).toBe(`https://lentera.test/ack/${token}?answer=declined`);
  });

  it('are forged when any part is changed, or signed under another key', () => {
    const { token } = links.issue(42, at);
    const [id, expiry, signature] = token.split('.') as [string, string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const forged of [
      `43.${expiry}.${signature}`,
      `${id}.${Number(expiry) + 86400}.${signature}`,
      `${id}.${expiry}.${flip(signature, 0)}`,
      `${id}.${expiry}.${flip(signature, signature.length - 1)}`,
      `${id}.${expiry}`,
      'garbage',
      '',
      createAcknowledgementLinks(Buffer.alloc(32, 8), 'https://lentera.test').issue(42, at).token,
    ]) {
      expect(links.check(forged, at)).toEqual({ ok: false, problem: 'forged' });
    }
  });

  it('carry their kind: a case referral link is its own, and never passes for a redirect', () => {
    const { token, expiresAt } = links.issue(42, at, 'case_referral');
    expect(token.startsWith('c42.')).toBe(true);
    expect(links.check(token, at)).toEqual({ ok: true, kind: 'case_referral', id: 42, expiresAt });
    expect(links.check(token.slice(1), at)).toEqual({ ok: false, problem: 'forged' });
    expect(links.check(`c${links.issue(42, at).token}`, at)).toEqual({ ok: false, problem: 'forged' });
  });

  it('expire after 14 days — and a forged one is forged whatever its date says', () => {
    const { token } = links.issue(42, at);
    expect(links.check(token, new Date(at.getTime() + ACKNOWLEDGEMENT_LINK_TTL_MS - 1000)).ok).toBe(true);
    expect(links.check(token, new Date(at.getTime() + ACKNOWLEDGEMENT_LINK_TTL_MS))).toEqual({ ok: false, problem: 'expired' });
    expect(
      links.check(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, new Date(at.getTime() + ACKNOWLEDGEMENT_LINK_TTL_MS)),
    ).toEqual({
      ok: false,
      problem: 'forged',
    });
  });
});
