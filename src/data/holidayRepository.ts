import type { Db } from './db';
import type { Holiday } from '../domain/holidays';

interface HolidayRow {
  date: string;
  name_id: string;
  name_en: string;
}

const toHoliday = (r: HolidayRow): Holiday => ({ date: r.date, nameId: r.name_id, nameEn: r.name_en });

/** The holiday calendar of the working-day clock. */
export function createHolidayRepository(db: Db) {
  const from = db.prepare('SELECT date FROM holidays WHERE date >= ? ORDER BY date').pluck();
  const listFrom = db.prepare('SELECT date, name_id, name_en FROM holidays WHERE date >= ? ORDER BY date');
  const byDate = db.prepare('SELECT date, name_id, name_en FROM holidays WHERE date = ?');
  const insert = db.prepare('INSERT INTO holidays (date, name_id, name_en) VALUES (@date, @nameId, @nameEn) ON CONFLICT (date) DO NOTHING');
  const remove = db.prepare('DELETE FROM holidays WHERE date = ?');
  return {
    /** Holidays on or after a date (YYYY-MM-DD); the table holds a few dozen rows a year. */
    datesFrom(date: string): Set<string> {
      return new Set(from.all(date) as string[]);
    },

    /** Holidays on or after a date, with their names, in date order. */
    listFrom(date: string): Holiday[] {
      return (listFrom.all(date) as HolidayRow[]).map(toHoliday);
    },

    find(date: string): Holiday | undefined {
      const row = byDate.get(date) as HolidayRow | undefined;
      return row ? toHoliday(row) : undefined;
    },

    /** False when the date is already a holiday. */
    add(holiday: Holiday): boolean {
      return insert.run(holiday).changes === 1;
    },

    /** False when the date was not a holiday. */
    remove(date: string): boolean {
      return remove.run(date).changes === 1;
    },
  };
}

export type HolidayRepository = ReturnType<typeof createHolidayRepository>;
