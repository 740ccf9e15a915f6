import express from 'express';
import cookieParser from 'cookie-parser';
import { renderFile } from 'ejs';
import type { Config } from './config';
import type { HealthReport } from './domain/health';
import type { SqliteSessionStore } from './data/sessionStore';
import type { AreaDirectory } from './domain/areas';
import type { Translator } from './i18n';
import type { Services } from './services';
import { viewsDir } from './paths';
import { setUpHealthcheck } from './middleware/setUpHealthcheck';
import { setUpSecurityHeaders } from './middleware/setUpSecurityHeaders';
import { setUpStaticResources } from './middleware/setUpStaticResources';
import { setUpLocale } from './middleware/setUpLocale';
import { setUpSession } from './middleware/setUpSession';
import { setUpLanguageSwitch, setUpLocals, setUpPageLocale } from './middleware/setUpLocals';
import { setUpCurrentAccount } from './middleware/currentAccount';
import { setUpBodyParsing } from './middleware/setUpBodyParsing';
import { setUpCsrf } from './middleware/setUpCsrf';
import { setUpMultipart } from './middleware/setUpMultipart';
import { floodLimit, perKey } from './middleware/rateLimits';
import type { SharedLimits } from './security/clientLimits';
import { setUpProcessHeader } from './middleware/setUpProcessHeader';
import { setUpErrorHandler, setUpNotFound } from './middleware/setUpErrorHandling';
import { pageRoutes } from './routes/public/pageRoutes';
import { transparencyRoutes } from './routes/public/transparencyRoutes';
import { REPORT_PATH, reportRoutes } from './routes/public/reportRoutes';
import { statusRoutes } from './routes/public/statusRoutes';
import { receiptRoutes } from './routes/public/receiptRoutes';
import { exitRoutes } from './routes/public/exitRoutes';
import { acknowledgementRoutes } from './routes/public/acknowledgementRoutes';
import { authRoutes } from './routes/auth/authRoutes';
import { userRoutes } from './routes/staff/userRoutes';
import { adminRoutes } from './routes/staff/adminRoutes';
import { staffRoutes } from './routes/staff/staffRoutes';
import { INTAKE_PATH, intakeRoutes } from './routes/staff/intakeRoutes';
import { departmentRoutes } from './routes/department/departmentRoutes';
import { API_PATH, apiRoutes } from './routes/api/apiRoutes';

export interface AppDeps {
  config: Config;
  /** What /healthz answers (data/databaseHealth.ts). */
  health: { report(): HealthReport };
  sessionStore: SqliteSessionStore;
  sessionSecret: string;
  translator: Translator;
  areas: AreaDirectory;
  services: Services;
  now: () => Date;
  log: (message: string) => void;
  /** The counts behind the rate limits, this process's own or the cluster primary's (security/clientLimits.ts). */
  limits: SharedLimits;
  /** Which server process this is (1 without a cluster), for PROCESS_HEADER. */
  processIndex: number;
}

export function createApp(deps: AppDeps): express.Express {
  const { config, areas, services, now } = deps;
  const { reportService, receiptHandoff } = services;
  const secureCookies = config.baseUrl.startsWith('https://');
  const limits = config.rateLimits;
  const windowMs = config.rateWindowMs;
  const csrf = setUpCsrf(config.baseUrl, deps.sessionSecret, secureCookies, new Set([REPORT_PATH, INTAKE_PATH]));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Every include is written from views/ ('/partials/head'), so EJS finds it under `root` without a
  // look at the disk: a relative one costs a stat of the file on every include of every page (a
  // twentieth of the queue page's time). Each template is compiled once, whatever NODE_ENV says
  // (EJS 7 reads no options from Express's settings; Express caches the lookup of each view too).
  app.engine('ejs', (file, data, callback) => renderFile(file, data, { root: viewsDir, cache: true }, callback));
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.set('view cache', true);

  if (config.processHeader) app.use(setUpProcessHeader(deps.processIndex));
  app.use(setUpHealthcheck(() => deps.health.report()));
  app.use(setUpSecurityHeaders(secureCookies));
  app.use(setUpStaticResources());
  // The departments' JSON API, before cookies, sessions, form bodies and CSRF: it is authenticated
  // by bearer token alone and answers every /api/v1 request itself (see routes/api/apiRoutes.ts).
  app.use(
    API_PATH,
    apiRoutes({
      apiTokenService: services.apiTokenService,
      referralService: services.referralService,
      attachmentService: services.attachmentService,
      areas,
      translator: deps.translator,
      config,
      now,
      log: deps.log,
      callsPerToken: deps.limits.apiCallsPerToken,
    }),
  );
  app.use(cookieParser());
  app.use(setUpLocale(config.defaultLocale, secureCookies));
  app.use(setUpSession(deps.sessionStore, deps.sessionSecret, secureCookies));
  app.use(setUpCurrentAccount(services.authService, now));
  app.use(setUpLocals(config, deps.translator, csrf));
  app.use(setUpBodyParsing());
  // The forms that take attachments are multipart: read (in memory, within the limits) before the
  // language switch and the CSRF check, which read the body.
  app.use(
    setUpMultipart(config.attachments, [
      { path: REPORT_PATH, signedIn: false },
      { path: '/status/messages', signedIn: false },
      { path: '/department/referrals/new', signedIn: true },
      { path: INTAKE_PATH, signedIn: true },
    ]),
  );
  app.use(setUpLanguageSwitch(config, deps.translator, secureCookies));
  app.use(csrf.protect);

  app.use(exitRoutes({ quickExitUrl: config.quickExitUrl, secureCookies }));
  app.use(pageRoutes(config.retentionDays));
  app.use(transparencyRoutes({ publicSummary: services.publicSummary, areas }));
  app.use(
    reportRoutes({
      reportService,
      receiptHandoff,
      attachmentService: services.attachmentService,
      areas,
      csrf,
      secureCookies,
      now,
      // Past RATE_REPORTS_GLOBAL an hour, only each client's first report of the hour is taken.
      flood: floodLimit(deps.limits.reports),
    }),
  );
  app.use(receiptRoutes({ receiptHandoff, secureCookies, baseUrl: config.baseUrl }));
  app.use(
    statusRoutes({
      reportService,
      attachmentService: services.attachmentService,
      now,
      // Past RATE_RECEIPT_CHECKS_GLOBAL wrong receipts an hour, a client with three wrong ones waits;
      // a correct receipt from anyone else is still answered.
      receiptFlood: floodLimit(deps.limits.receiptChecks),
      messageLimit: (answer) =>
        perKey(limits.messagesPerReport, windowMs, deps.limits.messagesPerReport, (req) => `report:${req.session.receiptReportId}`, answer),
    }),
  );

  // Partners answer a redirect, or a family referred from a case, from the signed link in its email.
  app.use(acknowledgementRoutes({ acknowledgementService: services.acknowledgementService, serviceContact: config.serviceContact }));

  const { accountService, authService, triageService, caseService, acknowledgementService, partnerService } = services;
  app.use(authRoutes({ authService, accountService, now }));
  app.use(userRoutes({ accountService }));
  app.use(
    staffRoutes({
      attachmentService: services.attachmentService,
      triageService,
      caseService,
      caseReferralService: services.caseReferralService,
      caseConferenceService: services.caseConferenceService,
      caseAssessmentService: services.caseAssessmentService,
      casePlanService: services.casePlanService,
      acknowledgementService,
      partnerService,
      accountService,
      savedReplyService: services.savedReplyService,
      areas,
      now,
    }),
  );
  // Reports received at the office, and the receipt slip (printed in the reporter's language).
  app.use(
    intakeRoutes({
      staffIntakeService: services.staffIntakeService,
      attachmentService: services.attachmentService,
      receiptHandoff,
      areas,
      csrf,
      slipLocale: setUpPageLocale(config, deps.translator, (req) => req.session?.intakeReceipt?.language),
      secureCookies,
      baseUrl: config.baseUrl,
      defaultLocale: config.defaultLocale,
      now,
    }),
  );
  app.use(departmentRoutes({ referralService: services.referralService, attachmentService: services.attachmentService, areas, now }));
  app.use(
    adminRoutes({
      partnerService,
      departmentService: services.departmentService,
      apiTokenService: services.apiTokenService,
      holidayService: services.holidayService,
      auditLog: services.auditLog,
      statsService: services.statsService,
      outboxService: services.outboxService,
      areas,
      triageTargets: config.triageTargets,
      now,
    }),
  );

  app.use(setUpNotFound());
  app.use(setUpErrorHandler(deps.log));
  return app;
}
