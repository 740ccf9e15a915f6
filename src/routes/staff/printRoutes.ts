import { Router, type Request } from 'express';
import type { AreaDirectory } from '../../domain/areas';
import type { CurrentAccount } from '../../domain/roles';
import { caseStages, slugToCaseNumber } from '../../domain/cases';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import type { TriageService } from '../../services/triageService';
import type { CaseService } from '../../services/caseService';
import type { CaseAssessmentService } from '../../services/caseAssessmentService';
import type { CasePlanService } from '../../services/casePlanService';
import type { AttachmentService } from '../../services/attachmentService';
import type { CaseReferralService } from '../../services/caseReferralService';
import type { CaseConferenceService } from '../../services/caseConferenceService';
import { formatBytes } from '../../domain/attachments';

export interface PrintRouteDeps {
  triageService: Pick<TriageService, 'viewReport'>;
  caseService: Pick<CaseService, 'view'>;
  /** The latest initial and in-depth assessments, for those who may read them (printed with the case, audited as case.printed). */
  caseAssessmentService: Pick<CaseAssessmentService, 'forPrint'>;
  /** The intervention plan and the follow-ups (printed with the case, audited as case.printed). */
  casePlanService: Pick<CasePlanService, 'sectionFor'>;
  /** The referrals out and the conferences (summary lines; printed with the case, audited as case.printed). */
  caseReferralService: Pick<CaseReferralService, 'section'>;
  caseConferenceService: Pick<CaseConferenceService, 'section'>;
  /** The report's files, listed by name (their content is opened, and audited, from the report page). */
  attachmentService: Pick<AttachmentService, 'listForReport'>;
  areas: AreaDirectory;
  now: () => Date;
}

/**
 * The paper file: a case (/staff/cases/:slug/print) and a report (/staff/reports/:ref/print) on a
 * page of their own, without the back office around them, for the office's physical file and case
 * conferences. The same roles and object checks as their pages; each print is audited
 * (case.printed, report.printed) instead of a view.
 */
export function printRoutes({
  triageService,
  caseService,
  caseAssessmentService,
  casePlanService,
  attachmentService,
  areas,
  now,
  caseReferralService,
  caseConferenceService,
}: PrintRouteDeps): Router {
  const router = Router();
  const readers = requireRole('triage', 'caseworker', 'supervisor');

  const printedBy = (req: Request) => ({ printedBy: (req.account as CurrentAccount).name, printedAt: now() });

  router.get('/staff/cases/:slug/print', readers, async (req, res) => {
    const number = slugToCaseNumber(String(req.params.slug));
    if (!number) throw new HttpError(404, 'Not a case number');
    const page = await caseService.view(req.account as CurrentAccount, number, 'print');
    if (!page) throw new HttpError(404, 'Case not found or not visible');
    // The sections of the case file, in order: each a partial under views/staff/print/ (issue 13's fuller assessments add theirs here).
    const sections = [
      'caseStages',
      'caseAssessment',
      'caseAssessments',
      'casePlan',
      'caseFollowUps',
      'caseReferralsOut',
      'caseConferences',
      'caseNotes',
      'caseDecisions',
      'caseClosure',
    ];
    res.render('staff/print/case', {
      ...page,
      assessments: caseAssessmentService.forPrint(req.account as CurrentAccount, page.detail),
      planSection: casePlanService.sectionFor(req.account as CurrentAccount, page.detail),
      referralsOut: caseReferralService.section(req.account as CurrentAccount, page.detail),
      conferences: caseConferenceService.section(req.account as CurrentAccount, page.detail),
      stages: caseStages,
      sections,
      ...printedBy(req),
    });
  });

  router.get('/staff/reports/:ref/print', readers, async (req, res) => {
    const page = await triageService.viewReport(req.account as CurrentAccount, String(req.params.ref), 'print');
    if (!page) throw new HttpError(404, 'Report not found or not visible');
    const kecamatan = areas.findKecamatan(page.report.kecamatanCode);
    const kelurahan = page.report.kelurahanCode ? areas.findKelurahan(page.report.kecamatanCode, page.report.kelurahanCode) : undefined;
    const sections = ['reportContent', 'reportAttachments', 'reportDecision', 'reportTimeline', 'reportMessages'];
    res.render('staff/print/report', {
      ...page,
      kecamatanName: kecamatan?.name ?? page.report.kecamatanCode,
      kelurahanName: kelurahan?.name ?? null,
      attachments: attachmentService.listForReport(page.report.id).map((a) => ({ ...a, size: formatBytes(a.sizeBytes) })),
      sections,
      ...printedBy(req),
    });
  });

  return router;
}
