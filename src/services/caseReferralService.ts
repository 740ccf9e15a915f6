import type { GroupCommit, Transactor } from '../data/transaction';
import type { CaseRepository } from '../data/caseRepository';
import type { CaseReferralForAcknowledgement, CaseReferralRepository } from '../data/caseReferralRepository';
import type { CaseConferenceRepository } from '../data/caseConferenceRepository';
import type { PartnerRepository } from '../data/partnerRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { HolidayRepository } from '../data/holidayRepository';
import type { CurrentAccount } from '../domain/roles';
import type { CaseDetail } from '../domain/cases';
import type { PartnerContact } from '../domain/partners';
import { canViewCase, canWorkCase } from '../domain/access';
import { acknowledgementChoices, canAcknowledge, type AcknowledgementAnswer } from '../domain/acknowledgements';
import { involvedPartners, isOpenReferral, type CaseReferral, type ConsentMethod, type InvolvedPartner } from '../domain/caseReferrals';
import { jakartaDate, workingDaysDueAt } from '../domain/sla';
import { done, refuse, type Outcome } from '../domain/outcome';
import type { Notifications } from './notifications';
import { REMINDER_BATCH, remindOnce } from './remindOnce';

/** What the worker writes to refer a family out. Consent (who, when, how) is required. */
export interface CaseReferralInput {
  partnerId: number;
  consentBy: string;
  consentMethod: ConsentMethod;
  consentOn: string;
  summary: string;
  request: string;
}

/**
 * `not_found`: no such case (or referral), or not this person's to see (the same 404);
 * `not_allowed`: may read the case but not work it; `case_closed`; `unknown_partner` (not an
 * active partner); `consent_required` (the family's consent is missing: never referred without it).
 */
export type CaseReferralProblem = 'not_found' | 'not_allowed' | 'case_closed' | 'unknown_partner' | 'consent_required';

/** A partner's answer refused: the same problems as a redirect's (acknowledgementService). */
export type CaseReferralAnswerProblem = 'not_found' | 'not_allowed' | 'already_recorded' | 'reason_required';

/** The case page's section: the referrals out, and which partners are involved. */
export interface CaseReferralSection {
  referrals: CaseReferral[];
  involved: InvolvedPartner[];
  /** Referrals still unanswered past their due time: the worker phones the partner. */
  overdueIds: number[];
  canRefer: boolean;
}

export interface CaseReferralServiceDeps {
  transaction: Transactor;
  groupCommit: GroupCommit;
  cases: CaseRepository;
  caseReferrals: CaseReferralRepository;
  caseConferences: Pick<CaseConferenceRepository, 'ofCase'>;
  partners: PartnerRepository;
  holidays: Pick<HolidayRepository, 'datesFrom'>;
  audit: AuditRepository;
  notify: Notifications;
  /** REDIRECT_ACK_DAYS: a partner answers a case referral in the same time as a redirect. */
  acknowledgementDays: number;
  now: () => Date;
}

/**
 * Referrals out from a case (issue 13): the worker of a case (its caseworker, or a supervisor)
 * refers the family to a partner with the family's consent and a summary written for that partner;
 * the partner answers through the signed link in the email (acknowledgementService dispatches it
 * here), or staff record an answer given by phone. The case shows who is involved, and a second
 * open referral to the same partner is warned of, not refused. A referral never closes the case.
 */
export function createCaseReferralService(deps: CaseReferralServiceDeps) {
  const { transaction, groupCommit, cases, caseReferrals, caseConferences, partners, holidays, audit, notify, now } = deps;

  function visibleCase(who: CurrentAccount, number: string): CaseDetail | undefined {
    const detail = cases.findByNumber(number);
    return detail && canViewCase(who, detail.assignedTo) ? detail : undefined;
  }

  const involvedIn = (caseId: number, referrals: readonly CaseReferral[]) =>
    involvedPartners(
      referrals,
      caseConferences.ofCase(caseId).flatMap((c) => c.partnerAttendees.map((p) => ({ partnerId: p.id, name: p.name }))),
    );

  /** Records an answer on a referral; the caller has checked who may. */
  function record(
    referral: Pick<CaseReferralForAcknowledgement, 'id' | 'caseId' | 'acknowledgementStatus'>,
    answer: AcknowledgementAnswer,
    reason: string,
    actorAccountId: number | null,
    at: Date,
  ): Outcome<object, 'already_recorded' | 'reason_required'> {
    if (!canAcknowledge(referral.acknowledgementStatus, answer)) return refuse('already_recorded');
    if (answer === 'declined' && reason.trim() === '') return refuse('reason_required');
    const kept = answer === 'declined' ? reason.trim() : null;
    if (!caseReferrals.recordAcknowledgement(referral.id, referral.acknowledgementStatus, answer, kept, actorAccountId, at)) {
      return refuse('already_recorded');
    }
    audit.append(
      {
        actorAccountId,
        action: 'case_referral.acknowledged',
        subjectType: 'case',
        subjectId: referral.caseId,
        detail: { status: answer, referral: referral.id, via: actorAccountId === null ? 'link' : 'staff' },
      },
      at,
    );
    return done();
  }

  return {
    /**
     * The case page's section, for a case the page has just opened through caseService.view (that
     * view is the audited one); nothing for a person who may not see the case.
     */
    section(who: CurrentAccount, detail: CaseDetail): CaseReferralSection {
      if (!canViewCase(who, detail.assignedTo)) return { referrals: [], involved: [], overdueIds: [], canRefer: false };
      const referrals = caseReferrals.ofCase(detail.id);
      const at = now().getTime();
      return {
        referrals,
        involved: involvedIn(detail.id, referrals),
        overdueIds: referrals
          .filter((r) => r.acknowledgementStatus === 'sent' && r.acknowledgementDueAt !== null && r.acknowledgementDueAt.getTime() < at)
          .map((r) => r.id),
        canRefer: canWorkCase(who, detail.assignedTo) && detail.closedAt === null,
      };
    },

    /**
     * The form to refer out: the case, the active partners and who is involved already (so the
     * worker sees an overlap before sending). Audited as a view of the case.
     */
    async form(
      who: CurrentAccount,
      number: string,
    ): Promise<Outcome<{ detail: CaseDetail; partners: PartnerContact[]; involved: InvolvedPartner[] }, CaseReferralProblem>> {
      const detail = visibleCase(who, number);
      if (!detail) return refuse('not_found');
      if (!canWorkCase(who, detail.assignedTo)) return refuse('not_allowed');
      if (detail.closedAt !== null) return refuse('case_closed');
      await groupCommit(() =>
        audit.append(
          { actorAccountId: who.id, action: 'case.viewed', subjectType: 'case', subjectId: detail.id, detail: { page: 'referral_form' } },
          now(),
        ),
      );
      return done({ detail, partners: partners.listActive(), involved: involvedIn(detail.id, caseReferrals.ofCase(detail.id)) });
    },

    /**
     * Refers the family out: the referral, the partner's email with its links (when the partner has
     * an email address) and the audit event, in one transaction. `overlapping`: the partner already
     * had an open referral from this case (a warning for the worker, not a refusal).
     */
    refer(
      who: CurrentAccount,
      number: string,
      input: CaseReferralInput,
    ): Outcome<{ id: number; overlapping: boolean; emailed: boolean }, CaseReferralProblem> {
      return transaction((): Outcome<{ id: number; overlapping: boolean; emailed: boolean }, CaseReferralProblem> => {
        const detail = cases.findByNumber(number);
        if (!detail || !canViewCase(who, detail.assignedTo)) return refuse('not_found');
        if (!canWorkCase(who, detail.assignedTo)) return refuse('not_allowed');
        if (detail.closedAt !== null) return refuse('case_closed');
        if (input.consentBy.trim() === '' || input.consentOn === '') return refuse('consent_required');
        const partner = partners.findById(input.partnerId);
        if (!partner || !partner.active) return refuse('unknown_partner');
        const at = now();
        const overlapping = caseReferrals.ofCase(detail.id).some((r) => r.partnerId === partner.id && isOpenReferral(r));
        const id = caseReferrals.insert({
          caseId: detail.id,
          partnerId: partner.id,
          consentBy: input.consentBy.trim(),
          consentMethod: input.consentMethod,
          consentOn: input.consentOn,
          summary: input.summary,
          request: input.request,
          createdBy: who.id,
          at,
          acknowledgementDueAt: workingDaysDueAt(at, deps.acknowledgementDays, holidays.datesFrom(jakartaDate(at))),
        });
        // No email address: no email, and the referral's page tells the worker to phone the partner.
        const emailed = notify.caseReferralToPartner(
          {
            referralId: id,
            caseNumber: detail.number,
            partnerName: partner.name,
            partnerEmail: partner.email,
            summary: input.summary,
            request: input.request,
          },
          at,
        );
        audit.append(
          {
            actorAccountId: who.id,
            action: 'case_referral.created',
            subjectType: 'case',
            subjectId: detail.id,
            detail: { referral: id, partner: partner.id, consent: input.consentMethod, overlapping, emailed },
          },
          at,
        );
        return done({ id, overlapping, emailed });
      });
    },

    /** One referral's page: consent, summary, request, the partner's answer; audited. */
    async view(
      who: CurrentAccount,
      number: string,
      referralId: number,
    ): Promise<
      | {
          detail: CaseDetail;
          referral: CaseReferral;
          /** Other open referrals from this case to the same partner: work that may overlap. */
          overlapping: CaseReferral[];
          canRecord: boolean;
          choices: readonly AcknowledgementAnswer[];
        }
      | undefined
    > {
      const detail = visibleCase(who, number);
      const referral = detail && caseReferrals.find(referralId);
      if (!detail || !referral || referral.caseId !== detail.id) return undefined;
      await groupCommit(() =>
        audit.append(
          {
            actorAccountId: who.id,
            action: 'case_referral.viewed',
            subjectType: 'case',
            subjectId: detail.id,
            detail: { referral: referral.id },
          },
          now(),
        ),
      );
      const current = caseReferrals.find(referralId) ?? referral;
      const choices = acknowledgementChoices(current.acknowledgementStatus);
      return {
        detail,
        referral: current,
        overlapping: caseReferrals
          .ofCase(detail.id)
          .filter((r) => r.id !== current.id && r.partnerId === current.partnerId && isOpenReferral(r)),
        // A partner's answer may still come in after the case is closed (a referral is often why it closes).
        canRecord: canWorkCase(who, detail.assignedTo) && choices.length > 0,
        choices,
      };
    },

    /** Staff record an answer the partner gave by phone or otherwise. */
    recordByStaff(
      who: CurrentAccount,
      number: string,
      referralId: number,
      answer: AcknowledgementAnswer,
      reason: string,
    ): Outcome<object, CaseReferralAnswerProblem> {
      return transaction((): Outcome<object, CaseReferralAnswerProblem> => {
        const detail = cases.findByNumber(number);
        if (!detail || !canViewCase(who, detail.assignedTo)) return refuse('not_found');
        const referral = caseReferrals.find(referralId);
        if (!referral || referral.caseId !== detail.id) return refuse('not_found');
        if (!canWorkCase(who, detail.assignedTo)) return refuse('not_allowed');
        return record(referral, answer, reason, who.id, now());
      });
    },

    /** For the partner's page behind a link (acknowledgementService): the referral, or undefined. */
    forLink(referralId: number): CaseReferralForAcknowledgement | undefined {
      return caseReferrals.findForAcknowledgement(referralId);
    },

    /** The partner's answer through the link (audited with no actor: the link is the credential); inside the caller's transaction. */
    answerByLink(referral: CaseReferralForAcknowledgement, answer: AcknowledgementAnswer, reason: string, at: Date) {
      return record(referral, answer, reason, null, at);
    },

    /**
     * The one reminder to a partner who has not answered a case referral by its due time. Called
     * with the redirect reminders (redirectReminders.run, from the outbox worker); `reminded_at` is
     * set in the same transaction as the email is queued, only by whoever sets it first.
     */
    remind(at: Date = now()): number {
      return remindOnce(
        transaction,
        caseReferrals.dueForReminder(at, REMINDER_BATCH),
        (id) => caseReferrals.markReminded(id, at),
        (r) => {
          notify.caseReferralReminder(
            { referralId: r.id, caseNumber: r.caseNumber, partnerName: r.partnerName, partnerEmail: r.partnerEmail, sentAt: r.createdAt },
            at,
          );
          audit.append(
            {
              actorAccountId: null,
              action: 'case_referral.reminded',
              subjectType: 'case',
              subjectId: r.caseId,
              detail: { referral: r.id },
            },
            at,
          );
        },
      );
    },
  };
}

export type CaseReferralService = ReturnType<typeof createCaseReferralService>;
