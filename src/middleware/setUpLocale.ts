import type { RequestHandler, Response } from 'express';
import { isLocale, type Locale } from '../i18n';

export const LANG_COOKIE = 'lang';

declare module 'express-serve-static-core' {
  interface Request {
    locale: Locale;
  }
}

/** Remembers the language chosen, for a year, in a cookie that holds nothing else. */
export function rememberLocale(res: Response, locale: Locale, secureCookies: boolean): void {
  res.cookie(LANG_COOKIE, locale, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies,
    maxAge: 365 * 24 * 60 * 60 * 1000,
  });
}

/** ?lang=id|en switches the language and remembers it in a cookie; otherwise the cookie, then the default. */
export function setUpLocale(defaultLocale: Locale, secureCookies: boolean): RequestHandler {
  return (req, res, next) => {
    const asked = req.query.lang;
    if (isLocale(asked)) {
      rememberLocale(res, asked, secureCookies);
      req.locale = asked;
    } else {
      const remembered = req.cookies?.[LANG_COOKIE];
      req.locale = isLocale(remembered) ? remembered : defaultLocale;
    }
    next();
  };
}
