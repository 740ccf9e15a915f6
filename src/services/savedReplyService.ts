import type { Transactor } from '../data/transaction';
import type { SavedReplyRepository } from '../data/savedReplyRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { SavedReply, SavedReplyFields } from '../domain/savedReplies';
import { SAVED_REPLIES_MAX } from '../domain/limits';
import { done, refuse, type Outcome } from '../domain/outcome';

/** A change refused: `full` (already SAVED_REPLIES_MAX), or no such saved reply (`not_found`: 404). */
export type SavedReplyChange = Outcome<{ id: number }, 'full' | 'not_found'>;

export interface SavedReplyServiceDeps {
  transaction: Transactor;
  savedReplies: SavedReplyRepository;
  audit: AuditRepository;
  now: () => Date;
}

/**
 * The supervisor's saved replies (routes check the role: supervisors change them, triage and
 * supervisors read them on the report page). Each change is audited in its own transaction, by id
 * and the fields changed, never their text.
 */
export function createSavedReplyService(deps: SavedReplyServiceDeps) {
  const { transaction, savedReplies, audit, now } = deps;

  return {
    list: (): SavedReply[] => savedReplies.list(),
    findById: (id: number): SavedReply | undefined => savedReplies.findById(id),
    /** Whether another may be added (the list is capped at SAVED_REPLIES_MAX). */
    hasRoom: (): boolean => savedReplies.count() < SAVED_REPLIES_MAX,

    create(actorAccountId: number, fields: SavedReplyFields): SavedReplyChange {
      const at = now();
      return transaction((): SavedReplyChange => {
        if (savedReplies.count() >= SAVED_REPLIES_MAX) return refuse('full');
        const id = savedReplies.create(fields, at);
        audit.append({ actorAccountId, action: 'saved_reply.created', subjectType: 'saved_reply', subjectId: id }, at);
        return done({ id });
      });
    },

    update(actorAccountId: number, id: number, fields: SavedReplyFields): SavedReplyChange {
      const at = now();
      return transaction((): SavedReplyChange => {
        const before = savedReplies.findById(id);
        if (!before) return refuse('not_found');
        const changed = (['titleId', 'titleEn', 'bodyId', 'bodyEn'] as const).filter((k) => before[k] !== fields[k]);
        if (changed.length === 0) return done({ id });
        savedReplies.update(id, fields, at);
        audit.append(
          {
            actorAccountId,
            action: 'saved_reply.updated',
            subjectType: 'saved_reply',
            subjectId: id,
            detail: { changed: changed.join(',') },
          },
          at,
        );
        return done({ id });
      });
    },

    delete(actorAccountId: number, id: number): SavedReplyChange {
      const at = now();
      return transaction((): SavedReplyChange => {
        if (!savedReplies.delete(id)) return refuse('not_found');
        audit.append({ actorAccountId, action: 'saved_reply.deleted', subjectType: 'saved_reply', subjectId: id }, at);
        return done({ id });
      });
    },
  };
}

export type SavedReplyService = ReturnType<typeof createSavedReplyService>;
