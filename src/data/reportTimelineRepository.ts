import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type { ReportStatus } from '../domain/reportStatus';
import type { Message, MessageAuthor, TimelineEvent, TimelineEventKind } from '../domain/reports';

/** The associated data of a message's body (exported for the seeds, which write rows directly). */
export const messageContext = (reportId: number) => `messages.body:${reportId}`;

/** A report's timeline events (no content) and its message thread (encrypted). */
export function createReportTimelineRepository(db: Db, cipher: FieldCipher) {
  const insertEvent = db.prepare('INSERT INTO report_events (report_id, kind, status, created_at) VALUES (?, ?, ?, ?)');
  const eventsOf = db.prepare('SELECT kind, status, created_at FROM report_events WHERE report_id = ? ORDER BY id');
  const insertMessage = db.prepare('INSERT INTO messages (report_id, author, body_enc, created_at, account_id) VALUES (?, ?, ?, ?, ?)');
  const messagesOf = db.prepare('SELECT author, body_enc, created_at FROM messages WHERE report_id = ? ORDER BY id');

  return {
    addEvent(reportId: number, kind: TimelineEventKind, status: ReportStatus | null, at: Date): void {
      insertEvent.run(reportId, kind, status, at.toISOString());
    },

    events(reportId: number): TimelineEvent[] {
      return (eventsOf.all(reportId) as { kind: TimelineEventKind; status: ReportStatus | null; created_at: string }[]).map((r) => ({
        kind: r.kind,
        status: r.status,
        at: new Date(r.created_at),
      }));
    },

    /** Returns the new message's id (attachments that came with it point to it). */
    addMessage(reportId: number, author: MessageAuthor, body: string, at: Date, accountId: number | null = null): number {
      return Number(
        insertMessage.run(reportId, author, cipher.encrypt(body, messageContext(reportId)), at.toISOString(), accountId).lastInsertRowid,
      );
    },

    messages(reportId: number): Message[] {
      return (messagesOf.all(reportId) as { author: MessageAuthor; body_enc: string; created_at: string }[]).map((r) => ({
        author: r.author,
        body: cipher.decrypt(r.body_enc, messageContext(reportId)),
        at: new Date(r.created_at),
      }));
    },
  };
}

export type ReportTimelineRepository = ReturnType<typeof createReportTimelineRepository>;
