import fs from 'node:fs';
import exifr from 'exifr';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { axeChecker, signInWithPassword, submitAndWait, useApp, useBrowser, type AxeChecker } from '../helpers/browser';
import { createStaffAccount } from '../helpers/staff';
import { htmlNamedJpg, jpegWithGps } from '../helpers/attachmentFiles';

/**
 * Attachments in a real browser (Chromium): a resident attaches a photo to the public form, with
 * JavaScript and without (a plain multipart form); a refused file brings the form back with
 * everything she typed and asks her to choose her files again; triage downloads the photo from the
 * report page and it carries no GPS position. Axe checks the form in each state.
 */

jest.setTimeout(90_000);

const pages = useBrowser();
const running = useApp(() => ({ REQUIRE_2FA: 'false' }));
const url = (p: string) => running.url(p);

const story = {
  narrative: 'Anak tetangga sering ditinggal sendirian berhari-hari, saya lampirkan fotonya.',
  location: 'Gang Kenanga, rumah cat hijau',
};

async function fillReport(page: Page): Promise<void> {
  await page.check('#category-neglect');
  await page.check('#affected_groups-child');
  await page.fill('#narrative', story.narrative);
  await page.selectOption('#kecamatan', '13.71.01');
  await page.selectOption('#kelurahan', '13.71.01.1001');
  await page.fill('#location_detail', story.location);
  await page.check('#urgency-normal');
  await page.selectOption('#relation', 'neighbour');
  await page.check('#wants_contact-no');
}

/**
 * Axe needs JavaScript in the page; without it, the page as the browser shows it is copied into a
 * page that runs axe but not site.js (as publicForms.test.ts does).
 */
function axeFor(page: Page, javaScriptEnabled: boolean): { check(name: string): Promise<void>; assertClean(): void } {
  if (javaScriptEnabled) return axeChecker(page, 'id');
  let mirror: Page | undefined;
  let axe: AxeChecker | undefined;
  return {
    async check(name) {
      const origin = new URL(page.url()).origin;
      if (!mirror) {
        mirror = (await pages.open(origin)).page;
        await mirror.context().route('**/js/site.js', (route) => route.abort());
        axe = axeChecker(mirror, 'id');
      }
      await mirror.goto(`${origin}/privacy`);
      await mirror.setContent(await page.content(), { waitUntil: 'load' });
      await axe!.check(name);
    },
    assertClean: () => axe?.assertClean(),
  };
}

const lastReference = () =>
  running.lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined;

describe.each([
  { name: 'JavaScript on', javaScriptEnabled: true },
  { name: 'JavaScript off', javaScriptEnabled: false },
])('the public form with attachments, $name', ({ javaScriptEnabled }) => {
  it('refuses an HTML file named .jpg keeping what was typed, then files the report with a photo that triage downloads without its GPS position', async () => {
    const { page } = await pages.open(running.baseUrl, { javaScriptEnabled });
    const axe = axeFor(page, javaScriptEnabled);
    await page.goto(url('/report'));
    await axe.check('the form');
    await fillReport(page);
    await page.setInputFiles('#attachments', { name: 'foto.jpg', mimeType: 'image/jpeg', buffer: htmlNamedJpg });
    expect(await submitAndWait(page, 'form#report-form button[type=submit].button')).toBe(400);

    // Everything typed is there; the summary links to the file field and asks for the files again.
    expect(await page.inputValue('#narrative')).toBe(story.narrative);
    expect(await page.inputValue('#location_detail')).toBe(story.location);
    expect(await page.isChecked('#category-neglect')).toBe(true);
    expect(await page.inputValue('#kelurahan')).toBe('13.71.01.1001');
    const summaryLink = page.locator('.error-summary a[href="#attachments"]');
    expect(await summaryLink.textContent()).toContain('pilih lagi berkas Anda');
    expect(await page.getAttribute('#attachments', 'aria-invalid')).toBe('true');
    await axe.check('the form with a refused file');

    const before = lastReference();
    await page.setInputFiles('#attachments', { name: 'foto-rumah.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps() });
    expect(await submitAndWait(page, 'form#report-form button[type=submit].button')).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/report/receipt');
    const reference = lastReference();
    expect(reference).toBeDefined();
    expect(reference).not.toBe(before);
    axe.assertClean();

    // Triage opens the report and downloads the photo.
    const triage = await createStaffAccount(running.lentera, { role: 'triage' });
    const staff = await pages.open(running.baseUrl, { acceptDownloads: true });
    await signInWithPassword(staff.page, url('/login'), triage);
    await staff.page.goto(url(`/staff/reports/${reference}`));
    if (javaScriptEnabled) {
      const staffAxe = axeChecker(staff.page, 'id');
      await staffAxe.check('the report page with its attachments');
      staffAxe.assertClean();
    }
    const link = staff.page.locator('a', { hasText: 'foto-rumah.jpg' });
    const [download] = await Promise.all([staff.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('foto-rumah.jpg');
    const bytes = fs.readFileSync((await download.path())!);
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
    expect(await exifr.gps(bytes)).toBeUndefined();
    const viewed = running.lentera.db
      .prepare("SELECT count(*) FROM audit_events WHERE action = 'attachment.viewed' AND actor_account_id = ? AND subject_id = ?")
      .pluck()
      .get(triage.id, reference);
    expect(viewed).toBe(1);
  });
});
