/**
 * Who a report's "Ditangani oleh / Handled by" names. Once it is accepted into a case, the case's
 * social worker does the work (the triage officer's claim is history by then); until a supervisor
 * assigns one, the page says so. Before that, whoever claimed it.
 */
export type HandledBy = { kind: 'person'; name: string } | { kind: 'case_unassigned' } | { kind: 'nobody' };

export function handledBy(report: { caseId: number | null; caseAssigneeName: string | null; claimedByName: string | null }): HandledBy {
  if (report.caseId !== null)
    return report.caseAssigneeName === null ? { kind: 'case_unassigned' } : { kind: 'person', name: report.caseAssigneeName };
  return report.claimedByName === null ? { kind: 'nobody' } : { kind: 'person', name: report.claimedByName };
}
