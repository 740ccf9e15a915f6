import {
  lastPublishedDay,
  medianDays,
  outcomeOf,
  protectTable,
  protectTotal,
  publishedRange,
  type Cell,
} from '../../src/domain/publicSummary';
import { reportStatuses } from '../../src/domain/reportStatus';

/**
 * Everything a reader could conclude about the "< 5" cells of a published table, knowing its
 * total, every published count, that a "< 5" is 1–4 and that a hidden count is 5 or more: the set
 * of values each "< 5" cell can take in some table consistent with all that. Hidden counts are
 * bounded by the total, so the search is finite.
 */
function possibleSmallValues(cells: Cell[], total: number): Map<number, Set<number>> {
  const shownSum = cells.reduce((sum, c) => sum + (c.kind === 'count' ? c.count : 0), 0);
  const unknown = cells.map((c, i) => ({ c, i })).filter(({ c }) => c.kind !== 'count');
  const possible = new Map<number, Set<number>>(unknown.filter(({ c }) => c.kind === 'small').map(({ i }) => [i, new Set<number>()]));
  const values: number[] = [];
  const walk = (k: number, left: number) => {
    if (k === unknown.length) {
      if (left !== 0) return;
      unknown.forEach(({ c, i }, j) => c.kind === 'small' && possible.get(i)!.add(values[j]!));
      return;
    }
    const { c } = unknown[k]!;
    const [lo, hi] = c.kind === 'small' ? [1, 4] : [5, left];
    for (let v = lo; v <= Math.min(hi, left); v += 1) {
      values[k] = v;
      walk(k + 1, left - v);
    }
  };
  walk(0, total - shownSum);
  return possible;
}

function randomTable(random: () => number): number[] {
  const length = 2 + Math.floor(random() * 6);
  // Mostly small numbers, so that small counts and tight totals are common.
  return Array.from({ length }, () => {
    const r = random();
    return r < 0.3 ? 0 : r < 0.65 ? 1 + Math.floor(random() * 4) : 5 + Math.floor(random() * (r < 0.85 ? 6 : 40));
  });
}

describe('small counts in a table whose total is known', () => {
  test('counts of 1 to 4 read "< 5", 0 and 5 or more are published as they are', () => {
    expect(protectTable([0, 5, 12, 40])).toEqual({ shown: true, cells: [0, 5, 12, 40].map((count) => ({ kind: 'count', count })) });
    const { cells } = protectTable([3, 20, 0, 40]) as { shown: true; cells: Cell[] };
    expect(cells[0]).toEqual({ kind: 'small' });
    expect(cells[2]).toEqual({ kind: 'count', count: 0 });
  });

  test('one "< 5" among exact counts would be the total minus the rest: another count is hidden with it', () => {
    const published = protectTable([2, 20, 9, 0, 31]);
    expect(published).toEqual({
      shown: true,
      cells: [
        { kind: 'small' },
        { kind: 'count', count: 20 },
        { kind: 'hidden' },
        { kind: 'count', count: 0 },
        { kind: 'count', count: 31 },
      ],
    });
  });

  test('two "< 5" whose sum would give them away (1 and 1 in a total that leaves 2) get a hidden count too', () => {
    const { cells } = protectTable([1, 1, 30, 12]) as { shown: true; cells: Cell[] };
    expect(cells.filter((c) => c.kind === 'hidden')).toHaveLength(1);
    // Two "< 5" that can each still be 1 to 4 need nothing more.
    expect(protectTable([2, 3, 30])).toEqual({ shown: true, cells: [{ kind: 'small' }, { kind: 'small' }, { kind: 'count', count: 30 }] });
  });

  test('a table too small to protect is not published at all', () => {
    expect(protectTable([2, 5])).toEqual({ shown: false });
    expect(protectTable([1, 0, 0])).toEqual({ shown: false });
    expect(protectTable([4])).toEqual({ shown: false });
  });

  test('for thousands of random tables, subtracting from the total never narrows a "< 5" below "any of 1 to 4"', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let published = 0;
    let withSmall = 0;
    for (let n = 0; n < 4000; n += 1) {
      const counts = randomTable(random);
      const total = counts.reduce((a, b) => a + b, 0);
      const result = protectTable(counts);
      if (!result.shown) continue;
      published += 1;
      // What is published is true: counts as they are, "< 5" only for 1–4, hidden only for 5 or more.
      result.cells.forEach((c, i) => {
        if (c.kind === 'count') expect(c.count).toBe(counts[i]);
        else if (c.kind === 'small') expect(counts[i]).toBeGreaterThanOrEqual(1);
        else expect(counts[i]).toBeGreaterThanOrEqual(5);
        if (c.kind === 'small') expect(counts[i]).toBeLessThanOrEqual(4);
      });
      const possible = possibleSmallValues(result.cells, total);
      if (possible.size > 0) withSmall += 1;
      for (const [i, values] of possible)
        expect({ cell: i, counts, values: [...values].sort() }).toEqual({ cell: i, counts, values: [1, 2, 3, 4] });
    }
    // The walk met plenty of published tables with small counts in them.
    expect(published).toBeGreaterThan(1000);
    expect(withSmall).toBeGreaterThan(500);
  });

  test('a total on its own reads "< 5" when small', () => {
    expect(protectTotal(0)).toEqual({ kind: 'count', count: 0 });
    expect(protectTotal(4)).toEqual({ kind: 'small' });
    expect(protectTotal(5)).toEqual({ kind: 'count', count: 5 });
  });
});

describe('what is published, and when', () => {
  test('only complete months: up to the last day of last month (Jakarta calendar)', () => {
    expect(lastPublishedDay('2026-03-15')).toBe('2026-02-28');
    expect(lastPublishedDay('2024-03-01')).toBe('2024-02-29');
    expect(lastPublishedDay('2026-01-10')).toBe('2025-12-31');
    expect(publishedRange(2026, '2026-02-28')).toEqual({ from: '2026-01-01', to: '2026-02-28' });
    expect(publishedRange(2025, '2026-02-28')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(publishedRange(2026, '2025-12-31')).toBeNull();
  });

  test('outcomes are the groups a resident sees', () => {
    expect(Object.fromEntries(reportStatuses.map((s) => [s, outcomeOf(s)]))).toEqual({
      new: 'in_review',
      in_review: 'in_review',
      awaiting_info: 'in_review',
      accepted: 'case',
      redirected: 'redirected',
      duplicate: 'merged',
      closed: 'closed',
    });
  });

  test('the median in days, only over at least 5 first decisions', () => {
    expect(medianDays(36, 5)).toBe(1.5);
    expect(medianDays(36, 4)).toBeNull();
    expect(medianDays(null, 0)).toBeNull();
  });
});
