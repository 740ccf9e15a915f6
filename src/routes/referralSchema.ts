import { z } from 'zod';
import type { AreaDirectory } from '../domain/areas';
import { affectedGroups, categories, urgencies } from '../domain/reference';
import {
  CLIENT_AGE_MAX,
  consentMethods,
  dateOfBirthProblem,
  noConsentGrounds,
  NIK_PATTERN,
  sexes,
  type ReferralInput,
} from '../domain/referrals';
import type { TextShape } from '../domain/text';
import { lineText, multilineText } from './textFields';

export const REASON_MIN = 20;
export const REASON_MAX = 8000;
export const JUSTIFICATION_MIN = 20;

const phone = /^\+?[0-9 ()-]{8,20}$/;
/** A text field: `key` when it is missing or too short, `key_long` when too long (a missing field's message never talks of a maximum). */
const text = (shape: TextShape, min: number, max: number, key: string) =>
  (shape === 'single_line' ? lineText(key) : multilineText(key)).trim().min(min, key).max(max, `${key}_long`);

const dateOfBirthMessage = { not_a_date: 'client_dob', future: 'client_dob_future', too_old: 'client_dob_too_old' } as const;

/**
 * A referral as the department form and the API both describe it. Each message is a key under
 * `referral.errors`; the form maps each path to its field, the API reports the path itself.
 */
export function referralSchema(areas: AreaDirectory, today: string) {
  return (
    z
      .object({
        departmentReference: text('single_line', 1, 50, 'department_reference'),
        client: z.object(
          {
            name: text('single_line', 1, 100, 'client_name'),
            age: z.number({ error: 'client_age' }).int('client_age').min(0, 'client_age').max(CLIENT_AGE_MAX, 'client_age').nullable(),
            dateOfBirth: z
              .string({ error: 'client_dob' })
              .superRefine((d, ctx) => {
                const problem = dateOfBirthProblem(d, today);
                if (problem) ctx.addIssue({ code: 'custom', message: dateOfBirthMessage[problem], input: d });
              })
              .nullable(),
            sex: z.enum(sexes, { error: 'client_sex' }),
            nik: z.string({ error: 'client_nik' }).regex(NIK_PATTERN, 'client_nik').nullable(),
            address: text('single_line', 1, 300, 'client_address'),
            phone: lineText('client_phone')
              .trim()
              .refine((p) => p === '' || phone.test(p), 'client_phone'),
          },
          { error: 'client_name' },
        ),
        kecamatanCode: z.string({ error: 'kecamatan' }).refine((c) => areas.findKecamatan(c) !== undefined, 'kecamatan'),
        kelurahanCode: z.string({ error: 'kelurahan' }).nullable(),
        category: z.enum(categories, { error: 'category' }),
        affectedGroups: z
          .array(z.enum(affectedGroups, { error: 'affected_groups' }), { error: 'affected_groups' })
          .min(1, 'affected_groups'),
        urgency: z.enum(urgencies, { error: 'urgency' }),
        reason: text('multi_line', REASON_MIN, REASON_MAX, 'reason'),
        actionsTaken: text('multi_line', 0, 4000, 'actions_taken'),
        consent: z.discriminatedUnion(
          'state',
          [
            z.object({
              state: z.literal('obtained'),
              method: z.enum(consentMethods, { error: 'consent_method' }),
              obtainedBy: text('single_line', 1, 100, 'consent_by'),
            }),
            z.object({
              state: z.literal('not_obtained'),
              ground: z.enum(noConsentGrounds, { error: 'no_consent_ground' }),
              justification: text('multi_line', JUSTIFICATION_MIN, 2000, 'no_consent_justification'),
            }),
          ],
          { error: 'consent' },
        ),
      })
      // Rules between fields run even while other fields are wrong (`when`), so every error shows at
      // once; the values may then be of any shape, hence the defensive reads.
      .refine((v) => v.client?.age != null || v.client?.dateOfBirth != null, {
        path: ['client', 'age'],
        message: 'client_age_or_dob',
        when: () => true,
      })
      .refine(
        (v) =>
          typeof v.kelurahanCode !== 'string' ||
          typeof v.kecamatanCode !== 'string' ||
          !areas.findKecamatan(v.kecamatanCode) ||
          areas.findKelurahan(v.kecamatanCode, v.kelurahanCode) !== undefined,
        { path: ['kelurahanCode'], message: 'kelurahan', when: () => true },
      ) satisfies z.ZodType<ReferralInput>
  );
}
