import type { Transactor } from '../data/transaction';
import type { RedirectForAcknowledgement, RedirectRepository } from '../data/redirectRepository';
import type { ReportRepository } from '../data/reportRepository';
import type { ReportTimelineRepository } from '../data/reportTimelineRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { CurrentAccount } from '../domain/roles';
import { canActOnReport, canViewReport, isHeldByAnother } from '../domain/access';
import {
  acknowledgementChoices,
  canAcknowledge,
  type AcknowledgementAnswer,
  type AcknowledgementKind,
  type AcknowledgementStatus,
} from '../domain/acknowledgements';
import type { CaseReferralService } from './caseReferralService';
import type { AcknowledgementLinks } from './acknowledgementLinks';
import type { Notifications } from './notifications';
import { done, refuse, type Outcome } from '../domain/outcome';

/**
 * What the page behind a partner's link shows: never report content. A redirect's page names the
 * report; a case referral's names the case and shows what its worker wrote for this partner (the
 * summary and the request, as in the email).
 */
export type AcknowledgementPage =
  | { state: 'forged' }
  | { state: 'expired' }
  | { state: 'withdrawn'; kind: AcknowledgementKind; reference: string }
  | {
      state: 'open' | 'final';
      kind: AcknowledgementKind;
      /** The report's reference, or the case's number. */
      reference: string;
      partnerName: string;
      /** When the report was redirected, or the family referred. */
      sentAt: Date;
      /** A case referral's summary and request for the partner; null for a redirect. */
      written: { summary: string; request: string } | null;
      acknowledgementStatus: AcknowledgementStatus;
      acknowledgedAt: Date | null;
      /** The answers still open; none once the answer is final. */
      choices: readonly AcknowledgementAnswer[];
    };

/** `not_found`: staff asked about a report that is not theirs to act on (the route answers 404). */
export type AcknowledgementProblem =
  'forged' | 'expired' | 'withdrawn' | 'already_recorded' | 'reason_required' | 'claimed_by_other' | 'not_found';
export type AcknowledgementOutcome = Outcome<object, AcknowledgementProblem>;

export interface AcknowledgementServiceDeps {
  transaction: Transactor;
  redirects: RedirectRepository;
  reports: ReportRepository;
  timeline: ReportTimelineRepository;
  audit: AuditRepository;
  acknowledgementLinks: AcknowledgementLinks;
  notify: Notifications;
  /** Referrals out from cases, answered through the same links (kind `case_referral`). */
  caseReferrals: Pick<CaseReferralService, 'forLink' | 'answerByLink'>;
  now: () => Date;
}

/** A redirect still stands while its report is redirected and no later redirect replaced it. */
const stands = (r: RedirectForAcknowledgement) => r.reportStatus === 'redirected' && r.isLatest;

/**
 * The partner's side of a redirect (`sent` → `received` → `accepted` | `declined`), answered
 * through the signed link in the redirect email or recorded by staff after a phone call. Each
 * answer is one transaction: the redirect, a timeline event the reporter sees, the audit event,
 * and the reporter's "there is news" email when they asked for one.
 */
export function createAcknowledgementService(deps: AcknowledgementServiceDeps) {
  const { transaction, redirects, reports, timeline, audit, acknowledgementLinks, notify, caseReferrals, now } = deps;

  /** Records `answer` on a standing redirect; the caller has checked who may. */
  function record(
    redirect: RedirectForAcknowledgement,
    answer: AcknowledgementAnswer,
    reason: string,
    actorAccountId: number | null,
    at: Date,
  ): AcknowledgementOutcome {
    if (!stands(redirect)) return refuse('withdrawn');
    if (!canAcknowledge(redirect.acknowledgementStatus, answer)) return refuse('already_recorded');
    if (answer === 'declined' && reason.trim() === '') return refuse('reason_required');
    if (
      !redirects.recordAcknowledgement(
        redirect.id,
        redirect.acknowledgementStatus,
        answer,
        answer === 'declined' ? reason.trim() : null,
        at,
      )
    ) {
      return refuse('already_recorded');
    }
    timeline.addEvent(redirect.reportId, `partner_${answer}`, null, at);
    audit.append(
      {
        actorAccountId,
        action: 'redirect.acknowledged',
        subjectType: 'report',
        subjectId: redirect.reference,
        detail: { status: answer, redirect: redirect.id, via: actorAccountId === null ? 'link' : 'staff' },
      },
      at,
    );
    const report = reports.findForStaff(redirect.reference);
    if (report?.source === 'public') notify.reporterUpdate(report, at);
    return done();
  }

  type Linked =
    | { kind: 'redirect'; redirect: RedirectForAcknowledgement }
    | { kind: 'case_referral'; referral: NonNullable<ReturnType<typeof caseReferrals.forLink>> };

  /** The redirect or case referral a link is for, or why there is none. */
  function fromLink(token: string, at: Date): Outcome<Linked, 'forged' | 'expired'> {
    const check = acknowledgementLinks.check(token, at);
    if (!check.ok) return refuse(check.problem);
    // A well-signed link to a row that does not exist (a restored backup, a purged case) is treated as forged.
    if (check.kind === 'case_referral') {
      const referral = caseReferrals.forLink(check.id);
      return referral ? done({ kind: 'case_referral' as const, referral }) : refuse('forged');
    }
    const redirect = redirects.findForAcknowledgement(check.id);
    return redirect ? done({ kind: 'redirect' as const, redirect }) : refuse('forged');
  }

  return {
    /** For GET /ack/:token — reads only; a mail scanner opening the link changes nothing. */
    page(token: string): AcknowledgementPage {
      const at = now();
      const found = fromLink(token, at);
      if (!found.ok) return { state: found.problem };
      if (found.kind === 'case_referral') {
        const f = found.referral;
        const choices = acknowledgementChoices(f.acknowledgementStatus);
        // The page shows what was written about the family for this partner: each opening is on record.
        audit.append(
          {
            actorAccountId: null,
            action: 'case_referral.link_opened',
            subjectType: 'case',
            subjectId: f.caseId,
            detail: { referral: f.id },
          },
          at,
        );
        return {
          state: choices.length === 0 ? 'final' : 'open',
          kind: 'case_referral',
          reference: f.caseNumber,
          partnerName: f.partnerName,
          sentAt: f.createdAt,
          written: { summary: f.summary, request: f.request },
          acknowledgementStatus: f.acknowledgementStatus,
          acknowledgedAt: f.acknowledgedAt,
          choices,
        };
      }
      const r = found.redirect;
      if (!stands(r)) return { state: 'withdrawn', kind: 'redirect', reference: r.reference };
      const choices = acknowledgementChoices(r.acknowledgementStatus);
      return {
        state: choices.length === 0 ? 'final' : 'open',
        kind: 'redirect',
        reference: r.reference,
        partnerName: r.partnerName,
        sentAt: r.createdAt,
        written: null,
        acknowledgementStatus: r.acknowledgementStatus,
        acknowledgedAt: r.acknowledgedAt,
        choices,
      };
    },

    /** POST /ack/:token — the partner's answer to a redirect or a case referral (audited with no actor: the link is the credential). */
    answerByLink(token: string, answer: AcknowledgementAnswer, reason: string): AcknowledgementOutcome {
      const at = now();
      return transaction((): AcknowledgementOutcome => {
        const found = fromLink(token, at);
        if (!found.ok) return refuse(found.problem);
        if (found.kind === 'case_referral') return caseReferrals.answerByLink(found.referral, answer, reason, at);
        return record(found.redirect, answer, reason, null, at);
      });
    },

    /** Staff record an answer the partner gave by phone or otherwise; `not_found` when the report is not theirs to act on. */
    recordByStaff(who: CurrentAccount, reference: string, answer: AcknowledgementAnswer, reason: string): AcknowledgementOutcome {
      const at = now();
      return transaction((): AcknowledgementOutcome => {
        const report = reports.findForStaff(reference);
        if (!report || !canViewReport(who, report) || !canActOnReport(who, report)) return refuse('not_found');
        if (isHeldByAnother(who, report)) return refuse('claimed_by_other');
        const latest = redirects.latestForReport(report.id);
        const redirect = latest && redirects.findForAcknowledgement(latest.id);
        if (!redirect) return refuse('withdrawn');
        return record(redirect, answer, reason, who.id, at);
      });
    },
  };
}

export type AcknowledgementService = ReturnType<typeof createAcknowledgementService>;
