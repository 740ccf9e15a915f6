import type { AffectedGroup, Category, Urgency } from './reference';

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

/** NIK: the 16-digit Indonesian population number. */
export const NIK_PATTERN = /^\d{16}$/;

/**
 * Without consent a referral is allowed only for a child at risk or a danger to life — and then
 * the ground must fit what is referred: a child at risk needs a child among those affected.
 */
export function consentProblem(consent: Consent, affectedGroups: readonly AffectedGroup[], clientAge: number | null): 'child_ground_without_child' | null {
  if (consent.state === 'obtained') return null;
  if (consent.ground === 'child_at_risk' && !affectedGroups.includes('child') && !(clientAge !== null && clientAge < 18)) {
    return 'child_ground_without_child';
  }
  return null;
}
