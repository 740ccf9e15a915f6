/**
 * A report as it travels from the data layer to the services and views: what the reporter's status
 * page may show, what staff see, and a report's timeline and message thread.
 */
import type { AffectedGroup, Category, ContactDetails, ReportSource, ReporterRelation, Urgency } from './reference';
import type { Locale } from './locales';
import type { ReportStatus } from './reportStatus';

/** What the reporter's status page may show: no narrative, no contact details. */
export interface ReportForReporter {
  id: number;
  reference: string;
  category: Category;
  urgency: Urgency;
  status: ReportStatus;
  /** The reason code of a decision, explained to the reporter in plain words. */
  decisionReason: string | null;
  slaDueAt: Date;
  createdAt: Date;
}

/** Everything staff see on a report (decrypted), with the facts object checks need. */
export interface StaffReport extends ReportForReporter {
  source: ReportSource;
  affectedGroups: AffectedGroup[];
  kecamatanCode: string;
  kelurahanCode: string | null;
  locationDetail: string | null;
  narrative: string;
  reporterRelation: ReporterRelation;
  contact: ContactDetails | null;
  /** The language it was written in (older reports: filled in at start, see recordOlderLanguages). */
  language: Locale;
  departmentId: number | null;
  claimedBy: number | null;
  claimedByName: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  duplicateOfReference: string | null;
  caseId: number | null;
  caseNumber: string | null;
  caseAssignee: number | null;
  /** The social worker of the case it was accepted into, if one is assigned. */
  caseAssigneeName: string | null;
  escalatedAt: Date | null;
  escalatedTo: string | null;
}

export type TimelineEventKind =
  | 'submitted'
  | 'status_changed'
  | 'reporter_message'
  | 'staff_message'
  // A partner's answer to a redirect (services/acknowledgementService.ts).
  | 'partner_received'
  | 'partner_accepted'
  | 'partner_declined';
export type MessageAuthor = 'reporter' | 'staff' | 'department';

export interface TimelineEvent {
  kind: TimelineEventKind;
  status: ReportStatus | null;
  at: Date;
}

export interface Message {
  author: MessageAuthor;
  body: string;
  at: Date;
}
