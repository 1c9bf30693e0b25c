/**
 * Staff sign-in in a real browser (playwright-core): password on /signin, then the two-factor page,
 * filled with a code from otplib's `generate` at the test app's clock. The secret comes from the
 * enrolment page the first time, from the database (decrypted as the app does) after that.
 *
 *   const id = await createStaffAccount(t, 'mod@example.com', 'moderator');
 *   await signInAsStaffInBrowser(page, t, 'mod@example.com', id);   // lands on /staff/queue
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { totpStep } from '../../src/accounts/totp.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { freshTotpCode, STAFF_PASSWORD, totpCodeAt, totpSecretOf } from '../helpers/staff-sign-in.ts';

/** On the two-factor page: enrols (returning the recovery codes shown) or types a fresh code; then follows on to where sign-in was going. */
export async function passTwoFactorInBrowser(page: Page, t: TestApp, userId: number): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.waitForURL('**/account/two-factor**');
  const enrolSecret = await page.locator('#totp-secret').getAttribute('data-secret', { timeout: 1000 }).catch(() => null);
  if (enrolSecret) {
    await page.getByLabel('Code from the app').fill(await totpCodeAt(enrolSecret, totpStep(t.clock.now)));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    const recoveryCodes = (await page.locator('#recovery-codes li').allInnerTexts()).map((s) => s.trim());
    expect(recoveryCodes).toHaveLength(10);
    await page.getByRole('link', { name: 'Continue' }).click();
    return { secret: enrolSecret, recoveryCodes };
  }
  const secret = (await totpSecretOf(t, userId))!;
  await page.getByLabel('Code', { exact: true }).fill(await freshTotpCode(t, userId, secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  return { secret, recoveryCodes: [] };
}

/**
 * Signs a staff account (made with createStaffAccount, password STAFF_PASSWORD) in through the pages
 * and past the two-factor step; the browser ends on `next` (default the review queue).
 */
export async function signInAsStaffInBrowser(page: Page, t: TestApp, email: string, userId: number, next = '/staff/queue', password = STAFF_PASSWORD) {
  await page.goto(`/signin?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.locator('#signin-form').getByRole('button', { name: 'Sign in' }).click();
  const result = await passTwoFactorInBrowser(page, t, userId);
  await page.waitForURL((url) => url.pathname + url.search === next);
  return result;
}
