/** Reason codes for triage decisions (DESIGN.md, "Report lifecycle"). Texts live in the locale files. */
export const closeReasons = ['outside_mandate', 'not_actionable', 'insufficient_information', 'resolved_at_intake', 'spam'] as const;
export type CloseReason = (typeof closeReasons)[number];

export const redirectReasons = [
  'mandate_elsewhere',
  'criminal_matter',
  'health_service_needed',
  'legal_aid_needed',
  'social_assistance_needed',
  'outside_service_area',
  'other',
] as const;
export type RedirectReason = (typeof redirectReasons)[number];

export const escalationTargets = ['112', '110'] as const;
export type EscalationTarget = (typeof escalationTargets)[number];

export const riskLevels = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof riskLevels)[number];
