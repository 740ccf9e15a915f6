/** The languages Lentera speaks. A report records the one it was written in; i18n translates into each. */
export const locales = ['id', 'en'] as const;
export type Locale = (typeof locales)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}
