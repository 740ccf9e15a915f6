import type { Transactor } from '../data/transaction';

/** How many reminders one run writes at most, of each kind; the next run takes the rest. */
export const REMINDER_BATCH = 100;

/**
 * The one reminder each due item gets (a redirect or a case referral its partner has not answered).
 * Each in its own transaction: `markReminded` sets the item's reminded time only if no one has yet
 * (true for the first caller alone), and `send` queues the email and writes the audit event in that
 * same transaction. So it is safe to run as often as one likes and from two processes at once.
 * Returns how many were sent.
 */
export function remindOnce<T extends { id: number }>(
  transaction: Transactor,
  due: readonly T[],
  markReminded: (id: number) => boolean,
  send: (item: T) => void,
): number {
  let sent = 0;
  for (const item of due) {
    transaction(() => {
      if (!markReminded(item.id)) return;
      send(item);
      sent += 1;
    });
  }
  return sent;
}
