import type { Locale } from '../i18n';
import type { ContactDetails, Urgency } from '../domain/reference';
import type { ReportStatus } from '../domain/reportStatus';
import type { Role } from '../domain/roles';
import { reporterUpdateCoalescing, type Coalescing } from '../domain/outbox';
import { isEmailAddress } from '../domain/email';
import type { MailTemplate, OutgoingEmail, RecipientKind } from '../mail/types';
import type { TemplateParams } from '../mail/templates';
import type { AcknowledgementLinks } from './acknowledgementLinks';
import type { AcknowledgementKind } from '../domain/acknowledgements';

/** The outbox as the actions that cause emails see it (outboxService): sync, inside their transaction. */
export interface MailQueue {
  enqueue(email: OutgoingEmail, at: Date, coalesce?: { key: string; rule: Coalescing }): void;
}

export interface NotificationSettings {
  baseUrl: string;
  triageEmail: string;
  /** SERVICE_CONTACT: how a partner reaches the service. */
  serviceContact: string;
  /** The language of emails to staff, partners and officers (reporters get the language they reported in). */
  defaultLocale: Locale;
}

export interface NotificationsDeps {
  outbox: MailQueue;
  acknowledgementLinks: AcknowledgementLinks;
  /** The referring officer of a department's report and the department's own reference (null for the API). */
  referralOfficer(reportId: number): { officerAccountId: number | null; departmentReference: string } | undefined;
  /** An active account's address and name. */
  activeAccount(id: number): { email: string; name: string } | undefined;
  /** The outbox's coalescing key for a report's "there is news" emails: a keyed hash, never the report itself. */
  reporterUpdateKey(reportId: number): string;
  settings: NotificationSettings;
}

/** What a reporter's "there is news" needs of her report. */
export interface ReportForUpdate {
  id: number;
  contact: ContactDetails | null;
  /** The language she reported in: the email's. */
  language: Locale;
}

// A control character other than tab and line breaks (pasted into a summary, say) means nothing
// in a plain-text email and could upset a mail client; it is dropped.
const strayControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const plain = (params: Record<string, string>) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.replace(strayControls, '')]));

/** A redirect as its emails need it. */
export interface RedirectMailFacts {
  redirectId: number;
  reference: string;
  partnerName: string;
  partnerEmail: string;
}

/** A referral out from a case as its emails need it. */
export interface CaseReferralMailFacts {
  referralId: number;
  caseNumber: string;
  partnerName: string;
  partnerEmail: string;
}

/**
 * Every email Lentera sends, and what goes into each: the one place that decides it. Each method
 * only writes to the outbox, so call it inside the transaction of the action that causes it — the
 * email and the action are committed together or not at all.
 */
export function createNotifications({
  outbox,
  acknowledgementLinks,
  referralOfficer,
  activeAccount,
  reporterUpdateKey,
  settings,
}: NotificationsDeps) {
  const { baseUrl, defaultLocale } = settings;

  function send<T extends MailTemplate>(
    template: T,
    to: string,
    recipientKind: RecipientKind,
    params: TemplateParams[T],
    locale: Locale,
    at: Date,
    coalesce?: { key: string; rule: Coalescing },
  ): boolean {
    // An address that could not be delivered is left out, never allowed to undo the action.
    if (!isEmailAddress(to)) return false;
    outbox.enqueue({ to, recipientKind, template, params: plain(params as Record<string, string>), locale }, at, coalesce);
    return true;
  }

  /** Fresh links for a partner's answer (to a redirect, or a case referral); a reminder gets new ones with a new expiry. */
  function acknowledgementLinkParams(id: number, at: Date, kind: AcknowledgementKind = 'redirect') {
    const { token, expiresAt } = acknowledgementLinks.issue(id, at, kind);
    return {
      receivedLink: acknowledgementLinks.url(token, 'received'),
      acceptedLink: acknowledgementLinks.url(token, 'accepted'),
      declinedLink: acknowledgementLinks.url(token, 'declined'),
      expiresAt: expiresAt.toISOString(),
    };
  }

  return {
    /** A report or referral marked immediate or urgent: triage hears of it at once (reference and link only). */
    urgentReport(reference: string, urgency: Urgency, at: Date): void {
      if (urgency === 'normal') return;
      send(
        'new_urgent_report',
        settings.triageEmail,
        'triage',
        { reference, link: `${baseUrl}/staff/reports/${reference}` },
        defaultLocale,
        at,
      );
    },

    /** The redirect email with the summary staff wrote for this partner; false when the partner has no email. */
    redirectToPartner(r: RedirectMailFacts & { summary: string }, at: Date): boolean {
      if (r.partnerEmail === '') return false;
      return send(
        'redirect_to_partner',
        r.partnerEmail,
        'partner',
        {
          reference: r.reference,
          partnerName: r.partnerName,
          summary: r.summary,
          serviceContact: settings.serviceContact,
          ...acknowledgementLinkParams(r.redirectId, at),
        },
        defaultLocale,
        at,
      );
    },

    /** The one reminder: no summary this time, only the reference and fresh links. */
    redirectReminder(r: RedirectMailFacts & { sentAt: Date }, at: Date): boolean {
      return send(
        'redirect_reminder',
        r.partnerEmail,
        'partner',
        {
          reference: r.reference,
          partnerName: r.partnerName,
          sentAt: r.sentAt.toISOString(),
          serviceContact: settings.serviceContact,
          ...acknowledgementLinkParams(r.redirectId, at),
        },
        defaultLocale,
        at,
      );
    },

    /**
     * A family referred out from a case: the summary and the request the caseworker wrote for this
     * partner, the case's number, and links to answer; false when the partner has no email.
     */
    caseReferralToPartner(r: CaseReferralMailFacts & { summary: string; request: string }, at: Date): boolean {
      if (r.partnerEmail === '') return false;
      return send(
        'case_referral_to_partner',
        r.partnerEmail,
        'partner',
        {
          caseNumber: r.caseNumber,
          partnerName: r.partnerName,
          summary: r.summary,
          request: r.request,
          serviceContact: settings.serviceContact,
          ...acknowledgementLinkParams(r.referralId, at, 'case_referral'),
        },
        defaultLocale,
        at,
      );
    },

    /** The one reminder of an unanswered case referral: the case's number and fresh links, no summary. */
    caseReferralReminder(r: CaseReferralMailFacts & { sentAt: Date }, at: Date): boolean {
      return send(
        'case_referral_reminder',
        r.partnerEmail,
        'partner',
        {
          caseNumber: r.caseNumber,
          partnerName: r.partnerName,
          sentAt: r.sentAt.toISOString(),
          serviceContact: settings.serviceContact,
          ...acknowledgementLinkParams(r.referralId, at, 'case_referral'),
        },
        defaultLocale,
        at,
      );
    },

    /** A department's referral decided: its officer hears the outcome (API referrals have no officer). */
    referralDecided(reportId: number, reference: string, outcome: ReportStatus, at: Date): void {
      const referral = referralOfficer(reportId);
      if (!referral || referral.officerAccountId === null) return;
      const officer = activeAccount(referral.officerAccountId);
      if (!officer) return;
      send(
        'referral_decided',
        officer.email,
        'officer',
        {
          name: officer.name,
          reference,
          departmentReference: referral.departmentReference,
          outcome,
          link: `${baseUrl}/department/referrals/${reference}`,
        },
        defaultLocale,
        at,
      );
    },

    /**
     * "There is news; check with your receipt" — only to a reporter who asked for it, never with the
     * news, in the language of her report. Several staff actions in one sitting send her one email:
     * it waits a few minutes, and while it waits later news adds nothing but a short delay
     * (domain/outbox.ts, reporterUpdateCoalescing).
     */
    reporterUpdate(report: ReportForUpdate, at: Date): void {
      const { contact } = report;
      if (!contact?.notifyByEmail || contact.email === '') return;
      send('reporter_update', contact.email, 'reporter', {}, report.language, at, {
        key: reporterUpdateKey(report.id),
        rule: reporterUpdateCoalescing,
      });
    },

    /** The invitation link goes to the invitee (and, for administrators and department officers only, is also shown once to whoever invited them). */
    invitation(invitee: { email: string; name: string; role: Role }, link: string, expiresAt: Date, at: Date): void {
      send(
        'staff_invitation',
        invitee.email,
        'staff',
        { name: invitee.name, role: invitee.role, link, expiresAt: expiresAt.toISOString() },
        defaultLocale,
        at,
      );
    },

    /**
     * An administrator asked for an account with a content role: every active supervisor hears who
     * asked, for whom, which role, and where to decide (nothing is granted until one of them approves).
     */
    approvalRequested(
      supervisors: readonly { email: string; name: string }[],
      request: { requester: string; invitee: string; inviteeEmail: string; role: Role },
      at: Date,
    ): void {
      for (const supervisor of supervisors) {
        send(
          'account_approval_requested',
          supervisor.email,
          'staff',
          {
            name: supervisor.name,
            requester: request.requester,
            invitee: request.invitee,
            inviteeEmail: request.inviteeEmail,
            role: request.role,
            link: `${baseUrl}/staff/approvals`,
          },
          defaultLocale,
          at,
        );
      }
    },

    /** A content role was granted — by a supervisor's approval, or from the server's shell (`grantedBy` null): every supervisor hears of it. */
    contentRoleGranted(
      supervisors: readonly { email: string; name: string }[],
      grant: { grantedBy: string | null; invitee: string; inviteeEmail: string; role: Role },
      at: Date,
    ): void {
      for (const supervisor of supervisors) {
        send(
          'content_role_granted',
          supervisor.email,
          'staff',
          {
            name: supervisor.name,
            invitee: grant.invitee,
            inviteeEmail: grant.inviteeEmail,
            role: grant.role,
            grantedBy: grant.grantedBy ?? '',
            via: grant.grantedBy === null ? 'cli' : 'approval',
          },
          defaultLocale,
          at,
        );
      }
    },

    /** Tells the person their second factor was reset, so a reset they did not ask for does not go unnoticed. */
    totpReset(person: { email: string; name: string }, at: Date): void {
      send('totp_reset', person.email, 'staff', { name: person.name }, defaultLocale, at);
    },
  };
}

export type Notifications = ReturnType<typeof createNotifications>;
