import { addCounts, describeCounts, isCasePurgeable, isReportPurgeable, noCounts, purgeableStatuses, retentionCutoff } from '../../src/domain/retention';

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
    expect(c).toEqual({ reports: 3, messages: 1, redirects: 0, referrals: 0, cases: 0, caseEvents: 0, emails: 3 });
    expect(describeCounts(c, true)).toMatch(/^Would purge 3 report\(s\)/);
    expect(describeCounts(c, false)).toMatch(/^Purged 3 report\(s\)/);
  });
});
