/**
 * A partner's acknowledgement of a redirect (DESIGN.md, "Redirect"): `sent` → `received` →
 * `accepted` | `declined`. `accepted` and `declined` are final; either may come straight from `sent`.
 */
export const acknowledgementAnswers = ['received', 'accepted', 'declined'] as const;
export type AcknowledgementAnswer = (typeof acknowledgementAnswers)[number];
export type AcknowledgementStatus = 'sent' | AcknowledgementAnswer;

/**
 * What a partner's signed link answers: a report redirected to them by triage, or a family
 * referred to them from a case (domain/caseReferrals.ts). Both follow the same answers.
 */
export const acknowledgementKinds = ['redirect', 'case_referral'] as const;
export type AcknowledgementKind = (typeof acknowledgementKinds)[number];

/** How long the links in a redirect or case-referral email work. */
export const ACKNOWLEDGEMENT_LINK_TTL_MS = 14 * 24 * 60 * 60 * 1000;

const allowed: Record<AcknowledgementStatus, readonly AcknowledgementAnswer[]> = {
  sent: ['received', 'accepted', 'declined'],
  received: ['accepted', 'declined'],
  accepted: [],
  declined: [],
};

/** The answers still open from the status recorded so far (none once the answer is final). */
export function acknowledgementChoices(current: AcknowledgementStatus): readonly AcknowledgementAnswer[] {
  return allowed[current];
}

export function canAcknowledge(current: AcknowledgementStatus, answer: AcknowledgementAnswer): boolean {
  return allowed[current].includes(answer);
}

export function isAcknowledgementAnswer(value: unknown): value is AcknowledgementAnswer {
  return typeof value === 'string' && (acknowledgementAnswers as readonly string[]).includes(value);
}
