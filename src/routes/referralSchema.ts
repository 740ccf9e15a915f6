import { z } from 'zod';
import type { AreaDirectory } from '../domain/areas';
import {
  ACTIONS_TAKEN_MAX,
  ATTACHMENT_SENT_NAME_MAX,
  CLIENT_ADDRESS_MAX,
  CLIENT_NAME_MAX,
  CONSENT_BY_MAX,
  DEPARTMENT_REFERENCE_MAX,
  JUSTIFICATION_MAX,
  JUSTIFICATION_MIN,
  REFERRAL_REASON_MAX,
  REFERRAL_REASON_MIN,
} from '../domain/limits';
import { affectedGroups, categories, PHONE_PATTERN, urgencies } from '../domain/reference';
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
import { ATTACHMENT_NAME_MAX, BASE64_PATTERN, base64Length, DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from '../domain/attachments';
import { lineText, multilineText } from '../validation/textFields';

/** A phone number, or nothing (the client's phone may be unknown). */
const phoneOrNothing = new RegExp(`^(?:${PHONE_PATTERN.source.slice(1, -1)})?$`);

/**
 * A text field: `key` when it is missing or too short, `key_long` when too long (a missing field's
 * message never talks of a maximum). A required text must hold more than white space: the length
 * is counted after trimming, and `\S` says so to whoever reads the schema without trimming (the
 * OpenAPI document).
 */
const text = (shape: TextShape, min: number, max: number, key: string) => {
  const trimmed = (shape === 'single_line' ? lineText(key) : multilineText(key)).trim().min(min, key).max(max, `${key}_long`);
  return min > 0 ? trimmed.regex(/\S/, key) : trimmed;
};

const dateOfBirthMessage = { not_a_date: 'client_dob', future: 'client_dob_future', too_old: 'client_dob_too_old' } as const;

/**
 * A referral as the department form and the API both describe it. Each message is a key under
 * `referral.errors`; the form maps each path to its field, the API reports the path itself. The
 * descriptions are the API's: its OpenAPI document is generated from this schema (api/openapi.ts).
 */
export function referralSchema(areas: AreaDirectory, today: string, attachmentLimits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS) {
  const maxMb = Math.round(attachmentLimits.maxBytes / (1024 * 1024));
  const kecamatanCodes = areas.kecamatan.map((k) => k.code);
  const kelurahanCodes = areas.kecamatan.flatMap((k) => k.kelurahan.map((l) => l.code));
  return (
    z
      .object({
        departmentReference: text('single_line', 1, DEPARTMENT_REFERENCE_MAX, 'department_reference').describe(
          'The department’s own reference (letter or file number); unique per department',
        ),
        client: z
          .object(
            {
              name: text('single_line', 1, CLIENT_NAME_MAX, 'client_name').describe('Full name'),
              age: z
                .number({ error: 'client_age' })
                .int('client_age')
                .min(0, 'client_age')
                .max(CLIENT_AGE_MAX, 'client_age')
                .nullable()
                .describe('Age in years; null when the date of birth is given instead.'),
              dateOfBirth: z.iso
                .date({ error: 'client_dob' })
                .superRefine((d, ctx) => {
                  const problem = dateOfBirthProblem(d, today);
                  if (problem) ctx.addIssue({ code: 'custom', message: dateOfBirthMessage[problem], input: d });
                })
                .nullable()
                .describe(
                  `YYYY-MM-DD, not after today (Asia/Jakarta) and not more than ${CLIENT_AGE_MAX} years before it; null when unknown.`,
                ),
              sex: z.enum(sexes, { error: 'client_sex' }),
              nik: z
                .string({ error: 'client_nik' })
                .regex(NIK_PATTERN, 'client_nik')
                .nullable()
                .describe('The 16-digit population number (NIK); null when unknown.'),
              address: text('single_line', 1, CLIENT_ADDRESS_MAX, 'client_address').describe('Address'),
              phone: lineText('client_phone')
                .trim()
                .regex(phoneOrNothing, 'client_phone')
                .describe(
                  'Digits, spaces, +, - or brackets, 8–20 characters after surrounding white space is removed; an empty string when unknown.',
                ),
            },
            { error: 'client_name' },
          )
          .describe('Who the referral is about. Give `age` or `dateOfBirth` (or both).'),
        kecamatanCode: z.enum(kecamatanCodes, { error: 'kecamatan' }).describe('Kemendagri code of the kecamatan where the client lives.'),
        kelurahanCode: z
          .enum(kelurahanCodes, { error: 'kelurahan' })
          .nullable()
          .describe('Kemendagri code of the kelurahan, which must lie in `kecamatanCode`; null when unknown.'),
        category: z.enum(categories, { error: 'category' }).describe('The kind of problem.'),
        affectedGroups: z
          .array(z.enum(affectedGroups, { error: 'affected_groups' }), { error: 'affected_groups' })
          .min(1, 'affected_groups')
          .describe('Who is affected; at least one.'),
        urgency: z.enum(urgencies, { error: 'urgency' }).describe('`immediate`: danger now; `urgent`; `normal`.'),
        reason: text('multi_line', REFERRAL_REASON_MIN, REFERRAL_REASON_MAX, 'reason').describe('What happened and what help is needed'),
        actionsTaken: text('multi_line', 0, ACTIONS_TAKEN_MAX, 'actions_taken').describe(
          'What the department has already done; may be empty',
        ),
        consent: z
          .discriminatedUnion(
            'state',
            [
              z.object({
                state: z.literal('obtained'),
                method: z.enum(consentMethods, { error: 'consent_method' }),
                obtainedBy: text('single_line', 1, CONSENT_BY_MAX, 'consent_by').describe(
                  'Name and position of the officer who obtained it',
                ),
              }),
              z.object({
                state: z.literal('not_obtained'),
                ground: z.enum(noConsentGrounds, { error: 'no_consent_ground' }),
                justification: text('multi_line', JUSTIFICATION_MIN, JUSTIFICATION_MAX, 'no_consent_justification').describe(
                  'Why the referral must go ahead without consent; read by triage',
                ),
              }),
            ],
            { error: 'consent' },
          )
          .describe('The client’s consent. Without it, a referral is allowed only for a child at risk or a danger to life.'),
        // The API's only: the form sends its files as multipart (routes/department/departmentRoutes.ts).
        attachments: z
          .array(
            z.object(
              {
                name: lineText('attachment_name')
                  .trim()
                  .min(1, 'attachment_name')
                  .max(ATTACHMENT_SENT_NAME_MAX, 'attachment_name')
                  .describe(
                    `The file's name, shown to triage: cut to ${ATTACHMENT_NAME_MAX} characters, and its extension replaced by that of the type found in the bytes`,
                  ),
                contentBase64: z
                  .string({ error: 'attachment_content' })
                  .max(base64Length(attachmentLimits.maxBytes), 'attachment_too_large')
                  .regex(BASE64_PATTERN, 'attachment_content')
                  .describe(
                    `The file, in standard base64 with padding (no line breaks, no data: prefix); at most ${maxMb} MB once decoded. JPEG, PNG, WebP or PDF, recognised by its bytes: images are re-encoded without their metadata (EXIF, GPS, XMP), PDFs saved without their document information and XMP; a PDF with a password is refused.`,
                  ),
              },
              { error: 'attachment_content' },
            ),
            { error: 'attachments' },
          )
          .max(attachmentLimits.maxFiles, 'attachments_too_many')
          .optional()
          .describe(`Up to ${attachmentLimits.maxFiles} files (a letter, a report, a photo); may be left out.`),
      })
      // Rules between fields run even while other fields are wrong (`when`), so every error shows at
      // once; the values may then be of any shape, hence the defensive reads. JSON Schema can say
      // them only by hand: api/openapi.ts adds them to the document.
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
      )
      .describe(
        'A referral, as the department form takes it. No text may hold a control character (line breaks and tabs only in `reason`, `actionsTaken` and `consent.justification`), U+FFFD or a lone surrogate; a body that is not UTF-8 reads as U+FFFD.',
      ) satisfies z.ZodType<ReferralInput>
  );
}
