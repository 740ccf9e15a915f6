import { z } from 'zod';
import { closeReasons, escalationTargets, redirectReasons, riskLevels } from '../../domain/decisions';
import { caseClosureOutcomes, workingStages } from '../../domain/cases';
import { CASE_NUMBER_MAX, NOTE_MAX } from '../../domain/limits';
import type { Decision } from '../../services/triageService';
import type { CaseChange } from '../../services/caseService';
import { lineText, multilineText } from '../../validation/textFields';

/**
 * The back-office forms. Each message is a key under `staffForms.errors`; each issue's path is the
 * field's element id (form-field), so the error summary links straight to it.
 */
const text = (max: number, key: string) => multilineText(key).trim().max(max, key).default('');
const required = (max: number, key: string) => multilineText(key).trim().min(1, key).max(max, key);
const id = (key: string) => z.coerce.number({ error: key }).int(key).positive(key);
// A union names its own error: without one, zod's "Invalid input" would reach formErrors (a select left out, say).
const optionalId = (key: string) => z.union([z.literal('').transform(() => null), id(key)], { error: key });

export const decisionSchemas = {
  accept: z
    .object({
      'accept-case_mode': z.enum(['new', 'existing'], { error: 'case_mode' }),
      'accept-case_number': lineText('case_number').trim().max(CASE_NUMBER_MAX, 'case_number').default(''),
      'accept-assignee': optionalId('assignee'),
      'accept-risk': z.union([z.literal('').transform(() => null), z.enum(riskLevels, { error: 'risk' })], { error: 'risk' }),
      'accept-note': text(NOTE_MAX, 'note'),
    })
    .superRefine((v, ctx) => {
      if (v['accept-case_mode'] === 'existing' && !/^LK3\/\d{4}\/\d{4,}$/.test(v['accept-case_number'])) {
        ctx.addIssue({ code: 'custom', path: ['accept-case_number'], message: 'case_number' });
      }
    })
    .transform((v): Decision => ({
      kind: 'accept',
      existingCaseNumber: v['accept-case_mode'] === 'existing' ? v['accept-case_number'] : null,
      assigneeId: v['accept-assignee'],
      riskLevel: v['accept-risk'],
      note: v['accept-note'],
    })),
  redirect: z
    .object({
      'redirect-partner': id('partner'),
      'redirect-reason': z.enum(redirectReasons, { error: 'redirect_reason' }),
      'redirect-summary': required(NOTE_MAX, 'summary'),
      'redirect-explanation': required(NOTE_MAX, 'explanation'),
    })
    .transform((v): Decision => ({
      kind: 'redirect',
      partnerId: v['redirect-partner'],
      reason: v['redirect-reason'],
      summary: v['redirect-summary'],
      explanation: v['redirect-explanation'],
    })),
  duplicate: z
    .object({
      'duplicate-reference': lineText('reference')
        .trim()
        .toUpperCase()
        .regex(/^LAP-\d{4}-\d{6}$/, 'reference'),
      'duplicate-note': text(NOTE_MAX, 'note'),
    })
    .transform((v): Decision => ({ kind: 'duplicate', duplicateOfReference: v['duplicate-reference'], note: v['duplicate-note'] })),
  close: z
    .object({
      'close-reason': z.enum(closeReasons, { error: 'close_reason' }),
      'close-note': text(NOTE_MAX, 'note'),
    })
    .transform((v): Decision => ({ kind: 'close', reason: v['close-reason'], note: v['close-note'] })),
};

export type DecisionForm = keyof typeof decisionSchemas;

export const askSchema = z.object({ 'ask-message': required(NOTE_MAX, 'message') });
export const respondSchema = z.object({ 'respond-response': text(NOTE_MAX, 'note') });
export const escalateSchema = z.object({ 'escalate-to': z.enum(escalationTargets, { error: 'escalate_to' }) });

export const caseChangeSchemas = {
  note: z
    .object({ 'note-text': required(NOTE_MAX, 'note_required') })
    .transform((v): CaseChange => ({ kind: 'note', text: v['note-text'] })),
  stage: z
    .object({ 'stage-stage': z.enum(workingStages as [string, ...string[]], { error: 'stage' }) })
    .transform((v): CaseChange => ({ kind: 'stage', stage: v['stage-stage'] as (typeof workingStages)[number] })),
  risk: z
    .object({
      'risk-level': z.enum(riskLevels, { error: 'risk' }),
      'risk-factors': text(NOTE_MAX, 'note'),
      'risk-protective': text(NOTE_MAX, 'note'),
    })
    .transform((v): CaseChange => ({
      kind: 'risk',
      level: v['risk-level'],
      riskFactors: v['risk-factors'],
      protectiveFactors: v['risk-protective'],
    })),
  hold: z
    .object({ 'hold-on_hold': z.enum(['yes', 'no'], { error: 'hold' }) })
    .transform((v): CaseChange => ({ kind: 'hold', onHold: v['hold-on_hold'] === 'yes' })),
  assign: z
    .object({ 'assign-assignee': id('assignee') })
    .transform((v): CaseChange => ({ kind: 'assign', assigneeId: v['assign-assignee'] })),
  close: z
    .object({
      'closecase-outcome': z.enum(caseClosureOutcomes, { error: 'case_outcome' }),
      'closecase-summary': required(NOTE_MAX, 'closing_summary'),
    })
    .transform((v): CaseChange => ({ kind: 'close', outcome: v['closecase-outcome'], summary: v['closecase-summary'] })),
};

export type CaseForm = keyof typeof caseChangeSchemas;

/** The submitted fields of one form, as text, for showing the form again. */
export function formValues(body: Record<string, unknown>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(body ?? {})
      .filter(([k, v]) => k.startsWith(`${prefix}-`) && typeof v === 'string')
      .map(([k, v]) => [k, v as string]),
  );
}
