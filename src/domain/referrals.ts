import type { AffectedGroup, Category, Urgency } from './reference';
import type { ReportStatus } from './reportStatus';
import { isCalendarDate } from './calendarDate';

/** Consent for a referral (DESIGN.md, "Referral"; issue "Department referrals"). */
export const consentStates = ['obtained', 'not_obtained'] as const;
export type ConsentState = (typeof consentStates)[number];

export const consentMethods = ['written', 'verbal'] as const;
export type ConsentMethod = (typeof consentMethods)[number];

/** The only grounds on which a referral may go ahead without the client's consent. */
export const noConsentGrounds = ['child_at_risk', 'danger_to_life'] as const;
export type NoConsentGround = (typeof noConsentGrounds)[number];

export const sexes = ['female', 'male'] as const;
export type Sex = (typeof sexes)[number];

/** Who the referral is about. Encrypted as one field. */
export interface ClientIdentity {
  name: string;
  /** Age in years, when the date of birth is not known. */
  age: number | null;
  dateOfBirth: string | null;
  sex: Sex;
  nik: string | null;
  address: string;
  phone: string;
}

export type Consent =
  | { state: 'obtained'; method: ConsentMethod; obtainedBy: string }
  | { state: 'not_obtained'; ground: NoConsentGround; justification: string };

/** A referral as a department submits it, through the form or the API, already validated. */
export interface ReferralInput {
  departmentReference: string;
  client: ClientIdentity;
  kecamatanCode: string;
  kelurahanCode: string | null;
  category: Category;
  affectedGroups: AffectedGroup[];
  urgency: Urgency;
  reason: string;
  actionsTaken: string;
  consent: Consent;
}

/** The oldest a client can be, in years: the limit of `age`, and of how long ago a date of birth may be. */
export const CLIENT_AGE_MAX = 120;

export type DateOfBirthProblem = 'not_a_date' | 'future' | 'too_old';

/**
 * Why a date of birth (YYYY-MM-DD) cannot be a living client's on `today` (the Jakarta calendar
 * date), or null: not a real date, after today, or more than CLIENT_AGE_MAX years ago (0000-01-01).
 */
export function dateOfBirthProblem(dateOfBirth: string, today: string): DateOfBirthProblem | null {
  if (!isCalendarDate(dateOfBirth)) return 'not_a_date';
  if (dateOfBirth > today) return 'future';
  // The same day CLIENT_AGE_MAX years before today; compared as text, so 29 February needs no care.
  const earliest = `${String(Number(today.slice(0, 4)) - CLIENT_AGE_MAX).padStart(4, '0')}${today.slice(4)}`;
  return dateOfBirth < earliest ? 'too_old' : null;
}

/** NIK: the 16-digit Indonesian population number. */
export const NIK_PATTERN = /^\d{16}$/;

/**
 * Without consent a referral is allowed only for a child at risk or a danger to life — and then
 * the ground must fit what is referred: a child at risk needs a child among those affected.
 */
export function consentProblem(
  consent: Consent,
  affectedGroups: readonly AffectedGroup[],
  clientAge: number | null,
): 'child_ground_without_child' | null {
  if (consent.state === 'obtained') return null;
  if (consent.ground === 'child_at_risk' && !affectedGroups.includes('child') && !(clientAge !== null && clientAge < 18)) {
    return 'child_ground_without_child';
  }
  return null;
}

/** What the API answered a POST made with an Idempotency-Key (0011): never the referral's content. */
export interface IdempotentAnswer {
  reference: string;
  status: string;
  statusUrl: string;
}

/** One row of a department's own list: status and outcome, never case content. */
export interface DepartmentReferralRow {
  reportId: number;
  reference: string;
  departmentReference: string;
  category: Category;
  urgency: Urgency;
  status: ReportStatus;
  createdAt: Date;
  decidedAt: Date | null;
}

/** A department's view of one of its referrals. */
export interface DepartmentReferralView extends DepartmentReferralRow {
  clientName: string;
  response: string;
  decisionReason: string | null;
}
