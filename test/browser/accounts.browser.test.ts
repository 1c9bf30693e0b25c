/**
 * Accounts in a real browser without JavaScript (Debian's Chromium via playwright-core): sign up,
 * confirm from the mail in the outbox, sign in, post an ad with no confirmation mail, see it under
 * My ads, end a session from another browser, delete the account.
 * Skipped when /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, STEP_TIMEOUT } from './browser-env.ts';
import { postSignedInAd, startBrowserApp, type BrowserApp } from './harness.ts';

const EMAIL = 'member@example.com';
const PASSWORD = 'a long and happy passphrase';

describe.skipIf(!existsSync(CHROMIUM))('an account holder in a real browser, without JavaScript', () => {
  let h: BrowserApp;
  let page: Page;

  /** The texts of the mails to `to`, oldest first. */
  const mails = (to: string): string[] => h.mailsTo(to).map((m) => m.text);
  const linkInMail = (to: string, pathPrefix: string) => h.linkInMail(to, pathPrefix);

  beforeAll(async () => {
    h = await startBrowserApp('accounts');
    page = await h.newPage();
  }, STEP_TIMEOUT);

  afterAll(async () => h?.close(), STEP_TIMEOUT);

  it(
    'signs up, confirms from the outbox, signs out and in again',
    async () => {
      await page.goto('/');
      await page.locator('header.site').getByRole('link', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByLabel('E-mail').fill(EMAIL);
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Create the account' }).click();
      expect(await page.locator('#password-error').innerText()).toContain('at least 10 characters');
      expect(await page.getByLabel('E-mail').inputValue()).toBe(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create the account' }).click();
      await page.waitForURL('**/signup/sent');

      await page.goto(await linkInMail(EMAIL, '/account/confirm/'));
      await page.getByRole('button', { name: 'Confirm and sign in' }).click();
      await page.waitForURL('**/account?done=confirmed');
      expect(await page.locator('#account-email').innerText()).toBe(EMAIL);
      expect(await page.locator('header.site').getByRole('link', { name: 'My account' }).count()).toBe(1);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/signin?done=signed-out');
      await page.getByLabel('E-mail', { exact: true }).fill(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL('**/account');
    },
    STEP_TIMEOUT,
  );

  it(
    'posts an ad without the confirmation mail and sees it in My ads',
    async () => {
      const before = mails(EMAIL).length;
      await page.locator('header.site').getByRole('link', { name: 'Post an ad' }).click();
      expect(await page.locator('#posting-as').innerText()).toContain(EMAIL);
      await postSignedInAd(page, { title: 'Pine bookshelf, six shelves', category: 'furniture', price: '60', body: 'Solid pine bookshelf, 180 cm tall, six shelves, some scratches. Pick up only.' });
      expect(await page.locator('#my-ads').innerText()).toContain('Pine bookshelf, six shelves');
      expect(mails(EMAIL).slice(before).some((m) => m.includes('/confirm/'))).toBe(false);
      await page.locator('#my-ads').getByRole('link', { name: 'Edit' }).click();
      expect(await page.locator('#ad-state').innerText()).toBe('Live');
    },
    STEP_TIMEOUT,
  );

  it(
    'ends the session of another browser',
    async () => {
      const other = await h.browser.newContext({ javaScriptEnabled: false, baseURL: h.origin, userAgent: 'Mozilla/5.0 (Windows NT 10.0) Firefox/128.0' });
      try {
        const p = await other.newPage();
        await p.goto('/signin');
        await p.getByLabel('E-mail', { exact: true }).fill(EMAIL);
        await p.getByLabel('Password').fill(PASSWORD);
        await p.getByRole('button', { name: 'Sign in', exact: true }).click();
        await p.waitForURL('**/account');

        await page.goto('/account');
        const row = page.locator('#sessions tr', { hasText: 'Firefox on Windows' });
        await row.getByRole('button', { name: 'End this session' }).click();
        await page.waitForURL('**/account?done=session-ended');
        expect(await page.locator('#sessions').innerText()).not.toContain('Firefox on Windows');

        await p.goto('/account');
        expect(new URL(p.url()).pathname).toBe('/signin');
      } finally {
        await other.close();
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'deletes the account and says what is kept',
    async () => {
      await page.goto('/account');
      await page.getByRole('link', { name: 'Delete your account and take down your ads' }).click();
      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByLabel('Yes, delete my account').check();
      await page.getByRole('button', { name: 'Delete my account' }).click();
      expect(await page.locator('h1').innerText()).toBe('Your account is deleted');
      expect(await page.locator('main').innerText()).toContain('kept for 180 days');
      await page.goto('/account');
      expect(new URL(page.url()).pathname).toBe('/signin');
    },
    STEP_TIMEOUT,
  );
});
