import type { Transactor } from '../data/transaction';
import type { ReferralRepository, DepartmentReferralRow, DepartmentReferralView } from '../data/referralRepository';
import type { Message, ReportTimelineRepository } from '../data/reportTimelineRepository';
import type { ReportRepository } from '../data/reportRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { Intake } from './intake';
import type { ReferralInput } from '../domain/referrals';
import { consentProblem } from '../domain/referrals';
import { statusAfterReporterMessage } from '../domain/reportStatus';

/** Who files a referral: an officer through the form, or a department's system through the API. */
export type ReferralSubmitter =
  | { via: 'form'; accountId: number; departmentId: number }
  | { via: 'api'; tokenId: number; departmentId: number };

export type SubmitOutcome =
  | { ok: true; reference: string }
  | { ok: false; problem: 'duplicate_reference' | 'child_ground_without_child' | 'department_inactive' };

export interface DepartmentReferralPage {
  referral: DepartmentReferralView;
  messages: Message[];
}

export interface ReferralServiceDeps {
  transaction: Transactor;
  intake: Intake;
  reports: ReportRepository;
  referrals: ReferralRepository;
  departments: { findById(id: number): { active: boolean } | undefined };
  timeline: ReportTimelineRepository;
  audit: AuditRepository;
  now: () => Date;
}

const auditActor = (s: ReferralSubmitter) => (s.via === 'form' ? s.accountId : null);
const auditVia = (s: ReferralSubmitter): Record<string, string | number> => (s.via === 'form' ? { via: 'form' } : { via: 'api', token: s.tokenId });

/**
 * Department referrals: filed into the same queue as residents' reports, followed by the
 * department through its own pages or the API — only its own, and never case content.
 */
export function createReferralService(deps: ReferralServiceDeps) {
  const { transaction, intake, reports, referrals, departments, timeline, audit, now } = deps;

  return {
    submit(submitter: ReferralSubmitter, input: ReferralInput): SubmitOutcome {
      // A deactivated department's officers keep their accounts but can no longer refer.
      if (!departments.findById(submitter.departmentId)?.active) return { ok: false, problem: 'department_inactive' };
      const problem = consentProblem(input.consent, input.affectedGroups, input.client.age);
      if (problem) return { ok: false, problem };
      return transaction(() => {
        if (referrals.referenceTaken(submitter.departmentId, input.departmentReference)) {
          return { ok: false, problem: 'duplicate_reference' } as const;
        }
        const at = now();
        const { id, reference } = intake.file(
          {
            receiptHash: null,
            departmentId: submitter.departmentId,
            source: 'department',
            category: input.category,
            affectedGroups: input.affectedGroups,
            kecamatanCode: input.kecamatanCode,
            kelurahanCode: input.kelurahanCode,
            locationDetail: null,
            narrative: input.reason,
            urgency: input.urgency,
            reporterRelation: 'professional',
            contact: null,
          },
          at,
        );
        referrals.insert({
          reportId: id,
          departmentId: submitter.departmentId,
          officerAccountId: submitter.via === 'form' ? submitter.accountId : null,
          departmentReference: input.departmentReference,
          client: input.client,
          consent: input.consent,
          actionsTaken: input.actionsTaken,
          channel: submitter.via,
          at,
        });
        audit.append(
          {
            actorAccountId: auditActor(submitter),
            action: 'referral.submitted',
            subjectType: 'report',
            subjectId: reference,
            detail: { ...auditVia(submitter), department: submitter.departmentId, consent: input.consent.state },
          },
          at,
        );
        return { ok: true, reference } as const;
      });
    },

    list(departmentId: number, beforeReportId: number | null, pageSize: number): { rows: DepartmentReferralRow[]; nextBefore: number | null } {
      const rows = referrals.listForDepartment(departmentId, beforeReportId, pageSize + 1);
      const more = rows.length > pageSize;
      const shown = more ? rows.slice(0, pageSize) : rows;
      return { rows: shown, nextBefore: more ? shown[shown.length - 1]!.reportId : null };
    },

    /** One of the department's referrals (audited), or undefined — another department's looks the same as none. */
    open(submitter: ReferralSubmitter, reference: string): DepartmentReferralPage | undefined {
      const referral = referrals.findForDepartment(submitter.departmentId, reference);
      if (!referral) return undefined;
      audit.append({ actorAccountId: auditActor(submitter), action: 'referral.viewed', subjectType: 'report', subjectId: reference, detail: auditVia(submitter) }, now());
      return { referral, messages: timeline.messages(referral.reportId) };
    },

    /** A message from the department; a referral waiting on them goes back to review. */
    addMessage(submitter: ReferralSubmitter, reference: string, body: string): boolean {
      return transaction(() => {
        const referral = referrals.findForDepartment(submitter.departmentId, reference);
        if (!referral) return false;
        const at = now();
        timeline.addMessage(referral.reportId, 'department', body, at, auditActor(submitter));
        timeline.addEvent(referral.reportId, 'reporter_message', null, at);
        const next = statusAfterReporterMessage(referral.status);
        if (next !== referral.status) {
          reports.updateStatus(referral.reportId, next, at);
          timeline.addEvent(referral.reportId, 'status_changed', next, at);
        }
        audit.append({ actorAccountId: auditActor(submitter), action: 'referral.message_sent', subjectType: 'report', subjectId: reference, detail: auditVia(submitter) }, at);
        return true;
      });
    },
  };
}

export type ReferralService = ReturnType<typeof createReferralService>;
