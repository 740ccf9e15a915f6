import type { Db } from './db';
import type { Statement } from 'better-sqlite3';
import type { AuditActor, AuditFilters, AuditListEntry } from '../domain/auditLog';

interface EntryRow {
  id: number;
  at: string;
  actor_account_id: number | null;
  actor_name: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  detail: string | null;
}

const clauses = {
  action: 'e.action = @action',
  actor: 'e.actor_account_id = @actor',
  system: 'e.actor_account_id IS NULL',
  subjectType: 'e.subject_type = @subjectType',
  subjectId: 'e.subject_id = @subjectId',
  fromAt: 'e.at >= @fromAt',
  toAt: 'e.at < @toAt',
  before: 'e.id < @before',
} as const;
type Clause = keyof typeof clauses;

/**
 * Reading the audit log (writing is auditRepository's). Newest first with keyset pagination on id,
 * which the (action, id), (actor, id) and (subject, id) indexes serve.
 */
export function createAuditQueryRepository(db: Db) {
  // One prepared statement per combination of filters in use (at most 2^7), built on first use.
  const statements = new Map<string, Statement>();
  function statementFor(used: Clause[]): Statement {
    const key = used.join(',');
    let statement = statements.get(key);
    if (!statement) {
      const where = used.length ? `WHERE ${used.map((c) => clauses[c]).join(' AND ')}` : '';
      statement = db.prepare(
        `SELECT e.id, e.at, e.actor_account_id, a.name AS actor_name, e.action, e.subject_type, e.subject_id, e.detail
         FROM audit_events e LEFT JOIN accounts a ON a.id = e.actor_account_id
         ${where} ORDER BY e.id DESC LIMIT @limit`,
      );
      statements.set(key, statement);
    }
    return statement;
  }

  // Distinct values by skipping through the index, so the cost grows with the number of distinct
  // values, not of events.
  const actions = db
    .prepare(
      `WITH RECURSIVE v(x) AS (
         SELECT min(action) FROM audit_events
         UNION ALL SELECT (SELECT min(action) FROM audit_events WHERE action > v.x) FROM v WHERE v.x IS NOT NULL)
       SELECT x FROM v WHERE x IS NOT NULL`,
    )
    .pluck();
  const subjectTypes = db
    .prepare(
      `WITH RECURSIVE v(x) AS (
         SELECT min(subject_type) FROM audit_events
         UNION ALL SELECT (SELECT min(subject_type) FROM audit_events WHERE subject_type > v.x) FROM v WHERE v.x IS NOT NULL)
       SELECT x FROM v WHERE x IS NOT NULL`,
    )
    .pluck();
  const accounts = db.prepare('SELECT id, name, email, active FROM accounts ORDER BY name COLLATE NOCASE, id');
  const summary = db.prepare(
    'SELECT count(*) AS count, (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) AS lastHash FROM audit_events',
  );

  return {
    /** Up to `limit` events older than `before` (all when null), newest first. */
    list(filters: AuditFilters, before: number | null, limit: number): AuditListEntry[] {
      const used: Clause[] = [];
      const params: Record<string, string | number> = { limit };
      const use = (clause: Clause, value?: string | number) => {
        used.push(clause);
        if (value !== undefined) params[clause] = value;
      };
      if (filters.action !== undefined) use('action', filters.action);
      if (filters.actor === 'system') use('system');
      else if (filters.actor !== undefined) use('actor', filters.actor);
      if (filters.subjectType !== undefined) use('subjectType', filters.subjectType);
      if (filters.subjectId !== undefined) use('subjectId', filters.subjectId);
      if (filters.fromAt !== undefined) use('fromAt', filters.fromAt);
      if (filters.toAt !== undefined) use('toAt', filters.toAt);
      if (before !== null) use('before', before);
      return (statementFor(used).all(params) as EntryRow[]).map((r) => ({
        id: r.id,
        at: new Date(r.at),
        actorAccountId: r.actor_account_id,
        actorName: r.actor_name,
        action: r.action,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        detail: r.detail,
      }));
    },

    /** The actions that occur in the log, for the filter. */
    actions: () => actions.all() as string[],

    subjectTypes: () => subjectTypes.all() as string[],

    /** How many events there are, and the newest one's hash (worth keeping apart: it detects a cut-off tail). */
    summary: () => summary.get() as { count: number; lastHash: string | null },

    /** Every account, active or not, for the actor filter. */
    actors(): AuditActor[] {
      return (accounts.all() as { id: number; name: string; email: string; active: number }[]).map((a) => ({
        ...a,
        active: a.active === 1,
      }));
    },
  };
}

export type AuditQueryRepository = ReturnType<typeof createAuditQueryRepository>;
