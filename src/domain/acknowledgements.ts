/**
 * A partner's acknowledgement of a redirect (DESIGN.md, "Redirect"): `sent` → `received` →
 * `accepted` | `declined`. `accepted` and `declined` are final; either may come straight from `sent`.
 */
export const ackAnswers = ['received', 'accepted', 'declined'] as const;
export type AckAnswer = (typeof ackAnswers)[number];
export type AckStatus = 'sent' | AckAnswer;

/** How long the links in a redirect email work. */
export const ACK_LINK_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/** A partner's reason for declining: required, short, and never meant to hold personal data. */
export const ACK_REASON_MAX = 1000;

const allowed: Record<AckStatus, readonly AckAnswer[]> = {
  sent: ['received', 'accepted', 'declined'],
  received: ['accepted', 'declined'],
  accepted: [],
  declined: [],
};

/** The answers still open from the status recorded so far (none once the answer is final). */
export function ackChoices(current: AckStatus): readonly AckAnswer[] {
  return allowed[current];
}

export function canAcknowledge(current: AckStatus, answer: AckAnswer): boolean {
  return allowed[current].includes(answer);
}

export function isAckAnswer(value: unknown): value is AckAnswer {
  return typeof value === 'string' && (ackAnswers as readonly string[]).includes(value);
}
