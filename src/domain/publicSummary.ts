/**
 * The public summary (/transparency): what may be published of the statistics, and how small
 * counts are kept from singling anyone out. Pure rules, no I/O.
 */
import type { ReportStatus } from './reportStatus';

/** Counts from 1 to SMALL_COUNT_MAX are never published as such: they read "< 5". */
export const SMALL_COUNT_MAX = 4;

/** The outcome groups a resident sees on her status page, in the order the summary lists them. */
export const outcomes = ['case', 'redirected', 'merged', 'closed', 'in_review'] as const;
export type Outcome = (typeof outcomes)[number];

const outcomeOfStatus: Record<ReportStatus, Outcome> = {
  accepted: 'case',
  redirected: 'redirected',
  duplicate: 'merged',
  closed: 'closed',
  new: 'in_review',
  in_review: 'in_review',
  awaiting_info: 'in_review',
};

export function outcomeOf(status: ReportStatus): Outcome {
  return outcomeOfStatus[status];
}

/**
 * Only complete calendar months are published (Asia/Jakarta): the last day published is the last
 * day of the month before `today`. So a published figure stops changing when its month ends (only
 * an outcome still moves as reports are decided), and this month's trickle of reports is never
 * shown day by day.
 */
export function lastPublishedDay(today: string): string {
  const firstOfMonth = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  return new Date(firstOfMonth.getTime() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The days of `year` that are published: the whole year, or up to `lastDay` for the current one; null when none. */
export function publishedRange(year: number, lastDay: string): { from: string; to: string } | null {
  const from = `${String(year).padStart(4, '0')}-01-01`;
  if (from > lastDay) return null;
  const end = `${String(year).padStart(4, '0')}-12-31`;
  return { from, to: end < lastDay ? end : lastDay };
}

/**
 * One published cell: a count (0, or 5 and more), a small count ("< 5"), or a count hidden so that
 * a small count in the same table cannot be worked out from the total.
 */
export type Cell = { kind: 'count'; count: number } | { kind: 'small' } | { kind: 'hidden' };

/** A table of cells that add up to a total the reader knows, as published. */
export type ProtectedTable = { shown: true; cells: Cell[] } | { shown: false };

const isSmall = (n: number) => n >= 1 && n <= SMALL_COUNT_MAX;

/**
 * Whether a reader who knows the total, every published count, that each "< 5" is 1 to 4 and that
 * each hidden count is 5 or more, could still hold every value from 1 to 4 possible for each
 * "< 5". `sum` is what the "< 5" and hidden cells hold together (the total minus what is shown).
 */
function keepsEverySmallValueOpen(sum: number, small: number, hidden: number): boolean {
  // A "< 5" can be 4: the others at their least (1 each, 5 each hidden) leave room for it.
  const canBeFour = sum - SMALL_COUNT_MAX >= small - 1 + 5 * hidden;
  // A "< 5" can be 1: the others can take up the rest (a hidden count has no upper bound).
  const canBeOne = hidden > 0 || sum - 1 <= SMALL_COUNT_MAX * (small - 1);
  return canBeFour && canBeOne;
}

/**
 * Suppression for one table whose total is published (the year's reports, split by month, by
 * category, by outcome, by kecamatan). Counts of 1–4 read "< 5" and 0 reads 0 (nobody to single
 * out). Subtraction is the danger: with the total known, one "< 5" among exact counts is the total
 * minus the rest, and even two can give themselves away (two "< 5" in a table whose other counts
 * leave 2 are both 1). So counts of 5 or more are hidden as well, smallest first, until every
 * "< 5" could still be any of 1, 2, 3 or 4 whatever the reader subtracts; if no choice of hidden
 * counts achieves that, the table is not published at all.
 */
export function protectTable(counts: readonly number[]): ProtectedTable {
  const smallCount = counts.filter(isSmall).length;
  const cells: Cell[] = counts.map((n) => (isSmall(n) ? { kind: 'small' } : { kind: 'count', count: n }));
  if (smallCount === 0) return { shown: true, cells };
  let sum = counts.filter(isSmall).reduce((a, b) => a + b, 0);
  let hiddenCount = 0;
  // Candidates to hide: the counts of 5 or more, smallest first (ties in table order).
  const candidates = counts
    .map((count, index) => ({ count, index }))
    .filter((c) => c.count > SMALL_COUNT_MAX)
    .sort((a, b) => a.count - b.count || a.index - b.index);
  while (!keepsEverySmallValueOpen(sum, smallCount, hiddenCount)) {
    if (candidates.length === 0) return { shown: false };
    // The smallest count that is enough on its own; failing that, the largest, and look again.
    const enough = candidates.findIndex((c) => keepsEverySmallValueOpen(sum + c.count, smallCount, hiddenCount + 1));
    const [chosen] = candidates.splice(enough === -1 ? candidates.length - 1 : enough, 1);
    cells[chosen!.index] = { kind: 'hidden' };
    sum += chosen!.count;
    hiddenCount += 1;
  }
  return { shown: true, cells };
}

/** A total published on its own (a year's reports): "< 5" when small, otherwise the count. */
export function protectTotal(count: number): Cell {
  return isSmall(count) ? { kind: 'small' } : { kind: 'count', count };
}

/** The median is shown only over at least this many first decisions: below it, it would describe a few reports. */
export const MEDIAN_MIN_DECISIONS = 5;

/** Median days to a first decision, to one decimal, or null when too few decisions to publish it. */
export function medianDays(medianHours: number | null, decisions: number): number | null {
  if (medianHours === null || decisions < MEDIAN_MIN_DECISIONS) return null;
  return Math.round((medianHours / 24) * 10) / 10;
}
