import { z } from 'zod';
import type { AreaDirectory } from '../../domain/areas';
import { partnerTypes, type Partner, type PartnerFields } from '../../domain/partners';
import { listValue, textValue, type FieldIssue } from '../formErrors';
import { CONTACT_EMAIL_MAX, PARTNER_ADDRESS_MAX, PARTNER_NAME_MAX, PARTNER_NAME_MIN, PARTNER_PHONE_MAX } from '../../domain/limits';
import { emailAddressText } from '../../validation/emailField';
import { lineText, multilineText } from '../../validation/textFields';

/** The form's fields, in the order they appear (and their errors are listed). */
export const partnerFieldOrder = ['name', 'type', 'phone', 'email', 'address', 'areas'] as const;

type PartnerField = (typeof partnerFieldOrder)[number];
export type PartnerFormValues = { [K in Exclude<PartnerField, 'areas'>]: string } & { areas: string[] };

/** What the administrator typed, as plain strings, to show the form again. */
export function partnerFormValues(body: Record<string, unknown> = {}): PartnerFormValues {
  return {
    name: textValue(body.name),
    type: textValue(body.type),
    phone: textValue(body.phone),
    email: textValue(body.email),
    address: textValue(body.address),
    areas: listValue(body.areas),
  };
}

/** A saved partner as form values, for the edit page. */
export function valuesOfPartner(p: Partner): PartnerFormValues {
  return { name: p.name, type: p.type, phone: p.phone, email: p.email, address: p.address, areas: p.areasServed };
}

/** Checkbox groups link to their first option. */
export const partnerFieldAnchors = (areas: AreaDirectory): Record<string, string> => ({
  areas: `areas-${areas.kecamatan[0]?.code ?? ''}`,
});

// Office numbers come in many shapes: "(0751) 123456", "0811-2345-678", "129", "+62 751 123".
const isPhone = (v: string) => /^\+?[0-9 ().-]+$/.test(v) && (v.match(/[0-9]/g) ?? []).length >= 3;

const schema = (areas: AreaDirectory) =>
  z.object({
    name: lineText().trim().min(PARTNER_NAME_MIN, 'name').max(PARTNER_NAME_MAX, 'name_long'),
    type: z.enum(partnerTypes, { error: 'type' }),
    phone: lineText()
      .trim()
      .max(PARTNER_PHONE_MAX, 'phone')
      .refine((v) => v === '' || isPhone(v), 'phone'),
    email: emailAddressText(CONTACT_EMAIL_MAX, 'email'),
    address: multilineText().trim().max(PARTNER_ADDRESS_MAX, 'address_long'),
    areas: z.array(z.string()).refine((codes) => codes.every((c) => areas.findKecamatan(c) !== undefined), 'areas'),
  });

export type PartnerFormResult = { ok: true; fields: PartnerFields } | { ok: false; issues: FieldIssue[] };

/** Server-side validation of the partner form; each issue's message is a key under partners.errors. */
export function parsePartnerForm(values: PartnerFormValues, areas: AreaDirectory): PartnerFormResult {
  const parsed = schema(areas).safeParse(values);
  const issues: FieldIssue[] = parsed.success ? [] : [...parsed.error.issues];
  // A partner no one can reach is of no use on the redirect form.
  if (values.phone.trim() === '' && values.email.trim() === '') issues.push({ path: ['phone'], message: 'contact_missing' });
  if (!parsed.success || issues.length > 0) return { ok: false, issues };
  const v = parsed.data;
  const chosen = new Set(v.areas);
  return {
    ok: true,
    fields: {
      name: v.name,
      type: v.type,
      phone: v.phone,
      email: v.email,
      address: v.address,
      // In the directory's order, once each, so that an unchanged form compares equal.
      areasServed: areas.kecamatan.filter((k) => chosen.has(k.code)).map((k) => k.code),
    },
  };
}
