import { z } from 'zod';
import { reportStatuses } from '../../domain/reportStatus';
import { problemSchema, problemTypes } from './problem';

/**
 * What the referral API answers, as zod schemas: the routes type their bodies with them and the
 * OpenAPI document is generated from them (openapi.ts), so the two cannot drift apart.
 */

export const referenceSchema = z
  .string()
  .regex(/^LAP-\d{4}-\d{6,}$/)
  .describe('The service’s reference, like LAP-2026-000123.');

/** 201 on POST /referrals. */
export const referralCreatedSchema = z.object({
  reference: referenceSchema,
  status: z.literal('new'),
  statusUrl: z.url(),
});

/** 200 on GET /referrals/{reference}. */
export const referralStatusSchema = z.object({
  reference: referenceSchema,
  departmentReference: z.string(),
  status: z
    .enum(reportStatuses)
    .describe(
      '`new` → `in_review` (or `awaiting_info` while triage waits for an answer) → `accepted` (handled as a case), `redirected` (to another institution), `duplicate` (handled with another report) or `closed`.',
    ),
  statusLabel: z.string().describe('The status in plain words, in the request’s language.'),
  submittedAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable().describe('When triage decided; null before.'),
  response: z.string().nullable().describe('What the service wrote for the department; null until it writes something.'),
});
export type ReferralStatusBody = z.infer<typeof referralStatusSchema>;

/** 409 on POST /referrals: the problem, with the referral already filed under that departmentReference. */
export const duplicateReferenceProblemSchema = z
  .intersection(
    problemSchema,
    z.object({
      type: z.literal(problemTypes.duplicateReference.type),
      reference: referenceSchema,
      statusUrl: z.url().describe('Where to follow that referral (GET).'),
    }),
  )
  .describe(
    'The duplicate-reference problem, with the referral already filed under that `departmentReference` as extension members (RFC 9457 §3.2).',
  );
