import type { Request } from 'express';

/** A receipt session lasts at most an hour, however active (DESIGN.md, security baseline). */
export const RECEIPT_SESSION_MAX_MS = 60 * 60 * 1000;

/**
 * Starts a fresh session (new id) that opens one report. A receipt still on view in this browser
 * (sealed; see routes/public/receiptRoutes.ts) moves to the new session: checking the report must
 * not take away the code she may not have written down yet.
 */
export async function openReceiptSession(req: Request, reportId: number, now: number): Promise<void> {
  const pendingReceipt = req.session.pendingReceipt;
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  if (pendingReceipt !== undefined) req.session.pendingReceipt = pendingReceipt;
  req.session.receiptReportId = reportId;
  req.session.startedAt = now;
}

/** The report this session's receipt opened, or null when there is none or it has run out. */
export function receiptSessionReport(req: Request, now: number): number | null {
  const { receiptReportId, startedAt } = req.session ?? {};
  if (receiptReportId === undefined || startedAt === undefined) return null;
  if (now - startedAt > RECEIPT_SESSION_MAX_MS) {
    delete req.session.receiptReportId;
    return null;
  }
  return receiptReportId;
}

export async function endSession(req: Request): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}
