import { Router } from 'express';
import type { AreaDirectory } from '../../domain/areas';
import type { Cell } from '../../domain/publicSummary';
import { HttpError } from '../../errors';
import { codeLabeller, intlLocale, type Locale, type Translate } from '../../i18n';
import type { PublicDimension, PublicSummaryService } from '../../services/publicSummaryService';

export const TRANSPARENCY_PATH = '/transparency';

/** A cell as the page writes it: the number, "< 5", or the word for a hidden count. */
export interface ShownCell {
  kind: Cell['kind'];
  text: string;
}

const labelKeys: Partial<Record<PublicDimension, string>> = { category: 'category', outcome: 'transparency.outcome' };

/**
 * /transparency — the public summary (public layout, both languages, no-store like every page).
 * `?year=YYYY` picks the year shown in detail; a year with nothing published is a 404. Reads only:
 * nothing about the visitor is written anywhere.
 */
export function transparencyRoutes({ publicSummary, areas }: { publicSummary: PublicSummaryService; areas: AreaDirectory }): Router {
  const router = Router();
  const kecamatanCodes = areas.kecamatan.map((k) => k.code);

  router.get(TRANSPARENCY_PATH, (req, res) => {
    const asked = req.query.year;
    if (asked !== undefined && (typeof asked !== 'string' || !/^\d{4}$/.test(asked))) throw new HttpError(404, 'No such year');
    const summary = publicSummary.summary(asked === undefined ? null : Number(asked), kecamatanCodes);
    if (!summary) throw new HttpError(404, 'Nothing published for that year');

    const locale = res.locals.locale as Locale;
    const t = res.locals.t as Translate;
    const numbers = new Intl.NumberFormat(intlLocale[locale]);
    const days = new Intl.NumberFormat(intlLocale[locale], { style: 'unit', unit: 'day', unitDisplay: 'long', maximumFractionDigits: 1 });
    const dayFormat = new Intl.DateTimeFormat(intlLocale[locale], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    const shown = (cell: Cell): ShownCell => ({
      kind: cell.kind,
      text: cell.kind === 'count' ? numbers.format(cell.count) : cell.kind === 'small' ? '< 5' : t('transparency.hidden'),
    });
    const label = codeLabeller(locale, t, (code) => areas.findKecamatan(code)?.name, labelKeys, { month: 'long' });

    res.render('public/transparency', {
      lastDay: dayFormat.format(new Date(`${summary.lastDay}T00:00:00Z`)),
      years: summary.years.map((y) => ({ year: y.year, complete: y.complete, total: shown(y.total), current: y.year === summary.year })),
      year: summary.year,
      until:
        summary.range && !summary.years.find((y) => y.year === summary.year)?.complete
          ? dayFormat.format(new Date(`${summary.range.to}T00:00:00Z`))
          : null,
      total: summary.total && shown(summary.total),
      medianDays: summary.medianDaysToFirstDecision === null ? null : days.format(summary.medianDaysToFirstDecision),
      tables: summary.tables.map((table) => ({
        dimension: table.dimension,
        withheld: table.withheld ?? null,
        rows: table.rows && table.rows.map((r) => ({ code: r.code, label: label(table.dimension, r.code), cell: shown(r.cell) })),
      })),
    });
  });

  return router;
}
