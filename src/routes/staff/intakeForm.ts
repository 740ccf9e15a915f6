import { z } from 'zod';
import type { AreaDirectory } from '../../domain/areas';
import { intakeChannels } from '../../domain/reference';
import { instantToJakartaLocal, jakartaLocalToInstant, receivedTimeProblem } from '../../domain/intake';
import { isLocale, type Locale } from '../../domain/locales';
import type { StaffIntakeInput } from '../../services/staffIntakeService';
import type { Translate } from '../../i18n';
import { errorText, textValue, type FieldIssue, type FormError } from '../formErrors';
import { parseReportForm, reportFieldAnchors, reportFieldOrder, reportFormValues, type ReportFormValues } from '../public/reportForm';

/**
 * The staff intake form (/staff/intake): how the report came in, then the public form's own fields
 * (validated by the public form's parser, reportForm.ts), then whether to give a receipt.
 */
export const intakeFieldOrder = [
  'channel',
  'received_at',
  'taken_by',
  'language',
  ...reportFieldOrder.filter((f) => f !== 'wants_contact'),
  'give_receipt',
] as const;

export const intakeFieldAnchors: Record<string, string> = {
  ...reportFieldAnchors,
  channel: `channel-${intakeChannels[0]}`,
  language: 'language-id',
};

export type IntakeFormValues = ReportFormValues & {
  channel: string;
  received_at: string;
  taken_by: string;
  language: string;
  give_receipt: string;
};

/** What the officer typed, as plain strings; a new form gets the time now, the officer and `language`. */
export function intakeFormValues(
  body: Record<string, unknown> | undefined,
  defaults: { now: Date; accountId: number; language: Locale },
): IntakeFormValues {
  if (body === undefined) {
    return {
      ...reportFormValues(),
      wants_contact: 'no',
      channel: '',
      received_at: instantToJakartaLocal(defaults.now),
      taken_by: String(defaults.accountId),
      language: defaults.language,
      give_receipt: '',
    };
  }
  return {
    ...reportFormValues(body),
    // The reporter's consent is one checkbox: unticked, her contact details are neither checked nor kept.
    wants_contact: body.wants_contact === 'yes' ? 'yes' : 'no',
    channel: textValue(body.channel),
    received_at: textValue(body.received_at),
    taken_by: textValue(body.taken_by),
    language: textValue(body.language),
    give_receipt: body.give_receipt === 'yes' ? 'yes' : '',
  };
}

const intakeSchema = z.object({
  channel: z.enum(intakeChannels, { error: 'channel' }),
  taken_by: z
    .string()
    .regex(/^\d{1,12}$/, 'taken_by')
    .transform(Number),
});

export type IntakeFormResult = { ok: true; input: StaffIntakeInput } | { ok: false; issues: FieldIssue[] };

/** Server-side validation; each issue's message is a key under intake.errors (or report.errors for the report's own fields). */
export function parseIntakeForm(values: IntakeFormValues, areas: AreaDirectory, now: Date): IntakeFormResult {
  const issues: FieldIssue[] = [];
  const own = intakeSchema.safeParse(values);
  if (!own.success) issues.push(...own.error.issues);
  const receivedAt = jakartaLocalToInstant(values.received_at);
  if (receivedAt === null) issues.push({ path: ['received_at'], message: 'received_at' });
  else {
    const problem = receivedTimeProblem(receivedAt, now);
    if (problem) issues.push({ path: ['received_at'], message: problem });
  }
  if (!isLocale(values.language)) issues.push({ path: ['language'], message: 'language' });
  const locale: Locale = isLocale(values.language) ? values.language : 'id';
  const report = parseReportForm(values, areas, locale);
  // The report's own fields keep their messages from the public form (report.errors.*).
  if (!report.ok) issues.push(...report.issues.map((i) => ({ ...i, message: `${REPORT_MESSAGE}${i.message}` })));
  if (issues.length > 0 || !report.ok || !own.success || receivedAt === null) return { ok: false, issues };
  return {
    ok: true,
    input: {
      report: report.input,
      channel: own.data.channel,
      receivedAt,
      takenBy: own.data.taken_by,
      giveReceipt: values.give_receipt === 'yes',
    },
  };
}

const REPORT_MESSAGE = 'report:';

/** The error summary's entries, in the form's order, one per field: the report's own fields say what the public form says. */
export function intakeFormErrors(issues: readonly FieldIssue[], t: Translate): FormError[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  const order: readonly string[] = intakeFieldOrder;
  return [...order, 'form']
    .filter((f) => byField.has(f))
    .map((f) => {
      const message = byField.get(f)!;
      const text = message.startsWith(REPORT_MESSAGE)
        ? errorText(t, 'report.errors', message.slice(REPORT_MESSAGE.length))
        : errorText(t, 'intake.errors', message);
      return { field: f, text, href: `#${intakeFieldAnchors[f] ?? f}` };
    });
}
