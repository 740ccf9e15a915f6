import type { NewReport, ReportRepository } from '../data/reportRepository';
import type { ReportTimelineRepository } from '../data/reportTimelineRepository';
import type { HolidayRepository } from '../data/holidayRepository';
import { jakartaDate, triageDueAt, type TriageTargets } from '../domain/sla';
import type { Notifications } from './notifications';

export interface IntakeDeps {
  reports: ReportRepository;
  timeline: ReportTimelineRepository;
  holidays: HolidayRepository;
  triageTargets: TriageTargets;
  notify: Pick<Notifications, 'urgentReport'>;
}

export type IncomingReport = Omit<NewReport, 'reference' | 'status' | 'slaDueAt' | 'createdAt'>;

/**
 * What every report goes through on arrival, from a resident or a department: a reference of the
 * year, status `new`, a triage due time on the working-day clock, the first timeline event, and
 * for an immediate or urgent one an email to triage.
 */
export function createIntake({ reports, timeline, holidays, triageTargets, notify }: IntakeDeps) {
  return {
    /** Call inside the transaction that stores whatever else arrives with the report. */
    file(report: IncomingReport, at: Date): { id: number; reference: string } {
      const dueAt = triageDueAt(at, report.urgency, triageTargets, holidays.datesFrom(jakartaDate(at)));
      const reference = reports.allocateReference(Number(jakartaDate(at).slice(0, 4)));
      const id = reports.insert({ ...report, reference, status: 'new', slaDueAt: dueAt, createdAt: at });
      timeline.addEvent(id, 'submitted', 'new', at);
      notify.urgentReport(reference, report.urgency, at);
      return { id, reference };
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
