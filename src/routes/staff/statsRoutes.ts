import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AreaDirectory } from '../../domain/areas';
import { isCalendarDate } from '../../domain/calendarDate';
import { STATS_RANGE_MAX_YEARS } from '../../domain/limits';
import type { Locale } from '../../i18n';
import { requireRole } from '../../middleware/currentAccount';
import type { StatsRange, StatsService, StatsSummary, StatsViewer } from '../../services/statsService';
import { errorsByField, formErrors, textValue, type FieldIssue, type FormError } from '../formErrors';

export const STATS_PATH = '/staff/stats';
export const STATS_CSV_PATH = '/staff/stats.csv';

const fieldOrder = ['from', 'to'] as const;
type RangeValues = Record<(typeof fieldOrder)[number], string>;

/** The day a range may no longer reach: STATS_RANGE_MAX_YEARS after its first (from 2021-03-15, the last day allowed is 2026-03-14). */
function longestRangeEnd(date: string): string {
  return `${String(Number(date.slice(0, 4)) + STATS_RANGE_MAX_YEARS).padStart(4, '0')}${date.slice(4)}`;
}

export const rangeSchema = z
  .object({
    from: z.string().refine(isCalendarDate, 'from'),
    to: z.string().refine(isCalendarDate, 'to'),
  })
  .refine((v) => v.from <= v.to, { path: ['to'], message: 'to_before_from' })
  .refine((v) => v.to < longestRangeEnd(v.from), { path: ['to'], message: 'too_long' });

/** Today on the Jakarta calendar (UTC+7, no DST). */
function jakartaToday(now: Date): string {
  return new Date(now.getTime() + 7 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The default range: the first day of the month eleven months back (twelve calendar months) to today. */
export function defaultRange(now: Date): StatsRange {
  const to = jakartaToday(now);
  const y = Number(to.slice(0, 4));
  const m = Number(to.slice(5, 7)) - 11;
  const start = new Date(Date.UTC(y, m - 1, 1));
  return { from: start.toISOString().slice(0, 10), to };
}

/** The query's dates as the strings they were; an empty one takes the default. */
function rangeValues(query: Record<string, unknown>, now: Date): RangeValues {
  const defaults = defaultRange(now);
  const from = textValue(query.from).trim();
  const to = textValue(query.to).trim();
  return { from: from || defaults.from, to: to || defaults.to };
}

/** Statistics of reports (codes and counts only) for supervisors and administrators, with a CSV export. */
export function statsRoutes({ statsService, areas, now }: { statsService: StatsService; areas: AreaDirectory; now: () => Date }): Router {
  const router = Router();
  const guard = requireRole('supervisor', 'admin');

  function viewerOf(req: Request, res: Response): StatsViewer {
    return { accountId: req.account!.id, locale: res.locals.locale as Locale, t: res.locals.t, areas };
  }

  function validate(req: Request, res: Response): { values: RangeValues; errors: FormError[] } {
    const values = rangeValues(req.query, now());
    const parsed = rangeSchema.safeParse(values);
    const errors = parsed.success ? [] : formErrors(parsed.error.issues as FieldIssue[], res.locals.t, 'stats.errors', fieldOrder);
    return { values, errors };
  }

  function render(res: Response, values: RangeValues, summary: StatsSummary | null, errors: FormError[]): void {
    const locale = res.locals.locale as Locale;
    const number = new Intl.NumberFormat(locale === 'id' ? 'id-ID' : 'en-GB', { maximumFractionDigits: 1 });
    res.status(errors.length > 0 ? 400 : 200).render('staff/stats', {
      values,
      errors,
      fieldErrors: errorsByField(errors),
      summary,
      formatNumber: (n: number) => number.format(n),
      csvHref: `${STATS_CSV_PATH}?${new URLSearchParams(values).toString()}`,
    });
  }

  router.get(STATS_PATH, guard, (req, res) => {
    const { values, errors } = validate(req, res);
    if (errors.length > 0) return render(res, values, null, errors);
    render(res, values, statsService.summary(viewerOf(req, res), values), []);
  });

  router.get(STATS_CSV_PATH, guard, (req, res) => {
    const { values, errors } = validate(req, res);
    if (errors.length > 0) return render(res, values, null, errors);
    const body = statsService.csv(viewerOf(req, res), values);
    res
      .status(200)
      .set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="lentera-statistik-${values.from}-${values.to}.csv"`,
        'Cache-Control': 'no-store',
      })
      .send(body);
  });

  return router;
}
