import { Router, type Request, type Response } from 'express';
import { formatReceipt, RECEIPT_VIEWABLE_MINUTES } from '../../domain/receipt';
import type { PendingReceipt, ReceiptHandoff } from '../../services/receiptHandoff';
import { endSession } from '../../middleware/receiptSession';

export const RECEIPT_PATH = '/report/receipt';
export const RECEIPT_PRINT_PATH = `${RECEIPT_PATH}/print`;
/** POST: "I have noted this code" (discards it); GET: the calm page that follows. */
export const RECEIPT_NOTED_PATH = `${RECEIPT_PATH}/noted`;
/** The key to the sealed receipt in the session row; sent only to the receipt pages (they all live under RECEIPT_PATH). */
export const RECEIPT_KEY_COOKIE = 'lentera.receipt';

/**
 * A session cookie (no Max-Age), like the session cookie that holds the other half: a persistent
 * cookie would be written to the browser's cookie file on disk. The 15 minutes are kept by the
 * expiry sealed inside the ciphertext, which the server checks on every view.
 */
export function receiptKeyCookieOptions(secureCookies: boolean) {
  return { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: RECEIPT_PATH } as const;
}

/**
 * Drops both halves of a kept receipt: the ciphertext from the session row (and the row itself when
 * it held nothing else) and the key cookie. Used when the person has noted the code, when the pair
 * no longer opens (expired, or one half missing), and by the quick exit.
 */
export async function discardReceipt(req: Request, res: Response, secureCookies: boolean): Promise<void> {
  const session = req.session;
  if (session?.pendingReceipt !== undefined) {
    delete session.pendingReceipt;
    const keeps = Object.keys(session).filter((k) => k !== 'cookie');
    // A session that only carried the receipt has nothing left to keep: no empty row stays behind.
    if (keeps.length === 0) await endSession(req);
  }
  if (req.cookies?.[RECEIPT_KEY_COOKIE] !== undefined) res.clearCookie(RECEIPT_KEY_COOKIE, receiptKeyCookieOptions(secureCookies));
}

interface Deps {
  receiptHandoff: ReceiptHandoff;
  secureCookies: boolean;
  /** The site's address, printed with the code so that it can be used from any device. */
  baseUrl: string;
}

/**
 * The receipt of a report just filed, for the browser that filed it: shown on every view (reload,
 * second tab, print view) until she says she has noted it, or RECEIPT_VIEWABLE_MINUTES pass, or she
 * leaves by quick exit. Never in a URL; never in clear on disk (see receiptHandoff.ts).
 */
export function receiptRoutes({ receiptHandoff, secureCookies, baseUrl }: Deps): Router {
  const router = Router();
  const statusUrl = new URL('/status', baseUrl).href;

  /** The receipt this browser may still see; a pair that no longer opens is discarded on the spot. */
  async function keptReceipt(req: Request, res: Response): Promise<PendingReceipt | undefined> {
    const pending = receiptHandoff.open(req.session?.pendingReceipt, req.cookies?.[RECEIPT_KEY_COOKIE]);
    if (!pending) await discardReceipt(req, res, secureCookies);
    return pending;
  }

  const minutes = RECEIPT_VIEWABLE_MINUTES;
  const renderGone = (res: Response) => res.render('public/receiptGone', { minutes });

  router.get(RECEIPT_PATH, async (req, res) => {
    const pending = await keptReceipt(req, res);
    if (!pending) return renderGone(res);
    res.render('public/receipt', { receipt: formatReceipt(pending.receipt), urgency: pending.urgency, minutes, statusUrl });
  });

  router.get(RECEIPT_PRINT_PATH, async (req, res) => {
    const pending = await keptReceipt(req, res);
    if (!pending) return renderGone(res);
    res.render('public/receiptPrint', { receipt: formatReceipt(pending.receipt), statusUrl });
  });

  // CSRF-checked like every POST (csrf.protect): another site cannot make her lose the code.
  router.post(RECEIPT_NOTED_PATH, async (req, res) => {
    await discardReceipt(req, res, secureCookies);
    res.redirect(303, RECEIPT_NOTED_PATH);
  });

  router.get(RECEIPT_NOTED_PATH, (_req, res) => res.render('public/receiptNoted'));

  return router;
}
