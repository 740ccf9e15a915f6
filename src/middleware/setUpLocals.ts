import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { formatDateTime, formatDuration, type Translator } from '../i18n';
import type { Csrf } from './setUpCsrf';
import { navigationFor } from '../domain/staffNavigation';

/**
 * Everything every view needs, set in one place: the translator for this request, the language
 * switch, the quick exit, hotlines, and a CSRF token on demand (so pages without forms make no session).
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
    res.locals.languageSwitchHref = req.method === 'GET' ? `${req.path}?lang=${other}` : null;
    res.locals.orgName = config.orgName;
    res.locals.quickExitUrl = config.quickExitUrl;
    res.locals.hotlines = config.hotlines.map((h) => ({ number: h.number, label: locale === 'id' ? h.id : h.en }));
    res.locals.csrfToken = () => csrf.tokenFor(req);
    res.locals.currentPath = req.path;
    res.locals.staffNav = req.account ? navigationFor(req.account.role) : [];
    const notice = req.session?.notice;
    if (notice) delete req.session.notice;
    res.locals.notice = notice;
    next();
  };
}
