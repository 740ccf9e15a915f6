import { z } from 'zod';
import {
  ageGroups,
  assessmentDecisions,
  factorKinds,
  HOUSEHOLD_MAX,
  householdRelations,
  type FactorKind,
  type HouseholdMember,
  type InDepthAssessment,
  type InitialAssessment,
  type MemberAssessment,
} from '../../domain/caseAssessments';
import { riskLevels } from '../../domain/decisions';
import { NAME_MAX, NOTE_MAX } from '../../domain/limits';
import { lineText, multilineText } from '../../validation/textFields';
import { listValue, textValue, type FieldIssue } from '../formErrors';

/**
 * The assessment forms (issue 13). Each field's name is its element id, so the error summary links
 * straight to it; each message is a key under `caseAssessments.errors` (or a shared one). The
 * household is a list of rows named member-<n>-<field>; a row left empty is no one.
 */

const required = (key: string) => multilineText(key).trim().min(1, key).max(NOTE_MAX, key);
const optional = (key: string) => multilineText(key).trim().max(NOTE_MAX, key).default('');
const ids = z.array(z.coerce.number({ error: 'factor' }).int('factor').positive('factor'), { error: 'factor' });

export const initialSchema = z.object({
  presenting_problem: required('presenting_problem'),
  safety: required('safety'),
  safety_plan: optional('safety_plan'),
  risk_factors: ids,
  risk_notes: optional('risk_notes'),
  protective_factors: ids,
  protective_notes: optional('protective_notes'),
  decision: z.enum(assessmentDecisions, { error: 'decision' }),
  decision_reason: required('decision_reason'),
});

const memberSchema = z.object({
  name: lineText('member_name').trim().max(NAME_MAX, 'member_name'),
  relation: z.enum(householdRelations, { error: 'member_relation' }),
  age: z.enum(ageGroups, { error: 'member_age' }),
  role: lineText('member_role').trim().max(NAME_MAX, 'member_role'),
});

export const inDepthSchema = z.object({
  family_functioning: required('family_functioning'),
  strengths: required('strengths'),
  risk_level: z.enum(riskLevels, { error: 'risk_level' }),
  risk_reason: required('risk_reason'),
});

const concernSchema = z.object({
  attitudes: optional('concern_text'),
  thoughts: optional('concern_text'),
  behaviour: optional('concern_text'),
});

/** The initial form as typed: every value a string (or the checked ids), to put back into the form. */
export interface InitialFormValues {
  presenting_problem: string;
  safety: string;
  safety_plan: string;
  risk_factors: string[];
  risk_notes: string;
  protective_factors: string[];
  protective_notes: string;
  decision: string;
  decision_reason: string;
  members: { name: string; relation: string; age: string; role: string }[];
}

export interface InDepthFormValues {
  family_functioning: string;
  strengths: string;
  risk_level: string;
  risk_reason: string;
  concerns: { attitudes: string; thoughts: string; behaviour: string }[];
}

/** How many household rows the form sent (a hidden field), within bounds. */
function rowCount(body: Record<string, unknown>): number {
  const n = Number(textValue(body.household_rows));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, HOUSEHOLD_MAX) : 1;
}

export function initialFormValues(body: Record<string, unknown> = {}): InitialFormValues {
  const members = Array.from({ length: rowCount(body) }, (_, i) => ({
    name: textValue(body[`member-${i}-name`]),
    relation: textValue(body[`member-${i}-relation`]),
    age: textValue(body[`member-${i}-age`]),
    role: textValue(body[`member-${i}-role`]),
  }));
  return {
    presenting_problem: textValue(body.presenting_problem),
    safety: textValue(body.safety),
    safety_plan: textValue(body.safety_plan),
    risk_factors: listValue(body.risk_factors),
    risk_notes: textValue(body.risk_notes),
    protective_factors: listValue(body.protective_factors),
    protective_notes: textValue(body.protective_notes),
    decision: textValue(body.decision),
    decision_reason: textValue(body.decision_reason),
    members,
  };
}

export function valuesOfInitial(a: InitialAssessment): InitialFormValues {
  return {
    presenting_problem: a.presentingProblem,
    safety: a.safety,
    safety_plan: a.safetyPlan,
    risk_factors: a.riskFactorIds.map(String),
    risk_notes: a.riskNotes,
    protective_factors: a.protectiveFactorIds.map(String),
    protective_notes: a.protectiveNotes,
    decision: a.decision,
    decision_reason: a.decisionReason,
    members: a.household.map((m) => ({ name: m.name, relation: m.relation, age: m.ageGroup, role: m.role })),
  };
}

const isBlank = (m: { name: string; relation: string; age: string; role: string }) =>
  m.name.trim() === '' && m.relation === '' && m.age === '' && m.role.trim() === '';

/** The initial form in the order its fields appear (and their errors are listed). */
export function initialFieldOrder(rows: number): string[] {
  const memberFields = Array.from({ length: rows }, (_, i) => ['name', 'relation', 'age', 'role'].map((f) => `member-${i}-${f}`)).flat();
  return [
    'presenting_problem',
    'household',
    ...memberFields,
    'safety',
    'safety_plan',
    'risk_factors',
    'risk_notes',
    'protective_factors',
    'protective_notes',
    'decision',
    'decision_reason',
  ];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

export function parseInitial(values: InitialFormValues): Parsed<InitialAssessment> {
  const issues: FieldIssue[] = [];
  const fixed = initialSchema.safeParse(values);
  if (!fixed.success) issues.push(...fixed.error.issues.map((i) => ({ path: i.path, message: i.message })));
  const household: HouseholdMember[] = [];
  values.members.forEach((m, i) => {
    if (isBlank(m)) return;
    const parsed = memberSchema.safeParse(m);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: [`member-${i}-${String(issue.path[0])}`], message: issue.message });
      return;
    }
    household.push({ name: parsed.data.name, relation: parsed.data.relation, ageGroup: parsed.data.age, role: parsed.data.role });
  });
  if (household.length === 0 && values.members.every(isBlank)) issues.push({ path: ['household'], message: 'household' });
  if (!fixed.success || issues.length > 0) return { ok: false, issues };
  const v = fixed.data;
  return {
    ok: true,
    value: {
      presentingProblem: v.presenting_problem,
      household,
      safety: v.safety,
      safetyPlan: v.safety_plan,
      riskFactorIds: [...new Set(v.risk_factors)],
      riskNotes: v.risk_notes,
      protectiveFactorIds: [...new Set(v.protective_factors)],
      protectiveNotes: v.protective_notes,
      decision: v.decision,
      decisionReason: v.decision_reason,
    },
  };
}

export function inDepthFormValues(body: Record<string, unknown>, members: number): InDepthFormValues {
  return {
    family_functioning: textValue(body.family_functioning),
    strengths: textValue(body.strengths),
    risk_level: textValue(body.risk_level),
    risk_reason: textValue(body.risk_reason),
    concerns: Array.from({ length: members }, (_, i) => ({
      attitudes: textValue(body[`concern-${i}-attitudes`]),
      thoughts: textValue(body[`concern-${i}-thoughts`]),
      behaviour: textValue(body[`concern-${i}-behaviour`]),
    })),
  };
}

/** The in-depth form prefilled from a version; members matched to the current household by name and relation. */
export function valuesOfInDepth(a: InDepthAssessment, household: readonly HouseholdMember[]): InDepthFormValues {
  return {
    family_functioning: a.familyFunctioning,
    strengths: a.strengths,
    risk_level: a.riskLevel,
    risk_reason: a.riskReason,
    concerns: household.map((h) => {
      const found = a.members.find((m) => m.member.name === h.name && m.member.relation === h.relation);
      return { attitudes: found?.attitudes ?? '', thoughts: found?.thoughts ?? '', behaviour: found?.behaviour ?? '' };
    }),
  };
}

export function inDepthFieldOrder(members: number): string[] {
  const concernFields = Array.from({ length: members }, (_, i) =>
    ['attitudes', 'thoughts', 'behaviour'].map((f) => `concern-${i}-${f}`),
  ).flat();
  return ['concerns', ...concernFields, 'family_functioning', 'strengths', 'risk_level', 'risk_reason'];
}

export function parseInDepth(
  values: InDepthFormValues,
  household: readonly HouseholdMember[],
): Parsed<Omit<InDepthAssessment, 'initialVersion'>> {
  const issues: FieldIssue[] = [];
  const fixed = inDepthSchema.safeParse(values);
  if (!fixed.success) issues.push(...fixed.error.issues.map((i) => ({ path: i.path, message: i.message })));
  const members: MemberAssessment[] = [];
  values.concerns.forEach((c, i) => {
    const parsed = concernSchema.safeParse(c);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: [`concern-${i}-${String(issue.path[0])}`], message: issue.message });
      return;
    }
    const { attitudes, thoughts, behaviour } = parsed.data;
    const person = household[i];
    if (!person || (attitudes === '' && thoughts === '' && behaviour === '')) return;
    members.push({ member: { name: person.name, relation: person.relation, ageGroup: person.ageGroup }, attitudes, thoughts, behaviour });
  });
  if (members.length === 0 && !issues.some((i) => String(i.path[0]).startsWith('concern-'))) {
    issues.push({ path: ['concerns'], message: 'concerns' });
  }
  if (!fixed.success || issues.length > 0) return { ok: false, issues };
  const v = fixed.data;
  return {
    ok: true,
    value: { members, familyFunctioning: v.family_functioning, strengths: v.strengths, riskLevel: v.risk_level, riskReason: v.risk_reason },
  };
}

/** A factor's two labels (the supervisors' lists). */
const label = (key: string) => lineText(key).trim().min(1, key).max(NAME_MAX, key);

export const factorSchema = z.object({
  label_id: label('label_id'),
  label_en: label('label_en'),
});

export const newFactorSchema = factorSchema.extend({ kind: z.enum(factorKinds, { error: 'factor_kind' }) });

export type FactorFormValues = { kind: FactorKind | string; label_id: string; label_en: string };
