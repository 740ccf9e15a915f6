import {
  addCounts,
  describeCounts,
  idempotencyKeyCutoff,
  isCasePurgeable,
  isMailFilePurgeable,
  isReportPurgeable,
  noCounts,
  purgeableStatuses,
  retentionCutoff,
} from '../../src/domain/retention';

describe('retention rules', () => {
  const cutoff = retentionCutoff(new Date('2026-03-01T00:00:00Z'), 30);

  it('puts the cutoff RETENTION_DAYS before now, as stored timestamps are written', () => {
    expect(cutoff).toBe('2026-01-30T00:00:00.000Z');
    expect(() => retentionCutoff(new Date(), 0)).toThrow();
  });

  it('purges only decided reports, decided before the cutoff', () => {
    expect(purgeableStatuses).toEqual(['accepted', 'redirected', 'duplicate', 'closed']);
    const old = { decidedAt: '2026-01-29T23:59:59.999Z', caseId: null, caseClosedAt: null };
    expect(isReportPurgeable({ ...old, status: 'closed' }, cutoff)).toBe(true);
    expect(isReportPurgeable({ ...old, status: 'closed', decidedAt: cutoff }, cutoff)).toBe(false);
    expect(isReportPurgeable({ ...old, status: 'closed', decidedAt: null }, cutoff)).toBe(false);
    for (const status of ['new', 'in_review', 'awaiting_info'] as const) expect(isReportPurgeable({ ...old, status }, cutoff)).toBe(false);
  });

  it('keeps a report while its case is open or closed too recently', () => {
    const accepted = { status: 'accepted' as const, decidedAt: '2025-01-01T00:00:00.000Z', caseId: 7 };
    expect(isReportPurgeable({ ...accepted, caseClosedAt: null }, cutoff)).toBe(false);
    expect(isReportPurgeable({ ...accepted, caseClosedAt: '2026-02-15T00:00:00.000Z' }, cutoff)).toBe(false);
    expect(isReportPurgeable({ ...accepted, caseClosedAt: '2026-01-01T00:00:00.000Z' }, cutoff)).toBe(true);
  });

  it('purges a case closed long enough with no report left', () => {
    expect(isCasePurgeable({ closedAt: '2026-01-01T00:00:00.000Z', remainingReports: 0 }, cutoff)).toBe(true);
    expect(isCasePurgeable({ closedAt: '2026-01-01T00:00:00.000Z', remainingReports: 1 }, cutoff)).toBe(false);
    expect(isCasePurgeable({ closedAt: null, remainingReports: 0 }, cutoff)).toBe(false);
  });

  it('adds and describes counts', () => {
    const c = addCounts(addCounts(noCounts(), { reports: 2, messages: 1 }), { reports: 1, emails: 3 });
    expect(c).toEqual({
      reports: 3,
      messages: 1,
      attachments: 0,
      redirects: 0,
      referrals: 0,
      cases: 0,
      caseEvents: 0,
      emails: 3,
      mailFiles: 0,
      idempotencyKeys: 0,
    });
    expect(describeCounts(c, true)).toMatch(/^Would purge 3 report\(s\)/);
    expect(describeCounts(c, false)).toMatch(/^Purged 3 report\(s\)/);
    expect(describeCounts({ ...c, mailFiles: 4, idempotencyKeys: 2 }, false)).toContain(
      '\nPurged 4 email file(s) from the mail folder and 2 expired API Idempotency-Key(s).',
    );
  });

  it('deletes an email file once its row is gone, once sent long enough ago, or when it is a leftover temporary file', () => {
    const keep = '2026-02-22T00:00:00.000Z';
    const sent = { status: 'sent' as const, sentAt: '2026-02-21T00:00:00.000Z', purgeable: false };
    const eml = { temporary: false };
    const tmp = { temporary: true };
    expect(isMailFilePurgeable(eml, null, keep)).toBe(true);
    expect(isMailFilePurgeable(eml, { ...sent, purgeable: true, sentAt: '2026-02-25T00:00:00.000Z' }, keep)).toBe(true);
    expect(isMailFilePurgeable(eml, sent, keep)).toBe(true);
    expect(isMailFilePurgeable(eml, { ...sent, sentAt: '2026-02-23T00:00:00.000Z' }, keep)).toBe(false);
    // Waiting to be sent (again): the next attempt writes it, so it stays.
    expect(isMailFilePurgeable(eml, { status: 'pending', sentAt: null, purgeable: false }, keep)).toBe(false);
    expect(isMailFilePurgeable(tmp, { status: 'pending', sentAt: null, purgeable: false }, keep)).toBe(false);
    expect(isMailFilePurgeable(tmp, { ...sent, sentAt: '2026-02-28T00:00:00.000Z' }, keep)).toBe(true);
    expect(isMailFilePurgeable(tmp, { status: 'failed', sentAt: null, purgeable: false }, keep)).toBe(true);
  });

  it('keeps Idempotency-Keys a week, and never longer than RETENTION_DAYS', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(idempotencyKeyCutoff(now, 730)).toBe('2026-02-22T00:00:00.000Z');
    expect(idempotencyKeyCutoff(now, 2)).toBe('2026-02-27T00:00:00.000Z');
  });
});
