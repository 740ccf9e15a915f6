import { isOpen, nextStatus, reportStatuses, statusAfterReporterMessage, type ReportEvent } from '../../src/domain/reportStatus';

describe('report lifecycle', () => {
  it('moves a new report through review to a decision', () => {
    expect(nextStatus('new', 'claim')).toBe('in_review');
    expect(nextStatus('in_review', 'ask_reporter')).toBe('awaiting_info');
    expect(nextStatus('awaiting_info', 'reporter_replied')).toBe('in_review');
    expect(nextStatus('in_review', 'accept')).toBe('accepted');
    expect(nextStatus('in_review', 'redirect')).toBe('redirected');
    expect(nextStatus('new', 'mark_duplicate')).toBe('duplicate');
    expect(nextStatus('awaiting_info', 'close')).toBe('closed');
  });

  it('refuses a second decision; only reopening leaves a decided state', () => {
    const decisions: ReportEvent[] = ['accept', 'redirect', 'mark_duplicate', 'close', 'claim', 'ask_reporter'];
    for (const decided of ['accepted', 'redirected', 'duplicate', 'closed'] as const) {
      for (const event of decisions) expect(nextStatus(decided, event)).toBeNull();
      expect(nextStatus(decided, 'reopen')).toBe('in_review');
      expect(isOpen(decided)).toBe(false);
    }
  });

  it('a reporter message reopens only a report that was waiting on them', () => {
    expect(statusAfterReporterMessage('awaiting_info')).toBe('in_review');
    for (const s of reportStatuses.filter((s) => s !== 'awaiting_info')) expect(statusAfterReporterMessage(s)).toBe(s);
  });
});
