import { z } from 'zod';
import { passwordLength } from '../domain/accounts';
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from '../domain/limits';
import { emailAddressText } from './emailField';
import { lineText } from './textFields';

/**
 * Fields of an account, shared by the setup, invitation, account and user forms and by
 * `npm run user`; messages are keys under auth.errors / users.errors.
 */
export const nameField = lineText().trim().min(1, 'name_missing').max(NAME_MAX, 'name_long');

export const emailField = emailAddressText(EMAIL_MAX, 'email_invalid', 'email_missing');

/** Length only (PASSWORD_MIN–PASSWORD_MAX characters), no composition rules. */
export const newPasswordField = z
  .string()
  .refine((p) => p.length > 0, 'password_missing')
  .refine((p) => p.length === 0 || passwordLength(p) >= PASSWORD_MIN, 'password_short')
  .refine((p) => passwordLength(p) <= PASSWORD_MAX, 'password_long');

/** The confirmation must match: checked on the raw values so it shows alongside other errors. */
export function confirmationIssues(password: string, confirmation: string): { path: string[]; message: string }[] {
  return password !== '' && password !== confirmation ? [{ path: ['password_confirm'], message: 'password_mismatch' }] : [];
}
