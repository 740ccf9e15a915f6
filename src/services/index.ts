import type { Config } from '../config';
import type { Db } from '../data/db';
import { createFieldCipher, createKeyedHasher } from '../data/fieldCipher';
import { createTransactor } from '../data/transaction';
import { createReportRepository } from '../data/reportRepository';
import { createReportTimelineRepository } from '../data/reportTimelineRepository';
import { createHolidayRepository } from '../data/holidayRepository';
import { createReportService } from './reportService';
import { createReceiptHandoff } from './receiptHandoff';
import { createAccountRepository } from '../data/accountRepository';
import { createAuditRepository } from '../data/auditRepository';

/** How long a new receipt waits in memory for the page that shows it. */
const RECEIPT_HANDOFF_MS = 10 * 60 * 1000;

/** Builds the repositories once and the services on top of them. */
export function createServices(config: Config, db: Db, dataKey: Buffer, now: () => Date) {
  const cipher = createFieldCipher(dataKey);
  const reportService = createReportService({
    transaction: createTransactor(db),
    reports: createReportRepository(db, cipher),
    timeline: createReportTimelineRepository(db, cipher),
    holidays: createHolidayRepository(db),
    receiptHasher: createKeyedHasher(dataKey, 'receipt'),
    triageTargets: config.triageTargets,
    now,
  });
  const receiptHandoff = createReceiptHandoff(RECEIPT_HANDOFF_MS, () => now().getTime());
  const accounts = createAccountRepository(db);
  const audit = createAuditRepository(db, dataKey);
  return { reportService, receiptHandoff, accounts, audit };
}

export type Services = ReturnType<typeof createServices>;
