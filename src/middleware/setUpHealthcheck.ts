import { Router } from 'express';
import type { HealthReport } from '../domain/health';

/**
 * GET /healthz, before sessions and logs: {"status":"ok"} when the database can be read and written
 * (a write rolled back at once) and its last integrity check passed; otherwise 503 with what is
 * wrong (`read_only`, `full`, `corrupt`, `unavailable`), so a monitor or load balancer can act.
 */
export function setUpHealthcheck(report: () => HealthReport): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    let health: HealthReport;
    try {
      health = report();
    } catch {
      return res.status(503).json({ status: 'unavailable', database: 'unavailable' });
    }
    if (health.state === 'ok') return res.json({ status: 'ok' });
    res
      .status(503)
      .json({ status: 'unavailable', database: health.state, ...(health.integrity ? { integrityCheckedAt: health.integrity.at } : {}) });
  });
  return router;
}
