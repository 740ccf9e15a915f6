import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type { AttachmentFile, AttachmentMediaType, AttachmentSource, AttachmentSummary, PreparedAttachment } from '../domain/attachments';

/**
 * The associated data of an attachment's name and content: bound to the row and its report, so
 * that neither can be moved to another attachment or report.
 */
export const attachmentContext = {
  name: (id: number, reportId: number) => `attachments.name:${id}:${reportId}`,
  content: (id: number, reportId: number) => `attachments.content:${id}:${reportId}`,
};

/** Who added the files and with what. */
export interface AttachmentOrigin {
  source: AttachmentSource;
  /** Staff who added them at intake. */
  accountId?: number | null;
  /** The reporter's message they came with. */
  messageId?: number | null;
}

interface Row {
  id: number;
  report_id: number;
  message_id: number | null;
  source: AttachmentSource;
  added_by: string | null;
  media_type: AttachmentMediaType;
  size_bytes: number;
  name_enc: string;
  created_at: string;
}

const columns = `a.id, a.report_id, a.message_id, a.source, acc.name AS added_by, a.media_type, a.size_bytes, a.name_enc, a.created_at`;

/** Attachments (0017): the name and bytes encrypted with the field cipher; the rows go with their report. */
export function createAttachmentRepository(db: Db, cipher: FieldCipher) {
  const nextId = db.prepare('SELECT coalesce(max(id), 0) + 1 FROM attachments').pluck();
  const insert = db.prepare(
    `INSERT INTO attachments (id, report_id, message_id, source, added_by_account_id, media_type, size_bytes, name_enc, content_enc, created_at)
     VALUES (@id, @reportId, @messageId, @source, @accountId, @mediaType, @sizeBytes, @nameEnc, @contentEnc, @createdAt)`,
  );
  const listOf = db.prepare(
    `SELECT ${columns} FROM attachments a LEFT JOIN accounts acc ON acc.id = a.added_by_account_id WHERE a.report_id = ? ORDER BY a.id`,
  );
  const one = db.prepare(
    `SELECT ${columns}, a.content_enc FROM attachments a LEFT JOIN accounts acc ON acc.id = a.added_by_account_id
     WHERE a.report_id = ? AND a.id = ?`,
  );

  const exists = db.prepare('SELECT 1 FROM attachments WHERE report_id = ? AND id = ?').pluck();

  const summary = (r: Row): AttachmentSummary => ({
    id: r.id,
    name: cipher.decrypt(r.name_enc, attachmentContext.name(r.id, r.report_id)),
    mediaType: r.media_type,
    sizeBytes: r.size_bytes,
    source: r.source,
    addedBy: r.added_by,
    messageId: r.message_id,
    at: new Date(r.created_at),
  });

  return {
    /** Stores cleaned files for a report; call inside the transaction that stores what they came with. */
    addAll(reportId: number, files: readonly PreparedAttachment[], origin: AttachmentOrigin, at: Date): number[] {
      return files.map((file) => {
        const id = nextId.get() as number;
        insert.run({
          id,
          reportId,
          messageId: origin.messageId ?? null,
          source: origin.source,
          accountId: origin.accountId ?? null,
          mediaType: file.mediaType,
          sizeBytes: file.bytes.length,
          nameEnc: cipher.encrypt(file.name, attachmentContext.name(id, reportId)),
          contentEnc: cipher.encryptBytes(file.bytes, attachmentContext.content(id, reportId)),
          createdAt: at.toISOString(),
        });
        return id;
      });
    },

    /** A report's attachments, oldest first, without their content. */
    listForReport(reportId: number): AttachmentSummary[] {
      return (listOf.all(reportId) as Row[]).map(summary);
    },

    has(reportId: number, id: number): boolean {
      return exists.get(reportId, id) !== undefined;
    },

    /** One attachment of this report, with its content; undefined if there is none with this id on it. */
    find(reportId: number, id: number): AttachmentFile | undefined {
      const r = one.get(reportId, id) as (Row & { content_enc: Buffer }) | undefined;
      if (!r) return undefined;
      return { ...summary(r), bytes: cipher.decryptBytes(r.content_enc, attachmentContext.content(r.id, r.report_id)) };
    },
  };
}

export type AttachmentRepository = ReturnType<typeof createAttachmentRepository>;
