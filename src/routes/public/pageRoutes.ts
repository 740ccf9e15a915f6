import { Router } from 'express';
import { formatPeriodOfDays } from '../../i18n';

/** The pages that only inform: home and the privacy notice. */
export function pageRoutes(retentionDays: number): Router {
  const router = Router();
  router.get('/', (_req, res) => res.render('public/home'));
  // "2 tahun", not "730 hari": the retention as a person would say it.
  router.get('/privacy', (req, res) => res.render('public/privacy', { retentionPeriod: formatPeriodOfDays(req.locale, retentionDays) }));
  return router;
}
