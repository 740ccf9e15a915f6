import type { Urgency } from './reference';

/**
 * The triage clock (DESIGN.md, "Triage targets"), counted on the Asia/Jakarta calendar
 * (UTC+7 all year, no daylight saving). `immediate` is counted in clock hours, because someone
 * is in danger now; the others in working days (Monday to Friday, minus holidays), due at the
 * end of the last working day so that a reporter can be told a date.
 */
export interface TriageTargets {
  immediateHours: number;
  urgentWorkingDays: number;
  normalWorkingDays: number;
}

const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The Jakarta calendar date of an instant, as YYYY-MM-DD. */
export function jakartaDate(instant: Date): string {
  return new Date(instant.getTime() + JAKARTA_OFFSET_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Nth working day after `date` (N ≥ 1). */
export function addWorkingDays(date: string, n: number, holidays: ReadonlySet<string>): string {
  let day = date;
  let left = n;
  while (left > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) left -= 1;
  }
  return day;
}

/** The last instant of a Jakarta calendar day. */
function endOfJakartaDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - JAKARTA_OFFSET_MS - 1);
}

/** When triage of a report filed at `filedAt` is due. */
export function triageDueAt(filedAt: Date, urgency: Urgency, targets: TriageTargets, holidays: ReadonlySet<string>): Date {
  if (urgency === 'immediate') return new Date(filedAt.getTime() + targets.immediateHours * 60 * 60 * 1000);
  const days = urgency === 'urgent' ? targets.urgentWorkingDays : targets.normalWorkingDays;
  return endOfJakartaDay(addWorkingDays(jakartaDate(filedAt), days, holidays));
}

/** The end of the Nth working day after `from` (Jakarta calendar): when a partner should have acknowledged a redirect. */
export function workingDaysDueAt(from: Date, days: number, holidays: ReadonlySet<string>): Date {
  return endOfJakartaDay(addWorkingDays(jakartaDate(from), days, holidays));
}
