/**
 * Scam warnings in the relay in a real browser without JavaScript: a replier asks the poster for the
 * code sent by SMS and sends a look-alike delivery link; after the replier confirms, the poster's mail
 * and thread page show the warning above the message and the count in the facts about the replier,
 * while the replier's own page does not. Skipped when /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, STEP_TIMEOUT } from './browser-env.ts';
import { accessibilityProblems, postPublishedAd, startBrowserApp, type BrowserApp } from './harness.ts';

const POSTER = 'sam.seller@example.com';
const REPLIER = 'quick.buyer@example.org';

describe.skipIf(!existsSync(CHROMIUM))('relay scam warnings in a real browser, without JavaScript', () => {
  let h: BrowserApp;
  let ad: { id: number; path: string };

  beforeAll(async () => {
    h = await startBrowserApp('relay-warning');
    ad = await postPublishedAd(
      h.t,
      { email: POSTER, title: 'Road bike, 56 cm frame', body: 'Aluminium road bike, 56 cm frame, new tyres, serviced last month.', price: '240', city: 'chicago', category: 'bicycles' },
      '198.51.100.41',
    );
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await h?.close();
  });

  it(
    'shows the warning above a risky reply on the poster thread page, not to its sender',
    async () => {
      const replier = await h.newPage();
      await replier.goto(ad.path);
      await replier.getByLabel('Your message to the poster').fill('I take it. My courier pays you at dhl-secure-payment.com, then send me the 6 digit code you get by S M S.');
      await replier.getByLabel('Your e-mail address').fill(REPLIER);
      await replier.getByRole('button', { name: 'Send through the relay' }).click();
      await replier.locator('#reply-check-mail').waitFor();
      await replier.goto(await h.linkInMail(REPLIER, '/replies/confirm/'));
      await replier.getByRole('button', { name: 'Confirm and send' }).click();
      await replier.waitForURL('**/replier/**');
      expect(await replier.locator('.relay-warning').count()).toBe(0);

      const posterLink = await h.linkInMail(POSTER, '/replies/');
      const mail = h.mailsTo(POSTER).at(-1)!;
      expect(mail.text).toMatch(/^Warning: this message asks for a code sent to you by SMS/);

      const poster = await h.newPage();
      await poster.goto(posterLink);
      const warning = poster.locator('.relay-warning');
      expect(await warning.isVisible()).toBe(true);
      expect(await warning.getAttribute('role')).toBe('alert');
      expect(await warning.innerText()).toContain('Corkboard never asks for codes');
      expect(await warning.innerText()).toContain('It also contains a link to a site that is not Corkboard');
      // The warning sits above the message body it is about.
      const message = poster.locator('.relay-message').filter({ hasText: 'My courier pays you' });
      expect(await message.locator('.relay-warning + .body').innerText()).toContain('dhl-secure-payment.com');
      expect(await poster.locator('#screening').innerText()).toContain('Messages with a scam warning: 1 (asked for an SMS code, payment or delivery link)');
      expect(await accessibilityProblems(poster)).toEqual([]);
    },
    STEP_TIMEOUT,
  );
});
