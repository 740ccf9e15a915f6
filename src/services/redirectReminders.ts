import type { Transactor } from '../data/transaction';
import type { RedirectRepository } from '../data/redirectRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { Notifications } from './notifications';
import type { CaseReferralService } from './caseReferralService';

export interface RedirectRemindersDeps {
  transaction: Transactor;
  redirects: RedirectRepository;
  audit: AuditRepository;
  notify: Notifications;
  /** Referrals out from cases get their one reminder on the same timer (caseReferralService.remind). */
  caseReferrals?: Pick<CaseReferralService, 'remind'>;
  now: () => Date;
}

/** How many reminders one run writes at most; the next run takes the rest. */
const BATCH = 100;

/**
 * The one reminder to a partner who has not answered a redirect by its due time (REDIRECT_ACK_DAYS
 * working days). Called on a timer by the outbox worker; safe to call as often as one likes and
 * from two processes at once: `reminded_at` is set in the same transaction as the email is
 * queued, and only by whoever sets it first.
 */
export function createRedirectReminders({ transaction, redirects, audit, notify, caseReferrals, now }: RedirectRemindersDeps) {
  return {
    /** Queues the reminders due at `at` (redirects, then case referrals); returns how many. */
    run(at: Date = now()): number {
      let sent = 0;
      for (const r of redirects.dueForReminder(at, BATCH)) {
        transaction(() => {
          if (!redirects.markReminded(r.id, at)) return;
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
          sent += 1;
        });
      }
      return sent + (caseReferrals?.remind(at) ?? 0);
    },
  };
}

export type RedirectReminders = ReturnType<typeof createRedirectReminders>;
