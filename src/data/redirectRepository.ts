import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';

export type AckStatus = 'sent' | 'received' | 'accepted' | 'declined';

export interface NewRedirect {
  reportId: number;
  partnerId: number;
  reasonCode: string;
  summary: string;
  reporterExplanation: string;
  createdBy: number;
  at: Date;
}

/** A redirect with the partner's public contact details, for staff and (partly) for the reporter. */
export interface RedirectView {
  id: number;
  partnerName: string;
  partnerPhone: string;
  partnerEmail: string;
  partnerAddress: string;
  reasonCode: string;
  summary: string;
  reporterExplanation: string;
  ackStatus: AckStatus;
  ackAt: Date | null;
  createdAt: Date;
}

interface Row {
  id: number;
  report_id: number;
  partner_name: string;
  partner_phone: string;
  partner_email: string;
  partner_address: string;
  reason_code: string;
  summary_enc: string;
  reporter_explanation_enc: string;
  ack_status: AckStatus;
  ack_at: string | null;
  created_at: string;
}

const context = {
  summary: (reportId: number) => `redirects.summary:${reportId}`,
  explanation: (reportId: number) => `redirects.reporter_explanation:${reportId}`,
};

export function createRedirectRepository(db: Db, cipher: FieldCipher) {
  const insert = db.prepare(
    `INSERT INTO redirects (report_id, partner_id, reason_code, summary_enc, reporter_explanation_enc, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const latest = db.prepare(
    `SELECT d.*, p.name AS partner_name, p.phone AS partner_phone, p.email AS partner_email, p.address AS partner_address
     FROM redirects d JOIN partners p ON p.id = d.partner_id WHERE d.report_id = ? ORDER BY d.id DESC LIMIT 1`,
  );
  return {
    insert(r: NewRedirect): number {
      const info = insert.run(
        r.reportId,
        r.partnerId,
        r.reasonCode,
        cipher.encrypt(r.summary, context.summary(r.reportId)),
        cipher.encrypt(r.reporterExplanation, context.explanation(r.reportId)),
        r.createdBy,
        r.at.toISOString(),
      );
      return Number(info.lastInsertRowid);
    },

    /** The latest redirect of a report (a reopened report may be redirected again). */
    latestForReport(reportId: number): RedirectView | undefined {
      const r = latest.get(reportId) as Row | undefined;
      if (!r) return undefined;
      return {
        id: r.id,
        partnerName: r.partner_name,
        partnerPhone: r.partner_phone,
        partnerEmail: r.partner_email,
        partnerAddress: r.partner_address,
        reasonCode: r.reason_code,
        summary: cipher.decrypt(r.summary_enc, context.summary(r.report_id)),
        reporterExplanation: cipher.decrypt(r.reporter_explanation_enc, context.explanation(r.report_id)),
        ackStatus: r.ack_status,
        ackAt: r.ack_at === null ? null : new Date(r.ack_at),
        createdAt: new Date(r.created_at),
      };
    },
  };
}

export type RedirectRepository = ReturnType<typeof createRedirectRepository>;
