import { Router } from 'express';
import { z } from 'zod';
import type { AreaDirectory } from '../../domain/areas';
import type { TriageService } from '../../services/triageService';
import { categories, reportSources, urgencies } from '../../domain/reference';
import { reportStatuses } from '../../domain/reportStatus';
import type { QueueCursor, QueueFilters } from '../../domain/queue';
import { ATTENTION_ROWS, QUEUE_PAGE_SIZE } from '../../domain/limits';
import { requireRole } from '../../middleware/currentAccount';

/** A filter left empty or holding something unknown means "all". */
const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const querySchema = z.object({
  status: z.enum(['open', ...reportStatuses]).catch('open'),
  category: optional(z.enum(categories)),
  urgency: optional(z.enum(urgencies)),
  source: optional(z.enum(reportSources)),
  kecamatan: optional(z.string().regex(/^\d{2}\.\d{2}\.\d{2}$/)),
  mine: optional(z.literal('1')),
  overdue: optional(z.literal('1')),
  after: optional(z.string().max(200)),
});

/** The cursor travels as base64url JSON of the last row's sort key. */
export function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify([c.urgencyRank, c.slaDueAt, c.id])).toString('base64url');
}

export function decodeCursor(value: string | undefined): QueueCursor | null {
  if (!value) return null;
  try {
    const [urgencyRank, slaDueAt, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (typeof urgencyRank === 'number' && typeof slaDueAt === 'string' && typeof id === 'number') return { urgencyRank, slaDueAt, id };
  } catch {
    // A damaged cursor starts from the first page.
  }
  return null;
}

export interface QueueRouteDeps {
  triageService: Pick<TriageService, 'queuePage' | 'redirectsNeedingAttention'>;
  areas: AreaDirectory;
  now: () => Date;
}

/** /staff/queue — open reports by urgency then due time, filtered, one keyset page at a time. */
export function queueRoutes({ triageService, areas, now }: QueueRouteDeps): Router {
  const router = Router();

  router.get('/staff/queue', requireRole('triage', 'supervisor'), (req, res) => {
    const q = querySchema.parse(req.query);
    const at = now();
    const filters: QueueFilters = {
      status: q.status,
      category: q.category,
      urgency: q.urgency,
      source: q.source,
      kecamatan: q.kecamatan,
      claimedBy: q.mine ? req.account!.id : undefined,
      overdueAt: q.overdue ? at : undefined,
    };
    const page = triageService.queuePage(filters, decodeCursor(q.after), QUEUE_PAGE_SIZE);
    const kept = Object.fromEntries(Object.entries({ ...q, after: undefined }).filter(([, v]) => v !== undefined && v !== '')) as Record<
      string,
      string
    >;
    res.render('staff/queue', {
      rows: page.rows,
      counts: page.counts,
      filters: kept,
      nextHref: page.next ? `/staff/queue?${new URLSearchParams({ ...kept, after: encodeCursor(page.next) })}` : null,
      firstHref: q.after ? `/staff/queue?${new URLSearchParams(kept)}` : null,
      kecamatan: areas.kecamatan,
      kecamatanNames: Object.fromEntries(areas.kecamatan.map((k) => [k.code, k.name])),
      options: { statuses: reportStatuses, categories, urgencies, sources: reportSources },
      now: at,
      // Declined redirects and those past their confirmation time: back to triage's attention.
      attention: triageService.redirectsNeedingAttention(ATTENTION_ROWS),
    });
  });

  return router;
}
