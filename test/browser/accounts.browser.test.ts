/**
 * Accounts in a real browser without JavaScript (Debian's Chromium via playwright-core): sign up,
 * confirm from the mail in the outbox, sign in, post an ad with no confirmation mail, see it under
 * My ads, end a session from another browser, delete the account.
 * Skipped when /usr/bin/chromium is absent.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMailer } from '../../src/mail/mailer.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { CHROMIUM, emlText, LAUNCH_ARGS, STEP_TIMEOUT } from './browser-env.ts';

const EMAIL = 'member@example.com';
const PASSWORD = 'a long and happy passphrase';

describe.skipIf(!existsSync(CHROMIUM))('an account holder in a real browser, without JavaScript', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let origin: string;

  function mails(to: string): string[] {
    const outbox = path.join(dir, 'outbox');
    if (!existsSync(outbox)) return [];
    return readdirSync(outbox)
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .map((f) => emlText(readFileSync(path.join(outbox, f), 'utf8')))
      .filter(({ headers }) => new RegExp(`^to:.*${to.replace(/[.@]/g, '\\$&')}`, 'im').test(headers))
      .map((m) => m.text);
  }

  async function linkInMail(to: string, pathPrefix: string): Promise<string> {
    let url: string | undefined;
    await expect
      .poll(() => (url = mails(to).reverse().map((text) => new RegExp(`http://localhost:3000(${pathPrefix}\\S+)`).exec(text)?.[1]).find(Boolean)), { timeout: 10_000 })
      .toBeTruthy();
    return `${origin}${url}`;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'corkboard-accounts-browser-'));
    t = await createTestApp({ mailer: new OutboxMailer(path.join(dir, 'outbox'), 'Corkboard <no-reply@corkboard.localhost>') });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    context = await browser.newContext({ javaScriptEnabled: false, baseURL: origin });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, STEP_TIMEOUT);

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
      await page.getByLabel('Country').selectOption('united-states');
      await page.getByRole('button', { name: 'Update the form' }).click();
      await page.getByLabel('City', { exact: true }).selectOption('chicago');
      await page.getByLabel('Category').selectOption('furniture');
      await page.getByLabel('Title').fill('Pine bookshelf, six shelves');
      await page.getByLabel('Price').fill('60');
      await page.getByLabel('Description').fill('Solid pine bookshelf, 180 cm tall, six shelves, some scratches. Pick up only.');
      await page.getByRole('button', { name: 'Post the ad' }).click();
      await page.waitForURL('**/account/ads?posted=*');
      expect(await page.locator('#posted [data-state]').getAttribute('data-state')).toBe('published');
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
      const other = await browser.newContext({ javaScriptEnabled: false, baseURL: origin, userAgent: 'Mozilla/5.0 (Windows NT 10.0) Firefox/128.0' });
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
