import type { Transactor } from '../data/transaction';
import type { ReportRepository } from '../data/reportRepository';
import type { Locale } from '../i18n';

/** Reports per transaction: short enough that a resident filing a report meanwhile hardly waits. */
const BATCH = 500;

/**
 * Reports filed before Lentera recorded their language (migration 0012) get one, once: the locale
 * their contact details kept for "there is news" emails (the language they reported in), else
 * DEFAULT_LOCALE. SQL cannot do it in the migration: the contact details are encrypted and the
 * default is configuration. Safe with several server processes starting at once: a report that
 * already has a language is never changed.
 */
export function createReportLanguages(deps: {
  transaction: Transactor;
  reports: Pick<ReportRepository, 'withoutLanguage' | 'setLanguage'>;
  defaultLocale: Locale;
}) {
  const { transaction, reports, defaultLocale } = deps;
  return {
    /** Returns how many reports got a language (0 on every start after the first). */
    recordOlderLanguages(): number {
      let done = 0;
      for (;;) {
        const batch = transaction(() => {
          const rows = reports.withoutLanguage(BATCH);
          for (const r of rows) reports.setLanguage(r.id, r.contactLocale ?? defaultLocale);
          return rows.length;
        });
        done += batch;
        if (batch < BATCH) return done;
      }
    },
  };
}

export type ReportLanguages = ReturnType<typeof createReportLanguages>;
