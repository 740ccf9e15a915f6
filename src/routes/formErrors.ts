import type { Translate } from '../i18n';
import { SHARED_ERRORS } from '../validation/textFields';

/** One error in the GOV.UK error-summary pattern: the text, and a link to the field. */
export interface FormError {
  field: string;
  text: string;
  href: string;
}

/** A validation issue (zod's, or one of our own): the field is the first part of the path. */
export interface FieldIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** The locale key of an issue's message: a shared one as it is, any other under the form's `prefix`. */
export function errorKey(prefix: string, message: string): string {
  return message.startsWith(`${SHARED_ERRORS}.`) ? message : `${prefix}.${message}`;
}

/**
 * Said of a field whose issue has no text in the locale files — a zod default such as "Invalid
 * input" that a schema forgot to name. A page never shows a raw key; test/unit/formErrorKeys.test.ts
 * walks every form's schema so that this stays a safety net, not a message anyone reads.
 */
export const FALLBACK_ERROR = `${SHARED_ERRORS}.invalid`;

/** The text of an issue's message (see errorKey), or the fallback when the locale files have none. */
export function errorText(t: Translate, prefix: string, message: string): string {
  const key = errorKey(prefix, message);
  const text = t(key);
  // t() answers a key it does not know with the key itself.
  return text === key ? t(FALLBACK_ERROR) : text;
}

/**
 * Turns zod issues into summary errors, in the order of `fieldOrder`, one per field. Each issue's
 * message is a locale key under `prefix` (or a shared one, see errorKey); `anchors` names the
 * element to link to when it is not `#field`.
 */
export function formErrors(
  issues: readonly FieldIssue[],
  t: Translate,
  prefix: string,
  fieldOrder: readonly string[],
  anchors: Record<string, string> = {},
): FormError[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  return fieldOrder
    .filter((f) => byField.has(f))
    .map((f) => ({ field: f, text: errorText(t, prefix, byField.get(f)!), href: `#${anchors[f] ?? f}` }));
}

/** The fields named by issues, in the order the issues came: for forms whose order is the schema's own. */
export function issueFields(issues: readonly FieldIssue[]): string[] {
  return [...new Set(issues.map((i) => String(i.path[0] ?? '')))];
}

/** The errors of each field, for the message beside it. */
export function errorsByField(errors: FormError[]): Record<string, string> {
  return Object.fromEntries(errors.map((e) => [e.field, e.text]));
}

/** A body value as the text it was, for putting back in the form (never an object). */
export function textValue(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Checkbox values arrive as a string or an array of strings. */
export function listValue(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
