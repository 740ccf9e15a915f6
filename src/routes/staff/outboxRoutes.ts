import { Router, type Request } from 'express';
import type { OutboxService } from '../../services/outboxService';
import type { OutboxStatus } from '../../domain/outbox';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import { textValue } from '../formErrors';

export const OUTBOX_PATH = '/staff/outbox';

/** Which emails the page lists: the ones still needing attention, never those already sent. */
const shows = { all: ['pending', 'failed'], pending: ['pending'], failed: ['failed'] } as const satisfies Record<
  string,
  readonly OutboxStatus[]
>;
type Show = keyof typeof shows;
const isShow = (v: string): v is Show => Object.hasOwn(shows, v);

function outboxId(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(404, 'No such email');
  return Number(raw);
}

function outboxHref(show: Show, before?: number): string {
  const params = new URLSearchParams();
  if (show !== 'all') params.set('show', show);
  if (before !== undefined) params.set('before', String(before));
  const query = params.toString();
  return query ? `${OUTBOX_PATH}?${query}` : OUTBOX_PATH;
}

/**
 * /staff/outbox (DESIGN.md): administrators see which emails wait or failed — recipient kind, the
 * recipient (a reporter's address masked), template, attempts, next attempt, last error code —
 * never what an email says, and can send a failed one again.
 */
export function outboxRoutes({ outboxService }: { outboxService: OutboxService }): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get(OUTBOX_PATH, admin, (req, res) => {
    // An unknown filter or a damaged cursor shows the first page of everything.
    const showValue = textValue(req.query.show);
    const show: Show = isShow(showValue) ? showValue : 'all';
    const beforeValue = textValue(req.query.before);
    const before = /^[1-9]\d{0,14}$/.test(beforeValue) ? Number(beforeValue) : null;
    const page = outboxService.overview([...shows[show]], before);
    res.render('staff/outbox', {
      show,
      counts: page.counts,
      entries: page.entries,
      transport: outboxService.transportDescription(),
      filterHrefs: { all: outboxHref('all'), pending: outboxHref('pending'), failed: outboxHref('failed') },
      olderHref: page.olderBefore !== null ? outboxHref(show, page.olderBefore) : null,
      newestHref: before !== null ? outboxHref(show) : null,
    });
  });

  router.post(`${OUTBOX_PATH}/retry-failed`, admin, (req, res) => {
    const count = outboxService.retryAllFailed(req.account!.id);
    req.session.notice = count > 0 ? 'outbox.notices.retriedAll' : 'outbox.notices.noneFailed';
    res.redirect(303, OUTBOX_PATH);
  });

  router.post(`${OUTBOX_PATH}/:id/retry`, admin, (req, res) => {
    const result = outboxService.retry(req.account!.id, outboxId(req));
    if (!result.ok && result.problem === 'not_found') throw new HttpError(404, 'No such email');
    req.session.notice = result.ok ? 'outbox.notices.retried' : 'outbox.notices.notFailed';
    res.redirect(303, OUTBOX_PATH);
  });

  return router;
}
