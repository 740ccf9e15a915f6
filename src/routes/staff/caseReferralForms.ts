import { z } from 'zod';
import { consentMethods } from '../../domain/caseReferrals';
import { isCalendarDate } from '../../domain/calendarDate';
import { CONSENT_BY_MAX, NOTE_MAX } from '../../domain/limits';
import type { CaseReferralInput } from '../../services/caseReferralService';
import type { CaseConferenceInput } from '../../services/caseConferenceService';
import { lineText, multilineText } from '../../validation/textFields';

/**
 * The forms of a case's referrals out and conferences. Each message is a key under
 * `caseReferral.errors` (or `caseConference.errors`); each issue's path is the field's element id.
 * A date must be a real one, and not after `today` (Asia/Jakarta), which the route passes in.
 */
const required = (max: number, key: string) => multilineText(key).trim().min(1, key).max(max, key);
const optional = (max: number, key: string) => multilineText(key).trim().max(max, key).default('');
const pastDate = (today: string, key: string) =>
  lineText(key)
    .trim()
    .refine((v) => isCalendarDate(v) && v <= today, key);
const id = (key: string) => z.coerce.number({ error: key }).int(key).positive(key);
/** Checkboxes: none, one (a string) or several (an array) of ids. */
const ids = (key: string) =>
  z
    .union([z.string(), z.array(z.string())], { error: key })
    .optional()
    .transform((v): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(id(key)).max(100, key));

export const referralFieldOrder = [
  'referral-partner',
  'referral-consent',
  'referral-consent_by',
  'referral-consent_method',
  'referral-consent_on',
  'referral-summary',
  'referral-request',
] as const;

export const referralSchema = (today: string) =>
  z
    .object({
      'referral-partner': id('partner'),
      // The family's consent is what makes a referral out possible: never sent without it.
      'referral-consent': z.literal('yes', { error: 'consent' }),
      'referral-consent_by': lineText('consent_by').trim().min(1, 'consent_by').max(CONSENT_BY_MAX, 'consent_by'),
      'referral-consent_method': z.enum(consentMethods, { error: 'consent_method' }),
      'referral-consent_on': pastDate(today, 'consent_on'),
      'referral-summary': required(NOTE_MAX, 'summary'),
      'referral-request': required(NOTE_MAX, 'request'),
    })
    .transform((v): CaseReferralInput => ({
      partnerId: v['referral-partner'],
      consentBy: v['referral-consent_by'],
      consentMethod: v['referral-consent_method'],
      consentOn: v['referral-consent_on'],
      summary: v['referral-summary'],
      request: v['referral-request'],
    }));

export const conferenceFieldOrder = [
  'conference-held_on',
  'conference-staff',
  'conference-partners',
  'conference-others',
  'conference-decisions',
  'conference-next_steps',
] as const;

/** Who attended, what was decided, what comes next. Someone must have attended: staff, a partner or another person. */
export const conferenceSchema = (today: string) =>
  z
    .object({
      'conference-held_on': pastDate(today, 'held_on'),
      'conference-staff': ids('staff'),
      'conference-partners': ids('partners'),
      'conference-others': optional(NOTE_MAX, 'others'),
      'conference-decisions': required(NOTE_MAX, 'decisions'),
      'conference-next_steps': optional(NOTE_MAX, 'next_steps'),
    })
    .superRefine((v, ctx) => {
      if (v['conference-staff'].length + v['conference-partners'].length === 0 && v['conference-others'] === '') {
        ctx.addIssue({ code: 'custom', path: ['conference-staff'], message: 'attendees' });
      }
    })
    .transform((v): CaseConferenceInput => ({
      heldOn: v['conference-held_on'],
      staffIds: v['conference-staff'],
      partnerIds: v['conference-partners'],
      otherAttendees: v['conference-others'],
      decisions: v['conference-decisions'],
      nextSteps: v['conference-next_steps'],
    }));
