import { Router } from 'express';

/** GET /healthz: {"status":"ok"} when the database answers, 503 otherwise. Before sessions and logs. */
export function setUpHealthcheck(ping: () => void): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    try {
      ping();
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'unavailable' });
    }
  });
  return router;
}
