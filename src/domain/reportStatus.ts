/**
 * The report lifecycle (DESIGN.md, "Report lifecycle"): the one table of allowed transitions.
 * Services ask it; nobody sets a status string by hand.
 */
export const reportStatuses = ['new', 'in_review', 'awaiting_info', 'accepted', 'redirected', 'duplicate', 'closed'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

export type ReportEvent =
  'claim' | 'release' | 'ask_reporter' | 'reporter_replied' | 'accept' | 'redirect' | 'mark_duplicate' | 'close' | 'reopen';

const decisions: ReportEvent[] = ['accept', 'redirect', 'mark_duplicate', 'close'];
const decisionTarget: Partial<Record<ReportEvent, ReportStatus>> = {
  accept: 'accepted',
  redirect: 'redirected',
  mark_duplicate: 'duplicate',
  close: 'closed',
};

const transitions: Record<ReportStatus, Partial<Record<ReportEvent, ReportStatus>>> = {
  new: { claim: 'in_review', ask_reporter: 'awaiting_info', ...pick(decisions) },
  in_review: { release: 'new', ask_reporter: 'awaiting_info', ...pick(decisions) },
  awaiting_info: { reporter_replied: 'in_review', ...pick(decisions) },
  accepted: { reopen: 'in_review' },
  redirected: { reopen: 'in_review' },
  duplicate: { reopen: 'in_review' },
  closed: { reopen: 'in_review' },
};

function pick(events: ReportEvent[]): Partial<Record<ReportEvent, ReportStatus>> {
  return Object.fromEntries(events.map((e) => [e, decisionTarget[e]]));
}

/** The status after `event`, or null when the event is not allowed from `from`. */
export function nextStatus(from: ReportStatus, event: ReportEvent): ReportStatus | null {
  return transitions[from][event] ?? null;
}

export const openStatuses: readonly ReportStatus[] = ['new', 'in_review', 'awaiting_info'];

export function isOpen(status: ReportStatus): boolean {
  return openStatuses.includes(status);
}

export function isReportStatus(value: string): value is ReportStatus {
  return (reportStatuses as readonly string[]).includes(value);
}

/** A reply from the reporter moves a report waiting on them back to review; otherwise it stays. */
export function statusAfterReporterMessage(status: ReportStatus): ReportStatus {
  return nextStatus(status, 'reporter_replied') ?? status;
}
