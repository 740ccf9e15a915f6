import type { Statement } from 'better-sqlite3';
import type { Db } from './db';
import { urgencies, type Category, type ReportSource, type Urgency } from '../domain/reference';
import { openStatuses, reportStatuses, type ReportStatus } from '../domain/reportStatus';
import { isLocale } from '../domain/locales';
import type { QueueCursor, QueueFilters, QueueRow } from '../domain/queue';

interface Row {
  id: number;
  reference: string;
  source: ReportSource;
  category: Category;
  urgency: Urgency;
  urgency_rank: number;
  status: ReportStatus;
  kecamatan_code: string;
  sla_due_at: string;
  created_at: string;
  escalated_at: string | null;
  claimed_by_name: string | null;
  case_id: number | null;
  case_assignee_name: string | null;
  department_name: string | null;
  language: string | null;
  attachment_count: number;
}

// Literal, not bound: SQLite uses the partial index reports_open_queue only when the query's
// WHERE names the same statuses as literals. The values come from the domain list, never from input.
const openStatusList = openStatuses.map((s) => `'${s}'`).join(', ');

/**
 * The triage queue: sorted by urgency then due time, paged by keyset on (urgency_rank,
 * sla_due_at, id) so that every page costs the same on a table of a million reports.
 */
export function createQueueRepository(db: Db) {
  const statements = new Map<string, Statement<unknown[]>>();
  const counts = db.prepare('SELECT status, count FROM report_status_counts');

  function statementFor(sql: string) {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  }

  return {
    page(filters: QueueFilters, after: QueueCursor | null, limit: number): QueueRow[] {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filters.status === 'open') where.push(`r.status IN (${openStatusList})`);
      else {
        where.push('r.status = ?');
        params.push(filters.status);
      }
      if (filters.urgency !== undefined) {
        // Also as its rank, the queue indexes' leading column (migration 0002: immediate 0, urgent 1,
        // else 2 — the order of `urgencies`): the scan starts at that urgency, instead of reading
        // every more urgent open report first (two thousand at a million reports, for "normal").
        where.push('r.urgency_rank = ?');
        params.push(urgencies.indexOf(filters.urgency));
      }
      const optional: [keyof QueueFilters, string][] = [
        ['category', 'r.category = ?'],
        ['urgency', 'r.urgency = ?'],
        ['source', 'r.source = ?'],
        ['kecamatan', 'r.kecamatan_code = ?'],
        ['claimedBy', 'r.claimed_by = ?'],
      ];
      for (const [key, clause] of optional) {
        if (filters[key] !== undefined) {
          where.push(clause);
          params.push(filters[key]);
        }
      }
      if (filters.overdueAt) {
        where.push('r.sla_due_at < ?');
        params.push(filters.overdueAt.toISOString());
      }
      if (after) {
        where.push('(r.urgency_rank, r.sla_due_at, r.id) > (?, ?, ?)');
        params.push(after.urgencyRank, after.slaDueAt, after.id);
      }
      const index = filters.status === 'open' ? 'reports_open_queue' : 'reports_status_queue';
      const sql = `SELECT r.id, r.reference, r.source, r.category, r.urgency, r.urgency_rank, r.status, r.kecamatan_code,
          r.sla_due_at, r.created_at, r.escalated_at, a.name AS claimed_by_name, d.name AS department_name, r.language,
          r.case_id, w.name AS case_assignee_name,
          (SELECT count(*) FROM attachments f WHERE f.report_id = r.id) AS attachment_count
        FROM reports r INDEXED BY ${index}
        LEFT JOIN accounts a ON a.id = r.claimed_by
        LEFT JOIN departments d ON d.id = r.department_id
        LEFT JOIN cases c ON c.id = r.case_id
        LEFT JOIN accounts w ON w.id = c.assigned_to
        WHERE ${where.join(' AND ')}
        ORDER BY r.urgency_rank, r.sla_due_at, r.id
        LIMIT ?`;
      return (statementFor(sql).all(...params, limit) as Row[]).map((r) => ({
        id: r.id,
        reference: r.reference,
        source: r.source,
        category: r.category,
        urgency: r.urgency,
        status: r.status,
        kecamatanCode: r.kecamatan_code,
        slaDueAt: new Date(r.sla_due_at),
        createdAt: new Date(r.created_at),
        escalatedAt: r.escalated_at === null ? null : new Date(r.escalated_at),
        claimedByName: r.claimed_by_name,
        caseAssigneeName: r.case_assignee_name,
        caseId: r.case_id,
        departmentName: r.department_name,
        language: isLocale(r.language) ? r.language : null,
        attachmentCount: r.attachment_count,
        cursor: { urgencyRank: r.urgency_rank, slaDueAt: r.sla_due_at, id: r.id },
      }));
    },

    /** Reports per status, kept by triggers: no count over the reports table. */
    statusCounts(): Record<ReportStatus, number> {
      const result = Object.fromEntries(reportStatuses.map((s) => [s, 0])) as Record<ReportStatus, number>;
      for (const row of counts.all() as { status: ReportStatus; count: number }[]) result[row.status] = row.count;
      return result;
    },
  };
}

export type QueueRepository = ReturnType<typeof createQueueRepository>;
