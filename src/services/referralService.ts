import crypto from 'node:crypto';
import type { Transactor } from '../data/transaction';
import type { ReferralRepository } from '../data/referralRepository';
import type { KeyedHasher } from '../data/fieldCipher';
import type { ReportTimelineRepository } from '../data/reportTimelineRepository';
import type { ReportRepository } from '../data/reportRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { Intake } from './intake';
import type { AttachmentRepository } from '../data/attachmentRepository';
import type { PreparedAttachment } from '../domain/attachments';
import {
  consentProblem,
  type DepartmentReferralRow,
  type DepartmentReferralView,
  type IdempotentAnswer,
  type ReferralInput,
} from '../domain/referrals';
import type { Message } from '../domain/reports';
import { done, refuse, type Done, type Outcome, type Refused } from '../domain/outcome';
import { statusAfterReporterMessage, type ReportStatus } from '../domain/reportStatus';
import { canonicalJson } from '../domain/idempotency';
import type { Locale } from '../i18n';

/** Who files a referral: an officer through the form, or a department's system through the API. */
export type ReferralSubmitter =
  { via: 'form'; accountId: number; departmentId: number } | { via: 'api'; tokenId: number; departmentId: number };

/** Why a referral was not filed. A duplicate names the referral already filed with that department reference. */
export type SubmitRefusal =
  Refused<'duplicate_reference', { existingReference: string }> | Refused<'child_ground_without_child' | 'department_inactive'>;

export type SubmitOutcome = Done<{ reference: string }> | SubmitRefusal;

/**
 * Through the API, with or without an Idempotency-Key: the answer to give (the stored one when the
 * key was used before with the same body: `replayed`), or a refusal — including the key used
 * before with another body.
 */
export type ApiSubmitOutcome = Done<{ answer: IdempotentAnswer; replayed: boolean }> | SubmitRefusal | Refused<'idempotency_key_reused'>;

export interface DepartmentReferralPage {
  referral: DepartmentReferralView;
  messages: Message[];
}

export interface ReferralServiceDeps {
  transaction: Transactor;
  intake: Intake;
  reports: ReportRepository;
  referrals: ReferralRepository;
  departments: { findById(id: number): { name: string; active: boolean } | undefined };
  timeline: ReportTimelineRepository;
  audit: AuditRepository;
  /** HMAC under a key derived from DATA_KEY ('api-idempotency'): a body holds the client's identity, so never a plain hash. */
  requestHasher: KeyedHasher;
  /** Files sent with a referral (prepared by attachmentService), stored in its transaction. */
  attachments: Pick<AttachmentRepository, 'addAll'>;
  /** DEFAULT_LOCALE: the language of a referral whose caller did not say. */
  defaultLocale: Locale;
  now: () => Date;
}

/** Every report, a referral included, is filed as `new` (services/intake.ts). */
const FILED_STATUS: ReportStatus = 'new';

const auditActor = (s: ReferralSubmitter) => (s.via === 'form' ? s.accountId : null);
const auditVia = (s: ReferralSubmitter): Record<string, string | number> =>
  s.via === 'form' ? { via: 'form' } : { via: 'api', token: s.tokenId };

/**
 * Department referrals: filed into the same queue as residents' reports, followed by the
 * department through its own pages or the API — only its own, and never case content.
 */
export function createReferralService(deps: ReferralServiceDeps) {
  const { transaction, intake, reports, referrals, departments, timeline, audit, requestHasher, attachments, defaultLocale, now } = deps;

  /** Why this referral cannot be filed, if it cannot; call inside the filing transaction, so nothing changes in between. */
  function refusal(submitter: ReferralSubmitter, input: ReferralInput): SubmitRefusal | undefined {
    // A deactivated department's officers keep their accounts but can no longer refer.
    if (!departments.findById(submitter.departmentId)?.active) return refuse('department_inactive');
    const problem = consentProblem(input.consent, input.affectedGroups, input.client.age);
    if (problem) return refuse(problem);
    const existingReference = referrals.referenceFor(submitter.departmentId, input.departmentReference);
    if (existingReference) return refuse('duplicate_reference', { existingReference });
    return undefined;
  }

  /** Files the referral and its audit event; call inside a transaction, after `refusal`. Returns its reference. */
  function file(
    submitter: ReferralSubmitter,
    input: ReferralInput,
    language: Locale,
    at: Date,
    files: readonly PreparedAttachment[],
  ): string {
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
        language,
      },
      at,
    );
    attachments.addAll(id, files, { source: 'department', accountId: submitter.via === 'form' ? submitter.accountId : null }, at);
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
    return reference;
  }

  return {
    /** The name the department's pages are headed with. */
    departmentName: (departmentId: number): string | undefined => departments.findById(departmentId)?.name,

    /**
     * A referral from the department form. `language`: the page's, in which triage then writes to
     * the department (DEFAULT_LOCALE when not given).
     */
    submit(
      submitter: ReferralSubmitter,
      input: ReferralInput,
      language: Locale = defaultLocale,
      files: readonly PreparedAttachment[] = [],
    ): SubmitOutcome {
      return transaction(
        (): SubmitOutcome => refusal(submitter, input) ?? done({ reference: file(submitter, input, language, now(), files) }),
      );
    },

    /**
     * A referral from the API. With an Idempotency-Key (scoped to the department), the first call
     * that files stores the key, a keyed hash of the body (canonical JSON of the validated input)
     * and its answer in the same transaction as the referral; the same key with the same body then
     * gets that answer again (recorded as `referral.replayed`), with another body a refusal.
     */
    submitFromApi(
      submitter: ReferralSubmitter,
      input: ReferralInput,
      idempotencyKey: string | undefined,
      statusUrlOf: (reference: string) => string,
      // The request's (Accept-Language, as its answers); not part of the body, so not of the idempotency hash either.
      language: Locale = defaultLocale,
      // The body's files, cleaned (the body, base64 and all, is in `input` and so in the idempotency hash).
      files: readonly PreparedAttachment[] = [],
    ): ApiSubmitOutcome {
      const key =
        idempotencyKey === undefined ? undefined : { value: idempotencyKey, requestHash: requestHasher.hash(canonicalJson(input)) };
      return transaction((): ApiSubmitOutcome => {
        const at = now();
        if (key) {
          const { requestHash } = key;
          const stored = referrals.findIdempotencyKey(submitter.departmentId, key.value);
          if (stored && !(stored.requestHash.length === requestHash.length && crypto.timingSafeEqual(stored.requestHash, requestHash))) {
            return refuse('idempotency_key_reused');
          }
          if (stored) {
            audit.append(
              {
                actorAccountId: auditActor(submitter),
                action: 'referral.replayed',
                subjectType: 'report',
                subjectId: stored.answer.reference,
                detail: auditVia(submitter),
              },
              at,
            );
            return done({ answer: stored.answer, replayed: true });
          }
        }
        const refused = refusal(submitter, input);
        if (refused) return refused;
        const reference = file(submitter, input, language, at, files);
        const answer: IdempotentAnswer = { reference, status: FILED_STATUS, statusUrl: statusUrlOf(reference) };
        if (key) referrals.rememberIdempotencyKey(submitter.departmentId, key.value, key.requestHash, answer, at);
        return done({ answer, replayed: false });
      });
    },

    list(
      departmentId: number,
      beforeReportId: number | null,
      pageSize: number,
    ): { rows: DepartmentReferralRow[]; nextBefore: number | null } {
      const rows = referrals.listForDepartment(departmentId, beforeReportId, pageSize + 1);
      const more = rows.length > pageSize;
      const shown = more ? rows.slice(0, pageSize) : rows;
      return { rows: shown, nextBefore: more ? shown[shown.length - 1]!.reportId : null };
    },

    /** One of the department's referrals (audited), or undefined — another department's looks the same as none. */
    open(submitter: ReferralSubmitter, reference: string): DepartmentReferralPage | undefined {
      const referral = referrals.findForDepartment(submitter.departmentId, reference);
      if (!referral) return undefined;
      audit.append(
        {
          actorAccountId: auditActor(submitter),
          action: 'referral.viewed',
          subjectType: 'report',
          subjectId: reference,
          detail: auditVia(submitter),
        },
        now(),
      );
      return { referral, messages: timeline.messages(referral.reportId) };
    },

    /** A message from the department; a referral waiting on them goes back to review. `not_found` for another department's. */
    addMessage(submitter: ReferralSubmitter, reference: string, body: string): Outcome<object, 'not_found'> {
      return transaction(() => {
        const referral = referrals.findForDepartment(submitter.departmentId, reference);
        if (!referral) return refuse('not_found');
        const at = now();
        timeline.addMessage(referral.reportId, 'department', body, at, auditActor(submitter));
        timeline.addEvent(referral.reportId, 'reporter_message', null, at);
        const next = statusAfterReporterMessage(referral.status);
        if (next !== referral.status) {
          reports.updateStatus(referral.reportId, next, at);
          timeline.addEvent(referral.reportId, 'status_changed', next, at);
        }
        audit.append(
          {
            actorAccountId: auditActor(submitter),
            action: 'referral.message_sent',
            subjectType: 'report',
            subjectId: reference,
            detail: auditVia(submitter),
          },
          at,
        );
        return done();
      });
    },
  };
}

export type ReferralService = ReturnType<typeof createReferralService>;
