import { z } from 'zod';
import { textFault, type TextShape } from '../domain/text';

/** Messages shared by every form (the text rule below): full keys under `forms.errors`, never under a form's prefix. */
export const SHARED_ERRORS = 'forms.errors';

/**
 * The zod side of the text rule (domain/text.ts): every free-text field of every form and of the
 * API starts from one of these, then adds its own trim, length and pattern. The rule runs on the
 * value as sent, before trimming, so a stray line break at either end is refused too. Its issues
 * carry a full locale key under `forms.errors`, which formErrors (and the API) resolve whatever
 * the form's own prefix.
 */
function textOf(shape: TextShape, error?: string) {
  return z.string(error === undefined ? undefined : { error }).superRefine((value, ctx) => {
    const message = textFaultMessage(value, shape);
    if (message) ctx.addIssue({ code: 'custom', message, input: value });
  });
}

/** Names, references, labels, phone numbers, email addresses: one line, no control characters. */
export const lineText = (error?: string) => textOf('single_line', error);

/** Narratives, messages, notes, summaries, reasons: line breaks and tabs allowed, no other control characters. */
export const multilineText = (error?: string) => textOf('multi_line', error);

/** The shared message key for a text this rule refuses, or null; for the few forms not parsed with zod. */
export function textFaultMessage(value: string, shape: TextShape): string | null {
  const fault = textFault(value, shape);
  return fault && `${SHARED_ERRORS}.${fault}`;
}
