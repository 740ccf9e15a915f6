import { z } from 'zod';
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, passwordLength } from '../../domain/accounts';
import type { FieldIssue } from '../formErrors';
import { lineText } from '../textFields';

/** Fields shared by the setup, invitation, account and user forms; messages are keys under auth.errors / users.errors. */
export const nameField = lineText().trim().min(1, 'name_missing').max(NAME_MAX, 'name_long');

export const emailField = lineText()
  .trim()
  .min(1, 'email_missing')
  .max(EMAIL_MAX, 'email_invalid')
  .pipe(z.email({ error: 'email_invalid' }));

/** Length only (8–128 characters), no composition rules. */
export const newPasswordField = z
  .string()
  .refine((p) => p.length > 0, 'password_missing')
  .refine((p) => p.length === 0 || passwordLength(p) >= PASSWORD_MIN, 'password_short')
  .refine((p) => passwordLength(p) <= PASSWORD_MAX, 'password_long');

/** The confirmation must match: checked on the raw values so it shows alongside other errors. */
export function confirmationIssues(password: string, confirmation: string): FieldIssue[] {
  return password !== '' && password !== confirmation ? [{ path: ['password_confirm'], message: 'password_mismatch' }] : [];
}
