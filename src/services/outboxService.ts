import crypto from 'node:crypto';
import type { Transactor } from '../data/transaction';
import type { OutboxEmail, OutboxRepository, OutboxListEntry } from '../data/outboxRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { MailTransport } from '../mail/transport';
import { mailTemplates, type MailTemplate, type OutgoingEmail, type RecipientKind, type RenderedEmail } from '../mail/types';
import { isLocale, type Locale } from '../i18n';
import { anyControlCharacter, coalescedDueAt, paramNamePattern, type Coalescing, type OutboxStatus } from '../domain/outbox';
import { done, refuse, type Outcome } from '../domain/outcome';
import { isEmailAddress } from '../domain/email';
import { OUTBOX_PAGE_SIZE } from '../domain/limits';

export type RenderEmail = (
  template: MailTemplate,
  params: Record<string, string>,
  locale: Locale,
  context: { orgName: string; baseUrl: string },
) => RenderedEmail;

const recipientKinds: readonly RecipientKind[] = ['triage', 'partner', 'officer', 'reporter', 'staff'];

export type EmailRefusal = 'invalid_recipient' | 'header_injection' | 'invalid_params' | 'invalid_email';

/**
 * An email the outbox will not take. Thrown (not answered with an Outcome) inside the transaction
 * of the action that queued it, so that action is rolled back too: a name or address that could add
 * a header (CR/LF) is an attack or a bug upstream — the forms refuse such text long before — and
 * either way nothing is half-done. It reaches no one as a refusal: it is a fault, logged as one.
 */
export class EmailRefusedError extends Error {
  constructor(
    readonly problem: EmailRefusal,
    message: string,
  ) {
    super(`Email refused (${problem}): ${message}`);
    this.name = 'EmailRefusedError';
  }
}

export interface DrainResult {
  sent: number;
  /** Failed this time, tried again later. */
  retried: number;
  /** Given up: shown on /staff/outbox for an administrator to retry. */
  failed: number;
}

export interface OutboxServiceDeps {
  transaction: Transactor;
  outbox: OutboxRepository;
  audit: AuditRepository;
  transport: MailTransport;
  render: RenderEmail;
  renderContext: { orgName: string; baseUrl: string };
  mailFrom: string;
  maxAttempts: number;
  now: () => Date;
  log: (message: string) => void;
}

/** An overall bound on one send, on top of the transport's connect/greeting/idle timeouts. */
export const SEND_DEADLINE_MS = 2 * 60 * 1000;
/**
 * How long a claimed email is held by the drain sending it: a little longer than one send may take
 * (SEND_DEADLINE_MS) and its outcome be written. Only a sender that died mid-send (a crash, a
 * SIGKILL) leaves a claim to lapse, and then only this one email waits that long.
 */
export const CLAIM_LEASE_MS = 3 * 60 * 1000;
const MAX_PARAMS_BYTES = 32 * 1024;

/** `<32 hex digits@host of BASE_URL>`: unique, and says which installation sent it. */
function newMessageId(baseUrl: string): string {
  return `<${crypto.randomBytes(16).toString('hex')}@${new URL(baseUrl).hostname || 'localhost'}>`;
}

function checkSubject(rendered: RenderedEmail): void {
  if (typeof rendered.subject !== 'string' || rendered.subject.trim() === '') throw new EmailRefusedError('invalid_email', 'empty subject');
  if (anyControlCharacter.test(rendered.subject)) throw new EmailRefusedError('header_injection', 'control character in the subject');
  if (typeof rendered.text !== 'string') throw new EmailRefusedError('invalid_email', 'no text');
}

/**
 * An error as a code for the outbox row and the page: nodemailer's code, the SMTP reply code and
 * the enhanced status code (`EENVELOPE 550 5.1.1`), never the server's text, which may quote the
 * address. Permanent only when the server refused this recipient or this message with 5xx (503
 * is about the session, not the message); a refused login (EAUTH) is a settings problem, so those
 * emails wait for the fix rather than fail.
 */
export function describeSendFailure(err: unknown): { error: string; permanent: boolean } {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; response?: unknown };
  const code = typeof e.code === 'string' && /^[A-Z][A-Z0-9_]{0,31}$/.test(e.code) ? e.code : 'ERROR';
  const responseCode = typeof e.responseCode === 'number' && e.responseCode >= 200 && e.responseCode <= 599 ? e.responseCode : undefined;
  const enhanced = typeof e.response === 'string' ? /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(e.response)?.[1] : undefined;
  const permanent =
    responseCode !== undefined && responseCode >= 500 && responseCode !== 503 && (code === 'EENVELOPE' || code === 'EMESSAGE');
  return { error: [code, responseCode, enhanced].filter((p) => p !== undefined).join(' '), permanent };
}

/**
 * The durable outbox. `enqueue` writes an email inside the transaction of the action that causes
 * it (synchronous, no network), so the email exists exactly when the action does. `drain` is the
 * only code that talks to the mail server, from the worker or `npm run outbox:drain`: an SMTP
 * outage never fails or slows a staff action.
 */
export function createOutboxService(deps: OutboxServiceDeps) {
  const { transaction, outbox, audit, transport, render, renderContext, mailFrom, maxAttempts, now, log } = deps;

  function validate(email: OutgoingEmail): void {
    if (typeof email.to !== 'string' || !isEmailAddress(email.to)) {
      const why = typeof email.to === 'string' && anyControlCharacter.test(email.to) ? 'header_injection' : 'invalid_recipient';
      throw new EmailRefusedError(why, 'not one plain email address');
    }
    if (!recipientKinds.includes(email.recipientKind)) throw new EmailRefusedError('invalid_email', 'unknown recipient kind');
    if (!(mailTemplates as readonly string[]).includes(email.template)) throw new EmailRefusedError('invalid_email', 'unknown template');
    if (!isLocale(email.locale)) throw new EmailRefusedError('invalid_email', 'unknown locale');
    if (typeof email.params !== 'object' || email.params === null) throw new EmailRefusedError('invalid_params', 'no parameters');
    for (const [name, value] of Object.entries(email.params)) {
      if (!paramNamePattern.test(name)) throw new EmailRefusedError('invalid_params', 'a parameter name');
      // Text only; whatever a parameter holds, it reaches a header only through the subject, checked below.
      if (typeof value !== 'string') throw new EmailRefusedError('invalid_params', `parameter ${name} is not text`);
    }
    if (Buffer.byteLength(JSON.stringify(email.params)) > MAX_PARAMS_BYTES)
      throw new EmailRefusedError('invalid_params', 'parameters too long');
  }

  type Attempt = { outcome: 'sent' } | { outcome: 'failed'; failure: { error: string; permanent: boolean } };

  /**
   * Renders and sends one claimed email; the caller records what happened. A send is never cut
   * short by a shutdown — cut, it would go back as due although the server may have taken it, and
   * be sent twice — only by its own deadline, which counts as a failed attempt.
   */
  async function attempt(email: OutboxEmail): Promise<Attempt> {
    let rendered: RenderedEmail;
    try {
      rendered = render(email.template, email.params, email.locale, renderContext);
      checkSubject(rendered);
    } catch (err) {
      // A subject that would add a header is never sent; a template that throws may be fixed by a deploy.
      return {
        outcome: 'failed',
        failure: err instanceof EmailRefusedError ? { error: 'EHEADER', permanent: true } : { error: 'ERENDER', permanent: false },
      };
    }
    try {
      await transport.send(
        {
          outboxId: email.id,
          messageId: email.messageId,
          from: mailFrom,
          to: email.recipient,
          subject: rendered.subject,
          text: rendered.text,
        },
        AbortSignal.timeout(SEND_DEADLINE_MS),
      );
      return { outcome: 'sent' };
    } catch (err) {
      return { outcome: 'failed', failure: describeSendFailure(err) };
    }
  }

  return {
    /**
     * Queues one email; call inside the transaction of the action causing it. Returns its outbox
     * id and Message-ID (generated once, kept across retries). Throws EmailRefusedError for an
     * address that is not one plain address, or for anything that would put a line break or other
     * control character into a header — the template is rendered here once to check its subject
     * with the real parameters, so a partner's name with CR/LF in it cannot add a header.
     * With `coalesce`, an email with the same key still waiting takes this one's place (see
     * domain/outbox.ts, Coalescing): nothing new is queued, and its id is returned.
     */
    enqueue(email: OutgoingEmail, at: Date, coalesce?: { key: string; rule: Coalescing }): { id: number; messageId: string } {
      validate(email);
      let rendered: RenderedEmail;
      try {
        rendered = render(email.template, email.params, email.locale, renderContext);
      } catch (err) {
        throw new EmailRefusedError('invalid_params', `the template did not render: ${(err as Error).message}`);
      }
      checkSubject(rendered);
      if (coalesce) {
        // One email with this key is still waiting: it will carry this cause too, a little later.
        const waiting = outbox.findWaiting(coalesce.key);
        if (waiting) {
          if (waiting.attempts === 0) outbox.postpone(waiting.id, coalescedDueAt(coalesce.rule, waiting.queuedAt, waiting.dueAt, at));
          return { id: waiting.id, messageId: waiting.messageId };
        }
      }
      const messageId = newMessageId(renderContext.baseUrl);
      const id = outbox.insert(
        {
          recipient: email.to,
          recipientKind: email.recipientKind,
          template: email.template,
          params: email.params,
          locale: email.locale,
          messageId,
          ...(coalesce && { coalesceKey: coalesce.key, dueAt: new Date(at.getTime() + coalesce.rule.quietMs) }),
        },
        at,
      );
      return { id, messageId };
    },

    /**
     * Sends up to `limit` due emails, oldest first, and records each outcome: sent only once the
     * server accepted it. Emails are claimed one at a time, just before each is sent, so a sender
     * that dies holds only the email in hand (for CLAIM_LEASE_MS, then it is sent again with the
     * same Message-ID: at least once, never silently zero). `stop` (a shutdown) is checked before
     * each claim: once it is aborted no new send starts, while the send in hand finishes.
     */
    async drain(limit: number, stop: AbortSignal = new AbortController().signal): Promise<DrainResult> {
      const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
      for (let n = 0; n < limit && !stop.aborted; n += 1) {
        const claimedAt = now();
        const [email] = outbox.claimDue(claimedAt, new Date(claimedAt.getTime() + CLAIM_LEASE_MS), 1);
        if (!email) break;
        const done = await attempt(email);
        if (done.outcome === 'sent') {
          outbox.markSent(email.id, now());
          result.sent += 1;
          continue;
        }
        const { failure } = done;
        const outcome = outbox.recordFailure(email.id, failure, now(), maxAttempts);
        if (outcome?.status === 'failed') {
          result.failed += 1;
          log(
            `Outbox: email ${email.id} (${email.template}) failed for good: ${failure.error}. An administrator can retry it at /staff/outbox.`,
          );
        } else if (outcome) {
          result.retried += 1;
          log(
            `Outbox: email ${email.id} (${email.template}) not sent: ${failure.error}; next attempt at ${outcome.nextAttemptAt.toISOString()}.`,
          );
        }
      }
      return result;
    },

    /** /staff/outbox: counts, and pending and failed emails newest first (never their content). */
    overview(
      statuses: OutboxStatus[],
      before: number | null,
    ): { counts: Record<OutboxStatus, number>; entries: OutboxListEntry[]; olderBefore: number | null } {
      const rows = outbox.list(statuses, before, OUTBOX_PAGE_SIZE + 1);
      const entries = rows.slice(0, OUTBOX_PAGE_SIZE);
      return { counts: outbox.counts(), entries, olderBefore: rows.length > OUTBOX_PAGE_SIZE ? entries[entries.length - 1]!.id : null };
    },

    /** An administrator sends a failed email again: pending, due now, recorded in the audit log. */
    retry(actorAccountId: number, id: number): Outcome<object, 'not_found' | 'not_failed'> {
      const at = now();
      return transaction((): Outcome<object, 'not_found' | 'not_failed'> => {
        const result = outbox.retry(id, at);
        if (!result.ok) return refuse(result.problem);
        audit.append(
          {
            actorAccountId,
            action: 'outbox.retried',
            subjectType: 'outbox',
            subjectId: id,
            detail: { template: result.template, attempts: result.previousAttempts },
          },
          at,
        );
        return done();
      });
    },

    /** Every failed email back to pending (after a long outage), each retry recorded. */
    retryAllFailed(actorAccountId: number): number {
      const at = now();
      return transaction(() => {
        let count = 0;
        for (const id of outbox.failedIds()) {
          const result = outbox.retry(id, at);
          if (!result.ok) continue;
          audit.append(
            {
              actorAccountId,
              action: 'outbox.retried',
              subjectType: 'outbox',
              subjectId: id,
              detail: { template: result.template, attempts: result.previousAttempts },
            },
            at,
          );
          count += 1;
        }
        return count;
      });
    },

    counts: () => outbox.counts(),

    /** Where mail goes, for the outbox page. */
    transportDescription: () => transport.description,

    close: () => transport.close(),
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
