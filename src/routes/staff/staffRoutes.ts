import { Router } from 'express';
import type { AccountService } from '../../services/accountService';
import { homeFor } from '../../domain/staffNavigation';
import { queueRoutes, type QueueRouteDeps } from './queueRoutes';
import { staffReportRoutes, type StaffReportRouteDeps } from './staffReportRoutes';
import { caseRoutes, type CaseRouteDeps } from './caseRoutes';
import { approvalRoutes } from './approvalRoutes';

export type StaffRouteDeps = QueueRouteDeps & StaffReportRouteDeps & CaseRouteDeps & { accountService: AccountService };

/** The triage and casework side of the back office. */
export function staffRoutes(deps: StaffRouteDeps): Router {
  const { triageService, caseService, acknowledgementService, partnerService, accountService, areas, now } = deps;
  const router = Router();
  router.get('/staff', (req, res) => res.redirect(303, req.account ? homeFor(req.account.role) : '/login'));
  router.use(queueRoutes({ triageService, areas, now }));
  router.use(staffReportRoutes({ triageService, caseService, acknowledgementService, partnerService, areas }));
  router.use(caseRoutes({ caseService }));
  router.use(approvalRoutes({ accountService }));
  return router;
}
