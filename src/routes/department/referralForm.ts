import type { AreaDirectory } from '../../domain/areas';
import type { ReferralInput } from '../../domain/referrals';
import { affectedGroups, categories, urgencies } from '../../domain/reference';
import { referralSchema } from '../referralSchema';
import { listValue, textValue, type FieldIssue } from '../formErrors';

/** The referral form's fields, in the order they appear. */
export const referralFieldOrder = [
  'department_reference',
  'client_name',
  'client_age',
  'client_dob',
  'client_sex',
  'client_nik',
  'client_address',
  'kecamatan',
  'kelurahan',
  'client_phone',
  'category',
  'affected_groups',
  'urgency',
  'reason',
  'actions_taken',
  'consent',
  'consent_method',
  'consent_by',
  'no_consent_ground',
  'no_consent_justification',
] as const;

type Field = (typeof referralFieldOrder)[number];
export type ReferralFormValues = { [K in Exclude<Field, 'affected_groups'>]: string } & { affected_groups: string[] };

/** Radio and checkbox groups link to their first option. */
export const referralFieldAnchors: Record<string, string> = {
  client_sex: 'client_sex-female',
  category: `category-${categories[0]}`,
  affected_groups: `affected_groups-${affectedGroups[0]}`,
  urgency: `urgency-${urgencies[0]}`,
  consent: 'consent-obtained',
  consent_method: 'consent_method-written',
  no_consent_ground: 'no_consent_ground-child_at_risk',
};

/** Where each part of the referral (as the API names it) sits in the form. */
const fieldOfPath: Record<string, Field> = {
  departmentReference: 'department_reference',
  'client.name': 'client_name',
  'client.age': 'client_age',
  'client.dateOfBirth': 'client_dob',
  'client.sex': 'client_sex',
  'client.nik': 'client_nik',
  'client.address': 'client_address',
  'client.phone': 'client_phone',
  client: 'client_name',
  kecamatanCode: 'kecamatan',
  kelurahanCode: 'kelurahan',
  category: 'category',
  affectedGroups: 'affected_groups',
  urgency: 'urgency',
  reason: 'reason',
  actionsTaken: 'actions_taken',
  consent: 'consent',
  'consent.state': 'consent',
  'consent.method': 'consent_method',
  'consent.obtainedBy': 'consent_by',
  'consent.ground': 'no_consent_ground',
  'consent.justification': 'no_consent_justification',
};

export function referralFormValues(body: Record<string, unknown> = {}): ReferralFormValues {
  const text = Object.fromEntries(referralFieldOrder.map((f) => [f, textValue(body[f])]));
  return { ...text, affected_groups: listValue(body.affected_groups) } as ReferralFormValues;
}

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

/** The form's values in the shape the API takes, so that both are checked by one schema. */
function asReferral(v: ReferralFormValues): unknown {
  const age = v.client_age.trim();
  return {
    departmentReference: v.department_reference,
    client: {
      name: v.client_name,
      age: age === '' ? null : /^\d+$/.test(age) ? Number(age) : age,
      dateOfBirth: orNull(v.client_dob),
      sex: v.client_sex,
      nik: orNull(v.client_nik.replace(/\s/g, '')),
      address: v.client_address,
      phone: v.client_phone,
    },
    kecamatanCode: v.kecamatan,
    kelurahanCode: orNull(v.kelurahan),
    category: v.category,
    affectedGroups: v.affected_groups,
    urgency: v.urgency,
    reason: v.reason,
    actionsTaken: v.actions_taken,
    consent:
      v.consent === 'obtained'
        ? { state: 'obtained', method: v.consent_method, obtainedBy: v.consent_by }
        : v.consent === 'not_obtained'
          ? { state: 'not_obtained', ground: v.no_consent_ground, justification: v.no_consent_justification }
          : { state: v.consent },
  };
}

export type ReferralFormResult = { ok: true; input: ReferralInput } | { ok: false; issues: FieldIssue[] };

export function parseReferralForm(values: ReferralFormValues, areas: AreaDirectory, today: string): ReferralFormResult {
  const parsed = referralSchema(areas, today).safeParse(asReferral(values));
  if (parsed.success) return { ok: true, input: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => {
      const path = i.path.map(String);
      const field =
        fieldOfPath[path.join('.')] ?? fieldOfPath[path.slice(0, 2).join('.')] ?? fieldOfPath[path[0] ?? ''] ?? 'department_reference';
      return { path: [field], message: i.message };
    }),
  };
}
