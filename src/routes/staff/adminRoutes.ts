import { Router } from 'express';
import type { AppDeps } from '../../app';
import { partnerRoutes } from './partnerRoutes';
import { settingsRoutes } from './settingsRoutes';
import { auditRoutes } from './auditRoutes';

/** Administration (partners, settings) and the audit log; each route names the roles it admits. */
export function adminRoutes(deps: AppDeps): Router {
  const { services, areas, config } = deps;
  const router = Router();
  router.use(partnerRoutes({ partnerService: services.partnerService, areas }));
  router.use(settingsRoutes({ holidayService: services.holidayService, triageTargets: config.triageTargets }));
  router.use(auditRoutes({ auditLog: services.auditLog }));
  return router;
}
