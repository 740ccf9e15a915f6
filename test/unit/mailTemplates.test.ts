import { renderEmail, MailTemplateError, type TemplateParams } from '../../src/mail/templates';
import { mailTemplates, type MailTemplate } from '../../src/mail/types';
import { locales } from '../../src/i18n';

const context = { orgName: 'LK3 Dinas Sosial Kota Padang', baseUrl: 'https://lentera.padang.go.id' };
const links = {
  receivedLink: 'https://lentera.padang.go.id/ack/1.2.x?answer=received',
  acceptedLink: 'https://lentera.padang.go.id/ack/1.2.x?answer=accepted',
  declinedLink: 'https://lentera.padang.go.id/ack/1.2.x?answer=declined',
  expiresAt: '2026-03-16T03:00:00.000Z',
};

/** One complete set of parameters per template. */
const examples: { [T in MailTemplate]: TemplateParams[T] } = {
  new_urgent_report: { reference: 'LAP-2026-000042', link: 'https://lentera.padang.go.id/staff/reports/LAP-2026-000042' },
  redirect_to_partner: {
    reference: 'LAP-2026-000042',
    partnerName: 'UPTD PPA Kota Padang',
    summary: 'Anak usia 9 tahun, dugaan penelantaran; mohon asesmen.',
    serviceContact: '(0751) 123456',
    ...links,
  },
  redirect_reminder: {
    reference: 'LAP-2026-000042',
    partnerName: 'UPTD PPA Kota Padang',
    sentAt: '2026-03-02T03:00:00.000Z',
    serviceContact: '(0751) 123456',
    ...links,
  },
  case_referral_to_partner: {
    caseNumber: 'LK3/2026/0007',
    partnerName: 'Puspaga Kota Padang',
    summary: 'Keluarga dengan dua anak; konflik orang tua berulang. Keluarga setuju dirujuk.',
    request: 'Mohon konseling keluarga dan kabari kami hasilnya.',
    serviceContact: '(0751) 123456',
    ...links,
  },
  case_referral_reminder: {
    caseNumber: 'LK3/2026/0007',
    partnerName: 'Puspaga Kota Padang',
    sentAt: '2026-03-02T03:00:00.000Z',
    serviceContact: '(0751) 123456',
    ...links,
  },
  referral_decided: {
    name: 'Lina BK',
    reference: 'LAP-2026-000042',
    departmentReference: 'SMPN1/BK/7',
    outcome: 'accepted',
    link: 'https://lentera.padang.go.id/department/referrals/LAP-2026-000042',
  },
  reporter_update: {},
  staff_invitation: {
    name: 'Tari',
    role: 'triage',
    link: 'https://lentera.padang.go.id/invite/abc',
    expiresAt: '2026-03-05T03:00:00.000Z',
  },
  totp_reset: { name: 'Tari' },
  account_approval_requested: {
    name: 'Sari',
    requester: 'Ani Admin',
    invitee: 'Budi',
    inviteeEmail: 'budi@lk3.test',
    role: 'supervisor',
    link: 'https://lentera.padang.go.id/staff/approvals',
  },
  content_role_granted: {
    name: 'Sari',
    invitee: 'Budi',
    inviteeEmail: 'budi@lk3.test',
    role: 'caseworker',
    grantedBy: 'Sari',
    via: 'approval',
  },
};

const render = <T extends MailTemplate>(template: T, params: Record<string, string>, locale: 'id' | 'en' = 'id') =>
  renderEmail(template, params, locale, context);

describe('email templates', () => {
  it.each(locales.flatMap((l) => mailTemplates.map((t) => [t, l] as const)))(
    '%s renders in %s: a subject on one line, every placeholder filled',
    (template, locale) => {
      const email = render(template, examples[template] as Record<string, string>, locale);
      expect(email.subject.trim()).not.toBe('');
      expect(email.subject).not.toMatch(/[\r\n]/);
      expect(`${email.subject}\n${email.text}`).not.toMatch(/\{\w+\}/);
      expect(email.text).toContain(context.orgName);
      expect(email.text.endsWith('\n')).toBe(true);
    },
  );

  it('write Indonesian and English differently, from the locale files', () => {
    const id = render('redirect_to_partner', examples.redirect_to_partner);
    const en = render('redirect_to_partner', examples.redirect_to_partner, 'en');
    expect(id.subject).toBe('Pengalihan laporan dari LK3 Dinas Sosial Kota Padang: LAP-2026-000042');
    expect(en.subject).toBe('Report redirected by LK3 Dinas Sosial Kota Padang: LAP-2026-000042');
    expect(id.text).toContain('Yth. Bapak/Ibu di UPTD PPA Kota Padang');
    expect(en.text).toContain('Dear colleagues at UPTD PPA Kota Padang');
  });

  it('put the summary, the three answer links, the expiry and the service contact in the partner email', () => {
    const { text } = render('redirect_to_partner', examples.redirect_to_partner);
    for (const value of [examples.redirect_to_partner.summary, links.receivedLink, links.acceptedLink, links.declinedLink, '(0751) 123456'])
      expect(text).toContain(value);
    expect(text).toContain('16 Maret 2026');
  });

  it('leave the summary out of the reminder', () => {
    const { text } = render('redirect_reminder', { ...examples.redirect_reminder, summary: 'RAHASIA' } as Record<string, string>);
    expect(text).not.toContain('RAHASIA');
    expect(text).toContain(links.acceptedLink);
    expect(text).toContain('2 Maret 2026');
  });

  it('name a referral outcome and a role in plain words, in the email language', () => {
    expect(render('referral_decided', examples.referral_decided).text).toContain('Hasil: Ditangani pekerja sosial');
    expect(render('referral_decided', { ...examples.referral_decided, outcome: 'redirected' }, 'en').text).toContain(
      'Outcome: Passed on to another institution',
    );
    expect(render('staff_invitation', examples.staff_invitation).text).toContain('sebagai Petugas triase');
  });

  it('tell every supervisor who asks for which account and role, and where to decide; and who granted a role, or that the shell did', () => {
    const asked = render('account_approval_requested', examples.account_approval_requested).text;
    for (const value of ['Ani Admin', 'Budi', 'budi@lk3.test', 'Peran: Koordinator', 'https://lentera.padang.go.id/staff/approvals'])
      expect(asked).toContain(value);
    expect(render('content_role_granted', examples.content_role_granted).text).toContain('Diberikan oleh: Sari');
    const shell = render('content_role_granted', { ...examples.content_role_granted, grantedBy: '', via: 'cli' }, 'en').text;
    expect(shell).toContain('Granted by: the npm run user command on the server');
    expect(() => render('content_role_granted', { ...examples.content_role_granted, via: 'magic' })).toThrow(MailTemplateError);
  });

  it('tell a reporter only to look with their receipt, with the status link', () => {
    const { subject, text } = render('reporter_update', {});
    expect(text).toContain('https://lentera.padang.go.id/status');
    expect(`${subject} ${text}`).not.toMatch(/laporan/i);
  });

  it('send a person whose second factor was reset to the login page', () => {
    expect(render('totp_reset', examples.totp_reset).text).toContain('https://lentera.padang.go.id/login');
  });

  it('refuse a missing or malformed parameter rather than send half an email', () => {
    expect(() => render('new_urgent_report', { reference: 'LAP-2026-000042' })).toThrow(MailTemplateError);
    expect(() => render('referral_decided', { ...examples.referral_decided, outcome: 'maybe' })).toThrow(MailTemplateError);
    expect(() => render('staff_invitation', { ...examples.staff_invitation, role: 'root' })).toThrow(MailTemplateError);
    expect(() => render('staff_invitation', { ...examples.staff_invitation, expiresAt: 'soon' })).toThrow(MailTemplateError);
    expect(() => render('no_such' as MailTemplate, {})).toThrow(MailTemplateError);
  });

  it('use only the parameters a template names, and never read a value as a placeholder', () => {
    const { text } = render('new_urgent_report', { reference: '{link}', link: 'https://x.test/r', narrative: 'Cerita rahasia' });
    expect(text).toContain('Nomor laporan: {link}');
    expect(text).not.toContain('Cerita rahasia');
  });

  it('keep line breaks and other control characters out of the subject', () => {
    const { subject } = render('new_urgent_report', { reference: 'LAP-1\r\nBcc: x@y.test\u0008\u2028', link: 'https://x.test' });
    expect(subject).toBe('[Lentera] Laporan mendesak baru: LAP-1 Bcc: x@y.test');
  });
});
