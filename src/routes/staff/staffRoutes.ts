import { Router } from 'express';
import type { AccountService } from '../../services/accountService';
import type { SavedReplyService } from '../../services/savedReplyService';
import { homeFor } from '../../domain/staffNavigation';
import { queueRoutes, type QueueRouteDeps } from './queueRoutes';
import { staffReportRoutes, type StaffReportRouteDeps } from './staffReportRoutes';
import { caseRoutes, type CaseRouteDeps } from './caseRoutes';
import { approvalRoutes } from './approvalRoutes';
import { printRoutes } from './printRoutes';
import { savedReplyRoutes } from './savedReplyRoutes';
import { attachmentRoutes } from './attachmentRoutes';
import { caseAssessmentRoutes } from './caseAssessmentRoutes';
import { casePlanRoutes, type CasePlanRouteDeps } from './casePlanRoutes';
import { assessmentFactorRoutes } from './assessmentFactorRoutes';
import type { AttachmentService } from '../../services/attachmentService';
import { caseReferralRoutes, type CaseReferralRouteDeps } from './caseReferralRoutes';
import { caseConferenceRoutes, type CaseConferenceRouteDeps } from './caseConferenceRoutes';

export type StaffRouteDeps = QueueRouteDeps &
  StaffReportRouteDeps &
  CaseRouteDeps &
  CaseReferralRouteDeps &
  CaseConferenceRouteDeps &
  CasePlanRouteDeps & { accountService: AccountService; savedReplyService: SavedReplyService; attachmentService: AttachmentService };

/** The triage and casework side of the back office. */
export function staffRoutes(deps: StaffRouteDeps): Router {
  const {
    triageService,
    caseService,
    caseReferralService,
    caseConferenceService,
    caseAssessmentService,
    casePlanService,
    acknowledgementService,
    partnerService,
    accountService,
    savedReplyService,
    attachmentService,
    areas,
    now,
  } = deps;
  const router = Router();
  router.get('/staff', (req, res) => res.redirect(303, req.account ? homeFor(req.account.role) : '/login'));
  router.use(queueRoutes({ triageService, areas, now }));
  router.use(
    staffReportRoutes({ triageService, caseService, acknowledgementService, partnerService, savedReplyService, attachmentService, areas }),
  );
  router.use(attachmentRoutes({ attachmentService }));
  router.use(
    printRoutes({
      triageService,
      caseService,
      caseAssessmentService,
      casePlanService,
      attachmentService,
      areas,
      now,
      caseReferralService,
      caseConferenceService,
    }),
  );
  router.use(caseRoutes({ caseService, caseAssessmentService, casePlanService, caseReferralService, caseConferenceService }));
  router.use(casePlanRoutes({ casePlanService }));
  router.use(caseAssessmentRoutes({ caseAssessmentService }));
  router.use(assessmentFactorRoutes({ caseAssessmentService }));
  router.use(caseReferralRoutes({ caseReferralService, now }));
  router.use(caseConferenceRoutes({ caseConferenceService, now }));
  router.use(approvalRoutes({ accountService }));
  router.use(savedReplyRoutes({ savedReplyService }));
  return router;
}
