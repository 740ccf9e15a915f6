import type { Transactor } from '../data/transaction';
import type { Holiday, HolidayRepository } from '../data/holidayRepository';
import type { AuditRepository } from '../data/auditRepository';
import { jakartaDate } from '../domain/sla';

export interface HolidayServiceDeps {
  transaction: Transactor;
  holidays: HolidayRepository;
  audit: AuditRepository;
  now: () => Date;
}

export type AddHolidayResult = { ok: true } | { ok: false; reason: 'exists' };

/**
 * The administrator's holiday calendar. The triage clock reads it when a report is filed, so a
 * change applies to reports filed from then on; due dates already set are left as they are.
 */
export function createHolidayService(deps: HolidayServiceDeps) {
  const { transaction, holidays, audit, now } = deps;
  return {
    /** Today's date on the Jakarta calendar. */
    today: () => jakartaDate(now()),

    /** Holidays from today on. */
    listUpcoming: () => holidays.listFrom(jakartaDate(now())),

    add(actorAccountId: number, holiday: Holiday): AddHolidayResult {
      const at = now();
      return transaction(() => {
        if (!holidays.add(holiday)) return { ok: false, reason: 'exists' } as const;
        audit.append({ actorAccountId, action: 'holiday.added', subjectType: 'holiday', subjectId: holiday.date }, at);
        return { ok: true } as const;
      });
    },

    /** False when the date was not a holiday (already removed, perhaps in another tab). */
    remove(actorAccountId: number, date: string): boolean {
      const at = now();
      return transaction(() => {
        if (!holidays.remove(date)) return false;
        audit.append({ actorAccountId, action: 'holiday.removed', subjectType: 'holiday', subjectId: date }, at);
        return true;
      });
    },
  };
}

export type HolidayService = ReturnType<typeof createHolidayService>;
