import en from './locales/en.json';
import id from './locales/id.json';
import * as limits from '../domain/limits';

import type { Locale } from '../domain/locales';

// The language codes are the domain's (a report records its language); i18n translates into them.
export { isLocale, locales, type Locale } from '../domain/locales';

export type Tree = { [key: string]: string | Tree };
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

/**
 * The texts of each language, locales/<id|en>.json. Imported, so the compiler puts them in the build
 * beside this module (dist/i18n/locales/): the built app reads nothing from src/.
 */
export const localeTexts: Record<Locale, Tree> = { id, en };

const limitValues: Record<string, number> = limits;

/**
 * t(key, {name}) in each language, `{name}` placeholders filled in; the texts are `localeTexts`
 * unless given. A text may also name any limit of domain/limits.ts by its constant — "at most
 * {NOTE_MAX} characters" — without the caller passing it, so a message states the limit the code
 * enforces, from the one place it is kept.
 */
export function loadTranslator(trees: Record<Locale, Tree> = localeTexts): Translator {
  // Each text found once, then kept (only texts that exist: bounded by the locale files); a page
  // asks for hundreds, many of them the same.
  const found: Partial<Record<Locale, Map<string, string>>> = {};
  const translators: Partial<Record<Locale, Translate>> = {};
  return {
    forLocale(locale) {
      const texts = (found[locale] ??= new Map());
      return (translators[locale] ??= (key, params) => {
        let text = texts.get(key);
        if (text === undefined) {
          text = lookup(trees[locale], key);
          if (text === undefined) return key;
          texts.set(key, text);
        }
        if (!text.includes('{')) return text;
        return text.replace(/\{(\w+)\}/g, (m: string, name: string) => String(params?.[name] ?? limitValues[name] ?? m));
      });
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
  const month = dateTimeFormat(locale, { ...monthFormat, timeZone: 'UTC' });
  return (dimension, code) => {
    if (dimension === 'month') return /^\d{4}-\d{2}$/.test(code) ? month.format(new Date(`${code}-01T00:00:00Z`)) : code;
    if (dimension === 'kecamatan') return kecamatanName(code) ?? code;
    const key = `${keyPrefixes[dimension]}.${code}`;
    const text = t(key);
    return text === key ? code : text;
  };
}

/**
 * Intl formatters, made once per language and options and kept: building one costs far more than
 * using it (ICU loads its data and patterns for every new formatter; a page of the queue used to
 * build a hundred of them), and each holds native memory that the garbage collector sees late.
 * The options are the code's own constants, so the cache stays small.
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

export function dateTimeFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (!format) dateTimeFormats.set(key, (format = new Intl.DateTimeFormat(intlLocale[locale], options)));
  return format;
}

export function numberFormat(locale: Locale, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(intlLocale[locale], options)));
  return format;
}

/** One value per language, made on first use (the formatters the pages use most, without building a key per call). */
function perLocale<T>(make: (locale: Locale) => T): (locale: Locale) => T {
  const made: Partial<Record<Locale, T>> = {};
  return (locale) => (made[locale] ??= make(locale));
}

const longDateTime = perLocale((l) => dateTimeFormat(l, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Jakarta' }));
const longDate = perLocale((l) =>
  dateTimeFormat(l, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta' }),
);
const shortTime = perLocale((l) => dateTimeFormat(l, { timeStyle: 'short', timeZone: 'Asia/Jakarta' }));
type Unit = 'minute' | 'hour' | 'day' | 'month' | 'year';
const unitFormats = perLocale((l) => {
  const byUnit: Partial<Record<Unit, Intl.NumberFormat>> = {};
  return (unit: Unit) => (byUnit[unit] ??= numberFormat(l, { style: 'unit', unit, unitDisplay: 'long' }));
});

/**
 * Texts already formatted, per language and value: even a kept Intl formatter takes microseconds a
 * call, and a page of the queue asks for a hundred dates and durations (a fifth of its rendering,
 * profiled at a million reports), mostly the same few. Emptied when full, so it stays small.
 */
function memo(limit: number): (locale: Locale, key: number, make: () => string) => string {
  const kept: Record<Locale, Map<number, string>> = { id: new Map(), en: new Map() };
  return (locale, key, make) => {
    const texts = kept[locale];
    let text = texts.get(key);
    if (text === undefined) {
      if (texts.size >= limit) texts.clear();
      texts.set(key, (text = make()));
    }
    return text;
  };
}
const dateTimeTexts = memo(20_000);
const dateTexts = memo(5_000);
const durationTexts = memo(5_000);
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const JAKARTA_OFFSET_MS = 7 * 60 * MINUTE_MS;

/** Dates as a reader expects them, on the Asia/Jakarta clock ("1 Desember 2026 pukul 14.05 WIB"). */
export function formatDateTime(locale: Locale, instant: Date, withTime = true): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) return withTime ? `${longDateTime(locale).format(instant)} WIB` : longDate(locale).format(instant);
  // The texts show the minute, or the day on the Jakarta clock (UTC+7, without summer time since
  // 1964): every instant of the same minute, or day, reads the same.
  return withTime
    ? dateTimeTexts(locale, Math.floor(ms / MINUTE_MS), () => `${longDateTime(locale).format(instant)} WIB`)
    : dateTexts(locale, Math.floor((ms + JAKARTA_OFFSET_MS) / DAY_MS), () => longDate(locale).format(instant));
}

/** A span of time in the largest whole unit a person would use ("5 jam", "3 days"). */
export function formatDuration(locale: Locale, ms: number): string {
  const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60000));
  const [value, unit]: [number, Unit] =
    minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  // One key per unit and value: minutes and hours below 100, days from 100 on.
  const key = unit === 'minute' ? value : unit === 'hour' ? 100 + value : 200 + value;
  return durationTexts(locale, key, () => unitFormats(locale)(unit).format(value));
}

/** The time of day on the Asia/Jakarta clock ("14.05 WIB", "14:05 WIB"). */
export function formatTime(locale: Locale, instant: Date): string {
  return `${shortTime(locale).format(instant)} WIB`;
}

/**
 * A period given in days, as a person says it: in years when it is a whole number of years
 * ("2 tahun", not "730 hari"), else in months when it is a whole number of months, else in days.
 */
export function formatPeriodOfDays(locale: Locale, days: number): string {
  const [value, unit]: [number, Unit] = days % 365 === 0 ? [days / 365, 'year'] : days % 30 === 0 ? [days / 30, 'month'] : [days, 'day'];
  return unitFormats(locale)(unit).format(value);
}
