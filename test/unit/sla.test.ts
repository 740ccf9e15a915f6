import { addWorkingDays, isWorkingDay, jakartaDate, triageDueAt } from '../../src/domain/sla';

const targets = { immediateHours: 2, urgentWorkingDays: 1, normalWorkingDays: 3 };
const none = new Set<string>();

describe('triage clock (Asia/Jakarta working days)', () => {
  it('reads the calendar date in Jakarta, not UTC', () => {
    expect(jakartaDate(new Date('2026-11-27T16:59:59Z'))).toBe('2026-11-27');
    expect(jakartaDate(new Date('2026-11-27T17:00:00Z'))).toBe('2026-11-28');
  });

  it('skips weekends and holidays', () => {
    expect(isWorkingDay('2026-11-27', none)).toBe(true); // Friday
    expect(isWorkingDay('2026-11-28', none)).toBe(false); // Saturday
    expect(isWorkingDay('2026-12-25', new Set(['2026-12-25']))).toBe(false);
    expect(addWorkingDays('2026-11-27', 1, none)).toBe('2026-11-30');
    expect(addWorkingDays('2026-12-24', 1, new Set(['2026-12-25']))).toBe('2026-12-28');
  });

  it('gives immediate reports two clock hours, whatever the day', () => {
    const filed = new Date('2026-11-28T03:00:00Z'); // Saturday
    expect(triageDueAt(filed, 'immediate', targets, none).toISOString()).toBe('2026-11-28T05:00:00.000Z');
  });

  it('ends urgent and normal targets at the end of the Nth working day, Jakarta time', () => {
    const friday = new Date('2026-11-27T02:00:00Z'); // Friday 09:00 WIB
    expect(triageDueAt(friday, 'urgent', targets, none).toISOString()).toBe('2026-11-30T16:59:59.999Z');
    expect(triageDueAt(friday, 'normal', targets, none).toISOString()).toBe('2026-12-02T16:59:59.999Z');
    const lateFridayUtcIsSaturdayInJakarta = new Date('2026-11-27T18:00:00Z');
    expect(triageDueAt(lateFridayUtcIsSaturdayInJakarta, 'urgent', targets, none).toISOString()).toBe('2026-11-30T16:59:59.999Z');
    expect(triageDueAt(friday, 'urgent', targets, new Set(['2026-11-30'])).toISOString()).toBe('2026-12-01T16:59:59.999Z');
  });
});
