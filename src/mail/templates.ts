import { formatDateTime, loadTranslator, type Locale, type Translator } from '../i18n';
import { isReportStatus } from '../domain/reportStatus';
import { isRole } from '../domain/roles';
import type { MailTemplate, RenderedEmail } from './types';

/**
 * What each email is given, and nothing more. Everything is a short code, a reference, a name or a
 * link — never a narrative, contact details or case notes; the exceptions are `summary` (and a case
 * referral's `request`), which a staff member wrote for the partner it goes to. Dates travel as ISO strings and codes as codes,
 * so that the email reads right in its own language whenever it is sent.
 */
export interface TemplateParams {
  new_urgent_report: { reference: string; link: string };
  redirect_to_partner: {
    reference: string;
    partnerName: string;
    summary: string;
    serviceContact: string;
    receivedLink: string;
    acceptedLink: string;
    declinedLink: string;
    expiresAt: string;
  };
  redirect_reminder: {
    reference: string;
    partnerName: string;
    sentAt: string;
    serviceContact: string;
    receivedLink: string;
    acceptedLink: string;
    declinedLink: string;
    expiresAt: string;
  };
  /** A family referred out from a case: `summary` and `request` were written by its caseworker for this partner. */
  case_referral_to_partner: {
    caseNumber: string;
    partnerName: string;
    summary: string;
    request: string;
    serviceContact: string;
    receivedLink: string;
    acceptedLink: string;
    declinedLink: string;
    expiresAt: string;
  };
  case_referral_reminder: {
    caseNumber: string;
    partnerName: string;
    sentAt: string;
    serviceContact: string;
    receivedLink: string;
    acceptedLink: string;
    declinedLink: string;
    expiresAt: string;
  };
  /** `outcome` is the report's status code; the email names it in plain words. */
  referral_decided: { name: string; reference: string; departmentReference: string; outcome: string; link: string };
  /** Nothing: the reporter is only told to look, with their receipt. */
  reporter_update: Record<string, never>;
  /** `role` is the role's code. */
  staff_invitation: { name: string; role: string; link: string; expiresAt: string };
  totp_reset: { name: string };
  /** To a supervisor (`name`); `role` is the role's code, `link` the approvals page. */
  account_approval_requested: { name: string; requester: string; invitee: string; inviteeEmail: string; role: string; link: string };
  /** To a supervisor (`name`); `via` is `approval` (then `grantedBy` names the supervisor) or `cli`. */
  content_role_granted: { name: string; invitee: string; inviteeEmail: string; role: string; grantedBy: string; via: string };
}

const required: { [T in MailTemplate]: readonly (keyof TemplateParams[T])[] } = {
  new_urgent_report: ['reference', 'link'],
  redirect_to_partner: [
    'reference',
    'partnerName',
    'summary',
    'serviceContact',
    'receivedLink',
    'acceptedLink',
    'declinedLink',
    'expiresAt',
  ],
  redirect_reminder: ['reference', 'partnerName', 'sentAt', 'serviceContact', 'receivedLink', 'acceptedLink', 'declinedLink', 'expiresAt'],
  case_referral_to_partner: [
    'caseNumber',
    'partnerName',
    'summary',
    'request',
    'serviceContact',
    'receivedLink',
    'acceptedLink',
    'declinedLink',
    'expiresAt',
  ],
  case_referral_reminder: [
    'caseNumber',
    'partnerName',
    'sentAt',
    'serviceContact',
    'receivedLink',
    'acceptedLink',
    'declinedLink',
    'expiresAt',
  ],
  referral_decided: ['name', 'reference', 'departmentReference', 'outcome', 'link'],
  reporter_update: [],
  staff_invitation: ['name', 'role', 'link', 'expiresAt'],
  totp_reset: ['name'],
  account_approval_requested: ['name', 'requester', 'invitee', 'inviteeEmail', 'role', 'link'],
  content_role_granted: ['name', 'invitee', 'inviteeEmail', 'role', 'grantedBy', 'via'],
};

/** Parameters holding an instant (ISO 8601), shown as a date and time in the email's language. */
const instants = new Set(['expiresAt', 'sentAt']);

let translator: Translator | undefined;
const texts = () => (translator ??= loadTranslator());

export class MailTemplateError extends Error {}

/** The values a template's text may use: its parameters, made readable, and the service's own. */
function valuesFor(template: MailTemplate, params: Record<string, string>, locale: Locale, context: { orgName: string; baseUrl: string }) {
  const t = texts().forLocale(locale);
  const values: Record<string, string> = { org: context.orgName };
  for (const name of required[template] as readonly string[]) {
    const value = params[name];
    if (typeof value !== 'string') throw new MailTemplateError(`Email ${template} lacks the parameter ${name}`);
    values[name] = value;
  }
  for (const name of Object.keys(values)) {
    if (!instants.has(name)) continue;
    const instant = new Date(values[name]!);
    if (Number.isNaN(instant.getTime())) throw new MailTemplateError(`Email ${template}: ${name} is not a date`);
    values[name] = formatDateTime(locale, instant);
  }
  if (template === 'referral_decided') {
    if (!isReportStatus(values.outcome!)) throw new MailTemplateError(`Email ${template}: unknown outcome`);
    values.outcome = t(`publicStatus.${values.outcome}.name`);
  }
  if (template === 'staff_invitation' || template === 'account_approval_requested' || template === 'content_role_granted') {
    if (!isRole(values.role!)) throw new MailTemplateError(`Email ${template}: unknown role`);
    values.role = t(`users.roles.${values.role}`);
  }
  if (template === 'content_role_granted') {
    if (values.via !== 'approval' && values.via !== 'cli') throw new MailTemplateError(`Email ${template}: unknown way of granting`);
    if (values.via === 'cli') values.grantedBy = t('mail.content_role_granted.viaCli');
  }
  values.statusLink = `${context.baseUrl}/status`;
  values.loginLink = `${context.baseUrl}/login`;
  return values;
}

/** Fills `{name}` placeholders in one pass (a value is never read as a placeholder itself). */
function fill(key: string, text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_m: string, name: string) => {
    const value = values[name];
    if (value === undefined) throw new MailTemplateError(`${key} uses {${name}}, which this email does not have`);
    return value;
  });
}

function text(locale: Locale, key: string): string {
  if (!texts().has(locale, key)) throw new MailTemplateError(`No text ${key} in ${locale}`);
  return texts().forLocale(locale)(key);
}

/**
 * Plain-text email from the texts under `mail.<template>` in the locale files. Throws
 * MailTemplateError when a parameter is missing or malformed, rather than send a half-filled email.
 */
export function renderEmail(
  template: MailTemplate,
  params: Record<string, string>,
  locale: Locale,
  context: { orgName: string; baseUrl: string },
): RenderedEmail {
  if (!(template in required)) throw new MailTemplateError(`Unknown email template ${String(template)}`);
  const values = valuesFor(template, params, locale, context);
  // One header line: no line break or other control character from a parameter gets into it.
  const subject = fill(`mail.${template}.subject`, text(locale, `mail.${template}.subject`), values)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim();
  const body = fill(`mail.${template}.body`, text(locale, `mail.${template}.body`), values);
  const footer = fill('mail.footer', text(locale, 'mail.footer'), values);
  return { subject, text: `${body}\n\n-- \n${footer}\n` };
}
