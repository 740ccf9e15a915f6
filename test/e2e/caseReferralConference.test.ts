import { axeChecker, expectNoThirdPartyRequests, signInWithPassword, submitAndWait, useApp, useBrowser } from '../helpers/browser';
import { createStaffAccount, signedInAgent, type StaffAccount } from '../helpers/staff';
import { lastOutboxId, outboxEmails, readable } from '../helpers/outbox';
import { reportAcceptedAsNewCase } from '../helpers/cases';

/**
 * The working file of a case in a real browser (issue 13, parts 5 and 6): the caseworker refers the
 * family out with its consent; the partner opens the link from the email in a browser of their own
 * and accepts; a supervisor records a case conference and opens its printable minutes. Every page
 * passes axe (WCAG 2.2 AA), in both languages.
 */

jest.setTimeout(120_000);

const pages = useBrowser();
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
let supervisor: StaffAccount;
let worker: StaffAccount;
let partnerId: number;

const SUMMARY = 'Ibu dan dua anak; ayah berulang kali memukul ibu. Keluarga butuh pendampingan hukum.';
const REQUEST = 'Mohon pendampingan hukum dan asesmen rumah aman.';
const DECISIONS = 'UPTD PPA mendampingi proses hukum; LK3 melanjutkan konseling keluarga.';

/** A new case for the caseworker, accepted by triage; returns its slug. */
async function newCase(): Promise<{ slug: string; number: string }> {
  const lentera = running.lentera;
  const triage = await createStaffAccount(lentera, { role: 'triage' });
  const { slug, number } = await reportAcceptedAsNewCase(lentera, await signedInAgent(lentera, triage), worker.id, { risk: 'high' });
  return { slug, number };
}

beforeAll(async () => {
  const lentera = running.lentera;
  supervisor = await createStaffAccount(lentera, { role: 'supervisor', name: 'Sari Koordinator' });
  worker = await createStaffAccount(lentera, { role: 'caseworker', name: 'Wulan Peksos' });
  const at = new Date().toISOString();
  partnerId = Number(
    lentera.db
      .prepare(
        "INSERT INTO partners (name, type, phone, email, created_at, updated_at) VALUES ('UPTD PPA Kota Padang', 'uptd_ppa', '0751-123456', 'uptdppa@padang.test', ?, ?)",
      )
      .run(at, at).lastInsertRowid,
  );
});

describe('the working file: a referral out and a case conference', () => {
  for (const lang of ['id', 'en'] as const) {
    test(`refer out, the partner accepts from the link, record a conference and print its minutes (${lang})`, async () => {
      const { slug, number } = await newCase();
      const lentera = running.lentera;

      // The caseworker refers the family out.
      const worked = await pages.open(running.baseUrl);
      const page = worked.page;
      const axe = axeChecker(page, lang);
      await page.goto(running.url(`/?lang=${lang}`));
      await signInWithPassword(page, running.url('/login'), worker);
      await page.goto(running.url(`/staff/cases/${slug}`));
      await axe.check('case page with the referrals and conferences sections');
      expect(await submitAndWait(page, `a[href="/staff/cases/${slug}/referrals/new"]`)).toBe(200);
      await axe.check('referral form');
      // Without consent: refused, with the error summary.
      await page.selectOption('#referral-partner', String(partnerId));
      await page.fill('#referral-summary', SUMMARY);
      expect(await submitAndWait(page, `main form[action="/staff/cases/${slug}/referrals"] button[type=submit]`)).toBe(400);
      await page.locator('.error-summary a[href="#referral-consent"]').waitFor();
      await axe.check('referral form refused without consent');
      expect(await page.inputValue('#referral-summary')).toBe(SUMMARY);
      await page.check('#referral-consent');
      await page.fill('#referral-consent_by', 'Ibu Sari, ibu kandung');
      await page.selectOption('#referral-consent_method', 'verbal');
      await page.fill('#referral-request', REQUEST);
      const before = lastOutboxId(lentera);
      expect(await submitAndWait(page, `main form[action="/staff/cases/${slug}/referrals"] button[type=submit]`)).toBe(200);
      expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/staff/cases/${slug}/referrals/\\d+$`));
      await page.locator('.notice').waitFor();
      await axe.check('referral page');

      // The partner opens the link from the email in a browser of their own, and accepts.
      const email = outboxEmails(lentera, before).find((e) => e.template === 'case_referral_to_partner')!;
      const link = /https?:\/\/\S+\?answer=accepted/.exec(readable(lentera, email))![0];
      const partner = await pages.open(running.baseUrl);
      const partnerAxe = axeChecker(partner.page, lang);
      await partner.page.goto(`${link}&lang=${lang}`);
      expect(await partner.page.locator('main').textContent()).toContain(SUMMARY);
      expect(await partner.page.locator('main').textContent()).toContain(number);
      await partnerAxe.check("the partner's page");
      await partner.page.click('#answer-accepted');
      await partner.page.locator('.notice').waitFor();
      await partnerAxe.check("the partner's page, answered");
      expect(lentera.db.prepare('SELECT ack_status FROM case_referrals ORDER BY id DESC LIMIT 1').pluck().get()).toBe('accepted');

      // The case shows the partner's answer.
      await page.goto(running.url(`/staff/cases/${slug}`));
      expect(await page.locator('[data-section="referrals-out"] [data-ack]').first().getAttribute('data-ack')).toBe('accepted');

      // A supervisor records a conference and opens its printable minutes.
      const chaired = await pages.open(running.baseUrl);
      const sp = chaired.page;
      const supervisorAxe = axeChecker(sp, lang);
      await sp.goto(running.url(`/?lang=${lang}`));
      await signInWithPassword(sp, running.url('/login'), supervisor);
      await sp.goto(running.url(`/staff/cases/${slug}`));
      expect(await submitAndWait(sp, `a[href="/staff/cases/${slug}/conferences/new"]`)).toBe(200);
      await supervisorAxe.check('conference form');
      expect(await submitAndWait(sp, `main form[action="/staff/cases/${slug}/conferences"] button[type=submit]`)).toBe(400);
      await supervisorAxe.check('conference form with errors');
      await sp.check(`#conference-staff-${worker.id}`);
      await sp.check(`#conference-partners-${partnerId}`);
      await sp.fill('#conference-decisions', DECISIONS);
      await sp.fill('#conference-next_steps', 'Kunjungan rumah minggu depan.');
      expect(await submitAndWait(sp, `main form[action="/staff/cases/${slug}/conferences"] button[type=submit]`)).toBe(200);
      expect(await sp.locator('main').textContent()).toContain(DECISIONS);
      await supervisorAxe.check('conference minutes');
      expect(await submitAndWait(sp, 'main a[href$="/print"]')).toBe(200);
      for (const selector of ['nav', '.staff-nav', 'button', 'form', '[data-quick-exit]', 'script']) {
        expect(`${selector}: ${await sp.locator(selector).count()}`).toBe(`${selector}: 0`);
      }
      expect(await sp.locator('[data-print-footer]').textContent()).toContain(supervisor.name);
      await supervisorAxe.check('printable minutes');
      await sp.emulateMedia({ media: 'print' });
      expect(await sp.getByText(DECISIONS).first().isVisible()).toBe(true);
      const pdf = await sp.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

      axe.assertClean();
      partnerAxe.assertClean();
      supervisorAxe.assertClean();
      expectNoThirdPartyRequests(worked.log);
      expectNoThirdPartyRequests(partner.log);
      expectNoThirdPartyRequests(chaired.log);
    });
  }
});
