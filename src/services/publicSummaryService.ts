import { withAllCodes, type CodeCount } from '../domain/codeCounts';
import type { PeriodCounts, PublicSummaryRepository } from '../data/publicSummaryRepository';
import { categories } from '../domain/reference';
import { isReportStatus } from '../domain/reportStatus';
import { jakartaDate } from '../domain/sla';
import {
  lastPublishedDay,
  medianDays,
  outcomeOf,
  outcomes,
  protectTable,
  protectTotal,
  publishedRange,
  type Cell,
} from '../domain/publicSummary';

export const publicDimensions = ['month', 'category', 'outcome', 'kecamatan'] as const;
export type PublicDimension = (typeof publicDimensions)[number];

/** One row of a published table: a code (a month YYYY-MM, a category, an outcome, a kecamatan) and its cell. */
export interface PublicRow {
  code: string;
  cell: Cell;
}

/**
 * A table of the summary; `rows` null when it is withheld: it cannot be published without singling
 * someone out (`too_few`), or its year is not over yet (`year_not_over`).
 */
export interface PublicTable {
  dimension: PublicDimension;
  rows: PublicRow[] | null;
  withheld?: 'too_few' | 'year_not_over';
}

export interface PublicYear {
  year: number;
  total: Cell;
  /** False for the current year, published to the end of last month. */
  complete: boolean;
}

export interface PublicSummary {
  /** The last day the figures cover (the end of last month, Asia/Jakarta). */
  lastDay: string;
  /** Every year with reports, newest first. */
  years: PublicYear[];
  /** The year shown in detail, its days, and its figures; null before the first report. */
  year: number | null;
  range: { from: string; to: string } | null;
  total: Cell | null;
  tables: PublicTable[];
  /** Median days from filing to a first decision, or null when too few decisions to publish it. */
  medianDaysToFirstDecision: number | null;
}

export interface PublicSummaryDeps {
  summaries: PublicSummaryRepository;
  now: () => Date;
  /** How long figures are kept in memory (they change at most as reports are decided). */
  cacheMs: number;
}

/** Figures are recomputed at most this often (per server process); see README "Public summary". */
export const PUBLIC_SUMMARY_CACHE_MS = 10 * 60 * 1000;

/** Every YYYY-MM of a range of days. */
function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = Number(from.slice(5, 7)); m <= Number(to.slice(5, 7)); m += 1)
    months.push(`${from.slice(0, 4)}-${String(m).padStart(2, '0')}`);
  return months;
}

function byOutcome(byStatus: readonly CodeCount[]): CodeCount[] {
  const counts = new Map<string, number>();
  for (const { code, count } of byStatus) {
    const outcome = isReportStatus(code) ? outcomeOf(code) : 'in_review';
    counts.set(outcome, (counts.get(outcome) ?? 0) + count);
  }
  return outcomes.map((code) => ({ code, count: counts.get(code) ?? 0 }));
}

function table(dimension: PublicDimension, rows: CodeCount[]): PublicTable {
  const published = protectTable(rows.map((r) => r.count));
  return published.shown
    ? { dimension, rows: rows.map((r, i) => ({ code: r.code, cell: published.cells[i]! })) }
    : { dimension, rows: null, withheld: 'too_few' };
}

/**
 * The public summary: reports by year and month, category, outcome and kecamatan, and the median
 * days to a first decision, from the anonymised statistics only, over complete months, with small
 * counts protected (domain/publicSummary.ts). Nothing is written anywhere: a visitor leaves no trace.
 * The figures of a year are computed once per `cacheMs` per process, so a busy page costs a few
 * index scans every ten minutes, whatever the size of the table.
 */
export function createPublicSummaryService(deps: PublicSummaryDeps) {
  const { summaries, now, cacheMs } = deps;
  const cache = new Map<string, { until: number; value: unknown }>();

  function cached<T>(key: string, compute: () => T): T {
    const at = now().getTime();
    const hit = cache.get(key);
    if (hit && hit.until > at) return hit.value as T;
    const value = compute();
    // Old keys (last month's) are dropped as the month turns; the map stays as small as the years.
    for (const [k, v] of cache) if (v.until <= at) cache.delete(k);
    cache.set(key, { until: at + cacheMs, value });
    return value;
  }

  return {
    /**
     * The summary with `year` in detail (the latest published year when null); undefined when that
     * year has nothing published (the route answers 404). `kecamatanCodes`: the city's, in the order
     * the summary lists them (each listed, with 0 when it has no reports).
     */
    summary(year: number | null, kecamatanCodes: readonly string[]): PublicSummary | undefined {
      const lastDay = lastPublishedDay(jakartaDate(now()));
      // Published periods are whole months (domain/publicSummary.ts), which is what the counts are kept by.
      const yearRows = cached(`years|${lastDay}`, () => summaries.years(lastDay.slice(0, 7)));
      const years: PublicYear[] = yearRows
        .map((r) => ({ year: Number(r.code), total: protectTotal(r.count), complete: `${r.code}-12-31` <= lastDay }))
        .reverse();
      const shownYear = year ?? years[0]?.year ?? null;
      if (shownYear === null) return { lastDay, years, year: null, range: null, total: null, tables: [], medianDaysToFirstDecision: null };
      const range = publishedRange(shownYear, lastDay);
      if (!range || !years.some((y) => y.year === shownYear)) return undefined;
      const months = { from: range.from.slice(0, 7), to: range.to.slice(0, 7) };
      const counts = cached<PeriodCounts>(`period|${months.from}|${months.to}`, () => summaries.period(months));
      // The breakdowns of a year still running are withheld until it is over: compared month end
      // after month end, they would give away one month's small counts by kind, outcome and place.
      const yearOver = years.find((y) => y.year === shownYear)!.complete;
      const breakdown = (dimension: PublicDimension, rows: () => CodeCount[]): PublicTable =>
        yearOver ? table(dimension, rows()) : { dimension, rows: null, withheld: 'year_not_over' };
      return {
        lastDay,
        years,
        year: shownYear,
        range,
        total: protectTotal(counts.total),
        tables: [
          table('month', withAllCodes(monthsOf(range.from, range.to), counts.byMonth)),
          breakdown('category', () => withAllCodes(categories, counts.byCategory)),
          breakdown('outcome', () => byOutcome(counts.byStatus)),
          breakdown('kecamatan', () => withAllCodes(kecamatanCodes, counts.byKecamatan)),
        ],
        medianDaysToFirstDecision: medianDays(counts.medianHoursToFirstDecision, counts.firstDecisions),
      };
    },
  };
}

export type PublicSummaryService = ReturnType<typeof createPublicSummaryService>;
