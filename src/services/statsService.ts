import type { Transactor } from '../data/transaction';
import type { AuditRepository } from '../data/auditRepository';
import { statsDimensions, type StatsDimension, type StatsRepository } from '../data/statsRepository';
import { withAllCodes } from '../domain/codeCounts';
import type { AreaDirectory } from '../domain/areas';
import { categories, reportSources, urgencies } from '../domain/reference';
import { reportStatuses } from '../domain/reportStatus';
import { codeLabeller, type Locale, type Translate } from '../i18n';

/** Jakarta calendar dates (YYYY-MM-DD), both included; validated by the caller (see statsRoutes). */
export interface StatsRange {
  from: string;
  to: string;
}

/** Who is looking, and the words (their language) and area names to label the codes with. */
export interface StatsViewer {
  accountId: number;
  locale: Locale;
  t: Translate;
  areas: Pick<AreaDirectory, 'kecamatan' | 'findKecamatan'>;
}

export interface StatsRow {
  code: string;
  label: string;
  count: number;
}

export interface StatsTable {
  dimension: StatsDimension;
  rows: StatsRow[];
  /** The largest count in the table (at least 1), to scale a chart. */
  max: number;
}

export interface StatsSummary {
  range: StatsRange;
  total: number;
  decided: number;
  decidedLate: number;
  /** Median hours from filing to decision over the decided reports of the range; null when none. */
  medianHoursToDecision: number | null;
  tables: StatsTable[];
}

/** Every YYYY-MM from the month of `from` to the month of `to`. */
function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const code = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (code > last) break;
    months.push(code);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return months;
}

const labelKeys: Partial<Record<StatsDimension, string>> = {
  category: 'category',
  source: 'source',
  status: 'reportStatus',
  urgency: 'urgency',
};

/** Characters a spreadsheet may read as the start of a formula. */
const formulaStart = /^[=+\-@\t\r]/;

/** One CSV cell: never a formula (a leading quote), quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Statistics of reports by code over a range of filing dates; each view and export is audited. */
export function createStatsService(deps: { transaction: Transactor; stats: StatsRepository; audit: AuditRepository; now: () => Date }) {
  const { transaction, stats, audit, now } = deps;

  function read(viewer: StatsViewer, range: StatsRange, action: 'stats.viewed' | 'stats.exported'): StatsSummary {
    const at = now();
    const counts = transaction(() => {
      const result = stats.counts({ from: range.from, to: range.to });
      audit.append({ actorAccountId: viewer.accountId, action, detail: { from: range.from, to: range.to } }, at);
      return result;
    });
    const { t, areas, locale } = viewer;
    const known: Record<StatsDimension, readonly string[]> = {
      month: monthsBetween(range.from, range.to),
      category: categories,
      kecamatan: areas.kecamatan.map((k) => k.code),
      source: reportSources,
      status: reportStatuses,
      urgency: urgencies,
    };
    const label = codeLabeller(locale, t, (code) => areas.findKecamatan(code)?.name, labelKeys, { month: 'long', year: 'numeric' });
    const tables = statsDimensions.map((dimension) => {
      const rows = withAllCodes(known[dimension], counts.byDimension[dimension]).map((c) => ({ ...c, label: label(dimension, c.code) }));
      return { dimension, rows, max: Math.max(1, ...rows.map((r) => r.count)) };
    });
    return {
      range,
      total: counts.total,
      decided: counts.decided,
      decidedLate: counts.decidedLate,
      medianHoursToDecision: counts.medianHoursToDecision,
      tables,
    };
  }

  return {
    /** The page's figures; recorded as `stats.viewed` with the range. */
    summary(viewer: StatsViewer, range: StatsRange): StatsSummary {
      return read(viewer, range, 'stats.viewed');
    },

    /**
     * The figures as CSV (dimension,code,label,count; labels in the viewer's language), UTF-8 with
     * a byte-order mark and CRLF lines; recorded as `stats.exported` with the range.
     */
    csv(viewer: StatsViewer, range: StatsRange): string {
      const s = read(viewer, range, 'stats.exported');
      const { t } = viewer;
      const lines: (string | number)[][] = [['dimension', 'code', 'label', 'count']];
      lines.push(['total', 'reports', t('stats.totals.reports'), s.total]);
      lines.push(['total', 'decided', t('stats.totals.decided'), s.decided]);
      lines.push(['total', 'decided_late', t('stats.totals.decidedLate'), s.decidedLate]);
      if (s.medianHoursToDecision !== null) {
        lines.push(['total', 'median_hours_to_decision', t('stats.totals.medianHours'), Math.round(s.medianHoursToDecision * 10) / 10]);
      }
      for (const table of s.tables) for (const row of table.rows) lines.push([table.dimension, row.code, row.label, row.count]);
      return `\uFEFF${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
