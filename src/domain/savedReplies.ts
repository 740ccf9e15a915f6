import type { Locale } from './locales';

/**
 * Saved replies: message templates a supervisor keeps (at most SAVED_REPLIES_MAX, domain/limits.ts),
 * each with a title and a body in both languages. Triage inserts one into the message to a reporter
 * or a department and edits it before sending; nothing is sent from a template by itself.
 */
export interface SavedReplyFields {
  titleId: string;
  titleEn: string;
  bodyId: string;
  bodyEn: string;
}

export interface SavedReply extends SavedReplyFields {
  id: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A saved reply's title in a language. */
export function savedReplyTitle(reply: SavedReplyFields, locale: Locale): string {
  return locale === 'en' ? reply.titleEn : reply.titleId;
}

/** A saved reply's text in a language. */
export function savedReplyBody(reply: SavedReplyFields, locale: Locale): string {
  return locale === 'en' ? reply.bodyEn : reply.bodyId;
}

/**
 * The message with a saved reply put in: after what was already typed (a blank line between), so
 * that nothing typed is lost; or the reply alone in an empty field.
 */
export function withSavedReply(typed: string, reply: string): string {
  const kept = typed.replace(/\s+$/, '');
  return kept === '' ? reply : `${kept}\n\n${reply}`;
}
