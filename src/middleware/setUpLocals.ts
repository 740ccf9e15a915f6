import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config';
import { formatDateTime, formatDuration, formatTime, isLocale, type Locale, type Translator } from '../i18n';
import { rememberLocale } from './setUpLocale';
import type { Csrf } from './setUpCsrf';
import { navigationFor } from '../domain/staffNavigation';
import * as limits from '../domain/limits';

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

/** The name of the language switch's submit button on pages with a form (see setUpLanguageSwitch). */
export const LANGUAGE_SWITCH_FIELD = '_switch_lang';

declare module 'express-serve-static-core' {
  interface Request {
    /** This POST is the language switch of a form page: show the same form again, in the other language, with what was typed. */
    languageSwitch?: boolean;
  }
}

/** A phone number as a tel: link takes it. */
const telHref = (phone: string) => `tel:${phone.replace(/[^0-9+]/g, '')}`;

/** What views need that depends on the language: set at the start, and again if a form switches it. */
function setLocaleLocals(res: Response, config: Config, translator: Translator, locale: Locale): void {
  res.locals.locale = locale;
  res.locals.t = translator.forLocale(locale);
  res.locals.formatDateTime = (d: Date, withTime?: boolean) => formatDateTime(locale, d, withTime);
  res.locals.formatTime = (d: Date) => formatTime(locale, d);
  res.locals.formatDuration = (ms: number) => formatDuration(locale, ms);
  res.locals.otherLocale = locale === 'id' ? 'en' : 'id';
  res.locals.hotlines = config.hotlines.map((h) => ({ number: h.number, label: locale === 'id' ? h.id : h.en }));
  const office = config.office;
  res.locals.office = {
    address: office.address,
    phone: office.phone,
    phoneHref: office.phone ? telHref(office.phone) : null,
    whatsapp: office.whatsapp,
    hours: office.hours[locale],
  };
}

/**
 * Everything every view needs, set in one place: the translator for this request, the language
 * switch, hotlines, the office's contact, and a CSRF token on demand (a cookie only for pages with a form; never a session).
 */
export function setUpLocals(config: Config, translator: Translator, csrf: Csrf): RequestHandler {
  return (req, res, next) => {
    const locale = req.locale;
    setLocaleLocals(res, config, translator, locale);
    // A page shown in answer to a POST has no address of its own to reload in another language
    // (a page with a form switches by posting the form instead: see setUpLanguageSwitch).
    res.locals.languageSwitchHref = req.method === 'GET' ? languageSwitchHref(req.originalUrl, locale === 'id' ? 'en' : 'id') : null;
    res.locals.orgName = config.orgName;
    // Input limits for maxlength attributes (`limits.NOTE_MAX`): the same numbers the forms check.
    res.locals.limits = limits;
    res.locals.csrfToken = () => csrf.tokenFor(req, res);
    res.locals.currentPath = req.path;
    res.locals.staffNav = req.account ? navigationFor(req.account.role) : [];
    const notice = req.session?.notice;
    if (notice) delete req.session.notice;
    res.locals.notice = notice;
    next();
  };
}

/**
 * Shows one page in a language of its own (`pick` answers it, or undefined for the request's
 * own): the receipt slip of a report recorded at the office is printed in the reporter's language,
 * whatever language the officer works in. Only this response changes; nothing is remembered.
 */
export function setUpPageLocale(config: Config, translator: Translator, pick: (req: Request) => Locale | undefined): RequestHandler {
  return (req, res, next) => {
    const locale = pick(req);
    if (locale !== undefined && locale !== req.locale) setLocaleLocals(res, config, translator, locale);
    next();
  };
}

/**
 * The language switch of a page with a form. A link cannot carry what was typed, so on such a page
 * the switch is a submit button of the page's form (`name=_switch_lang value=en`, views/partials/
 * languageSwitch.ejs): the form posts to its own route with everything in it, this switches the
 * language (and remembers it, as `?lang=` does), and the route shows the same form again in the
 * other language, with what was typed and without checking or storing anything. Runs after the
 * body is parsed; routes that offer the switch look at `req.languageSwitch`.
 */
export function setUpLanguageSwitch(config: Config, translator: Translator, secureCookies: boolean): RequestHandler {
  return (req, res, next) => {
    const asked: unknown = req.method === 'POST' ? req.body?.[LANGUAGE_SWITCH_FIELD] : undefined;
    if (isLocale(asked)) {
      req.languageSwitch = true;
      req.locale = asked;
      rememberLocale(res, asked, secureCookies);
      setLocaleLocals(res, config, translator, asked);
    }
    next();
  };
}
