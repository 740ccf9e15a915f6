import type { Transactor } from '../data/transaction';
import type { HolidayRepository } from '../data/holidayRepository';
import type { Holiday } from '../domain/holidays';
import type { AuditRepository } from '../data/auditRepository';
import { jakartaDate } from '../domain/sla';
import { done, refuse, type Outcome } from '../domain/outcome';

export interface HolidayServiceDeps {
  transaction: Transactor;
  holidays: HolidayRepository;
  audit: AuditRepository;
  now: () => Date;
}

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

    /** Refused (`date_taken`) when the date is a holiday already. */
    add(actorAccountId: number, holiday: Holiday): Outcome<object, 'date_taken'> {
      const at = now();
      return transaction((): Outcome<object, 'date_taken'> => {
        if (!holidays.add(holiday)) return refuse('date_taken');
        audit.append({ actorAccountId, action: 'holiday.added', subjectType: 'holiday', subjectId: holiday.date }, at);
        return done();
      });
    },

    /** Refused (`not_found`) when the date was not a holiday (already removed, perhaps in another tab). */
    remove(actorAccountId: number, date: string): Outcome<object, 'not_found'> {
      const at = now();
      return transaction((): Outcome<object, 'not_found'> => {
        if (!holidays.remove(date)) return refuse('not_found');
        audit.append({ actorAccountId, action: 'holiday.removed', subjectType: 'holiday', subjectId: date }, at);
        return done();
      });
    },
  };
}

export type HolidayService = ReturnType<typeof createHolidayService>;
