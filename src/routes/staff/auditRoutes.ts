import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AuditFilters } from '../../domain/auditLog';
import type { AuditLogService, AuditLogPage } from '../../services/auditLogService';
import { isCalendarDate, startOfJakartaDay, startOfNextJakartaDay } from '../../domain/calendarDate';
import { AUDIT_SUBJECT_ID_MAX } from '../../domain/limits';
import { requireRole } from '../../middleware/currentAccount';
import { errorsByField, formErrors, textValue, type FieldIssue, type FormError } from '../formErrors';

export const AUDIT_PATH = '/staff/audit';

const filterFieldOrder = ['action', 'actor', 'subject_type', 'subject_id', 'from', 'to', 'before'] as const;
type FilterValues = Record<(typeof filterFieldOrder)[number], string>;

const code = /^[a-z0-9_.-]{1,100}$/i;
const optional = <T extends z.ZodType<string>>(s: T) => z.union([z.literal(''), s]);

export const filterSchema = z
  .object({
    action: optional(z.string().regex(code, 'action')),
    actor: optional(z.union([z.literal('system'), z.string().regex(/^\d{1,15}$/, 'actor')])),
    subject_type: optional(z.string().regex(code, 'subject_type')),
    subject_id: z.string().trim().max(AUDIT_SUBJECT_ID_MAX, 'subject_id'),
    from: optional(z.string().refine(isCalendarDate, 'from')),
    to: optional(z.string().refine(isCalendarDate, 'to')),
    before: optional(z.string().regex(/^[1-9]\d{0,14}$/, 'before')),
  })
  .refine((v) => v.from === '' || v.to === '' || v.from <= v.to, { path: ['to'], message: 'to_before_from' });

/** Query values as the strings they were (never arrays or objects), to fill the filter form again. */
function filterValues(query: Record<string, unknown>): FilterValues {
  return Object.fromEntries(filterFieldOrder.map((f) => [f, textValue(query[f]).trim()])) as FilterValues;
}

function toFilters(v: FilterValues): AuditFilters {
  const filters: AuditFilters = {};
  if (v.action) filters.action = v.action;
  if (v.actor) filters.actor = v.actor === 'system' ? 'system' : Number(v.actor);
  if (v.subject_type) filters.subjectType = v.subject_type;
  if (v.subject_id) filters.subjectId = v.subject_id;
  if (v.from) filters.fromAt = startOfJakartaDay(v.from).toISOString();
  if (v.to) filters.toAt = startOfNextJakartaDay(v.to).toISOString();
  return filters;
}

/** A link to the log with these filters (empty ones left out). */
function auditHref(values: Partial<FilterValues>): string {
  const params = new URLSearchParams();
  for (const f of filterFieldOrder) if (values[f]) params.set(f, values[f]!);
  const query = params.toString();
  return query ? `${AUDIT_PATH}?${query}` : AUDIT_PATH;
}

/** The filter's choices, plus the value in use when the log has none of it (a link from elsewhere), so the form shows what is applied. */
function choicesIncluding(choices: ReturnType<AuditLogService['filterChoices']>, v: FilterValues) {
  const withValue = (list: string[], value: string) => (value && !list.includes(value) ? [...list, value] : list);
  const actors =
    /^\d+$/.test(v.actor) && !choices.actors.some((a) => String(a.id) === v.actor)
      ? [...choices.actors, { id: Number(v.actor), name: `#${v.actor}`, email: '', active: true }]
      : choices.actors;
  return { actions: withValue(choices.actions, v.action), subjectTypes: withValue(choices.subjectTypes, v.subject_type), actors };
}

/** The audit log, newest first: supervisors and administrators. Each view is itself recorded. */
export function auditRoutes({ auditLog }: { auditLog: AuditLogService }): Router {
  const router = Router();

  function render(res: Response, values: FilterValues, page: AuditLogPage, errors: FormError[]): void {
    const filtersOnly = { ...values, before: '' };
    res.status(errors.length > 0 ? 400 : 200).render('staff/audit', {
      values,
      errors,
      fieldErrors: errorsByField(errors),
      choices: choicesIncluding(auditLog.filterChoices(), values),
      entries: page.entries,
      olderHref: page.olderBefore !== null ? auditHref({ ...filtersOnly, before: String(page.olderBefore) }) : null,
      newestHref: values.before ? auditHref(filtersOnly) : null,
      filtered: filterFieldOrder.some((f) => f !== 'before' && values[f] !== ''),
      // Links from an entry to all events of the same actor or subject.
      actorHref: (actor: number | null) => auditHref({ actor: actor === null ? 'system' : String(actor) }),
      subjectHref: (type: string, id: string | null) => auditHref({ subject_type: type, subject_id: id ?? '' }),
    });
  }

  router.get(AUDIT_PATH, requireRole('supervisor', 'admin'), (req, res) => {
    const values = filterValues(req.query);
    const parsed = filterSchema.safeParse(values);
    if (!parsed.success) {
      const errors = formErrors(parsed.error.issues as FieldIssue[], res.locals.t, 'audit.errors', filterFieldOrder, {
        before: 'before-error',
      });
      return render(res, values, { entries: [], olderBefore: null }, errors);
    }
    const page = auditLog.view(req.account!.id, toFilters(values), values.before ? Number(values.before) : null);
    render(res, values, page, []);
  });

  return router;
}
