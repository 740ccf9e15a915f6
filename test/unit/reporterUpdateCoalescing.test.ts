import { coalescedDueAt, reporterUpdateCoalescing } from '../../src/domain/outbox';

const MINUTE = 60 * 1000;
const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 3, 0) + minutes * MINUTE);

describe('a reporter\'s "there is news" waits for the end of a sitting', () => {
  const rule = reporterUpdateCoalescing;

  test('each later action moves it to 10 minutes after that action', () => {
    expect(rule).toEqual({ quietMs: 10 * MINUTE, maxWaitMs: 60 * MINUTE });
    // Queued at 0 (due at 10); actions at 4 and 9 move it to 14, then 19.
    expect(coalescedDueAt(rule, at(0), at(10), at(4))).toEqual(at(14));
    expect(coalescedDueAt(rule, at(0), at(14), at(9))).toEqual(at(19));
  });

  test('but never beyond an hour after the first action', () => {
    expect(coalescedDueAt(rule, at(0), at(55), at(58))).toEqual(at(60));
    expect(coalescedDueAt(rule, at(0), at(60), at(75))).toEqual(at(60));
  });

  test('and never earlier than it already is', () => {
    expect(coalescedDueAt(rule, at(0), at(30), at(5))).toEqual(at(30));
  });
});
