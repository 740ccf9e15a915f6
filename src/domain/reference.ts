/**
 * Reference codes for reports (DESIGN.md, "Reference data"). Only codes live here; what a person
 * reads for each code is in the locale files (category.<code>, group.<code>, …).
 */
export const categories = [
  'physical_violence',
  'psychological_abuse',
  'sexual_violence',
  'neglect',
  'exploitation',
  'trafficking',
  'family_conflict',
  'parenting_child_concerns',
  'child_marriage',
  'mental_health_crisis',
  'substance_use',
  'economic_hardship',
  'care_needs',
  'other',
] as const;
export type Category = (typeof categories)[number];

export const affectedGroups = ['child', 'woman', 'older_person', 'disability', 'adult_man', 'family'] as const;
export type AffectedGroup = (typeof affectedGroups)[number];

/** Reporter's urgency: `immediate` means someone is in danger right now. */
export const urgencies = ['immediate', 'urgent', 'normal'] as const;
export type Urgency = (typeof urgencies)[number];

export const reporterRelations = ['self', 'family', 'neighbour', 'friend', 'professional', 'other'] as const;
export type ReporterRelation = (typeof reporterRelations)[number];

export const contactChannels = ['phone', 'sms', 'whatsapp', 'email'] as const;
export type ContactChannel = (typeof contactChannels)[number];

/** A phone number a person can be called on (a reporter's, a referred client's): digits, spaces, +, - or brackets, 8–20 characters. */
export const PHONE_PATTERN = /^\+?[0-9 ()-]{8,20}$/;

/**
 * How a report reached the queue: the public form (`public`), a department's referral
 * (`department`), or recorded by staff from a report received at the office (`intake`, its channel
 * in `intakeChannels`). One source for every office channel keeps the queue's filter, the
 * statistics and the CSV to three values; the channel is a detail of the report page.
 */
export const reportSources = ['public', 'department', 'intake'] as const;
export type ReportSource = (typeof reportSources)[number];

/** How a report recorded by staff was received (/staff/intake). */
export const intakeChannels = ['office', 'phone', 'whatsapp', 'letter', 'outreach'] as const;
export type IntakeChannel = (typeof intakeChannels)[number];

/** What a reporter may leave for us to reach them; encrypted as one field. */
export interface ContactDetails {
  name: string;
  phone: string;
  email: string;
  channel: ContactChannel;
  safeHours: string;
  mayLeaveMessage: boolean;
  /** Asked to be emailed "there is news" (never the news itself); absent on reports from before it existed. */
  notifyByEmail?: boolean;
  /**
   * Kept only by reports filed before the report itself recorded its language (migration 0012),
   * which takes it from here once; the report's `language` is what emails follow.
   */
  locale?: 'id' | 'en';
}
