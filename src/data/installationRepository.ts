import type { Db } from './db';
import { reportFieldContext } from './reportRepository';

/** Something already in the database that only the right data key opens (for databases older than the key check). */
export type KeyEvidence =
  | {
      kind: 'audit';
      event: {
        id: number;
        at: string;
        actorAccountId: number | null;
        action: string;
        subjectType: string | null;
        subjectId: string | null;
        detail: string | null;
        hash: string;
      };
    }
  | { kind: 'narrative'; value: string; context: string }
  | null;

// Tables whose rows mean "this installation holds data": a data key may be generated only when none has any.
const dataTables = ['accounts', 'reports', 'audit_events', 'partners', 'departments', 'outbox', 'api_tokens', 'cases'] as const;

/** The `installation` row (0008): the data key's check value, and when the installation started. */
export function createInstallationRepository(db: Db) {
  const read = db.prepare('SELECT key_check FROM installation WHERE id = 1').pluck();
  const insert = db.prepare('INSERT INTO installation (id, key_check, created_at, last_started_at) VALUES (1, ?, ?, ?)');
  const started = db.prepare('UPDATE installation SET last_started_at = ? WHERE id = 1');
  const anyRow = dataTables.map((table) => db.prepare(`SELECT EXISTS (SELECT 1 FROM ${table})`).pluck());
  const firstAudit = db.prepare(
    'SELECT id, at, actor_account_id, action, subject_type, subject_id, detail, hash FROM audit_events ORDER BY id LIMIT 1',
  );
  const someNarrative = db.prepare('SELECT reference, narrative_enc FROM reports ORDER BY id LIMIT 1');

  return {
    keyCheck(): string | undefined {
      return read.get() as string | undefined;
    },

    holdsData(): boolean {
      return anyRow.some((statement) => statement.get() === 1);
    },

    recordKeyCheck(keyCheck: string, at: Date): void {
      insert.run(keyCheck, at.toISOString(), at.toISOString());
    },

    /** A committed write at every start: a database that cannot be written is found before serving. */
    markStarted(at: Date): void {
      started.run(at.toISOString());
    },

    keyEvidence(): KeyEvidence {
      const audit = firstAudit.get() as
        | {
            id: number;
            at: string;
            actor_account_id: number | null;
            action: string;
            subject_type: string | null;
            subject_id: string | null;
            detail: string | null;
            hash: string;
          }
        | undefined;
      if (audit) {
        return {
          kind: 'audit',
          event: {
            id: audit.id,
            at: audit.at,
            actorAccountId: audit.actor_account_id,
            action: audit.action,
            subjectType: audit.subject_type,
            subjectId: audit.subject_id,
            detail: audit.detail,
            hash: audit.hash,
          },
        };
      }
      const report = someNarrative.get() as { reference: string; narrative_enc: string } | undefined;
      return report ? { kind: 'narrative', value: report.narrative_enc, context: reportFieldContext.narrative(report.reference) } : null;
    },
  };
}

export type InstallationRepository = ReturnType<typeof createInstallationRepository>;
