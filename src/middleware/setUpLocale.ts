import type { RequestHandler } from 'express';
import { isLocale, type Locale } from '../i18n';

export const LANG_COOKIE = 'lang';

declare module 'express-serve-static-core' {
  interface Request {
    locale: Locale;
  }
}

/** ?lang=id|en switches the language and remembers it in a cookie; otherwise the cookie, then the default. */
export function setUpLocale(defaultLocale: Locale, secureCookies: boolean): RequestHandler {
  return (req, res, next) => {
    const asked = req.query.lang;
    if (isLocale(asked)) {
      res.cookie(LANG_COOKIE, asked, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
        maxAge: 365 * 24 * 60 * 60 * 1000,
      });
      req.locale = asked;
    } else {
      const remembered = req.cookies?.[LANG_COOKIE];
      req.locale = isLocale(remembered) ? remembered : defaultLocale;
    }
    next();
  };
}
