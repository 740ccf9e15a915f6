import { createFieldCipher } from '../../src/data/fieldCipher';
import { renderEmail } from '../../src/mail/templates';
import type { MailTemplate, RecipientKind, RenderedEmail } from '../../src/mail/types';
import type { Locale } from '../../src/i18n';
import type { Lentera } from '../../src/bootstrap';
import { TEST_DATA_KEY } from './testApp';

/** An outbox row as a test reads it: decrypted, as the worker would send it. */
export interface StoredEmail {
  id: number;
  to: string;
  recipientKind: RecipientKind;
  template: MailTemplate;
  params: Record<string, string>;
  locale: Locale;
  status: string;
}

interface Row {
  id: number;
  recipient_enc: string;
  recipient_kind: RecipientKind;
  template: MailTemplate;
  params_enc: string;
  locale: Locale;
  message_id: string;
  status: string;
}

const cipher = createFieldCipher(Buffer.from(TEST_DATA_KEY, 'hex'));

/**
 * The emails in the outbox with an id above `afterId`, oldest first, decrypted with the test key
 * (the contexts are those of src/data/outboxRepository.ts: a change there fails these tests loudly).
 */
export function outboxEmails(lentera: Lentera, afterId = 0): StoredEmail[] {
  const rows = lentera.db.prepare('SELECT * FROM outbox WHERE id > ? ORDER BY id').all(afterId) as Row[];
  return rows.map((r) => ({
    id: r.id,
    to: cipher.decrypt(r.recipient_enc, `outbox.recipient:${r.message_id}`),
    recipientKind: r.recipient_kind,
    template: r.template,
    params: JSON.parse(cipher.decrypt(r.params_enc, `outbox.params:${r.message_id}`)) as Record<string, string>,
    locale: r.locale,
    status: r.status,
  }));
}

/** The id of the newest outbox row (0 when empty), to read only what an action adds. */
export function lastOutboxId(lentera: Lentera): number {
  return (lentera.db.prepare('SELECT coalesce(max(id), 0) FROM outbox').pluck().get() as number) ?? 0;
}

/** The email as its recipient will read it. */
export function rendered(lentera: Lentera, email: StoredEmail): RenderedEmail {
  return renderEmail(email.template, email.params, email.locale, { orgName: lentera.config.orgName, baseUrl: lentera.config.baseUrl });
}

/** Subject and body together, for "contains / does not contain" checks. */
export function readable(lentera: Lentera, email: StoredEmail): string {
  const { subject, text } = rendered(lentera, email);
  return `${subject}\n${text}`;
}
