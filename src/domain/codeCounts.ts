/** How many reports carry one code (a month YYYY-MM, a category, a kecamatan, a status…). */
export interface CodeCount {
  code: string;
  count: number;
}

/**
 * A table of counts as the statistics pages list it: the known codes in their own order, with 0 for
 * those absent, then any other code the data holds.
 */
export function withAllCodes(known: readonly string[], counts: readonly CodeCount[]): CodeCount[] {
  const byCode = new Map(counts.map((c) => [c.code, c.count]));
  const rows = known.map((code) => ({ code, count: byCode.get(code) ?? 0 }));
  for (const c of counts) if (!known.includes(c.code)) rows.push(c);
  return rows;
}
