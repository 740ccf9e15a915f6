import { Router } from 'express';
import { endSession } from '../../middleware/receiptSession';
import { SESSION_COOKIE } from '../../middleware/setUpSession';
import { CSRF_COOKIE } from '../../middleware/setUpCsrf';
import { LANG_COOKIE } from '../../middleware/setUpLocale';
import { RECEIPT_KEY_COOKIE, receiptKeyCookieOptions } from './receiptRoutes';

/** Where every public page's quick-exit control leads (views/partials/head.ejs, public/js/site.js). */
export const EXIT_PATH = '/exit';

interface Deps {
  /** The neutral site the visitor is sent on to (QUICK_EXIT_URL). */
  quickExitUrl: string;
  secureCookies: boolean;
}

/**
 * The quick exit: ends whatever this browser holds here — a receipt session on /status, a receipt
 * still on view, a half-done sign-in — then sends the visitor on to a neutral site, so that a shared
 * phone picked up a moment later opens nothing.
 *
 * A GET, not a POST: it must work as a plain link, in one tap, without JavaScript and with no form
 * or token in the way. It only ends the visitor's own state, and our cookies are SameSite=Strict, so
 * a link from another site arrives without them and cannot end anyone's session.
 */
export function exitRoutes({ quickExitUrl, secureCookies }: Deps): Router {
  const router = Router();
  const cookie = { httpOnly: true, secure: secureCookies, path: '/' } as const;

  router.get(EXIT_PATH, async (req, res) => {
    // Only a browser that brought a session cookie has a row to delete: a bare visit writes nothing.
    if (req.cookies?.[SESSION_COOKIE] !== undefined && req.session) await endSession(req);
    res.clearCookie(SESSION_COOKIE, { ...cookie, sameSite: 'strict' });
    res.clearCookie(CSRF_COOKIE, { ...cookie, sameSite: 'strict' });
    res.clearCookie(RECEIPT_KEY_COOKIE, receiptKeyCookieOptions(secureCookies));
    // The remembered language too: the one cookie of ours that outlives the browser, and a sign on a
    // shared phone that this site was used.
    res.clearCookie(LANG_COOKIE, { ...cookie, sameSite: 'lax' });
    // Said here as well as by the security headers: this answer must never be cached, and the neutral
    // site must not learn where the visitor came from.
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    res.redirect(303, quickExitUrl);
  });

  return router;
}
