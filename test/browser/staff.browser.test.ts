/**
 * Staff in a real browser without JavaScript (Debian's Chromium via playwright-core): a moderator
 * signs in, sets up two-factor sign-in from the enrolment page, reaches the review queue, signs out,
 * and next time types the code; an admin whose code went stale while editing the policy types a
 * fresh one and keeps the text. Skipped when /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.ts';
import { createStaffAccount, freshTotpCode, totpSecretOf } from '../helpers/staff-sign-in.ts';
import { CHROMIUM, STEP_TIMEOUT } from './browser-env.ts';
import { staffPage, startBrowserApp, type BrowserApp } from './harness.ts';
import { signInAsStaffInBrowser } from './staff-sign-in.browser.ts';

describe.skipIf(!existsSync(CHROMIUM))('staff sign-in in a real browser, without JavaScript', () => {
  let h: BrowserApp;
  let t: TestApp;
  let page: Page;

  beforeAll(async () => {
    h = await startBrowserApp('staff');
    t = h.t;
    page = await h.newPage();
  }, STEP_TIMEOUT);

  afterAll(async () => h?.close(), STEP_TIMEOUT);

  it(
    'enrols with the QR page, reaches the queue, and types the code at the next sign-in',
    async () => {
      const id = await createStaffAccount(t, 'browser-mod@example.com', 'moderator');
      await page.goto('/staff/queue');
      expect(await page.locator('h1').innerText()).toBe('Page not found'); // signed out: the ordinary 404

      const first = await signInAsStaffInBrowser(page, t, 'browser-mod@example.com', id);
      expect(first.recoveryCodes).toHaveLength(10);
      await expect.poll(() => page.locator('h1').first().innerText()).toContain('Review queue');

      await page.goto('/account');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/signin?done=signed-out');

      t.clock.now = new Date(t.clock.now.getTime() + 60_000);
      const second = await signInAsStaffInBrowser(page, t, 'browser-mod@example.com', id, '/staff/metrics');
      expect(second.secret).toBe(first.secret);
      expect(second.recoveryCodes).toEqual([]);
      expect(await page.locator('h1').first().innerText()).toContain('Moderation metrics');
    },
    STEP_TIMEOUT,
  );

  it(
    'an admin adds a moderator by e-mail, changes the role and resets their two-factor sign-in',
    async () => {
      t.clock.now = new Date(t.clock.now.getTime() + 60_000);
      const { page: admin } = await staffPage(h, 'browser-admin@example.com', 'admin', '/staff/admin/staff');

      await admin.getByLabel('E-mail').fill('not an address');
      await admin.getByRole('button', { name: 'Add to staff' }).click();
      expect(await admin.locator('#add-email-error').innerText()).toContain('valid e-mail address');
      expect(await admin.getByLabel('E-mail').inputValue()).toBe('not an address');
      await admin.getByLabel('E-mail').fill('browser-new@example.com');
      await admin.locator('#add-role').selectOption('senior_moderator');
      await admin.getByRole('button', { name: 'Add to staff' }).click();
      expect(await admin.locator('#flash').innerText()).toContain('mailed a link to choose a password');
      const row = admin.locator('tr[data-member="browser-new@example.com"]');
      expect(await row.locator('select').inputValue()).toBe('senior_moderator');
      await row.locator('select').selectOption('moderator');
      await row.getByRole('button', { name: 'Change role' }).click();
      expect(await admin.locator('#flash').innerText()).toContain('Role changed');

      // The moderator from the first test lost their phone.
      const mod = admin.locator('tr[data-member="browser-mod@example.com"]');
      expect(await mod.locator('.two-factor').innerText()).toContain('on since');
      await mod.getByRole('button', { name: /Reset two-factor/ }).click();
      expect(await admin.locator('#flash').innerText()).toContain('Two-factor sign-in reset');
      expect(await admin.locator('tr[data-member="browser-mod@example.com"] .two-factor').innerText()).toContain('not set up yet');
      // Their open session must pass the step again, with a new enrolment.
      await page.goto('/staff/queue');
      await page.waitForURL('**/account/two-factor?next=%2Fstaff%2Fqueue');
      expect(await page.locator('#totp-secret').count()).toBe(1);
      await admin.context().close();
    },
    STEP_TIMEOUT,
  );

  it(
    'an admin whose code went stale while editing the policy types a fresh code and keeps the edited text',
    async () => {
      t.clock.now = new Date(t.clock.now.getTime() + 60_000);
      const { page: admin, id: adminId } = await staffPage(h, 'browser-policy-admin@example.com', 'admin', '/staff/admin/policy');
      const current = (await admin.locator('#source').inputValue()).replace(/\r\n/g, '\n');
      const edited = `${current.replace(/^version: .*$/m, 'version: "2026.browser-1"').trimEnd()}\n# edited over a long lunch: "quotes" & <angles>\n`;
      expect(edited).toContain('version: "2026.browser-1"');
      await admin.locator('#source').fill(edited);

      t.clock.advanceHours(13);
      await admin.getByRole('button', { name: 'Preview on live ads' }).click();
      expect(await admin.locator('h1').first().innerText()).toBe('Confirm with your two-factor code');
      await admin.getByLabel('Code', { exact: true }).fill(await freshTotpCode(t, adminId, (await totpSecretOf(t, adminId))!));
      await admin.getByRole('button', { name: 'Confirm' }).click();
      expect((await admin.locator('#source').inputValue()).replace(/\r\n/g, '\n')).toBe(edited);
      await admin.getByRole('button', { name: 'Save as the new policy' }).click();
      await admin.waitForURL('**/staff/admin/policy?done=saved');
      expect((await t.ctx.policies.current()).info.yaml).toBe(edited);
      await admin.context().close();
    },
    STEP_TIMEOUT,
  );
});
