import type { Transactor } from '../data/transaction';
import type { RedirectRepository } from '../data/redirectRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { Notifications } from './notifications';
import type { CaseReferralService } from './caseReferralService';
import { REMINDER_BATCH, remindOnce } from './remindOnce';

export interface RedirectRemindersDeps {
  transaction: Transactor;
  redirects: RedirectRepository;
  audit: AuditRepository;
  notify: Notifications;
  /** Referrals out from cases get their one reminder on the same timer (caseReferralService.remind). */
  caseReferrals?: Pick<CaseReferralService, 'remind'>;
  now: () => Date;
}

/**
 * The one reminder to a partner who has not answered a redirect by its due time (REDIRECT_ACK_DAYS
 * working days). Called on a timer by the outbox worker; safe to call as often as one likes and
 * from two processes at once (remindOnce).
 */
export function createRedirectReminders({ transaction, redirects, audit, notify, caseReferrals, now }: RedirectRemindersDeps) {
  return {
    /** Queues the reminders due at `at` (redirects, then case referrals); returns how many. */
    run(at: Date = now()): number {
      const sent = remindOnce(
        transaction,
        redirects.dueForReminder(at, REMINDER_BATCH),
        (id) => redirects.markReminded(id, at),
        (r) => {
          notify.redirectReminder(
            { redirectId: r.id, reference: r.reference, partnerName: r.partnerName, partnerEmail: r.partnerEmail, sentAt: r.createdAt },
            at,
          );
          audit.append(
            {
              actorAccountId: null,
              action: 'redirect.reminded',
              subjectType: 'report',
              subjectId: r.reference,
              detail: { redirect: r.id },
            },
            at,
          );
        },
      );
      return sent + (caseReferrals?.remind(at) ?? 0);
    },
  };
}

export type RedirectReminders = ReturnType<typeof createRedirectReminders>;
