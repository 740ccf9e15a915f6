import type { Config } from '../config';
import type { Db } from '../data/db';
import { createFieldCipher, createKeyedHasher } from '../data/fieldCipher';
import { createTransactor } from '../data/transaction';
import { createReportRepository } from '../data/reportRepository';
import { createReportTimelineRepository } from '../data/reportTimelineRepository';
import { createHolidayRepository } from '../data/holidayRepository';
import { createReportService } from './reportService';
import { createReceiptHandoff } from './receiptHandoff';
import { createRedirectRepository } from '../data/redirectRepository';
import { createCaseRepository } from '../data/caseRepository';
import { createQueueRepository } from '../data/queueRepository';
import { createTriageService } from './triageService';
import { createCaseService } from './caseService';
import { createAccountRepository } from '../data/accountRepository';
import { createAuditRepository } from '../data/auditRepository';
import { createPartnerRepository } from '../data/partnerRepository';
import { createPartnerService } from './partnerService';
import { createHolidayService } from './holidayService';
import { createAuditQueryRepository } from '../data/auditQueryRepository';
import { createAuditLogService } from './auditLogService';
import { createAccountTokenRepository } from '../data/accountTokenRepository';
import { createAccountService } from './accountService';
import { createAuthService } from './authService';
import { createLoginThrottle } from './loginThrottle';

/** How long a new receipt waits in memory for the page that shows it. */
const RECEIPT_HANDOFF_MS = 10 * 60 * 1000;

/** Builds the repositories once and the services on top of them. */
export function createServices(config: Config, db: Db, dataKey: Buffer, now: () => Date) {
  const cipher = createFieldCipher(dataKey);
  const transaction = createTransactor(db);
  const reports = createReportRepository(db, cipher);
  const timeline = createReportTimelineRepository(db, cipher);
  const redirects = createRedirectRepository(db, cipher);
  const cases = createCaseRepository(db, cipher);
  const reportService = createReportService({
    transaction,
    reports,
    timeline,
    redirects,
    holidays: createHolidayRepository(db),
    receiptHasher: createKeyedHasher(dataKey, 'receipt'),
    triageTargets: config.triageTargets,
    now,
  });
  const receiptHandoff = createReceiptHandoff(RECEIPT_HANDOFF_MS, () => now().getTime());
  const accounts = createAccountRepository(db);
  const audit = createAuditRepository(db, dataKey);
  // Partner institutions: `partners.listActive()` / `findById()` for the redirect form; `partnerService` for administration.
  const partners = createPartnerRepository(db);
  const partnerService = createPartnerService({ transaction: createTransactor(db), partners, audit, now });
  const holidayService = createHolidayService({ transaction: createTransactor(db), holidays: createHolidayRepository(db), audit, now });
  const auditLog = createAuditLogService({ transaction: createTransactor(db), audit, queries: createAuditQueryRepository(db), now });
  const triageService = createTriageService({ transaction, reports, timeline, queue: createQueueRepository(db), cases, redirects, partners, accounts, audit, now });
  const caseService = createCaseService({ transaction, cases, reports, accounts, audit, now });
  // Accounts and signing in: `accountService` (setup, invitations, passwords, deactivation), `authService` (login, TOTP).
  const accountService = createAccountService({
    transaction,
    accounts,
    tokens: createAccountTokenRepository(db),
    audit,
    cipher,
    tokenHasher: createKeyedHasher(dataKey, 'account-token'),
    baseUrl: config.baseUrl,
    now,
  });
  const authService = createAuthService({
    transaction,
    accounts,
    accountService,
    audit,
    cipher,
    throttle: createLoginThrottle(() => now().getTime()),
    require2fa: config.require2fa,
    issuer: `Lentera (${config.orgName})`,
    now,
  });
  return { reportService, triageService, caseService, receiptHandoff, accounts, audit, partners, partnerService, holidayService, auditLog, accountService, authService };
}

export type Services = ReturnType<typeof createServices>;
