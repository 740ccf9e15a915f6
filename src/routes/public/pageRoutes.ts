import { Router } from 'express';

/** The pages that only inform: home and the privacy notice. */
export function pageRoutes(retentionDays: number): Router {
  const router = Router();
  router.get('/', (_req, res) => res.render('public/home'));
  router.get('/privacy', (_req, res) => res.render('public/privacy', { retentionDays }));
  return router;
}
