import { Router } from 'express';
import type { AppDeps } from '../../app';
import { homeFor } from '../../domain/staffNavigation';
import { queueRoutes } from './queueRoutes';
import { staffReportRoutes } from './staffReportRoutes';
import { caseRoutes } from './caseRoutes';
import { approvalRoutes } from './approvalRoutes';

/** The triage and casework side of the back office. */
export function staffRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/staff', (req, res) => res.redirect(303, req.account ? homeFor(req.account.role) : '/login'));
  router.use(queueRoutes(deps));
  router.use(staffReportRoutes(deps));
  router.use(caseRoutes(deps));
  router.use(approvalRoutes({ accountService: deps.services.accountService }));
  return router;
}
