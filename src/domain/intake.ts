import { INTAKE_RECEIVED_MAX_DAYS } from './limits';
import type { IntakeChannel } from './reference';

/**
 * Reports received at the office (/staff/intake): when the office received one is typed as a
 * Jakarta wall-clock time (WIB, UTC+7 all year), the zone of the office and of the triage clock.
 */
const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** `YYYY-MM-DDTHH:MM` (a datetime-local field) read as Jakarta time, or null when it is not one. */
export function jakartaLocalToInstant(value: string): Date | null {
  const m = LOCAL_TIME.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(utc);
  // Date.UTC rolls 31 February over into March: such a date is not one.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) {
    return null;
  }
  return new Date(utc - JAKARTA_OFFSET_MS);
}

/** An instant as a datetime-local value in Jakarta time, to the minute (seconds dropped, never rounded up). */
export function instantToJakartaLocal(instant: Date): string {
  return new Date(instant.getTime() + JAKARTA_OFFSET_MS).toISOString().slice(0, 16);
}

/** What is wrong with a time of receipt, if anything: in the future, or older than INTAKE_RECEIVED_MAX_DAYS. */
export function receivedTimeProblem(receivedAt: Date, now: Date): 'received_future' | 'received_too_old' | null {
  if (receivedAt.getTime() > now.getTime()) return 'received_future';
  if (now.getTime() - receivedAt.getTime() > INTAKE_RECEIVED_MAX_DAYS * 24 * 60 * 60 * 1000) return 'received_too_old';
  return null;
}

/** How a report recorded at the office came in, for the report page. Its time of receipt is the report's `createdAt`. */
export interface IntakeDetail {
  channel: IntakeChannel;
  takenById: number;
  takenByName: string;
  recordedById: number;
  recordedByName: string;
  recordedAt: Date;
}
