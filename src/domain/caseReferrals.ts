import type { AcknowledgementStatus } from './acknowledgements';

/**
 * A referral out from a case (issue 13, "the working file"): the family, with its consent, is
 * referred to a partner institution, which answers through the same signed links as a redirect
 * (`sent` → `received` → `accepted` | `declined`). The case stays open or closes as its worker decides.
 */

/** How the family gave its consent to be referred. */
export const consentMethods = ['written', 'verbal', 'guardian'] as const;
export type ConsentMethod = (typeof consentMethods)[number];

/** A referral out as the case shows it (consent, summary, request and reason decrypted). */
export interface CaseReferral {
  id: number;
  caseId: number;
  partnerId: number;
  partnerName: string;
  partnerPhone: string;
  partnerEmail: string;
  consentBy: string;
  consentMethod: ConsentMethod;
  /** The day the family gave its consent (YYYY-MM-DD, Asia/Jakarta). */
  consentOn: string;
  summary: string;
  request: string;
  createdByName: string | null;
  createdAt: Date;
  acknowledgementStatus: AcknowledgementStatus;
  acknowledgedAt: Date | null;
  acknowledgementReason: string | null;
  /** null: answered through the link (or not answered yet). */
  acknowledgedByName: string | null;
  acknowledgementDueAt: Date | null;
  remindedAt: Date | null;
}

/** A referral still in play: the partner has not declined it. Work with that partner must not overlap. */
export function isOpenReferral(r: Pick<CaseReferral, 'acknowledgementStatus'>): boolean {
  return r.acknowledgementStatus !== 'declined';
}

/** A partner involved in a case: through referrals out (the latest one's state) and/or named in conferences. */
export interface InvolvedPartner {
  partnerId: number;
  name: string;
  /** The latest referral to this partner from the case, if any. */
  latestReferral: { id: number; status: AcknowledgementStatus; at: Date } | null;
  openReferrals: number;
  conferences: number;
}

/** Who is involved, from the referrals (newest first) and the partners named in conferences. */
export function involvedPartners(
  referrals: readonly Pick<CaseReferral, 'id' | 'partnerId' | 'partnerName' | 'acknowledgementStatus' | 'createdAt'>[],
  conferencePartners: readonly { partnerId: number; name: string }[],
): InvolvedPartner[] {
  const byId = new Map<number, InvolvedPartner>();
  const entry = (partnerId: number, name: string) => {
    let e = byId.get(partnerId);
    if (!e) byId.set(partnerId, (e = { partnerId, name, latestReferral: null, openReferrals: 0, conferences: 0 }));
    return e;
  };
  for (const r of [...referrals].sort((a, b) => b.id - a.id)) {
    const e = entry(r.partnerId, r.partnerName);
    e.latestReferral ??= { id: r.id, status: r.acknowledgementStatus, at: r.createdAt };
    if (isOpenReferral(r)) e.openReferrals += 1;
  }
  for (const p of conferencePartners) entry(p.partnerId, p.name).conferences += 1;
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A case conference, as the case and its minutes show it. */
export interface CaseConference {
  id: number;
  caseId: number;
  /** YYYY-MM-DD (Asia/Jakarta). */
  heldOn: string;
  staffAttendees: { id: number; name: string }[];
  partnerAttendees: { id: number; name: string }[];
  otherAttendees: string;
  decisions: string;
  nextSteps: string;
  recordedByName: string | null;
  createdAt: Date;
}

/** Case conferences are recorded by a supervisor (the coordinator chairs them); whoever may see the case reads the minutes. */
export function canRecordConference(who: { role: string }): boolean {
  return who.role === 'supervisor';
}

/** The staff who may be named as attending a conference: the roles that work reports and cases. */
export const conferenceStaffRoles = ['caseworker', 'supervisor', 'triage'] as const;
