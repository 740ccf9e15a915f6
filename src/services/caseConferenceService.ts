import type { GroupCommit, Transactor } from '../data/transaction';
import type { CaseRepository } from '../data/caseRepository';
import type { CaseConferenceRepository } from '../data/caseConferenceRepository';
import type { PartnerRepository } from '../data/partnerRepository';
import type { AccountRepository } from '../data/accountRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { CurrentAccount } from '../domain/roles';
import type { CaseDetail } from '../domain/cases';
import type { PartnerContact } from '../domain/partners';
import { canViewCase } from '../domain/access';
import { canRecordConference, conferenceStaffRoles, type CaseConference } from '../domain/caseReferrals';
import { done, refuse, type Outcome } from '../domain/outcome';

/** What a supervisor records of a conference. */
export interface CaseConferenceInput {
  heldOn: string;
  staffIds: number[];
  partnerIds: number[];
  otherAttendees: string;
  decisions: string;
  nextSteps: string;
}

/**
 * `not_found` (no such case or conference, or not this person's to see: 404), `not_allowed` (only a
 * supervisor records), `case_closed`, `unknown_attendee` (a staff account or partner that is not
 * an active one), `no_attendees` (nobody named at all).
 */
export type CaseConferenceProblem = 'not_found' | 'not_allowed' | 'case_closed' | 'unknown_attendee' | 'no_attendees';

export interface CaseConferenceServiceDeps {
  transaction: Transactor;
  groupCommit: GroupCommit;
  cases: CaseRepository;
  caseConferences: CaseConferenceRepository;
  partners: PartnerRepository;
  accounts: AccountRepository;
  audit: AuditRepository;
  now: () => Date;
}

/**
 * Case conferences (issue 13): a supervisor records when one was held, who attended (staff, partners,
 * others), the decisions and the next steps; the case lists them, and the minutes print on a page
 * of their own. Each view and print is audited, as is each record (codes only).
 */
export function createCaseConferenceService(deps: CaseConferenceServiceDeps) {
  const { transaction, groupCommit, cases, caseConferences, partners, accounts, audit, now } = deps;

  function visibleCase(who: CurrentAccount, number: string): CaseDetail | undefined {
    const detail = cases.findByNumber(number);
    return detail && canViewCase(who, detail.assignedTo) ? detail : undefined;
  }

  const staffChoices = (): CurrentAccount[] =>
    conferenceStaffRoles.flatMap((role) => accounts.listActiveByRole(role)).sort((a, b) => a.name.localeCompare(b.name));

  return {
    /** The case page's section, for a case the page has just opened (and audited) through caseService.view. */
    section(who: CurrentAccount, detail: CaseDetail): { conferences: CaseConference[]; canRecord: boolean } {
      if (!canViewCase(who, detail.assignedTo)) return { conferences: [], canRecord: false };
      return { conferences: caseConferences.ofCase(detail.id), canRecord: canRecordConference(who) && detail.closedAt === null };
    },

    /** The form to record a conference: who may be named. A supervisor's, on an open case. */
    async form(
      who: CurrentAccount,
      number: string,
    ): Promise<Outcome<{ detail: CaseDetail; staff: CurrentAccount[]; partners: PartnerContact[] }, CaseConferenceProblem>> {
      const detail = visibleCase(who, number);
      if (!detail) return refuse('not_found');
      if (!canRecordConference(who)) return refuse('not_allowed');
      if (detail.closedAt !== null) return refuse('case_closed');
      await groupCommit(() =>
        audit.append(
          { actorAccountId: who.id, action: 'case.viewed', subjectType: 'case', subjectId: detail.id, detail: { page: 'conference_form' } },
          now(),
        ),
      );
      return done({ detail, staff: staffChoices(), partners: partners.listActive() });
    },

    record(who: CurrentAccount, number: string, input: CaseConferenceInput): Outcome<{ id: number }, CaseConferenceProblem> {
      return transaction((): Outcome<{ id: number }, CaseConferenceProblem> => {
        const detail = cases.findByNumber(number);
        if (!detail || !canViewCase(who, detail.assignedTo)) return refuse('not_found');
        if (!canRecordConference(who)) return refuse('not_allowed');
        if (detail.closedAt !== null) return refuse('case_closed');
        const staffIds = [...new Set(input.staffIds)];
        const partnerIds = [...new Set(input.partnerIds)];
        if (staffIds.length + partnerIds.length === 0 && input.otherAttendees.trim() === '') return refuse('no_attendees');
        const allowed = new Set(staffChoices().map((a) => a.id));
        if (staffIds.some((id) => !allowed.has(id))) return refuse('unknown_attendee');
        if (partnerIds.some((id) => !partners.findById(id)?.active)) return refuse('unknown_attendee');
        const at = now();
        const id = caseConferences.insert({
          caseId: detail.id,
          heldOn: input.heldOn,
          staffIds,
          partnerIds,
          otherAttendees: input.otherAttendees.trim(),
          decisions: input.decisions,
          nextSteps: input.nextSteps,
          recordedBy: who.id,
          at,
        });
        audit.append(
          {
            actorAccountId: who.id,
            action: 'case_conference.recorded',
            subjectType: 'case',
            subjectId: detail.id,
            detail: { conference: id, staff: staffIds.length, partners: partnerIds.length },
          },
          at,
        );
        return done({ id });
      });
    },

    /** A conference's minutes, read on the back office page or printed; each audited. */
    async view(
      who: CurrentAccount,
      number: string,
      conferenceId: number,
      purpose: 'read' | 'print' = 'read',
    ): Promise<{ detail: CaseDetail; conference: CaseConference } | undefined> {
      const detail = visibleCase(who, number);
      const conference = detail && caseConferences.find(conferenceId);
      if (!detail || !conference || conference.caseId !== detail.id) return undefined;
      const action = purpose === 'print' ? 'case_conference.printed' : 'case_conference.viewed';
      await groupCommit(() =>
        audit.append(
          { actorAccountId: who.id, action, subjectType: 'case', subjectId: detail.id, detail: { conference: conference.id } },
          now(),
        ),
      );
      return { detail, conference };
    },
  };
}

export type CaseConferenceService = ReturnType<typeof createCaseConferenceService>;
