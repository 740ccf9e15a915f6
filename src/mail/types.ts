import type { Locale } from '../i18n';

/**
 * The emails Lentera sends (issue "Email through a durable outbox"). Each names a template in
 * src/mail/templates.ts; parameters are plain strings, and none may carry a narrative, contact
 * details or case notes — except the partner summary a staff member wrote for that partner.
 */
export const mailTemplates = [
  'new_urgent_report', // → TRIAGE_EMAIL: reference and link only
  'redirect_to_partner', // → the partner: reference, summary, how to reach the service, acknowledgement links
  'redirect_reminder', // → the partner, once, when the redirect was not acknowledged in time
  'case_referral_to_partner', // → the partner: a family referred from a case (case number, summary, request, acknowledgement links)
  'case_referral_reminder', // → the partner, once, when the case referral was not acknowledged in time
  'referral_decided', // → the referring officer: reference and outcome, no case notes
  'reporter_update', // → a reporter who gave an email and asked to be told: "check with your receipt"
  'staff_invitation', // → an invited person: a one-time link
  'totp_reset', // → a person whose second factor was reset: what happened and where to sign in
  'account_approval_requested', // → every supervisor: an administrator asks for an account with a content role
  'content_role_granted', // → every supervisor: a content role was granted (by approval, or from the shell)
] as const;
export type MailTemplate = (typeof mailTemplates)[number];

export type RecipientKind = 'triage' | 'partner' | 'officer' | 'reporter' | 'staff';

export interface OutgoingEmail {
  to: string;
  recipientKind: RecipientKind;
  template: MailTemplate;
  params: Record<string, string>;
  locale: Locale;
}

/** What a template renders to; the transport adds From, To, Message-ID and Date. */
export interface RenderedEmail {
  subject: string;
  text: string;
}
