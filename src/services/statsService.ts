import type { Transactor } from '../data/transaction';
import type { AuditRepository } from '../data/auditRepository';
import { statsDimensions, type StatsDimension, type StatsRepository } from '../data/statsRepository';
import { withAllCodes } from '../domain/codeCounts';
import type { AreaDirectory } from '../domain/areas';
import { categories, reportSources, urgencies } from '../domain/reference';
import { reportStatuses } from '../domain/reportStatus';
import { caseClosureOutcomes, workingStages } from '../domain/cases';
import { lk3Functions } from '../domain/casePlans';
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
  dimension: StatsDimension | 'outcome';
  rows: StatsRow[];
  /** The largest count in the table (at least 1), to scale a chart. */
  max: number;
}

/** One stage's time, in days (to 0.1), over the times cases left it in the range. */
export interface StageDaysRow {
  code: string;
  label: string;
  count: number;
  medianDays: number | null;
  averageDays: number | null;
}

/** Cases in the range (migration 0022): closed by outcome, plan activities by LK3 function, days in each stage. */
export interface CaseStatsSummary {
  opened: number;
  closed: number;
  activities: number;
  outcomes: StatsTable & { dimension: 'outcome' };
  functions: { rows: (StatsRow & { done: number })[]; max: number };
  stages: StageDaysRow[];
}

export interface StatsSummary {
  range: StatsRange;
  cases: CaseStatsSummary;
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

const labelKeys: Partial<Record<string, string>> = {
  category: 'category',
  source: 'source',
  status: 'reportStatus',
  urgency: 'urgency',
  outcome: 'caseClosureReason',
  lk3_function: 'lk3Function',
  stage: 'caseStage',
};

/** Hours as days to 0.1. */
const days = (hours: number): number => Math.round((hours / 24) * 10) / 10;

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
    const { counts, caseCounts } = transaction(() => {
      const result = {
        counts: stats.counts({ from: range.from, to: range.to }),
        caseCounts: stats.caseCounts({ from: range.from, to: range.to }),
      };
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
    const outcomeRows = withAllCodes(caseClosureOutcomes, caseCounts.closedByOutcome).map((c) => ({
      ...c,
      label: label('outcome', c.code),
    }));
    const doneOf = new Map(caseCounts.activitiesByFunction.map((f) => [f.code, f.done]));
    const functionRows = withAllCodes(lk3Functions, caseCounts.activitiesByFunction).map((c) => ({
      ...c,
      label: label('lk3_function', c.code),
      done: doneOf.get(c.code) ?? 0,
    }));
    const timeOf = new Map(caseCounts.stageTimes.map((s) => [s.stage, s]));
    const stageCodes = [...workingStages, ...caseCounts.stageTimes.map((s) => s.stage).filter((s) => !workingStages.includes(s as never))];
    const cases: CaseStatsSummary = {
      opened: caseCounts.opened,
      closed: outcomeRows.reduce((sum, r) => sum + r.count, 0),
      activities: functionRows.reduce((sum, r) => sum + r.count, 0),
      outcomes: { dimension: 'outcome', rows: outcomeRows, max: Math.max(1, ...outcomeRows.map((r) => r.count)) },
      functions: { rows: functionRows, max: Math.max(1, ...functionRows.map((r) => r.count)) },
      stages: stageCodes.map((code) => {
        const time = timeOf.get(code);
        return {
          code,
          label: label('stage', code),
          count: time?.count ?? 0,
          medianDays: time ? days(time.medianHours) : null,
          averageDays: time ? days(time.averageHours) : null,
        };
      }),
    };
    return {
      range,
      cases,
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
      // The cases (migration 0022): totals, closed by outcome, activities by LK3 function, days in each stage.
      lines.push(['case_total', 'opened', t('caseStats.totals.opened'), s.cases.opened]);
      lines.push(['case_total', 'closed', t('caseStats.totals.closed'), s.cases.closed]);
      lines.push(['case_total', 'activities', t('caseStats.totals.activities'), s.cases.activities]);
      for (const row of s.cases.outcomes.rows) lines.push(['case_outcome', row.code, row.label, row.count]);
      for (const row of s.cases.functions.rows) lines.push(['activity_lk3_function', row.code, row.label, row.count]);
      for (const row of s.cases.stages) {
        lines.push(['stage_left', row.code, t('caseStats.csv.stageCount', { stage: row.label }), row.count]);
        if (row.medianDays !== null)
          lines.push(['stage_median_days', row.code, t('caseStats.csv.medianDays', { stage: row.label }), row.medianDays]);
        if (row.averageDays !== null)
          lines.push(['stage_average_days', row.code, t('caseStats.csv.averageDays', { stage: row.label }), row.averageDays]);
      }
      return `\uFEFF${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
