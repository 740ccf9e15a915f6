import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { formatDateTime, formatDuration, type Translator } from '../i18n';
import type { Csrf } from './setUpCsrf';
import { navigationFor } from '../domain/staffNavigation';

/**
 * The same page in the other language, as a query-only relative link (`?lang=en&…`): it keeps the
 * page's other query parameters, and whatever the request path holds (`//evil.example/x`), a link
 * that starts with `?` can only lead back to this very page.
 */
export function languageSwitchHref(originalUrl: string, locale: string): string {
  const at = originalUrl.indexOf('?');
  const query = new URLSearchParams(at === -1 ? '' : originalUrl.slice(at + 1));
  query.delete('lang');
  query.set('lang', locale);
  return `?${query.toString()}`;
}

/**
 * Everything every view needs, set in one place: the translator for this request, the language
 * switch, the quick exit, hotlines, and a CSRF token on demand (a cookie only for pages with a form; never a session).
 */
export function setUpLocals(config: Config, translator: Translator, csrf: Csrf): RequestHandler {
  return (req, res, next) => {
    const locale = req.locale;
    const other = locale === 'id' ? 'en' : 'id';
    res.locals.locale = locale;
    res.locals.t = translator.forLocale(locale);
    res.locals.formatDateTime = (d: Date, withTime?: boolean) => formatDateTime(locale, d, withTime);
    res.locals.formatDuration = (ms: number) => formatDuration(locale, ms);
    res.locals.otherLocale = other;
    // A page shown in answer to a POST has no address of its own to reload in another language.
    res.locals.languageSwitchHref = req.method === 'GET' ? languageSwitchHref(req.originalUrl, other) : null;
    res.locals.orgName = config.orgName;
    res.locals.quickExitUrl = config.quickExitUrl;
    res.locals.hotlines = config.hotlines.map((h) => ({ number: h.number, label: locale === 'id' ? h.id : h.en }));
    res.locals.csrfToken = () => csrf.tokenFor(req, res);
    res.locals.currentPath = req.path;
    res.locals.staffNav = req.account ? navigationFor(req.account.role) : [];
    const notice = req.session?.notice;
    if (notice) delete req.session.notice;
    res.locals.notice = notice;
    next();
  };
}
