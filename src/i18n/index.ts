import fs from 'node:fs';
import path from 'node:path';

export const locales = ['id', 'en'] as const;
export type Locale = (typeof locales)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

type Tree = { [key: string]: string | Tree };
export type Translate = (key: string, params?: Record<string, string | number>) => string;

function lookup(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export interface Translator {
  forLocale(locale: Locale): Translate;
  has(locale: Locale, key: string): boolean;
}

/** Loads locales/<id|en>.json once; t(key, {name}) fills `{name}` placeholders. */
export function loadTranslator(dir: string): Translator {
  const trees = Object.fromEntries(
    locales.map((l) => [l, JSON.parse(fs.readFileSync(path.join(dir, `${l}.json`), 'utf8')) as Tree]),
  ) as Record<Locale, Tree>;
  return {
    forLocale(locale) {
      return (key, params) => {
        const text = lookup(trees[locale], key);
        if (text === undefined) return key;
        return params ? text.replace(/\{(\w+)\}/g, (m: string, name: string) => String(params[name] ?? m)) : text;
      };
    },
    has: (locale, key) => lookup(trees[locale], key) !== undefined,
  };
}

/** The Intl locale each of our languages is written in. */
export const intlLocale: Record<Locale, string> = { id: 'id-ID', en: 'en-GB' };

/**
 * Labels for the codes a table of counts lists, in the reader's language: a month (YYYY-MM) by name
 * (`monthFormat`), a kecamatan by its name, any other code by its locale key (`<prefix>.<code>`
 * from `keyPrefixes`), and the code itself when there is no text for it.
 */
export function codeLabeller(
  locale: Locale,
  t: Translate,
  kecamatanName: (code: string) => string | undefined,
  keyPrefixes: Partial<Record<string, string>>,
  monthFormat: Intl.DateTimeFormatOptions,
): (dimension: string, code: string) => string {
  const month = new Intl.DateTimeFormat(intlLocale[locale], { ...monthFormat, timeZone: 'UTC' });
  return (dimension, code) => {
    if (dimension === 'month') return /^\d{4}-\d{2}$/.test(code) ? month.format(new Date(`${code}-01T00:00:00Z`)) : code;
    if (dimension === 'kecamatan') return kecamatanName(code) ?? code;
    const key = `${keyPrefixes[dimension]}.${code}`;
    const text = t(key);
    return text === key ? code : text;
  };
}

/** Dates as a reader expects them, on the Asia/Jakarta clock ("1 Desember 2026 pukul 14.05 WIB"). */
export function formatDateTime(locale: Locale, instant: Date, withTime = true): string {
  const options: Intl.DateTimeFormatOptions = withTime
    ? { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Jakarta' }
    : { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta' };
  const text = new Intl.DateTimeFormat(intlLocale[locale], options).format(instant);
  return withTime ? `${text} WIB` : text;
}

/** A span of time in the largest whole unit a person would use ("5 jam", "3 days"). */
export function formatDuration(locale: Locale, ms: number): string {
  const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60000));
  const [value, unit] =
    minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  return new Intl.NumberFormat(intlLocale[locale], { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** The time of day on the Asia/Jakarta clock ("14.05 WIB", "14:05 WIB"). */
export function formatTime(locale: Locale, instant: Date): string {
  return `${new Intl.DateTimeFormat(intlLocale[locale], { timeStyle: 'short', timeZone: 'Asia/Jakarta' }).format(instant)} WIB`;
}

/**
 * A period given in days, as a person says it: in years when it is a whole number of years
 * ("2 tahun", not "730 hari"), else in months when it is a whole number of months, else in days.
 */
export function formatPeriodOfDays(locale: Locale, days: number): string {
  const [value, unit] = days % 365 === 0 ? [days / 365, 'year'] : days % 30 === 0 ? [days / 30, 'month'] : [days, 'day'];
  return new Intl.NumberFormat(intlLocale[locale], { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}
