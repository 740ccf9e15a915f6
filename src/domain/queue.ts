import type { Category, ReportSource, Urgency } from './reference';
import type { ReportStatus } from './reportStatus';
import type { Locale } from './locales';

/** The triage queue's filters, as the queue page reads them from its query. */
export interface QueueFilters {
  /** One status, or every open one (the default view). */
  status: ReportStatus | 'open';
  category?: Category;
  urgency?: Urgency;
  source?: ReportSource;
  kecamatan?: string;
  claimedBy?: number;
  /** Only reports whose triage target is already past at this instant. */
  overdueAt?: Date;
}

/** Where the next page starts: the sort key of the last row shown. */
export interface QueueCursor {
  urgencyRank: number;
  slaDueAt: string;
  id: number;
}

/** One report in the queue. */
export interface QueueRow {
  id: number;
  reference: string;
  source: ReportSource;
  category: Category;
  urgency: Urgency;
  status: ReportStatus;
  kecamatanCode: string;
  slaDueAt: Date;
  createdAt: Date;
  escalatedAt: Date | null;
  claimedByName: string | null;
  /** Accepted into a case: that case's social worker, if one is assigned. */
  caseAssigneeName: string | null;
  caseId: number | null;
  departmentName: string | null;
  /** The language it was written in, to ask in. */
  language: Locale | null;
  /** Files sent with it (photos, letters), counted, not opened. */
  attachmentCount: number;
  cursor: QueueCursor;
}
