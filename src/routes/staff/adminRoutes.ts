import { Router } from 'express';
import type { AppDeps } from '../../app';
import { partnerRoutes } from './partnerRoutes';
import { settingsRoutes } from './settingsRoutes';
import { auditRoutes } from './auditRoutes';
import { outboxRoutes } from './outboxRoutes';
import { departmentAdminRoutes } from './departmentAdminRoutes';
import { statsRoutes } from './statsRoutes';

/** Administration (partners, departments, settings), statistics and the audit log; each route names the roles it admits. */
export function adminRoutes(deps: AppDeps): Router {
  const { services, areas, config } = deps;
  const router = Router();
  router.use(partnerRoutes({ partnerService: services.partnerService, areas }));
  router.use(departmentAdminRoutes({ departmentService: services.departmentService, apiTokenService: services.apiTokenService }));
  router.use(settingsRoutes({ holidayService: services.holidayService, triageTargets: config.triageTargets }));
  router.use(auditRoutes({ auditLog: services.auditLog }));
  router.use(statsRoutes({ statsService: services.statsService, areas, now: deps.now }));
  router.use(outboxRoutes({ outboxService: services.outboxService }));
  return router;
}
