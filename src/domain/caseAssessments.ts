import type { RiskLevel } from './decisions';
import { caseStages, canMoveCase, type CaseStage } from './cases';

/**
 * The working file of a case (issue 13): the initial assessment (asesmen awal) and the in-depth
 * assessment (asesmen mendalam). Each save of either is a new version; the content of a version is
 * one document (encrypted as a whole, data/caseAssessmentRepository.ts).
 */
export const assessmentKinds = ['initial', 'in_depth'] as const;
export type AssessmentKind = (typeof assessmentKinds)[number];

/** How a kind is written in a URL: /staff/cases/:slug/assessments/initial, …/in-depth. */
export const assessmentKindSlugs: Record<AssessmentKind, string> = { initial: 'initial', in_depth: 'in-depth' };

export function assessmentKindOfSlug(slug: string): AssessmentKind | undefined {
  return assessmentKinds.find((k) => assessmentKindSlugs[k] === slug);
}

/** What the initial assessment decides next. */
export const assessmentDecisions = ['in_depth_assessment', 'referral_out', 'closure'] as const;
export type AssessmentDecision = (typeof assessmentDecisions)[number];

/** A household member's relation to the person the case is about (the client is `self`). */
export const householdRelations = [
  'self',
  'spouse',
  'mother',
  'father',
  'child',
  'sibling',
  'grandparent',
  'grandchild',
  'other_relative',
  'not_related',
] as const;
export type HouseholdRelation = (typeof householdRelations)[number];

export const ageGroups = ['under_5', 'age_5_12', 'age_13_17', 'age_18_59', 'age_60_plus', 'unknown'] as const;
export type AgeGroup = (typeof ageGroups)[number];

/** One person in the household: no identity numbers, only what the work needs. */
export interface HouseholdMember {
  /** A first name, a nickname or initials — whatever the worker uses to tell them apart. */
  name: string;
  relation: HouseholdRelation;
  ageGroup: AgeGroup;
  /** Their role in the family, in the worker's words (head of the family, main carer…). */
  role: string;
}

export interface InitialAssessment {
  presentingProblem: string;
  household: HouseholdMember[];
  safety: string;
  safetyPlan: string;
  riskFactorIds: number[];
  riskNotes: string;
  protectiveFactorIds: number[];
  protectiveNotes: string;
  decision: AssessmentDecision;
  decisionReason: string;
}

/** Attitudes, thoughts and behaviour (sikap, pemikiran, perilaku) of one family member concerned. */
export interface MemberAssessment {
  /** The household member as the initial assessment named them (copied, so later edits there do not change this). */
  member: Pick<HouseholdMember, 'name' | 'relation' | 'ageGroup'>;
  attitudes: string;
  thoughts: string;
  behaviour: string;
}

export interface InDepthAssessment {
  members: MemberAssessment[];
  familyFunctioning: string;
  strengths: string;
  riskLevel: RiskLevel;
  riskReason: string;
  /** The version of the initial assessment whose factors were shown beside the risk level. */
  initialVersion: number;
}

export type AssessmentBody = InitialAssessment | InDepthAssessment;

/** A stored version: who wrote it and when (the body read separately). */
export interface AssessmentVersionInfo {
  version: number;
  createdAt: Date;
  authorName: string | null;
}

export type AssessmentVersion<K extends AssessmentKind> = AssessmentVersionInfo & {
  kind: K;
  body: K extends 'initial' ? InitialAssessment : InDepthAssessment;
};

/** A risk or protective factor from the supervisors' lists. */
export const factorKinds = ['risk', 'protective'] as const;
export type FactorKind = (typeof factorKinds)[number];

export interface AssessmentFactor {
  id: number;
  kind: FactorKind;
  labelId: string;
  labelEn: string;
  position: number;
  retired: boolean;
}

/** How many people a household list holds at most, and how many rows the form offers at least. */
export const HOUSEHOLD_MAX = 20;
export const HOUSEHOLD_BLANK_ROWS = 2;
export const HOUSEHOLD_MIN_ROWS = 3;

/** The rows the household form shows: what is filled in, plus blank rows, within bounds. */
export function householdRowsToShow(filled: number): number {
  return Math.min(HOUSEHOLD_MAX, Math.max(HOUSEHOLD_MIN_ROWS, filled + HOUSEHOLD_BLANK_ROWS));
}

/**
 * The stage a case moves to when an assessment is saved: the initial assessment brings a case at
 * intake to `initial_assessment`, or straight to `in_depth_assessment` when that is its decision;
 * the in-depth assessment brings it to `in_depth_assessment`. Only forward, and only as the stage
 * table allows (domain/cases.ts); null when the case stays where it is (it is further along already).
 */
export function stageAfterAssessment(current: CaseStage, kind: AssessmentKind, decision: AssessmentDecision | null): CaseStage | null {
  const target: CaseStage = kind === 'in_depth' || decision === 'in_depth_assessment' ? 'in_depth_assessment' : 'initial_assessment';
  if (caseStages.indexOf(current) >= caseStages.indexOf(target)) return null;
  return canMoveCase(current, target) ? target : null;
}

/** The stages in which a case still waits for its initial assessment, and may be flagged overdue. */
export const stagesAwaitingInitialAssessment: readonly CaseStage[] = ['intake', 'initial_assessment'];

/** Where the initial assessment stands on the case page and list. */
export interface InitialAssessmentDue {
  dueAt: Date;
  /** Done: the first version's time; null while none is saved. */
  doneAt: Date | null;
  overdue: boolean;
}

export function initialAssessmentStanding(dueAt: Date, doneAt: Date | null, now: Date): InitialAssessmentDue {
  return { dueAt, doneAt, overdue: doneAt === null && now.getTime() > dueAt.getTime() };
}
