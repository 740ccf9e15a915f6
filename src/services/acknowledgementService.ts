import type { Transactor } from '../data/transaction';
import type { RedirectForAck, RedirectRepository } from '../data/redirectRepository';
import type { ReportRepository } from '../data/reportRepository';
import type { ReportTimelineRepository } from '../data/reportTimelineRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { CurrentAccount } from '../domain/roles';
import { canActOnReport, canViewReport, isHeldByAnother } from '../domain/access';
import { ackChoices, canAcknowledge, type AckAnswer, type AckStatus } from '../domain/acknowledgements';
import type { AckLinks } from './ackLinks';
import type { Notifications } from './notifications';

/** What the page behind a partner's link shows: never report content. */
export type AckPage =
  | { state: 'forged' }
  | { state: 'expired' }
  | { state: 'withdrawn'; reference: string }
  | {
      state: 'open' | 'final';
      reference: string;
      partnerName: string;
      redirectedAt: Date;
      ackStatus: AckStatus;
      ackAt: Date | null;
      /** The answers still open; none once the answer is final. */
      choices: readonly AckAnswer[];
    };

export type AckProblem = 'forged' | 'expired' | 'withdrawn' | 'already_recorded' | 'reason_required' | 'claimed_by_other';
export type AckResult = { ok: true } | { ok: false; problem: AckProblem };

export interface AcknowledgementServiceDeps {
  transaction: Transactor;
  redirects: RedirectRepository;
  reports: ReportRepository;
  timeline: ReportTimelineRepository;
  audit: AuditRepository;
  ackLinks: AckLinks;
  notify: Notifications;
  now: () => Date;
}

/** A redirect still stands while its report is redirected and no later redirect replaced it. */
const stands = (r: RedirectForAck) => r.reportStatus === 'redirected' && r.isLatest;

/**
 * The partner's side of a redirect (`sent` → `received` → `accepted` | `declined`), answered
 * through the signed link in the redirect email or recorded by staff after a phone call. Each
 * answer is one transaction: the redirect, a timeline event the reporter sees, the audit event,
 * and the reporter's "there is news" email when they asked for one.
 */
export function createAcknowledgementService(deps: AcknowledgementServiceDeps) {
  const { transaction, redirects, reports, timeline, audit, ackLinks, notify, now } = deps;

  /** Records `answer` on a standing redirect; the caller has checked who may. */
  function record(redirect: RedirectForAck, answer: AckAnswer, reason: string, actorAccountId: number | null, at: Date): AckResult {
    if (!stands(redirect)) return { ok: false, problem: 'withdrawn' };
    if (!canAcknowledge(redirect.ackStatus, answer)) return { ok: false, problem: 'already_recorded' };
    if (answer === 'declined' && reason.trim() === '') return { ok: false, problem: 'reason_required' };
    if (!redirects.recordAck(redirect.id, redirect.ackStatus, answer, answer === 'declined' ? reason.trim() : null, at)) {
      return { ok: false, problem: 'already_recorded' };
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
    return { ok: true };
  }

  /** The redirect a link is for, or why there is none. */
  function fromLink(token: string, at: Date): { ok: true; redirect: RedirectForAck } | { ok: false; problem: 'forged' | 'expired' } {
    const check = ackLinks.check(token, at);
    if (!check.ok) return check;
    const redirect = redirects.findForAck(check.redirectId);
    // A well-signed link to a redirect that does not exist (a restored backup) is treated as forged.
    return redirect ? { ok: true, redirect } : { ok: false, problem: 'forged' };
  }

  return {
    /** For GET /ack/:token — reads only; a mail scanner opening the link changes nothing. */
    page(token: string): AckPage {
      const found = fromLink(token, now());
      if (!found.ok) return { state: found.problem };
      const r = found.redirect;
      if (!stands(r)) return { state: 'withdrawn', reference: r.reference };
      const choices = ackChoices(r.ackStatus);
      return {
        state: choices.length === 0 ? 'final' : 'open',
        reference: r.reference,
        partnerName: r.partnerName,
        redirectedAt: r.createdAt,
        ackStatus: r.ackStatus,
        ackAt: r.ackAt,
        choices,
      };
    },

    /** POST /ack/:token — the partner's answer (audited with no actor: the link is the credential). */
    answerByLink(token: string, answer: AckAnswer, reason: string): AckResult {
      const at = now();
      return transaction((): AckResult => {
        const found = fromLink(token, at);
        if (!found.ok) return found;
        return record(found.redirect, answer, reason, null, at);
      });
    },

    /** Staff record an answer the partner gave by phone or otherwise; undefined when the report is not theirs to act on. */
    recordByStaff(who: CurrentAccount, reference: string, answer: AckAnswer, reason: string): AckResult | undefined {
      const at = now();
      return transaction((): AckResult | undefined => {
        const report = reports.findForStaff(reference);
        if (!report || !canViewReport(who, report) || !canActOnReport(who, report)) return undefined;
        if (isHeldByAnother(who, report)) return { ok: false, problem: 'claimed_by_other' };
        const latest = redirects.latestForReport(report.id);
        const redirect = latest && redirects.findForAck(latest.id);
        if (!redirect) return { ok: false, problem: 'withdrawn' };
        return record(redirect, answer, reason, who.id, at);
      });
    },
  };
}

export type AcknowledgementService = ReturnType<typeof createAcknowledgementService>;
