/**
 * "Relay, and show a phone number" in a real browser without JavaScript: the ad page has the reply
 * form and a "Show phone number" button but no number; pressing it lands on the number, with the
 * reply form still there and usable. Skipped when /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, STEP_TIMEOUT } from './browser-env.ts';
import { accessibilityProblems, postPublishedAd, startBrowserApp, type BrowserApp } from './harness.ts';

describe.skipIf(!existsSync(CHROMIUM))('showing a phone number on request, without JavaScript', () => {
  let h: BrowserApp;
  let ad: { id: number; path: string };

  beforeAll(async () => {
    h = await startBrowserApp('phone-reveal');
    ad = await postPublishedAd(
      h.t,
      { email: 'tutor@example.com', title: 'Maths tutoring, all levels', body: 'Maths tutoring for school and university students, evenings and weekends.', price: '25', city: 'chicago', category: 'tutoring', contact_mode: 'phone', phone: '+1 312 555 0163' },
      '198.51.100.40',
    );
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await h?.close();
  });

  it(
    'reveals the number on a button press and keeps the relay form',
    async () => {
      const page = await h.newPage();
      await page.goto(ad.path);
      expect(await accessibilityProblems(page)).toEqual([]);
      expect(await page.content()).not.toContain('5550163');
      expect(await page.locator('#reply-form').isVisible()).toBe(true);

      await page.getByRole('button', { name: 'Show phone number' }).click();
      await page.waitForURL(`**/ads/${ad.id}/phone#phone-number`);
      expect(await page.locator('#phone-number').innerText()).toBe('Phone: +13125550163');
      expect(await page.locator('#phone-number a').getAttribute('href')).toBe('tel:+13125550163');
      expect(await accessibilityProblems(page)).toEqual([]);

      // The relay form on the revealed page still sends a reply.
      await page.getByLabel('Your message to the poster').fill('Could you help with calculus on Tuesdays?');
      await page.getByLabel('Your e-mail address').fill('student@example.org');
      await page.getByRole('button', { name: 'Send through the relay' }).click();
      expect(await page.locator('#reply-check-mail').innerText()).toContain('student@example.org');
    },
    STEP_TIMEOUT,
  );
});
