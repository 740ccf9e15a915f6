import type { GroupCommit, Transactor } from '../data/transaction';
import type { ReportRepository } from '../data/reportRepository';
import type { StaffReport } from '../domain/reports';
import type { ReportTimelineRepository } from '../data/reportTimelineRepository';
import type { Message, TimelineEvent } from '../domain/reports';
import type { QueueRepository } from '../data/queueRepository';
import type { QueueCursor, QueueFilters, QueueRow } from '../domain/queue';
import type { CaseRepository } from '../data/caseRepository';
import type { RedirectRepository, RedirectView } from '../data/redirectRepository';
import type { AccountRepository } from '../data/accountRepository';
import type { AuditEventInput, AuditRepository } from '../data/auditRepository';
import type { ReferralDetail, ReferralRepository } from '../data/referralRepository';
import type { IntakeRepository } from '../data/intakeRepository';
import type { IntakeDetail } from '../domain/intake';
import type { CurrentAccount } from '../domain/roles';
import type { CloseReason, EscalationTarget, RedirectReason, RiskLevel } from '../domain/decisions';
import { canActOnReport, canReopenReports, canViewReport, isHeldByAnother } from '../domain/access';
import { isOpen, nextStatus, type ReportEvent, type ReportStatus } from '../domain/reportStatus';
import { jakartaDate, workingDaysDueAt } from '../domain/sla';
import type { RedirectAttentionRow } from '../data/redirectRepository';
import type { Notifications } from './notifications';
import { acknowledgementChoices, type AcknowledgementAnswer } from '../domain/acknowledgements';
import { handledBy, type HandledBy } from '../domain/handling';
import { done, refuse, type Outcome } from '../domain/outcome';
import { mayBeAssignedCases } from '../domain/cases';

/** The partner lookups a redirect needs (implemented by the partner repository). */
export interface PartnerLookup {
  findById(id: number): { id: number; name: string; email: string; active: boolean } | undefined;
}

export type Decision =
  | { kind: 'accept'; existingCaseNumber: string | null; assigneeId: number | null; riskLevel: RiskLevel | null; note: string }
  | { kind: 'redirect'; partnerId: number; reason: RedirectReason; summary: string; explanation: string }
  | { kind: 'duplicate'; duplicateOfReference: string; note: string }
  | { kind: 'close'; reason: CloseReason; note: string };

/** Why an action was refused; the route turns each into a clear message. */
export type Refusal =
  | 'already_decided'
  | 'claimed_by_other'
  | 'not_claimed_by_you'
  | 'not_decided'
  | 'unknown_case'
  | 'unknown_assignee'
  | 'unknown_partner'
  | 'unknown_duplicate'
  | 'duplicate_of_itself'
  | 'not_a_referral';

/** An action's answer; `not_found`: no such report, or not this person's to see or act on (the route answers 404). */
export type TriageOutcome = Outcome<object, Refusal | 'not_found'>;

export interface ReportPage {
  report: StaffReport;
  events: TimelineEvent[];
  messages: Message[];
  redirect: RedirectView | undefined;
  /** For a department's referral: client, consent and the response written for the department. */
  referral: ReferralDetail | undefined;
  /** For a report received at the office: the channel, and who took it and typed it in. */
  intake: IntakeDetail | undefined;
  canAct: boolean;
  canReopen: boolean;
  /** Still waiting for a decision. */
  open: boolean;
  /** Open and past its triage target. */
  overdue: boolean;
  /** The standing redirect is still unconfirmed past its due time. */
  redirectOverdue: boolean;
  /** The answers staff may still record for the partner (none once it is final). */
  acknowledgementChoices: readonly AcknowledgementAnswer[];
  /** Whom "Handled by" names: the case's social worker once accepted, else whoever claimed it. */
  handledBy: HandledBy;
}

export interface QueueEntry extends QueueRow {
  overdue: boolean;
  handledBy: HandledBy;
}

export interface TriageServiceDeps {
  transaction: Transactor;
  /** For the audit of views, committed with the others of the moment (data/transaction.ts). */
  groupCommit: GroupCommit;
  reports: ReportRepository;
  timeline: ReportTimelineRepository;
  queue: QueueRepository;
  intakes: Pick<IntakeRepository, 'detail'>;
  cases: CaseRepository;
  redirects: RedirectRepository;
  referrals: ReferralRepository;
  partners: PartnerLookup;
  accounts: AccountRepository;
  audit: AuditRepository;
  now: () => Date;
  /** Emails caused by triage: the partner's, the referring officer's, the reporter's "there is news". */
  notify: Notifications;
  /** Holidays from a date on, for the working-day clock of a redirect's acknowledgement. */
  holidays: { datesFrom(date: string): ReadonlySet<string> };
  /** REDIRECT_ACK_DAYS: working days a partner has to acknowledge a redirect. */
  redirectAcknowledgementDays: number;
}

/** Redirects a triage officer should look at (the queue's "needing attention" panel). */
export interface RedirectAttention {
  declined: RedirectAttentionRow[];
  declinedCount: number;
  unconfirmed: RedirectAttentionRow[];
  unconfirmedCount: number;
}

const decisionEvent: Record<Decision['kind'], ReportEvent> = {
  accept: 'accept',
  redirect: 'redirect',
  duplicate: 'mark_duplicate',
  close: 'close',
};

const decisionAction: Record<Decision['kind'], string> = {
  accept: 'report.accepted',
  redirect: 'report.redirected',
  duplicate: 'report.marked_duplicate',
  close: 'report.closed',
};

const isOverdue = (status: ReportStatus, dueAt: Date, at: Date) => isOpen(status) && dueAt.getTime() < at.getTime();

/** Triage: the queue, reading a report, claiming it, and every decision — each in one transaction. */
export function createTriageService(deps: TriageServiceDeps) {
  const {
    transaction,
    groupCommit,
    reports,
    timeline,
    queue,
    intakes,
    cases,
    redirects,
    referrals,
    partners,
    accounts,
    audit,
    now,
    notify,
  } = deps;

  /** A reporter who asked to be told gets "there is news" (departments follow their own pages). */
  function tellReporter(report: StaffReport, at: Date): void {
    if (report.source !== 'department') notify.reporterUpdate(report, at);
  }

  /** The report, if this person may see it; undefined otherwise (the route answers 404 either way). */
  function visibleReport(who: CurrentAccount, reference: string): StaffReport | undefined {
    const report = reports.findForStaff(reference);
    return report && canViewReport(who, report) ? report : undefined;
  }

  const viewAction = {
    read: 'report.viewed',
    print: 'report.printed',
  } as const;

  /** A view of a report, or a print of it (the print view, for the office's paper file). */
  const viewed = (who: CurrentAccount, report: StaffReport, purpose: 'read' | 'print' = 'read'): AuditEventInput => ({
    actorAccountId: who.id,
    action: viewAction[purpose],
    subjectType: 'report',
    subjectId: report.reference,
  });

  /** What the report page shows of a report this person may see. */
  function pageOf(who: CurrentAccount, report: StaffReport): ReportPage {
    const redirect = report.status === 'redirected' ? redirects.latestForReport(report.id) : undefined;
    return {
      report,
      events: timeline.events(report.id),
      messages: timeline.messages(report.id),
      redirect,
      redirectOverdue:
        redirect?.acknowledgementStatus === 'sent' &&
        redirect.acknowledgementDueAt !== null &&
        redirect.acknowledgementDueAt.getTime() < now().getTime(),
      acknowledgementChoices: redirect ? acknowledgementChoices(redirect.acknowledgementStatus) : [],
      referral: report.source === 'department' ? referrals.detail(report.id) : undefined,
      intake: report.source === 'intake' ? intakes.detail(report.id) : undefined,
      canAct: canActOnReport(who, report),
      canReopen: canReopenReports(who),
      open: isOpen(report.status),
      overdue: isOverdue(report.status, report.slaDueAt, now()),
      handledBy: handledBy(report),
    };
  }

  /** Runs `work` on a report this person may act on, in a transaction that re-reads it first. */
  function actOn(who: CurrentAccount, reference: string, work: (report: StaffReport, at: Date) => TriageOutcome): TriageOutcome {
    return transaction(() => {
      const report = reports.findForStaff(reference);
      if (!report || !canViewReport(who, report) || !canActOnReport(who, report)) return refuse('not_found');
      return work(report, now());
    });
  }

  /** Like actOn, for an action with no rule of its own about the claim: refused while another holds the report. */
  function actOnUnlessHeld(who: CurrentAccount, reference: string, work: (report: StaffReport, at: Date) => TriageOutcome): TriageOutcome {
    return actOn(who, reference, (report, at) => (isHeldByAnother(who, report) ? refuse('claimed_by_other') : work(report, at)));
  }

  function changeStatus(report: StaffReport, status: ReportStatus, at: Date): void {
    timeline.addEvent(report.id, 'status_changed', status, at);
    tellReporter(report, at);
  }

  function acceptAsCase(who: CurrentAccount, report: StaffReport, d: Extract<Decision, { kind: 'accept' }>, at: Date): number | Refusal {
    if (d.assigneeId !== null) {
      const assignee = accounts.findActive(d.assigneeId);
      if (!assignee || !mayBeAssignedCases(assignee)) return 'unknown_assignee';
    }
    if (d.existingCaseNumber !== null) {
      const caseId = cases.findOpenIdByNumber(d.existingCaseNumber);
      if (caseId === undefined) return 'unknown_case';
      cases.addEvent(caseId, who.id, 'report_added', report.reference, null, at);
      audit.append(
        {
          actorAccountId: who.id,
          action: 'case.report_added',
          subjectType: 'case',
          subjectId: caseId,
          detail: { report: report.reference },
        },
        at,
      );
      return caseId;
    }
    const opened = cases.open(Number(jakartaDate(at).slice(0, 4)), d.assigneeId, d.riskLevel, at);
    cases.addEvent(opened.id, who.id, 'opened', report.reference, d.note === '' ? null : d.note, at);
    if (d.assigneeId !== null) cases.addEvent(opened.id, who.id, 'assigned', String(d.assigneeId), null, at);
    audit.append(
      {
        actorAccountId: who.id,
        action: 'case.opened',
        subjectType: 'case',
        subjectId: opened.id,
        detail: { report: report.reference, number: opened.number },
      },
      at,
    );
    return opened.id;
  }

  return {
    queuePage(
      filters: QueueFilters,
      after: QueueCursor | null,
      pageSize: number,
    ): { rows: QueueEntry[]; next: QueueCursor | null; counts: Record<ReportStatus, number> } {
      const at = now();
      const rows = queue.page(filters, after, pageSize + 1);
      const more = rows.length > pageSize;
      const shown = (more ? rows.slice(0, pageSize) : rows).map((r) => ({
        ...r,
        overdue: isOverdue(r.status, r.slaDueAt, at),
        handledBy: handledBy(r),
      }));
      return { rows: shown, next: more ? shown[shown.length - 1]!.cursor : null, counts: queue.statusCounts() };
    },

    /** Declined redirects, and those not confirmed by their due time, for the queue page. */
    redirectsNeedingAttention(limit: number): RedirectAttention {
      return redirects.needingAttention(now(), limit);
    },

    /** Opens a report for reading; every view is audited (in its own commit: commands and tests). */
    openReport(who: CurrentAccount, reference: string): ReportPage | undefined {
      const report = visibleReport(who, reference);
      if (!report) return undefined;
      audit.append(viewed(who, report), now());
      return pageOf(who, report);
    },

    /**
     * The report page's way to open a report: as openReport, its audit event committed together
     * with the other views and reports of the same moment (group commit, data/transaction.ts); the
     * page is read once the view is on record. `print`: the print view, audited as report.printed.
     */
    async viewReport(who: CurrentAccount, reference: string, purpose: 'read' | 'print' = 'read'): Promise<ReportPage | undefined> {
      const report = visibleReport(who, reference);
      if (!report) return undefined;
      await groupCommit(() => audit.append(viewed(who, report, purpose), now()));
      // Read again: a decision of the same moment may have changed it while the view was committed.
      const current = visibleReport(who, reference);
      return current && pageOf(who, current);
    },

    claim(who: CurrentAccount, reference: string): TriageOutcome {
      return actOn(who, reference, (report, at) => {
        if (!isOpen(report.status)) return refuse('already_decided');
        if (isHeldByAnother(who, report)) return refuse('claimed_by_other');
        reports.setClaim(report.id, who.id, at);
        const status = nextStatus(report.status, 'claim');
        if (status !== null) {
          reports.updateStatus(report.id, status, at);
          changeStatus(report, status, at);
        }
        audit.append({ actorAccountId: who.id, action: 'report.claimed', subjectType: 'report', subjectId: report.reference }, at);
        return done();
      });
    },

    release(who: CurrentAccount, reference: string): TriageOutcome {
      return actOn(who, reference, (report, at) => {
        if (report.claimedBy === null || isHeldByAnother(who, report)) return refuse('not_claimed_by_you');
        reports.setClaim(report.id, null, at);
        const status = nextStatus(report.status, 'release');
        if (status !== null) {
          reports.updateStatus(report.id, status, at);
          changeStatus(report, status, at);
        }
        audit.append({ actorAccountId: who.id, action: 'report.released', subjectType: 'report', subjectId: report.reference }, at);
        return done();
      });
    },

    /** Accept, redirect, duplicate or close — refused when someone already decided it. */
    decide(who: CurrentAccount, reference: string, decision: Decision): TriageOutcome {
      return actOn(who, reference, (report, at) => {
        const status = nextStatus(report.status, decisionEvent[decision.kind]);
        if (status === null) return refuse('already_decided');
        if (isHeldByAnother(who, report)) return refuse('claimed_by_other');
        let caseId: number | null = null;
        let duplicateOf: number | null = null;
        let reason: string | null = null;
        let note = '';
        const detail: Record<string, string | number> = { status };
        switch (decision.kind) {
          case 'accept': {
            const result = acceptAsCase(who, report, decision, at);
            if (typeof result === 'string') return refuse(result);
            caseId = result;
            note = decision.note;
            detail.case = caseId;
            break;
          }
          case 'redirect': {
            const partner = partners.findById(decision.partnerId);
            if (!partner || !partner.active) return refuse('unknown_partner');
            const redirectId = redirects.insert({
              reportId: report.id,
              partnerId: partner.id,
              reasonCode: decision.reason,
              summary: decision.summary,
              reporterExplanation: decision.explanation,
              createdBy: who.id,
              at,
              acknowledgementDueAt: workingDaysDueAt(at, deps.redirectAcknowledgementDays, deps.holidays.datesFrom(jakartaDate(at))),
            });
            // No email address: no email, and the report page tells staff to phone the partner.
            notify.redirectToPartner(
              {
                redirectId,
                reference: report.reference,
                partnerName: partner.name,
                partnerEmail: partner.email,
                summary: decision.summary,
              },
              at,
            );
            reason = decision.reason;
            detail.partner = partner.id;
            detail.reason = decision.reason;
            break;
          }
          case 'duplicate': {
            if (decision.duplicateOfReference === report.reference) return refuse('duplicate_of_itself');
            const other = reports.findIdByReference(decision.duplicateOfReference);
            if (other === undefined) return refuse('unknown_duplicate');
            duplicateOf = other;
            note = decision.note;
            detail.duplicateOf = decision.duplicateOfReference;
            break;
          }
          case 'close':
            reason = decision.reason;
            note = decision.note;
            detail.reason = decision.reason;
            break;
        }
        reports.recordDecision(report.id, report.reference, { status, decidedBy: who.id, at, reason, note, duplicateOf, caseId });
        changeStatus(report, status, at);
        if (report.source === 'department') notify.referralDecided(report.id, report.reference, status, at);
        audit.append(
          { actorAccountId: who.id, action: decisionAction[decision.kind], subjectType: 'report', subjectId: report.reference, detail },
          at,
        );
        return done();
      });
    },

    /** A message to the reporter; an open report then waits for their answer. */
    askReporter(who: CurrentAccount, reference: string, message: string): TriageOutcome {
      return actOnUnlessHeld(who, reference, (report, at) => {
        timeline.addMessage(report.id, 'staff', message, at, who.id);
        timeline.addEvent(report.id, 'staff_message', null, at);
        const status = nextStatus(report.status, 'ask_reporter');
        if (status !== null) {
          reports.updateStatus(report.id, status, at);
          changeStatus(report, status, at);
        } else {
          tellReporter(report, at);
        }
        audit.append(
          {
            actorAccountId: who.id,
            action: 'report.message_sent',
            subjectType: 'report',
            subjectId: report.reference,
            detail: { status: status ?? report.status },
          },
          at,
        );
        return done();
      });
    },

    /** The explanation the referring department reads with the referral's status; never case notes. */
    respondToDepartment(who: CurrentAccount, reference: string, response: string): TriageOutcome {
      return actOnUnlessHeld(who, reference, (report, at) => {
        if (report.source !== 'department') return refuse('not_a_referral');
        referrals.setResponse(report.id, response);
        audit.append({ actorAccountId: who.id, action: 'referral.responded', subjectType: 'report', subjectId: report.reference }, at);
        return done();
      });
    },

    /** Handed to 112 or 110 now: a flag with its time, whatever the status. */
    escalate(who: CurrentAccount, reference: string, to: EscalationTarget): TriageOutcome {
      return actOnUnlessHeld(who, reference, (report, at) => {
        reports.escalate(report.id, to, at);
        audit.append(
          { actorAccountId: who.id, action: 'report.escalated', subjectType: 'report', subjectId: report.reference, detail: { to } },
          at,
        );
        return done();
      });
    },

    /** Supervisors only: a decided report goes back to review, claimed by them, and out of its case if it was accepted. */
    reopen(who: CurrentAccount, reference: string): TriageOutcome {
      if (!canReopenReports(who)) return refuse('not_found');
      return actOn(who, reference, (report, at) => {
        const status = nextStatus(report.status, 'reopen');
        if (status === null) return refuse('not_decided');
        if (report.caseId !== null) {
          // The acceptance no longer stands: the report leaves its case, and the case's history says so.
          cases.addEvent(report.caseId, who.id, 'report_detached', report.reference, null, at);
          audit.append(
            {
              actorAccountId: who.id,
              action: 'case.report_detached',
              subjectType: 'case',
              subjectId: report.caseId,
              detail: { report: report.reference },
            },
            at,
          );
        }
        reports.reopen(report.id, status, who.id, at);
        changeStatus(report, status, at);
        audit.append(
          {
            actorAccountId: who.id,
            action: 'report.reopened',
            subjectType: 'report',
            subjectId: report.reference,
            detail: { from: report.status },
          },
          at,
        );
        return done();
      });
    },
  };
}

export type TriageService = ReturnType<typeof createTriageService>;
