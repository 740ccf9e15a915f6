import { z } from 'zod';
import type { AreaDirectory } from '../../domain/areas';
import {
  affectedGroups,
  categories,
  contactChannels,
  PHONE_PATTERN,
  reporterRelations,
  urgencies,
  type ContactDetails,
} from '../../domain/reference';
import type { PublicReportInput } from '../../services/reportService';
import { listValue, textValue, type FieldIssue } from '../formErrors';
import { isEmailAddress } from '../../domain/email';
import {
  CONTACT_EMAIL_MAX,
  CONTACT_HOURS_MAX,
  CONTACT_NAME_MAX,
  CONTACT_PHONE_MAX,
  LOCATION_DETAIL_MAX,
  NARRATIVE_MAX,
  NARRATIVE_MIN,
} from '../../domain/limits';
import { lineText, multilineText } from '../../validation/textFields';

/** The form's fields, in the order they appear on the page (and so their errors are listed). */
export const reportFieldOrder = [
  'category',
  'affected_groups',
  'narrative',
  'kecamatan',
  'kelurahan',
  'location_detail',
  'urgency',
  'relation',
  'wants_contact',
  'contact_name',
  'contact_phone',
  'contact_email',
  'contact_notify',
  'contact_channel',
  'contact_hours',
  'contact_leave_message',
] as const;

/** Radio and checkbox groups link to their first option. */
export const reportFieldAnchors: Record<string, string> = {
  category: `category-${categories[0]}`,
  affected_groups: `affected_groups-${affectedGroups[0]}`,
  urgency: `urgency-${urgencies[0]}`,
  wants_contact: 'wants_contact-no',
  contact_channel: `contact_channel-${contactChannels[0]}`,
  contact_leave_message: 'contact_leave_message-no',
};

type ReportField = (typeof reportFieldOrder)[number];
export type ReportFormValues = { [K in Exclude<ReportField, 'affected_groups'>]: string } & { affected_groups: string[] };

/** What the person typed, as plain strings, to show the form again. */
export function reportFormValues(body: Record<string, unknown> = {}): ReportFormValues {
  const text = Object.fromEntries(reportFieldOrder.map((f) => [f, textValue(body[f])]));
  return { ...text, affected_groups: listValue(body.affected_groups) } as ReportFormValues;
}

const trimmed = (max: number, key: string) => lineText().trim().max(max, key);
const optionalText = (max: number, key: string) => trimmed(max, key).transform((v) => (v === '' ? null : v));
const choice = <T extends readonly [string, ...string[]]>(options: T, key: string) => z.enum(options, { error: key });

const buildFieldsSchema = (areas: AreaDirectory) =>
  z.object({
    category: choice(categories, 'category'),
    affected_groups: z.array(z.enum(affectedGroups, { error: 'affected_groups' })).min(1, 'affected_groups'),
    kecamatan: z.string().refine((c) => areas.findKecamatan(c) !== undefined, 'kecamatan'),
    kelurahan: z.string(),
    location_detail: optionalText(LOCATION_DETAIL_MAX, 'location_detail'),
    narrative: multilineText().trim().min(NARRATIVE_MIN, 'narrative_short').max(NARRATIVE_MAX, 'narrative_long'),
    urgency: choice(urgencies, 'urgency'),
    relation: choice(reporterRelations, 'relation'),
    wants_contact: choice(['yes', 'no'] as const, 'wants_contact'),
    contact_name: trimmed(CONTACT_NAME_MAX, 'contact_name'),
    contact_phone: trimmed(CONTACT_PHONE_MAX, 'contact_phone'),
    contact_email: trimmed(CONTACT_EMAIL_MAX, 'contact_email'),
    contact_notify: z.string(),
    contact_channel: z.string(),
    contact_hours: trimmed(CONTACT_HOURS_MAX, 'contact_hours'),
    contact_leave_message: z.string(),
  });

/** One schema per area directory (there is one), built on first use: zod compiles each schema it builds, a cost per request if built per request. */
const fieldsSchemas = new WeakMap<AreaDirectory, ReturnType<typeof buildFieldsSchema>>();
function fieldsSchema(areas: AreaDirectory): ReturnType<typeof buildFieldsSchema> {
  let schema = fieldsSchemas.get(areas);
  if (!schema) fieldsSchemas.set(areas, (schema = buildFieldsSchema(areas)));
  return schema;
}

/**
 * Rules between fields, checked on the raw values so that every error shows at once, even
 * while other fields are still wrong.
 */
function crossFieldIssues(v: ReportFormValues, areas: AreaDirectory): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string) => issues.push({ path: [field], message });
  if (v.kelurahan !== '' && areas.findKecamatan(v.kecamatan) && !areas.findKelurahan(v.kecamatan, v.kelurahan)) {
    add('kelurahan', 'kelurahan');
  }
  // Contact details are checked, and kept, only when the person asks to be contacted.
  if (v.wants_contact !== 'yes') return issues;
  const phoneNumber = v.contact_phone.trim();
  const email = v.contact_email.trim();
  if (phoneNumber === '' && email === '') add('contact_phone', 'contact_missing');
  else if (phoneNumber !== '' && !PHONE_PATTERN.test(phoneNumber)) add('contact_phone', 'contact_phone');
  if (email !== '' && !isEmailAddress(email)) add('contact_email', 'contact_email');
  // "Email me when there is news" needs an address; the error points at the address field.
  if (v.contact_notify === 'yes' && email === '') add('contact_email', 'contact_notify');
  if (!(contactChannels as readonly string[]).includes(v.contact_channel)) add('contact_channel', 'contact_channel');
  else if (v.contact_channel === 'email' ? email === '' : phoneNumber === '') add('contact_channel', 'contact_channel_unusable');
  if (!['yes', 'no'].includes(v.contact_leave_message)) add('contact_leave_message', 'contact_leave_message');
  return issues;
}

export type ReportFormResult = { ok: true; input: PublicReportInput } | { ok: false; issues: FieldIssue[] };

/** Server-side validation of the report form; each issue's message is a key under report.errors. */
export function parseReportForm(values: ReportFormValues, areas: AreaDirectory, locale: 'id' | 'en' = 'id'): ReportFormResult {
  const parsed = fieldsSchema(areas).safeParse(values);
  const cross = crossFieldIssues(values, areas);
  if (!parsed.success || cross.length > 0) {
    return { ok: false, issues: [...(parsed.success ? [] : parsed.error.issues), ...cross] };
  }
  const v = parsed.data;
  const contact: ContactDetails | null =
    v.wants_contact === 'yes'
      ? {
          name: v.contact_name,
          phone: v.contact_phone,
          email: v.contact_email,
          channel: v.contact_channel as ContactDetails['channel'],
          safeHours: v.contact_hours,
          mayLeaveMessage: v.contact_leave_message === 'yes',
          // Emails say only "there is news", in the report's language (`language` below).
          notifyByEmail: v.contact_notify === 'yes',
        }
      : null;
  return {
    ok: true,
    input: {
      category: v.category,
      affectedGroups: v.affected_groups,
      kecamatanCode: v.kecamatan,
      kelurahanCode: v.kelurahan === '' ? null : v.kelurahan,
      locationDetail: v.location_detail,
      narrative: v.narrative,
      urgency: v.urgency,
      reporterRelation: v.relation,
      contact,
      // The language of the page she wrote it on: staff ask in it, emails to her are in it.
      language: locale,
    },
  };
}
