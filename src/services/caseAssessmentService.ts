import type { GroupCommit, Transactor } from '../data/transaction';
import type { CaseRepository } from '../data/caseRepository';
import type { CaseAssessmentRepository } from '../data/caseAssessmentRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { CurrentAccount } from '../domain/roles';
import type { CaseDetail, CaseSummary } from '../domain/cases';
import {
  initialAssessmentStanding,
  stagesAwaitingInitialAssessment,
  stageAfterAssessment,
  type AssessmentFactor,
  type AssessmentKind,
  type AssessmentVersion,
  type AssessmentVersionInfo,
  type FactorKind,
  type InDepthAssessment,
  type InitialAssessment,
  type InitialAssessmentDue,
} from '../domain/caseAssessments';
import { canWorkCase } from '../domain/access';
import { jakartaDate, workingDaysDueAt } from '../domain/sla';
import { done, refuse, type Outcome } from '../domain/outcome';

/**
 * Why a save was refused: `not_found` (no such case, or not this person's — the same 404),
 * `case_closed`, `initial_missing` (an in-depth assessment builds on an initial one),
 * `unknown_factor` (a checked factor that is not on the lists, or retired and not checked before).
 */
export type AssessmentProblem = 'not_found' | 'case_closed' | 'initial_missing' | 'unknown_factor';

export type AssessmentSave =
  { kind: 'initial'; body: InitialAssessment } | { kind: 'in_depth'; body: Omit<InDepthAssessment, 'initialVersion'> };

/** What the case page shows of the assessments: dates and versions, no content (the case view is audited). */
export interface AssessmentSummary {
  /** May this person read the assessments (the assigned caseworker, a supervisor)? */
  canRead: boolean;
  canWork: boolean;
  initial: AssessmentVersionInfo | null;
  inDepth: AssessmentVersionInfo | null;
  /** The initial assessment's due date, while the case is open. */
  due: InitialAssessmentDue | null;
}

/** One assessment page: the version shown, the list of versions, and what the form needs. */
export interface AssessmentPage<K extends AssessmentKind> {
  detail: CaseDetail;
  kind: K;
  versions: AssessmentVersionInfo[];
  shown: AssessmentVersion<K> | null;
  /** The latest initial assessment (for the in-depth page: its household and factors). */
  initial: AssessmentVersion<'initial'> | null;
  /** For an in-depth version shown: the initial version whose factors were beside its risk level. */
  basis: AssessmentVersion<'initial'> | null;
  factors: AssessmentFactor[];
  canWork: boolean;
  due: InitialAssessmentDue | null;
}

export interface CaseAssessmentServiceDeps {
  transaction: Transactor;
  groupCommit: GroupCommit;
  cases: CaseRepository;
  assessments: CaseAssessmentRepository;
  holidays: { datesFrom(date: string): ReadonlySet<string> };
  audit: AuditRepository;
  now: () => Date;
  /** Working days after a case is opened within which its initial assessment is due (INITIAL_ASSESSMENT_WORKING_DAYS). */
  initialAssessmentWorkingDays: number;
}

/**
 * The working file: a case's initial and in-depth assessments (each save a new version) and the
 * supervisors' factor lists. Only the assigned caseworker and supervisors read or write
 * assessments (triage reads the case page, not its working file; the admin nothing). Every page
 * that shows an assessment's content is audited (case_assessment.viewed), every save
 * (case_assessment.saved) and every change to the lists (assessment_factor.*) — codes only.
 */
export function createCaseAssessmentService(deps: CaseAssessmentServiceDeps) {
  const { transaction, groupCommit, cases, assessments, holidays, audit, now, initialAssessmentWorkingDays } = deps;

  const dueAtOf = (openedAt: Date, holidaySet: ReadonlySet<string>) => workingDaysDueAt(openedAt, initialAssessmentWorkingDays, holidaySet);

  /**
   * The initial assessment's standing, while the case is open. A case already past the initial
   * assessment stage without one saved here (moved on by the stage form, or opened before this
   * working file existed) has no due date to flag.
   */
  function dueOf(c: Pick<CaseSummary, 'id' | 'openedAt' | 'closedAt' | 'stage'>, doneAt: Date | null): InitialAssessmentDue | null {
    if (c.closedAt !== null || (doneAt === null && !stagesAwaitingInitialAssessment.includes(c.stage))) return null;
    return initialAssessmentStanding(dueAtOf(c.openedAt, holidays.datesFrom(jakartaDate(c.openedAt))), doneAt, now());
  }

  function latest<K extends AssessmentKind>(caseId: number, kind: K, version?: number): AssessmentVersion<K> | null {
    const n = version ?? assessments.versions(caseId, kind)[0]?.version;
    if (n === undefined) return null;
    const found = assessments.find(caseId, kind, n);
    return found ? ({ ...found, kind } as AssessmentVersion<K>) : null;
  }

  function workable(who: CurrentAccount, number: string): CaseDetail | undefined {
    const detail = cases.findByNumber(number);
    return detail && canWorkCase(who, detail.assignedTo) ? detail : undefined;
  }

  /** The factor ids a save may check: those on the lists now, and retired ones the previous version had checked. */
  function factorsAllowed(kind: FactorKind, previous: InitialAssessment | undefined): Set<number> {
    const active = assessments
      .factors()
      .filter((f) => f.kind === kind && !f.retired)
      .map((f) => f.id);
    const before = previous ? (kind === 'risk' ? previous.riskFactorIds : previous.protectiveFactorIds) : [];
    return new Set([...active, ...before]);
  }

  return {
    /** The case page's section (no content: the case view that shows it is audited already). */
    summary(who: CurrentAccount, detail: CaseDetail): AssessmentSummary {
      const canRead = canWorkCase(who, detail.assignedTo);
      const initialVersions = assessments.versions(detail.id, 'initial');
      const first = initialVersions[initialVersions.length - 1];
      return {
        canRead,
        canWork: canRead && detail.closedAt === null,
        initial: canRead ? (initialVersions[0] ?? null) : null,
        inDepth: canRead ? (assessments.versions(detail.id, 'in_depth')[0] ?? null) : null,
        due: dueOf(detail, first ? first.createdAt : null),
      };
    },

    /** For the case list: the initial assessment's standing of each open case (one query for the page). */
    dueOfCases(rows: readonly CaseSummary[]): Map<number, InitialAssessmentDue> {
      const open = rows.filter((r) => r.closedAt === null && stagesAwaitingInitialAssessment.includes(r.stage));
      if (open.length === 0) return new Map();
      const doneAt = assessments.initialDoneAt(open.map((r) => r.id));
      const earliest = open.reduce((min, r) => (r.openedAt < min ? r.openedAt : min), open[0]!.openedAt);
      const holidaySet = holidays.datesFrom(jakartaDate(earliest));
      const at = now();
      return new Map(
        open.map((r) => [r.id, initialAssessmentStanding(dueAtOf(r.openedAt, holidaySet), doneAt.get(r.id) ?? null, at)] as const),
      );
    },

    /**
     * An assessment page (the latest version, or `version`), audited as case_assessment.viewed
     * with the group commit of the moment; undefined when the case is not this person's to read
     * or the version does not exist.
     */
    async view<K extends AssessmentKind>(
      who: CurrentAccount,
      number: string,
      kind: K,
      version?: number,
    ): Promise<AssessmentPage<K> | undefined> {
      const detail = workable(who, number);
      if (!detail) return undefined;
      const shown = latest(detail.id, kind, version);
      if (version !== undefined && !shown) return undefined;
      await groupCommit(() =>
        audit.append(
          {
            actorAccountId: who.id,
            action: 'case_assessment.viewed',
            subjectType: 'case',
            subjectId: detail.id,
            detail: { kind, version: shown?.version ?? 0 },
          },
          now(),
        ),
      );
      const initialVersions = assessments.versions(detail.id, 'initial');
      const first = initialVersions[initialVersions.length - 1];
      return {
        detail,
        kind,
        versions: assessments.versions(detail.id, kind),
        shown,
        initial: latest(detail.id, 'initial'),
        basis: shown && 'initialVersion' in shown.body ? latest(detail.id, 'initial', shown.body.initialVersion) : null,
        factors: assessments.factors(),
        canWork: detail.closedAt === null,
        due: dueOf(detail, first ? first.createdAt : null),
      };
    },

    /** The latest of both, for the case's print view (audited there as case.printed). */
    forPrint(
      who: CurrentAccount,
      detail: CaseDetail,
    ): { initial: AssessmentVersion<'initial'> | null; inDepth: AssessmentVersion<'in_depth'> | null; factors: AssessmentFactor[] } | null {
      if (!canWorkCase(who, detail.assignedTo)) return null;
      return { initial: latest(detail.id, 'initial'), inDepth: latest(detail.id, 'in_depth'), factors: assessments.factors() };
    },

    /**
     * Saves the next version. The case may move forward a stage (stageAfterAssessment), recorded
     * as the stage form records it (a stage_changed event, case.stage_changed); the in-depth
     * assessment's risk level becomes the case's (a risk_changed event when it changes).
     */
    save(who: CurrentAccount, number: string, change: AssessmentSave): Outcome<{ version: number }, AssessmentProblem> {
      return transaction((): Outcome<{ version: number }, AssessmentProblem> => {
        const detail = workable(who, number);
        if (!detail) return refuse('not_found');
        if (detail.closedAt !== null) return refuse('case_closed');
        const at = now();
        const previousInitial = latest(detail.id, 'initial');
        let version: number;
        let decision: InitialAssessment['decision'] | null = null;
        if (change.kind === 'initial') {
          const body = change.body;
          const riskAllowed = factorsAllowed('risk', previousInitial?.body);
          const protectiveAllowed = factorsAllowed('protective', previousInitial?.body);
          if (
            !body.riskFactorIds.every((id) => riskAllowed.has(id)) ||
            !body.protectiveFactorIds.every((id) => protectiveAllowed.has(id))
          ) {
            return refuse('unknown_factor');
          }
          decision = body.decision;
          version = assessments.addVersion(detail.id, 'initial', body, who.id, at);
        } else {
          if (!previousInitial) return refuse('initial_missing');
          const body: InDepthAssessment = { ...change.body, initialVersion: previousInitial.version };
          version = assessments.addVersion(detail.id, 'in_depth', body, who.id, at);
          if (detail.riskLevel !== body.riskLevel) {
            assessments.setCaseRiskLevel(detail.id, body.riskLevel, at);
            cases.addEvent(detail.id, who.id, 'risk_changed', body.riskLevel, null, at);
            audit.append(
              {
                actorAccountId: who.id,
                action: 'case.risk_changed',
                subjectType: 'case',
                subjectId: detail.id,
                detail: { code: body.riskLevel },
              },
              at,
            );
          }
        }
        audit.append(
          {
            actorAccountId: who.id,
            action: 'case_assessment.saved',
            subjectType: 'case',
            subjectId: detail.id,
            detail: decision ? { kind: change.kind, version, decision } : { kind: change.kind, version },
          },
          at,
        );
        const stage = stageAfterAssessment(detail.stage, change.kind, decision);
        if (stage) {
          cases.setStage(detail.id, stage, at);
          cases.addEvent(detail.id, who.id, 'stage_changed', stage, null, at);
          audit.append(
            { actorAccountId: who.id, action: 'case.stage_changed', subjectType: 'case', subjectId: detail.id, detail: { code: stage } },
            at,
          );
        }
        return done({ version });
      });
    },

    /** Both factor lists, retired ones too, in list order. */
    factors: (): AssessmentFactor[] => assessments.factors(),

    findFactor: (id: number): AssessmentFactor | undefined => assessments.findFactor(id),

    addFactor(actorAccountId: number, kind: FactorKind, labels: { labelId: string; labelEn: string }): { id: number } {
      const at = now();
      return transaction(() => {
        const id = assessments.addFactor(kind, labels, at);
        audit.append(
          { actorAccountId, action: 'assessment_factor.added', subjectType: 'assessment_factor', subjectId: id, detail: { kind } },
          at,
        );
        return { id };
      });
    },

    renameFactor(actorAccountId: number, id: number, labels: { labelId: string; labelEn: string }): Outcome<object, 'not_found'> {
      const at = now();
      return transaction((): Outcome<object, 'not_found'> => {
        if (!assessments.findFactor(id)) return refuse('not_found');
        assessments.renameFactor(id, labels, at);
        audit.append({ actorAccountId, action: 'assessment_factor.renamed', subjectType: 'assessment_factor', subjectId: id }, at);
        return done();
      });
    },

    /** Retires a factor (no longer offered) or brings it back. */
    setFactorRetired(actorAccountId: number, id: number, retired: boolean): Outcome<object, 'not_found'> {
      const at = now();
      return transaction((): Outcome<object, 'not_found'> => {
        const factor = assessments.findFactor(id);
        if (!factor) return refuse('not_found');
        if (factor.retired === retired) return done();
        assessments.setFactorRetired(id, retired, at);
        audit.append(
          {
            actorAccountId,
            action: retired ? 'assessment_factor.retired' : 'assessment_factor.restored',
            subjectType: 'assessment_factor',
            subjectId: id,
          },
          at,
        );
        return done();
      });
    },

    moveFactor(actorAccountId: number, id: number, direction: 'up' | 'down'): Outcome<object, 'not_found'> {
      const at = now();
      return transaction((): Outcome<object, 'not_found'> => {
        const factor = assessments.findFactor(id);
        if (!factor) return refuse('not_found');
        if (assessments.moveFactor(factor, direction, at)) {
          audit.append(
            { actorAccountId, action: 'assessment_factor.moved', subjectType: 'assessment_factor', subjectId: id, detail: { direction } },
            at,
          );
        }
        return done();
      });
    },
  };
}

export type CaseAssessmentService = ReturnType<typeof createCaseAssessmentService>;
