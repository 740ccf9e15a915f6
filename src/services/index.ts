import type { Config } from '../config';
import type { Db } from '../data/db';
import { createFieldCipher, createKeyedHasher } from '../data/fieldCipher';
import { createGroupCommit, createTransactor } from '../data/transaction';
import { createReportRepository } from '../data/reportRepository';
import { createReportTimelineRepository } from '../data/reportTimelineRepository';
import { createHolidayRepository } from '../data/holidayRepository';
import { createReportService } from './reportService';
import { createReceiptHandoff } from './receiptHandoff';
import { RECEIPT_VIEWABLE_MINUTES } from '../domain/receipt';
import { createRedirectRepository } from '../data/redirectRepository';
import { createCaseRepository } from '../data/caseRepository';
import { createQueueRepository } from '../data/queueRepository';
import { createTriageService } from './triageService';
import { createReferralRepository } from '../data/referralRepository';
import { createReferralService } from './referralService';
import { createIntake } from './intake';
import { createIntakeRepository } from '../data/intakeRepository';
import { createStaffIntakeService } from './staffIntakeService';
import { createReportLanguages } from './reportLanguages';
import { createCaseService } from './caseService';
import { createCasePlanService } from './casePlanService';
import { createCasePlanRepository } from '../data/casePlanRepository';
import { createCaseAssessmentService } from './caseAssessmentService';
import { createCaseAssessmentRepository } from '../data/caseAssessmentRepository';
import { createAccountRepository } from '../data/accountRepository';
import { createAuditRepository } from '../data/auditRepository';
import { createPartnerRepository } from '../data/partnerRepository';
import { createPartnerService } from './partnerService';
import { createDepartmentRepository } from '../data/departmentRepository';
import { createApiTokenRepository } from '../data/apiTokenRepository';
import { createDepartmentService } from './departmentService';
import { createApiTokenService } from './apiTokenService';
import type { SharedLimits } from '../security/clientLimits';
import { createLeaseRepository } from '../data/leaseRepository';
import { createLease, OUTBOX_LEASE } from './lease';
import { createHolidayService } from './holidayService';
import { createAuditQueryRepository } from '../data/auditQueryRepository';
import { createAuditLogService } from './auditLogService';
import { createAccountTokenRepository } from '../data/accountTokenRepository';
import { createAccountService } from './accountService';
import { createAccountSessions } from '../data/sessionStore';
import { createAuthService } from './authService';
import { createOutboxRepository } from '../data/outboxRepository';
import { createOutboxService } from './outboxService';
import { createMailFiles, createMailTransport, mailFolder } from '../mail/transport';
import { renderEmail } from '../mail/templates';
import { deriveKey } from '../data/fieldCipher';
import { createAcknowledgementLinks } from './acknowledgementLinks';
import { createNotifications } from './notifications';
import { createAcknowledgementService } from './acknowledgementService';
import { createRedirectReminders } from './redirectReminders';
import { createRetentionRepository } from '../data/retentionRepository';
import { createRetentionService } from './retentionService';
import { createStatsRepository } from '../data/statsRepository';
import { createStatsService } from './statsService';
import { createPublicSummaryRepository } from '../data/publicSummaryRepository';
import { createPublicSummaryService, PUBLIC_SUMMARY_CACHE_MS } from './publicSummaryService';
import { createAttachmentRepository } from '../data/attachmentRepository';
import { createAttachmentService } from './attachmentService';
import { createSavedReplyRepository } from '../data/savedReplyRepository';
import { createSavedReplyService } from './savedReplyService';
import { createCaseReferralRepository } from '../data/caseReferralRepository';
import { createCaseConferenceRepository } from '../data/caseConferenceRepository';
import { createCaseReferralService } from './caseReferralService';
import { createCaseConferenceService } from './caseConferenceService';

/** Builds the repositories once and the services on top of them. */
export function createServices(
  config: Config,
  db: Db,
  dataKey: Buffer,
  now: () => Date,
  log: (message: string) => void,
  /** The counts kept across requests (and server processes): security/clientLimits.ts. */
  limits: SharedLimits,
) {
  // Data access, built once.
  const leases = createLeaseRepository(db);
  const cipher = createFieldCipher(dataKey);
  const transaction = createTransactor(db);
  // Commits shared by the requests of one moment: the web form's reports and the audited page views.
  const groupCommit = createGroupCommit(db);
  const reports = createReportRepository(db, cipher);
  // Files with reports, messages and referrals (name and bytes encrypted); `attachmentService` cleans and serves them.
  const attachments = createAttachmentRepository(db, cipher);
  const timeline = createReportTimelineRepository(db, cipher);
  const redirects = createRedirectRepository(db, cipher);
  const cases = createCaseRepository(db, cipher);
  const referrals = createReferralRepository(db, cipher);
  const departments = createDepartmentRepository(db);
  const holidays = createHolidayRepository(db);
  const accounts = createAccountRepository(db);
  const audit = createAuditRepository(db, dataKey);
  // Partner institutions: `partnerService` lists them for the redirect form and administers them.
  const partners = createPartnerRepository(db);
  // The email outbox: `outboxService.enqueue(email, at)` inside the transaction of the action that
  // causes an email (no network); only the worker (server.ts) and `npm run outbox:drain` send.
  const outboxService = createOutboxService({
    transaction,
    outbox: createOutboxRepository(db, cipher),
    audit,
    transport: createMailTransport(config),
    render: renderEmail,
    renderContext: { orgName: config.orgName, baseUrl: config.baseUrl },
    mailFrom: config.mailFrom,
    maxAttempts: config.outbox.maxAttempts,
    now,
    log,
  });

  // Every email an action causes, written to the outbox in that action's transaction. Partners
  // answer a redirect through signed links (`acknowledgementLinks`), see `acknowledgementService`.
  const acknowledgementLinks = createAcknowledgementLinks(deriveKey(dataKey, 'redirect-ack-links'), config.baseUrl);
  const reporterUpdateKeys = createKeyedHasher(dataKey, 'outbox-coalesce');
  const notify = createNotifications({
    outbox: outboxService,
    acknowledgementLinks,
    referralOfficer: (reportId) => referrals.officerOf(reportId),
    activeAccount: (id) => accounts.findActive(id),
    reporterUpdateKey: (reportId) => reporterUpdateKeys.hash(`reporter_update:${reportId}`).toString('base64url'),
    settings: {
      baseUrl: config.baseUrl,
      triageEmail: config.triageEmail,
      serviceContact: config.serviceContact,
      defaultLocale: config.defaultLocale,
    },
  });
  const intake = createIntake({ reports, timeline, holidays, triageTargets: config.triageTargets, notify });

  // Residents, departments and triage.
  // Reports filed before their language was recorded get one at start (bootstrap.ts).
  const reportLanguages = createReportLanguages({ transaction, reports, defaultLocale: config.defaultLocale });
  const receiptHasher = createKeyedHasher(dataKey, 'receipt');
  const reportService = createReportService({
    transaction,
    groupCommit,
    intake,
    reports,
    timeline,
    redirects,
    receiptHasher,
    attachments,
    now,
  });
  // Reports received at the office (/staff/intake): the same intake, source `intake`, filed at the time received.
  const intakes = createIntakeRepository(db);
  const staffIntakeService = createStaffIntakeService({
    transaction,
    intake,
    intakes,
    reports,
    accounts,
    audit,
    attachments,
    receiptHasher,
    now,
  });
  // A new receipt stays viewable (sealed, see receiptHandoff.ts) for RECEIPT_VIEWABLE_MINUTES at most.
  const receiptHandoff = createReceiptHandoff(RECEIPT_VIEWABLE_MINUTES * 60 * 1000, () => now().getTime());
  const referralService = createReferralService({
    transaction,
    intake,
    reports,
    referrals,
    departments,
    timeline,
    audit,
    requestHasher: createKeyedHasher(dataKey, 'api-idempotency'),
    attachments,
    defaultLocale: config.defaultLocale,
    now,
  });
  const triageService = createTriageService({
    transaction,
    groupCommit,
    reports,
    timeline,
    queue: createQueueRepository(db),
    intakes,
    cases,
    redirects,
    referrals,
    partners,
    accounts,
    audit,
    now,
    notify,
    holidays,
    redirectAcknowledgementDays: config.redirectAcknowledgementDays,
  });
  // The working file of a case: referrals out to partners (answered through the same signed links as
  // redirects) and case conferences with their minutes.
  const caseConferences = createCaseConferenceRepository(db, cipher);
  const caseReferralService = createCaseReferralService({
    transaction,
    groupCommit,
    cases,
    caseReferrals: createCaseReferralRepository(db, cipher),
    caseConferences,
    partners,
    holidays,
    audit,
    notify,
    acknowledgementDays: config.redirectAcknowledgementDays,
    now,
  });
  const caseConferenceService = createCaseConferenceService({
    transaction,
    groupCommit,
    cases,
    caseConferences,
    partners,
    accounts,
    audit,
    now,
  });
  // Partners' answers to redirects and case referrals (links and staff), and the one reminder (`redirectReminders.run`, from the outbox worker).
  const acknowledgementService = createAcknowledgementService({
    transaction,
    redirects,
    reports,
    timeline,
    audit,
    acknowledgementLinks,
    notify,
    caseReferrals: caseReferralService,
    now,
  });
  const redirectReminders = createRedirectReminders({ transaction, redirects, audit, notify, caseReferrals: caseReferralService, now });
  const caseService = createCaseService({ transaction, groupCommit, cases, reports, accounts, audit, now });
  // A case's intervention plan and follow-ups, and the work lists (/staff/my-work) built on their dates.
  const casePlanService = createCasePlanService({
    transaction,
    groupCommit,
    cases,
    plans: createCasePlanRepository(db, cipher),
    accounts,
    audit,
    now,
    // Made below; asked only when a work list is shown.
    initialAssessmentDue: (rows) => caseAssessmentService.dueOfCases(rows),
  });
  // The working file: a case's initial and in-depth assessments (versioned, encrypted) and the supervisors' factor lists.
  const caseAssessmentService = createCaseAssessmentService({
    transaction,
    groupCommit,
    cases,
    assessments: createCaseAssessmentRepository(db, cipher),
    holidays,
    audit,
    now,
    initialAssessmentWorkingDays: config.initialAssessmentWorkingDays,
  });

  // Administration and the audit log.
  const partnerService = createPartnerService({ transaction, partners, audit, now });
  // Departments: `departmentService` for administration; `apiTokenService` issues, revokes and checks the API's bearer tokens.
  const apiTokens = createApiTokenRepository(db);
  const departmentService = createDepartmentService({ transaction, departments, apiTokens, audit, now });
  const apiTokenService = createApiTokenService({
    transaction,
    apiTokens,
    departments,
    audit,
    tokenHasher: createKeyedHasher(dataKey, 'api-token'),
    failures: limits.apiTokenFailures,
    now,
  });
  const holidayService = createHolidayService({ transaction, holidays, audit, now });
  // Saved replies: the supervisor's message templates, inserted into messages on the report page.
  const savedReplyService = createSavedReplyService({ transaction, savedReplies: createSavedReplyRepository(db), audit, now });
  const auditLog = createAuditLogService({ transaction, audit, queries: createAuditQueryRepository(db), now });
  // Statistics by code over a range of filing dates (`/staff/stats`); each view and CSV export is audited.
  const statsService = createStatsService({ transaction, stats: createStatsRepository(db), audit, now });
  // The public summary (`/transparency`): the same anonymised statistics, small counts protected, cached in memory.
  const publicSummary = createPublicSummaryService({ summaries: createPublicSummaryRepository(db), now, cacheMs: PUBLIC_SUMMARY_CACHE_MS });
  // `npm run retention`: purges what is past RETENTION_DAYS (never the audit log).
  const retentionService = createRetentionService({
    transaction,
    retention: createRetentionRepository(db),
    audit,
    mailFiles: createMailFiles(mailFolder(config.dataDir)),
    retentionDays: config.retentionDays,
    mailFilesKeepDays: config.mailFilesKeepDays,
    now,
  });

  // Accounts and signing in: `accountService` (setup, invitations, passwords, deactivation), `authService` (login, TOTP).
  const accountSessions = createAccountSessions(db);
  const accountService = createAccountService({
    transaction,
    accounts,
    tokens: createAccountTokenRepository(db),
    audit,
    cipher,
    tokenHasher: createKeyedHasher(dataKey, 'account-token'),
    baseUrl: config.baseUrl,
    now,
    notify,
    // Deactivation, a second-factor reset and a password change end the account's sessions (the sessions table).
    endSessions: (accountId) => accountSessions.endAll(accountId),
  });
  const authService = createAuthService({
    transaction,
    accounts,
    accountService,
    audit,
    cipher,
    throttle: limits.login,
    require2fa: config.require2fa,
    issuer: `Lentera (${config.orgName})`,
    now,
  });
  const attachmentService = createAttachmentService({
    attachments,
    reports,
    audit,
    groupCommit,
    limits: config.attachments,
    now,
  });
  return {
    reportService,
    attachmentService,
    receiptHandoff,
    staffIntakeService,
    referralService,
    triageService,
    caseService,
    caseReferralService,
    caseConferenceService,
    casePlanService,
    caseAssessmentService,
    partnerService,
    departmentService,
    apiTokenService,
    holidayService,
    savedReplyService,
    auditLog,
    statsService,
    accountService,
    authService,
    outboxService,
    /** The outbox lease for one sender (`who`: "server process 2", "npm run outbox:drain"): one sends at a time (services/lease.ts). */
    outboxLease: (who: string) => createLease({ leases, name: OUTBOX_LEASE, who, now, log }),
    acknowledgementService,
    redirectReminders,
    retentionService,
    reportLanguages,
    publicSummary,
  };
}

export type Services = ReturnType<typeof createServices>;
