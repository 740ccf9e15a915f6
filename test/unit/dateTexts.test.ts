import { formatDateTime, formatDuration } from '../../src/i18n';

describe('dates and durations as a reader sees them (kept once formatted)', () => {
  it('writes an instant on the Jakarta clock, the same for every instant of that minute', () => {
    expect(formatDateTime('id', new Date('2026-12-01T07:05:00Z'))).toBe('1 Desember 2026 pukul 14.05 WIB');
    expect(formatDateTime('id', new Date('2026-12-01T07:05:59.999Z'))).toBe('1 Desember 2026 pukul 14.05 WIB');
    expect(formatDateTime('id', new Date('2026-12-01T07:06:00Z'))).toBe('1 Desember 2026 pukul 14.06 WIB');
    expect(formatDateTime('en', new Date('2026-12-01T07:05:00Z'))).toBe('1 December 2026 at 14:05 WIB');
  });

  it('changes the day at midnight in Jakarta, not in UTC', () => {
    expect(formatDateTime('en', new Date('2026-12-01T16:59:59Z'), false)).toBe('Tuesday, 1 December 2026');
    expect(formatDateTime('en', new Date('2026-12-01T17:00:00Z'), false)).toBe('Wednesday, 2 December 2026');
    expect(formatDateTime('id', new Date('2026-12-01T17:00:00Z'), false)).toBe('Rabu, 2 Desember 2026');
  });

  it('gives each unit its own text, in each language', () => {
    expect(formatDuration('id', 5 * 60_000)).toBe('5 menit');
    expect(formatDuration('id', 5 * 3_600_000)).toBe('5 jam');
    expect(formatDuration('id', 5 * 86_400_000)).toBe('5 hari');
    expect(formatDuration('en', 5 * 3_600_000)).toBe('5 hours');
    expect(formatDuration('en', 5 * 86_400_000)).toBe('5 days');
  });
});
