import { Router } from 'express';
import type { AreaDirectory } from '../../domain/areas';
import type { TriageTargets } from '../../domain/sla';
import type { ApiTokenService } from '../../services/apiTokenService';
import type { AuditLogService } from '../../services/auditLogService';
import type { DepartmentService } from '../../services/departmentService';
import type { HolidayService } from '../../services/holidayService';
import type { OutboxService } from '../../services/outboxService';
import type { PartnerService } from '../../services/partnerService';
import type { StatsService } from '../../services/statsService';
import { partnerRoutes } from './partnerRoutes';
import { settingsRoutes } from './settingsRoutes';
import { auditRoutes } from './auditRoutes';
import { outboxRoutes } from './outboxRoutes';
import { departmentAdminRoutes } from './departmentAdminRoutes';
import { statsRoutes } from './statsRoutes';

export interface AdminRouteDeps {
  partnerService: PartnerService;
  departmentService: DepartmentService;
  apiTokenService: ApiTokenService;
  holidayService: HolidayService;
  auditLog: AuditLogService;
  statsService: StatsService;
  outboxService: OutboxService;
  areas: AreaDirectory;
  triageTargets: TriageTargets;
  now: () => Date;
}

/** Administration (partners, departments, settings), statistics and the audit log; each route names the roles it admits. */
export function adminRoutes(deps: AdminRouteDeps): Router {
  const { partnerService, departmentService, apiTokenService, holidayService, auditLog, statsService, outboxService, areas } = deps;
  const router = Router();
  router.use(partnerRoutes({ partnerService, areas }));
  router.use(departmentAdminRoutes({ departmentService, apiTokenService }));
  router.use(settingsRoutes({ holidayService, triageTargets: deps.triageTargets }));
  router.use(auditRoutes({ auditLog }));
  router.use(statsRoutes({ statsService, areas, now: deps.now }));
  router.use(outboxRoutes({ outboxService }));
  return router;
}
