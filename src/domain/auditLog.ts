/** Which events to show; every field optional. Times are ISO instants, `from` inclusive, `to` exclusive. */
export interface AuditFilters {
  action?: string;
  /** An account id, or 'system' for events with no actor. */
  actor?: number | 'system';
  subjectType?: string;
  subjectId?: string;
  fromAt?: string;
  toAt?: string;
}

/** One event as the audit log page lists it. */
export interface AuditListEntry {
  id: number;
  at: Date;
  actorAccountId: number | null;
  actorName: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  detail: string | null;
}

/** An account that appears in the log, for the filter's choices. */
export interface AuditActor {
  id: number;
  name: string;
  email: string;
  active: boolean;
}
