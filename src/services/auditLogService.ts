import type { Transactor } from '../data/transaction';
import type { AuditRepository } from '../data/auditRepository';
import type { AuditQueryRepository } from '../data/auditQueryRepository';
import type { AuditFilters, AuditListEntry } from '../domain/auditLog';
import { AUDIT_PAGE_SIZE } from '../domain/limits';

export interface AuditLogEntry extends Omit<AuditListEntry, 'detail'> {
  /** The detail codes as key/value pairs, in the order they were recorded. */
  detail: { key: string; value: string }[];
}

export interface AuditLogPage {
  entries: AuditLogEntry[];
  /** The `before` of the next (older) page, or null on the last page. */
  olderBefore: number | null;
}

function detailPairs(detail: string | null): { key: string; value: string }[] {
  if (!detail) return [];
  try {
    const parsed = JSON.parse(detail) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [{ key: '', value: detail }];
    return Object.entries(parsed as Record<string, unknown>).map(([key, value]) => ({ key, value: value === null ? '' : String(value) }));
  } catch {
    return [{ key: '', value: detail }];
  }
}

/** Reading the audit log, which is itself recorded as `audit.viewed` with the filters used. */
export function createAuditLogService(deps: {
  transaction: Transactor;
  audit: AuditRepository;
  queries: AuditQueryRepository;
  now: () => Date;
}) {
  const { transaction, audit, queries, now } = deps;
  return {
    /** One page of events, newest first; the view is appended to the log after the page is read. */
    view(viewerAccountId: number, filters: AuditFilters, before: number | null): AuditLogPage {
      const at = now();
      return transaction(() => {
        const rows = queries.list(filters, before, AUDIT_PAGE_SIZE + 1);
        const page = rows.slice(0, AUDIT_PAGE_SIZE);
        const detail: Record<string, string | number> = {};
        for (const [k, v] of Object.entries(filters)) if (v !== undefined) detail[k] = v;
        if (before !== null) detail.before = before;
        audit.append({ actorAccountId: viewerAccountId, action: 'audit.viewed', detail }, at);
        return {
          entries: page.map((e) => ({ ...e, detail: detailPairs(e.detail) })),
          olderBefore: rows.length > AUDIT_PAGE_SIZE ? page[page.length - 1]!.id : null,
        };
      });
    },

    /** The choices of the filter form. */
    filterChoices() {
      return { actions: queries.actions(), subjectTypes: queries.subjectTypes(), actors: queries.actors() };
    },
  };
}

export type AuditLogService = ReturnType<typeof createAuditLogService>;
