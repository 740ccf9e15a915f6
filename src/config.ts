import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths';

const booleanFromString = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

/** TRUST_PROXY: a hop count or 'loopback'; never 'true', which would let any client forge its address. */
const trustProxy = z
  .string()
  .refine((v) => v === 'loopback' || /^\d+$/.test(v), 'TRUST_PROXY must be a hop count or "loopback"')
  .transform((v) => (v === 'loopback' ? 'loopback' : Number(v)));

/** A phone number as people write it ("(0751) 123456", "0812-3456-7890", "+62 812 …"). */
const officePhone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{5,25}$/, 'must be a phone number: digits, spaces, + ( ) . -');

const hotline = z.object({ number: z.string().min(1), id: z.string().min(1), en: z.string().min(1) });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  BASE_URL: z.url().optional(),
  DATABASE_PATH: z.string().min(1).default('./data/lentera.db'),
  DATA_KEY: z.string().optional(),
  SESSION_SECRET: z.string().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/?#]/, 'SMTP_URL must be smtp://… or smtps://…')
    .optional(),
  MAIL_FROM: z.string().default('Lentera <no-reply@localhost>'),
  TRIAGE_EMAIL: z.string().default('triase@localhost'),
  SERVICE_CONTACT: z.string().trim().min(1).max(200).optional(),
  REDIRECT_ACK_DAYS: positiveInt.max(30).default(2),
  INITIAL_ASSESSMENT_WORKING_DAYS: positiveInt.max(30).default(3),
  TRUST_PROXY: trustProxy.optional(),
  REQUIRE_2FA: booleanFromString.default(true),
  RETENTION_DAYS: positiveInt.default(730),
  MAIL_FILES_KEEP_DAYS: positiveInt.default(7),
  ATTACHMENTS_MAX_FILES: positiveInt.max(10).default(3),
  ATTACHMENT_MAX_MB: positiveInt.max(25).default(5),
  ORG_NAME: z.string().min(1).default('LK3 Dinas Sosial Kota Padang'),
  DEFAULT_LOCALE: z.enum(['id', 'en']).default('id'),
  AREAS_CSV: z
    .string()
    .min(1)
    .default(path.join(projectRoot, 'reference', 'padang-wilayah.csv')),
  QUICK_EXIT_URL: z.url().default('https://www.google.com/'),
  OFFICE_ADDRESS: z.string().trim().min(1).max(300).default('Dinas Sosial Kota Padang'),
  OFFICE_PHONE: officePhone.optional(),
  OFFICE_WHATSAPP: officePhone.optional(),
  OFFICE_HOURS_ID: z.string().trim().min(1).max(200).default('Senin–Jumat, pukul 08.00–16.00 WIB'),
  OFFICE_HOURS_EN: z.string().trim().min(1).max(200).default('Monday to Friday, 08:00–16:00 WIB'),
  HOTLINES: z
    .string()
    .transform((s, ctx) => {
      try {
        return z.array(hotline).min(1).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'HOTLINES must be a JSON array of {number, id, en}' });
        return z.NEVER;
      }
    })
    .optional(),
  TRIAGE_TARGET_IMMEDIATE_HOURS: positiveInt.default(2),
  TRIAGE_TARGET_URGENT_DAYS: positiveInt.default(1),
  TRIAGE_TARGET_NORMAL_DAYS: positiveInt.default(3),
  RATE_REPORTS_PER_IP: positiveInt.default(5),
  RATE_REPORTS_GLOBAL: positiveInt.default(200),
  RATE_RECEIPT_CHECKS_PER_IP: positiveInt.default(10),
  RATE_RECEIPT_CHECKS_GLOBAL: positiveInt.default(500),
  RATE_MESSAGES_PER_REPORT: positiveInt.default(20),
  RATE_API_PER_TOKEN: positiveInt.default(120),
  RATE_API_AUTH_FAILURES_PER_IP: positiveInt.default(20),
  OUTBOX_POLL_SECONDS: positiveInt.default(10),
  INTEGRITY_CHECK_MINUTES: positiveInt.default(60),
  OUTBOX_MAX_ATTEMPTS: positiveInt.max(50).default(8),
  WEB_CONCURRENCY: positiveInt.max(64).optional(),
  PROCESS_HEADER: booleanFromString.default(false),
});

export type Hotline = z.infer<typeof hotline>;

export const defaultHotlines: Hotline[] = [
  { number: '112', id: 'Layanan darurat', en: 'Emergency services' },
  { number: '110', id: 'Polisi', en: 'Police' },
  {
    number: '129',
    id: 'SAPA 129 untuk perempuan dan anak (WhatsApp 08111-129-129)',
    en: 'SAPA 129 for women and children (WhatsApp 08111-129-129)',
  },
  { number: '119', id: 'Ambulans dan layanan kesehatan jiwa', en: 'Ambulance and mental health' },
];

export interface OfficeContact {
  address: string;
  /** Unset: not shown (a placeholder number would send someone in need to a stranger). */
  phone: string | null;
  whatsapp: string | null;
  hours: { id: string; en: string };
}

export interface Config {
  port: number;
  host: string;
  baseUrl: string;
  databasePath: string;
  dataDir: string;
  dataKey?: string;
  sessionSecret?: string;
  smtpUrl?: string;
  mailFrom: string;
  triageEmail: string;
  /** How a partner reaches the service, in redirect emails and on the acknowledgement pages (default: TRIAGE_EMAIL). */
  serviceContact: string;
  /** Working days a partner has to acknowledge a redirect before it is flagged and they get one reminder. */
  redirectAcknowledgementDays: number;
  /** Working days after a case is opened within which its initial assessment is due (flagged overdue after). */
  initialAssessmentWorkingDays: number;
  /** The email outbox's worker: how often it looks for due emails, and how many attempts before an email fails. */
  outbox: { pollSeconds: number; maxAttempts: number };
  trustProxy: number | 'loopback' | false;
  require2fa: boolean;
  retentionDays: number;
  /** Days a sent email's .eml file (SMTP_URL unset) is kept before `npm run retention` deletes it. */
  mailFilesKeepDays: number;
  /** Files one form or API call may attach, and the largest file in bytes (ATTACHMENTS_MAX_FILES, ATTACHMENT_MAX_MB). */
  attachments: { maxFiles: number; maxBytes: number };
  orgName: string;
  defaultLocale: 'id' | 'en';
  areasCsv: string;
  quickExitUrl: string;
  hotlines: Hotline[];
  /** The office's own public contact, shown on the home, status and privacy pages. */
  office: OfficeContact;
  triageTargets: { immediateHours: number; urgentWorkingDays: number; normalWorkingDays: number };
  rateLimits: {
    reportsPerIp: number;
    reportsGlobal: number;
    receiptChecksPerIp: number;
    receiptChecksGlobal: number;
    messagesPerReport: number;
    /** Calls to the referral API per bearer token. */
    apiPerToken: number;
    /** Failed bearer tokens per client address; past it, the address is refused before any token is looked up. */
    apiAuthFailuresPerIp: number;
  };
  /** Window shared by the rate limits above. */
  rateWindowMs: number;
  /** How often the server runs SQLite's quick_check on the database file (reported by /healthz). */
  integrityCheckMinutes: number;
  /** Server processes serving the one database (WEB_CONCURRENCY, default the number of cores; 1: no cluster). */
  webConcurrency: number;
  /** PROCESS_HEADER: every answer says which server process gave it (`Lentera-Process`), for tests and benchmarks. */
  processHeader: boolean;
}

export class ConfigError extends Error {}

/** Parses the environment once into a typed object; every setting has a working default. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError('Invalid configuration:\n  ' + lines.join('\n  '));
  }
  const e = parsed.data;
  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  if (e.NODE_ENV === 'production') {
    // Passwords, sessions and reports must never cross the network in clear, and every account has a second factor.
    if (!baseUrl.startsWith('https://')) {
      throw new ConfigError(`NODE_ENV=production needs BASE_URL to start with https:// (it is ${baseUrl}); refusing to start.`);
    }
    if (!e.REQUIRE_2FA)
      throw new ConfigError(
        'NODE_ENV=production refuses REQUIRE_2FA=false: every account signs in with a second factor; refusing to start.',
      );
  }
  const databasePath = path.resolve(e.DATABASE_PATH);
  return {
    port: e.PORT,
    host: e.HOST,
    baseUrl,
    databasePath,
    dataDir: path.dirname(databasePath),
    dataKey: e.DATA_KEY,
    sessionSecret: e.SESSION_SECRET,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    triageEmail: e.TRIAGE_EMAIL,
    serviceContact: e.SERVICE_CONTACT ?? e.TRIAGE_EMAIL,
    redirectAcknowledgementDays: e.REDIRECT_ACK_DAYS,
    initialAssessmentWorkingDays: e.INITIAL_ASSESSMENT_WORKING_DAYS,
    outbox: { pollSeconds: e.OUTBOX_POLL_SECONDS, maxAttempts: e.OUTBOX_MAX_ATTEMPTS },
    trustProxy: e.TRUST_PROXY ?? false,
    require2fa: e.REQUIRE_2FA,
    retentionDays: e.RETENTION_DAYS,
    mailFilesKeepDays: e.MAIL_FILES_KEEP_DAYS,
    attachments: { maxFiles: e.ATTACHMENTS_MAX_FILES, maxBytes: e.ATTACHMENT_MAX_MB * 1024 * 1024 },
    orgName: e.ORG_NAME,
    defaultLocale: e.DEFAULT_LOCALE,
    areasCsv: path.resolve(e.AREAS_CSV),
    quickExitUrl: e.QUICK_EXIT_URL,
    hotlines: e.HOTLINES ?? defaultHotlines,
    office: {
      address: e.OFFICE_ADDRESS,
      phone: e.OFFICE_PHONE ?? null,
      whatsapp: e.OFFICE_WHATSAPP ?? null,
      hours: { id: e.OFFICE_HOURS_ID, en: e.OFFICE_HOURS_EN },
    },
    triageTargets: {
      immediateHours: e.TRIAGE_TARGET_IMMEDIATE_HOURS,
      urgentWorkingDays: e.TRIAGE_TARGET_URGENT_DAYS,
      normalWorkingDays: e.TRIAGE_TARGET_NORMAL_DAYS,
    },
    rateLimits: {
      reportsPerIp: e.RATE_REPORTS_PER_IP,
      reportsGlobal: e.RATE_REPORTS_GLOBAL,
      receiptChecksPerIp: e.RATE_RECEIPT_CHECKS_PER_IP,
      receiptChecksGlobal: e.RATE_RECEIPT_CHECKS_GLOBAL,
      messagesPerReport: e.RATE_MESSAGES_PER_REPORT,
      apiPerToken: e.RATE_API_PER_TOKEN,
      apiAuthFailuresPerIp: e.RATE_API_AUTH_FAILURES_PER_IP,
    },
    rateWindowMs: 60 * 60 * 1000,
    integrityCheckMinutes: e.INTEGRITY_CHECK_MINUTES,
    webConcurrency: e.WEB_CONCURRENCY ?? os.availableParallelism(),
    processHeader: e.PROCESS_HEADER,
  };
}
