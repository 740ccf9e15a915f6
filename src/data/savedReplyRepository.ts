import type { Db } from './db';
import type { SavedReply, SavedReplyFields } from '../domain/savedReplies';

interface SavedReplyRow {
  id: number;
  title_id: string;
  title_en: string;
  body_id: string;
  body_en: string;
  created_at: string;
  updated_at: string;
}

const toSavedReply = (r: SavedReplyRow): SavedReply => ({
  id: r.id,
  titleId: r.title_id,
  titleEn: r.title_en,
  bodyId: r.body_id,
  bodyEn: r.body_en,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/** Saved replies (message templates). Plain text: a template is about no one. */
export function createSavedReplyRepository(db: Db) {
  const all = db.prepare('SELECT * FROM saved_replies ORDER BY title_id COLLATE NOCASE, id');
  const byId = db.prepare('SELECT * FROM saved_replies WHERE id = ?');
  const count = db.prepare('SELECT count(*) FROM saved_replies').pluck();
  const insert = db.prepare(
    `INSERT INTO saved_replies (title_id, title_en, body_id, body_en, created_at, updated_at)
     VALUES (@titleId, @titleEn, @bodyId, @bodyEn, @at, @at)`,
  );
  const update = db.prepare(
    'UPDATE saved_replies SET title_id = @titleId, title_en = @titleEn, body_id = @bodyId, body_en = @bodyEn, updated_at = @at WHERE id = @id',
  );
  const remove = db.prepare('DELETE FROM saved_replies WHERE id = ?');

  const params = (f: SavedReplyFields, at: Date) => ({
    titleId: f.titleId,
    titleEn: f.titleEn,
    bodyId: f.bodyId,
    bodyEn: f.bodyEn,
    at: at.toISOString(),
  });

  return {
    /** Every saved reply, by its Indonesian title. */
    list(): SavedReply[] {
      return (all.all() as SavedReplyRow[]).map(toSavedReply);
    },
    findById(id: number): SavedReply | undefined {
      const row = byId.get(id) as SavedReplyRow | undefined;
      return row ? toSavedReply(row) : undefined;
    },
    count(): number {
      return count.get() as number;
    },
    create(fields: SavedReplyFields, at: Date): number {
      return Number(insert.run(params(fields, at)).lastInsertRowid);
    },
    update(id: number, fields: SavedReplyFields, at: Date): void {
      update.run({ ...params(fields, at), id });
    },
    delete(id: number): boolean {
      return remove.run(id).changes > 0;
    },
  };
}

export type SavedReplyRepository = ReturnType<typeof createSavedReplyRepository>;
