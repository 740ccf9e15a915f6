import { isEmailAddress, normalizeEmail } from '../../src/domain/email';
import { emailField } from '../../src/validation/accountFields';
import { parsePartnerForm, partnerFormValues } from '../../src/routes/staff/partnerForm';
import { parseReportForm, reportFormValues } from '../../src/routes/public/reportForm';
import { createOutboxService, EmailRefusedError, type OutboxServiceDeps } from '../../src/services/outboxService';
import { loadAreaDirectory } from '../../src/data/areaReference';
import { loadConfig } from '../../src/config';
import { partnerTypes } from '../../src/domain/partners';

const areas = loadAreaDirectory(loadConfig({}).areasCsv);

/** Addresses on both sides of the rule, each shorter than every form's limit. */
const good = [
  'petugas@dinsos.padang.go.id',
  'triase@localhost',
  "o'neil+lk3@example.org",
  'a.b-c@sub-domain.example.co.id',
  'a!b#c{d}@example.org',
  'UPPER@EXAMPLE.ORG',
  `${'a'.repeat(64)}@example.org`,
  `x@${'d'.repeat(63)}.org`,
];
const bad = [
  'budi@gmail',
  'budi@foo-.com',
  'budi@-example.org',
  `${'a'.repeat(65)}@example.org`,
  `x@${'d'.repeat(64)}.org`,
  'x@example.c',
  'x@10.0.0.1',
  '"budi"@example.org',
  'budi@@example.org',
  '.budi@example.org',
  'budi.@example.org',
  'bu..di@example.org',
  'budi@exa mple.org',
  'Budi <budi@example.org>',
  'budi@example.org (Budi)',
  'a@b.co, x@evil.test',
  'a@b.co;x@evil.test',
  'a@b.co\r\nBcc: x@evil.test',
  'budi@example.org\u2028',
  'budi',
  'nama@',
];

describe('the email rule', () => {
  it.each(good)('takes %s', (a) => {
    expect(isEmailAddress(a)).toBe(true);
  });

  it.each([...bad, ' budi@example.org', 'budi@example.org\u0000', '', `${'a'.repeat(64)}@${'d.'.repeat(95)}org`])('refuses %j', (a) => {
    expect(isEmailAddress(a)).toBe(false);
  });

  it('compares addresses in lower case, without surrounding space', () => {
    expect(normalizeEmail('  Rina.W@Example.ORG ')).toBe('rina.w@example.org');
  });
});

/**
 * What the forms take and what sending takes are the same addresses: an address a form stores is
 * never dropped when the email goes out, and an address sending would drop is refused where it is
 * typed, with a message, while the person can still correct it.
 */
describe('forms and sending agree', () => {
  const queued: string[] = [];
  const outbox = createOutboxService({
    transaction: <T>(work: () => T) => work(),
    outbox: { findWaiting: () => undefined, insert: (row: { recipient: string }) => (queued.push(row.recipient), queued.length) },
    audit: { record: () => undefined },
    transport: {},
    render: () => ({ subject: 'Kabar', text: 'Ada kabar.' }),
    renderContext: { orgName: 'LK3', baseUrl: 'https://lentera.test' },
    mailFrom: 'Lentera <no-reply@lentera.test>',
    maxAttempts: 8,
    now: () => new Date('2026-03-15T03:00:00Z'),
    log: () => undefined,
  } as unknown as OutboxServiceDeps);

  function sendingTakes(address: string): boolean {
    try {
      outbox.enqueue(
        { to: address, recipientKind: 'reporter', template: 'reporter_update', params: {}, locale: 'id' },
        new Date('2026-03-15T03:00:00Z'),
      );
      return true;
    } catch (err) {
      if (err instanceof EmailRefusedError) return false;
      throw err;
    }
  }

  const accountFormTakes = (a: string) => emailField.safeParse(a).success;
  const partnerFormTakes = (a: string) => {
    const result = parsePartnerForm(partnerFormValues({ name: 'Lembaga Bantuan', type: partnerTypes[0], email: a }), areas);
    return result.ok || !result.issues.some((i) => i.path[0] === 'email');
  };
  const reportFormTakes = (a: string) => {
    const values = reportFormValues({ wants_contact: 'yes', contact_email: a, contact_channel: 'email', contact_leave_message: 'no' });
    const result = parseReportForm(values, areas);
    return result.ok || !result.issues.some((i) => i.path[0] === 'contact_email');
  };

  it.each([...good.map((a) => [a, true] as const), ...bad.map((a) => [a, false] as const)])(
    '%j: every form and sending say %s',
    (a, taken) => {
      expect({
        account: accountFormTakes(a),
        partner: partnerFormTakes(a),
        report: reportFormTakes(a),
        sending: sendingTakes(a),
      }).toEqual({ account: taken, partner: taken, report: taken, sending: taken });
    },
  );

  it('queues every address it takes as it is', () => {
    expect(queued).toEqual(good);
  });
});
