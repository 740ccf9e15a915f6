import AxeBuilder from '@axe-core/playwright';
import request from 'supertest';
import { launchBrowser, startApp } from '../helpers/browser';
import { createStaffAccount, unusedCode } from '../helpers/staff';
import { fileReport } from '../helpers/testApp';
jest.setTimeout(120000);
test('scratch', async () => {
  const running = await startApp();
  const triage = await createStaffAccount(running.lentera, { role: 'triage' });
  await fileReport(request.agent(running.lentera.app));
  const ref = running.lentera.db.prepare('SELECT reference FROM reports').pluck().get() as string;
  const browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(running.url('/login'));
  await page.fill('#email', triage.email); await page.fill('#password', triage.password);
  await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  await page.fill('#code', await unusedCode(running.lentera, triage));
  await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  for (const p of ['/staff/queue', `/staff/reports/${ref}`]) {
    await page.goto(running.url(p));
    const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    console.log(p, 'passes', r.passes.length, 'violations', r.violations.length, 'incomplete', r.incomplete.map(i => `${i.id}: ${i.nodes.length} ${i.nodes.slice(0,3).map(n => n.target.join(' ') + ' ' + (n.any[0]?.message ?? '')).join(' | ')}`));
  }
  await page.evaluate(`document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/x.png"><p style="color:#ccc">low</p>')`);
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  console.log('injected violations', r.violations.map(v => v.id));
  await browser.close(); await running.stop();
});
