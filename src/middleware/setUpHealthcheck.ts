import { Router } from 'express';
import type { Db } from '../data/db';

/** GET /healthz: {"status":"ok"} when the database answers, 503 otherwise. Before sessions and logs. */
export function setUpHealthcheck(db: Db): Router {
  const router = Router();
  const ping = db.prepare('SELECT 1').pluck();
  router.get('/healthz', (_req, res) => {
    try {
      ping.get();
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'unavailable' });
    }
  });
  return router;
}
