import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { TriageTargets } from '../../domain/sla';
import { isCalendarDate } from '../../domain/calendarDate';
import { HOLIDAY_NAME_MAX, HOLIDAY_NAME_MIN } from '../../domain/limits';
import type { HolidayService } from '../../services/holidayService';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import { errorsByField, formErrors, textValue, type FieldIssue, type FormError } from '../formErrors';
import { lineText } from '../../validation/textFields';

export const SETTINGS_PATH = '/staff/settings';
const HOLIDAYS_PATH = `${SETTINGS_PATH}/holidays`;

const holidayFieldOrder = ['date', 'name_id', 'name_en'] as const;
type HolidayFormValues = Record<(typeof holidayFieldOrder)[number], string>;

export const holidaySchema = (today: string) =>
  z.object({
    date: z
      .string()
      .trim()
      .refine(isCalendarDate, 'date')
      .refine((d) => !isCalendarDate(d) || d >= today, 'date_past'),
    name_id: lineText().trim().min(HOLIDAY_NAME_MIN, 'name_id').max(HOLIDAY_NAME_MAX, 'name_long'),
    name_en: lineText().trim().min(HOLIDAY_NAME_MIN, 'name_en').max(HOLIDAY_NAME_MAX, 'name_long'),
  });

/** Settings (administrators only): the holiday calendar of the triage clock, and the triage targets (read-only). */
export function settingsRoutes({
  holidayService,
  triageTargets,
}: {
  holidayService: HolidayService;
  triageTargets: TriageTargets;
}): Router {
  const router = Router();
  const admin = requireRole('admin');

  function render(res: Response, values: HolidayFormValues, errors: FormError[]): void {
    res.status(errors.length > 0 ? 400 : 200).render('staff/settings', {
      holidays: holidayService.listUpcoming(),
      triageTargets,
      values,
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  const formValues = (body: Record<string, unknown> = {}): HolidayFormValues => ({
    date: textValue(body.date),
    name_id: textValue(body.name_id),
    name_en: textValue(body.name_en),
  });

  router.get(SETTINGS_PATH, admin, (_req, res) => render(res, formValues(), []));

  router.post(HOLIDAYS_PATH, admin, (req: Request, res) => {
    const values = formValues(req.body);
    const t = res.locals.t;
    const parsed = holidaySchema(holidayService.today()).safeParse(values);
    if (!parsed.success) {
      return render(res, values, formErrors(parsed.error.issues as FieldIssue[], t, 'settings.errors', holidayFieldOrder));
    }
    const { date, name_id: nameId, name_en: nameEn } = parsed.data;
    const result = holidayService.add(req.account!.id, { date, nameId, nameEn });
    if (!result.ok) return render(res, values, [{ field: 'date', text: t(`settings.errors.${result.problem}`), href: '#date' }]);
    req.session.notice = 'settings.notices.holidayAdded';
    res.redirect(303, SETTINGS_PATH);
  });

  router.post(`${HOLIDAYS_PATH}/:date/remove`, admin, (req, res) => {
    const date = String(req.params.date);
    if (!isCalendarDate(date)) throw new HttpError(404, 'No such holiday');
    // Already gone (another tab, another administrator): the outcome the person wanted, said plainly.
    req.session.notice = holidayService.remove(req.account!.id, date).ok
      ? 'settings.notices.holidayRemoved'
      : 'settings.notices.holidayAlreadyGone';
    res.redirect(303, SETTINGS_PATH);
  });

  return router;
}
