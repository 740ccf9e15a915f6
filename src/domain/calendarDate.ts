/** Calendar dates as the forms take them (YYYY-MM-DD), on the Asia/Jakarta calendar (UTC+7, no DST). */

/** A real calendar date written YYYY-MM-DD (no 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The first instant of a Jakarta calendar day. */
export function startOfJakartaDay(date: string): Date {
  return new Date(`${date}T00:00:00+07:00`);
}

/** The first instant of the Jakarta day after `date`: the exclusive end of a range that includes `date`. */
export function startOfNextJakartaDay(date: string): Date {
  return new Date(startOfJakartaDay(date).getTime() + 24 * 60 * 60 * 1000);
}
