/**
 * Every limit on what people type and on how much a page lists, in one place: the zod schemas of
 * the forms and the API, the OpenAPI document, the services, the views (`limits` in res.locals)
 * and the messages people read all take them from here. A locale text names one by its constant
 * — "at most {NOTE_MAX} characters" — and t() fills it in (src/i18n), so a message always states
 * the limit the code enforces.
 *
 * Text lengths count characters after surrounding white space is removed (the schemas trim first).
 * This module holds numbers only: the locale placeholders are its exports, as they are.
 */

// A report, on the public form.
export const NARRATIVE_MIN = 20;
export const NARRATIVE_MAX = 8000;
export const LOCATION_DETAIL_MAX = 500;
export const CONTACT_NAME_MAX = 100;
export const CONTACT_PHONE_MAX = 20;
/** A reporter's or a partner's email address (an account's is EMAIL_MAX). */
export const CONTACT_EMAIL_MAX = 200;
export const CONTACT_HOURS_MAX = 200;

// Messages and notes.
/** A message between the service and a reporter, or a department. */
export const MESSAGE_MAX = 4000;
/** What staff write on a report or a case: a note, a question, a summary, an explanation. */
export const NOTE_MAX = 4000;
export const CASE_NUMBER_MAX = 30;
/** A plan activity's title (a line; the goal and the notes are NOTE_MAX). */
export const PLAN_ACTIVITY_TITLE_MAX = 300;
/** A partner's reason for declining a redirected report: required, short, and never meant to hold personal data. */
export const ACKNOWLEDGEMENT_REASON_MAX = 1000;

// A referral, on the department form and through the API.
export const DEPARTMENT_REFERENCE_MAX = 50;
export const CLIENT_NAME_MAX = 100;
export const CLIENT_ADDRESS_MAX = 300;
export const REFERRAL_REASON_MIN = 20;
export const REFERRAL_REASON_MAX = 8000;
export const ACTIONS_TAKEN_MAX = 4000;
export const CONSENT_BY_MAX = 100;
export const JUSTIFICATION_MIN = 20;
export const JUSTIFICATION_MAX = 2000;

// Accounts. Passwords: length only, no composition rules (DESIGN.md, security baseline; NIST SP 800-63B).
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100;
/** RFC 5321's longest path, less its angle brackets. */
export const EMAIL_MAX = 254;
/**
 * What a sign-in or password field takes: a longer sign-in is refused unread, and a new password
 * longer than PASSWORD_MAX is refused with a message rather than cut short by the browser.
 */
export const CREDENTIAL_FIELD_MAX = 1000;

// Administration.
export const DEPARTMENT_NAME_MIN = 2;
export const DEPARTMENT_NAME_MAX = 200;
export const TOKEN_LABEL_MAX = 100;
export const PARTNER_NAME_MIN = 2;
export const PARTNER_NAME_MAX = 200;
export const PARTNER_PHONE_MAX = 30;
export const PARTNER_ADDRESS_MAX = 500;
export const HOLIDAY_NAME_MIN = 2;
export const HOLIDAY_NAME_MAX = 100;
export const AUDIT_SUBJECT_ID_MAX = 100;

// Saved replies: a supervisor's short list of message templates (domain/savedReplies.ts).
export const SAVED_REPLY_TITLE_MAX = 100;
/** Shorter than MESSAGE_MAX and NOTE_MAX, so that a saved reply always fits the message it goes into, with room to add. */
export const SAVED_REPLY_BODY_MAX = 2000;
/** How many saved replies the office keeps: a list to choose from at a glance, not a library. */
export const SAVED_REPLIES_MAX = 30;

// A report recorded at the office (/staff/intake): how long ago it may have been received. Older
// is almost surely a typing slip (a wrong year or month); a month covers letters and outreach
// forms that take a while to reach the desk.
export const INTAKE_RECEIVED_MAX_DAYS = 30;

/** A request body, form or JSON, in kilobytes. */
export const BODY_MAX_KB = 64;
/** The longest range of the statistics page, in years. */
export const STATS_RANGE_MAX_YEARS = 5;
/** The API's `Idempotency-Key` (domain/idempotency.ts). */
export const IDEMPOTENCY_KEY_MIN = 8;
export const IDEMPOTENCY_KEY_MAX = 128;

// Rows on one page of a list.
export const QUEUE_PAGE_SIZE = 25;
export const CASE_PAGE_SIZE = 25;
export const REFERRAL_PAGE_SIZE = 25;
export const AUDIT_PAGE_SIZE = 50;
export const OUTBOX_PAGE_SIZE = 50;
/** Rows of each "redirects needing attention" list on the queue page; the rest are counted. */
export const ATTENTION_ROWS = 10;

/** The longest file name the referral API accepts for an attachment (shortened for display: domain/attachments.ts). */
export const ATTACHMENT_SENT_NAME_MAX = 255;
