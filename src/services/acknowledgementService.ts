import type { Transactor } from '../data/transaction';
import type { RedirectForAcknowledgement, RedirectRepository } from '../data/redirectRepository';
import type { ReportRepository } from '../data/reportRepository';
import type { ReportTimelineRepository } from '../data/reportTimelineRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { CurrentAccount } from '../domain/roles';
import { canActOnReport, canViewReport, isHeldByAnother } from '../domain/access';
import { acknowledgementChoices, canAcknowledge, type AcknowledgementAnswer, type AcknowledgementStatus } from '../domain/acknowledgements';
import type { AcknowledgementLinks } from './acknowledgementLinks';
import type { Notifications } from './notifications';
import { done, refuse, type Outcome } from '../domain/outcome';

/** What the page behind a partner's link shows: never report content. */
export type AcknowledgementPage =
  | { state: 'forged' }
  | { state: 'expired' }
  | { state: 'withdrawn'; reference: string }
  | {
      state: 'open' | 'final';
      reference: string;
      partnerName: string;
      redirectedAt: Date;
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
  const { transaction, redirects, reports, timeline, audit, acknowledgementLinks, notify, now } = deps;

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

  /** The redirect a link is for, or why there is none. */
  function fromLink(token: string, at: Date): Outcome<{ redirect: RedirectForAcknowledgement }, 'forged' | 'expired'> {
    const check = acknowledgementLinks.check(token, at);
    if (!check.ok) return refuse(check.problem);
    const redirect = redirects.findForAcknowledgement(check.redirectId);
    // A well-signed link to a redirect that does not exist (a restored backup) is treated as forged.
    return redirect ? done({ redirect }) : refuse('forged');
  }

  return {
    /** For GET /ack/:token — reads only; a mail scanner opening the link changes nothing. */
    page(token: string): AcknowledgementPage {
      const found = fromLink(token, now());
      if (!found.ok) return { state: found.problem };
      const r = found.redirect;
      if (!stands(r)) return { state: 'withdrawn', reference: r.reference };
      const choices = acknowledgementChoices(r.acknowledgementStatus);
      return {
        state: choices.length === 0 ? 'final' : 'open',
        reference: r.reference,
        partnerName: r.partnerName,
        redirectedAt: r.createdAt,
        acknowledgementStatus: r.acknowledgementStatus,
        acknowledgedAt: r.acknowledgedAt,
        choices,
      };
    },

    /** POST /ack/:token — the partner's answer (audited with no actor: the link is the credential). */
    answerByLink(token: string, answer: AcknowledgementAnswer, reason: string): AcknowledgementOutcome {
      const at = now();
      return transaction((): AcknowledgementOutcome => {
        const found = fromLink(token, at);
        if (!found.ok) return refuse(found.problem);
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
