import type { Transactor } from '../data/transaction';
import type { KeyedHasher } from '../data/fieldCipher';
import type { AccountRepository } from '../data/accountRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { IntakeRepository } from '../data/intakeRepository';
import type { AttachmentRepository } from '../data/attachmentRepository';
import type { PreparedAttachment } from '../domain/attachments';
import type { ReportRepository } from '../data/reportRepository';
import type { CurrentAccount } from '../domain/roles';
import type { IntakeChannel } from '../domain/reference';
import { canRecordIntake } from '../domain/access';
import { receivedTimeProblem } from '../domain/intake';
import { done, refuse, type Outcome } from '../domain/outcome';
import type { Intake } from './intake';
import { isUniqueViolation, newReceipt, type PublicReportInput } from './reportService';

/** A report received at the office, as the intake form collected it, already validated. */
export interface StaffIntakeInput {
  /** The same fields as the public form; `language` is the reporter's, chosen by the officer. */
  report: PublicReportInput;
  channel: IntakeChannel;
  /** When the office received it: drives the triage due time and the statistics. */
  receivedAt: Date;
  /** The officer who took it (an active triage officer or supervisor); the signed-in one by default. */
  takenBy: number;
  /** Whether the reporter is given a receipt code to follow the report on the website. */
  giveReceipt: boolean;
}

/** Why recording was refused; the route turns each into a message beside its field. */
export type IntakeRefusal = 'not_allowed' | 'received_future' | 'received_too_old' | 'unknown_taker';

export interface RecordedIntake {
  reference: string;
  /** The receipt's digits, to be shown once and sealed away; null when none was given. Never stored in clear. */
  receipt: string | null;
  urgency: PublicReportInput['urgency'];
}

export interface StaffIntakeServiceDeps {
  transaction: Transactor;
  intake: Intake;
  intakes: IntakeRepository;
  reports: Pick<ReportRepository, 'findIdByReference'>;
  accounts: Pick<AccountRepository, 'findActive' | 'listActiveByRole'>;
  audit: AuditRepository;
  /** Files the officer attached (already checked and cleaned by attachmentService), stored with the report. */
  attachments: Pick<AttachmentRepository, 'addAll'>;
  receiptHasher: KeyedHasher;
  now: () => Date;
}

/**
 * Reports received at the office — in person, by phone, WhatsApp, letter or outreach — recorded by
 * triage staff and supervisors (/staff/intake). They go through the same intake as every report
 * (services/intake.ts) with source `intake`, filed at the time they were RECEIVED: the triage due
 * time, the queue's age and the statistics count from then. Each recording is audited (who,
 * channel, reference; never the content), and so is each printing of a receipt slip.
 */
export function createStaffIntakeService(deps: StaffIntakeServiceDeps) {
  const { transaction, intake, intakes, reports, accounts, audit, attachments, receiptHasher, now } = deps;

  return {
    /** Who may be named as the officer who took a report: active triage officers and supervisors. */
    takers(): CurrentAccount[] {
      return [...accounts.listActiveByRole('triage'), ...accounts.listActiveByRole('supervisor')].sort((a, b) =>
        a.name.localeCompare(b.name),
      );
    },

    /** `files`: attachments prepared by attachmentService (nothing is awaited inside the transaction). */
    record(
      who: CurrentAccount,
      input: StaffIntakeInput,
      files: readonly PreparedAttachment[] = [],
    ): Outcome<RecordedIntake, IntakeRefusal> {
      if (!canRecordIntake(who)) return refuse('not_allowed');
      for (let attempt = 0; ; attempt += 1) {
        const receipt = input.giveReceipt ? newReceipt() : null;
        try {
          return transaction(() => {
            const at = now();
            const timeProblem = receivedTimeProblem(input.receivedAt, at);
            if (timeProblem) return refuse(timeProblem);
            const taker = accounts.findActive(input.takenBy);
            if (!taker || !canRecordIntake(taker)) return refuse('unknown_taker');
            const { id, reference } = intake.file(
              {
                ...input.report,
                receiptHash: receipt === null ? null : receiptHasher.hash(receipt),
                departmentId: null,
                source: 'intake',
              },
              input.receivedAt,
            );
            intakes.insert({ reportId: id, channel: input.channel, takenBy: taker.id, recordedBy: who.id, recordedAt: at });
            attachments.addAll(id, files, { source: 'staff', accountId: who.id }, at);
            audit.append(
              {
                actorAccountId: who.id,
                action: 'report.intake_recorded',
                subjectType: 'report',
                subjectId: reference,
                detail: { channel: input.channel, taken_by: taker.id, receipt: receipt !== null, attachments: files.length },
              },
              at,
            );
            return done({ reference, receipt, urgency: input.report.urgency });
          });
        } catch (err) {
          if (!isUniqueViolation(err) || attempt >= 2) throw err;
        }
      }
    },

    /** The receipt slip of a report just recorded was opened for printing: on record, like every printing. */
    slipPrinted(who: CurrentAccount, reference: string): Outcome<object, 'not_allowed' | 'not_found'> {
      if (!canRecordIntake(who)) return refuse('not_allowed');
      return transaction(() => {
        if (reports.findIdByReference(reference) === undefined) return refuse('not_found');
        audit.append({ actorAccountId: who.id, action: 'report.receipt_slip_printed', subjectType: 'report', subjectId: reference }, now());
        return done();
      });
    },
  };
}

export type StaffIntakeService = ReturnType<typeof createStaffIntakeService>;
