/**
 * Moderation in a real browser (Debian's Chromium via playwright-core) against the real app on a
 * local port, every page with JavaScript disabled: a visitor reports a child-safety concern and a
 * moderator clears it first from the queue; a moderator bulk-removes a template group from the review
 * page; a poster appeals a removal from the link in the statement mail (read from the .eml outbox),
 * the moderator who removed the ad cannot decide the appeal, a second moderator reverses it, the ad is
 * live again and the poster gets the outcome by mail. Moderators sign in with the two-factor step.
 * Skipped when /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flagger } from '../../src/moderation/flagger-identity.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { CHROMIUM, STEP_TIMEOUT } from './browser-env.ts';
import { postPublishedAd, staffPage, startBrowserApp, subjectOf, type BrowserApp } from './harness.ts';

const base = { city: 'chicago', category: 'furniture', price: '120', contact_mode: 'relay' };

describe.skipIf(!existsSync(CHROMIUM))('moderation in a real browser, without JavaScript', () => {
  let h: BrowserApp;
  let t: TestApp;
  let visitor: Page;
  let modA: Page;
  let poster: Page;
  let n = 0;
  const mailsTo = (to: string) => h.mailsTo(to);

  /** An ad posted and confirmed through the listings service (setup, not what is under test); returns its public path. */
  async function postAd(fields: Record<string, string>): Promise<{ id: number; email: string; path: string }> {
    n++;
    return postPublishedAd(t, { ...base, ...fields, email: fields.email ?? `mod-browser-poster${n}@example.com` }, `198.18.0.${n}`);
  }
  const someVisitor = (i: string): Flagger => ({ key: `visitor:browser-${i}`, userId: null, ipHash: `browser-net-${i}`, establishedAccount: false });

  const queueIsEmpty = async (page: Page) => {
    await page.goto('/staff/queue');
    await expect.poll(() => page.locator('main, body').first().innerText()).toContain('The queue is empty.');
  };

  beforeAll(async () => {
    h = await startBrowserApp('moderation');
    t = h.t;
    visitor = await h.newPage();
    poster = await h.newPage();
    ({ page: modA } = await staffPage(h, 'moderator-a@example.com', 'moderator'));
  }, STEP_TIMEOUT);

  afterAll(async () => h?.close(), STEP_TIMEOUT);

  it(
    'a visitor reports a possible minor; the moderator sees it first as urgent, claims and removes it; the queue ends empty',
    async () => {
      // An older, less urgent report is already waiting.
      const older = await postAd({ title: 'Beech dining chairs, set of four', body: 'Four beech dining chairs, sturdy, light wear on the seats. Pick up only.' });
      await t.ctx.moderation.flags.submit(older.id, 'spam', someVisitor('older'));
      t.clock.now = new Date(t.clock.now.getTime() + 60_000);
      const ad = await postAd({ title: 'Maple toy chest with lid', body: 'Maple toy chest with a soft-close lid, 80 cm wide. Pick up only.' });

      await visitor.goto(ad.path);
      await visitor.getByRole('button', { name: 'Report this ad' }).click();
      await visitor.waitForURL('**/report?ad=*');
      await visitor.getByLabel('Someone in this ad may be underage or exploited').check();
      await visitor.getByRole('button', { name: 'Send the report' }).click();
      await expect.poll(() => visitor.locator('#flag-received').isVisible()).toBe(true);

      await modA.goto('/staff/queue');
      const first = modA.locator('table.queue tbody tr').first();
      expect(await first.innerText()).toContain('Maple toy chest with lid');
      expect(await first.locator('td').first().innerText()).toBe('Child safety');
      expect(await first.getAttribute('class')).toContain('p0');
      expect(await modA.locator('table.queue tbody tr').count()).toBe(2);

      await modA.getByRole('button', { name: 'Claim the next item' }).click();
      await modA.waitForURL('**/staff/items/*');
      expect(await modA.locator('.ad-under-review h2').innerText()).toBe('Maple toy chest with lid');
      expect(await modA.locator('.hint').first().innerText()).toContain('You hold the claim');
      await modA.locator('#reason').selectOption('child_safety');
      await modA.getByRole('button', { name: 'Remove', exact: true }).click();
      await modA.waitForURL('**/staff/queue?decided=*');

      // The older report is next; approving it empties the queue.
      await modA.getByRole('button', { name: 'Claim the next item' }).click();
      await modA.waitForURL('**/staff/items/*');
      expect(await modA.locator('.ad-under-review h2').innerText()).toBe('Beech dining chairs, set of four');
      await modA.getByRole('button', { name: 'Approve' }).click();
      await modA.waitForURL('**/staff/queue?decided=*');
      await queueIsEmpty(modA);

      expect((await visitor.goto(ad.path))!.status()).toBe(404);
      expect((await visitor.goto(older.path))!.status()).toBe(200);
      expect(subjectOf(mailsTo(ad.email).at(-1)!.headers)).toContain('Decision about your ad');
    },
    STEP_TIMEOUT,
  );

  it(
    'a moderator bulk-removes a template group from the review page, and every ad of it leaves the public site',
    async () => {
      const body =
        'Brand new phone, 256 GB, sealed in box with receipt and warranty, unwanted gift. Price is firm, shipping available to any city, contact me for more photos and details today.';
      const group = [];
      for (const i of [1, 2, 3]) group.push(await postAd({ title: `Sealed phone, unwanted gift ${i}`, body, category: 'furniture' }));
      const linked = await t.ctx.moderation.decisions.linkedAdIds(group[0]!.id, 'template');
      expect(linked).toEqual(group.map((g) => g.id).sort((a, b) => a - b));
      for (const g of group) expect((await visitor.goto(g.path))!.status()).toBe(200);
      await t.ctx.moderation.flags.submit(group[0]!.id, 'scam', someVisitor('bulk'));

      await modA.goto('/staff/queue');
      await modA.getByRole('link', { name: 'Sealed phone, unwanted gift 1' }).click();
      await modA.waitForURL('**/staff/items/*');
      expect(await modA.getByRole('heading', { name: 'Same template (2)' }).isVisible()).toBe(true);
      await modA.locator('#bulk-reason').selectOption('scam');
      await modA.getByRole('button', { name: 'Remove all 3 ads of this group' }).click();
      await modA.waitForURL('**/staff/queue?decided=*');
      await queueIsEmpty(modA);

      for (const g of group) expect((await visitor.goto(g.path))!.status()).toBe(404);
      await visitor.goto('/search?q=unwanted+gift');
      expect(await visitor.locator('body').innerText()).not.toContain('Sealed phone, unwanted gift');
      for (const g of group) expect(subjectOf(mailsTo(g.email).at(-1)!.headers)).toContain('Decision about your ad');
    },
    STEP_TIMEOUT,
  );

  it(
    'a poster appeals a removal from the mail; the removing moderator cannot decide it; a second moderator reverses it',
    async () => {
      const ad = await postAd({ title: 'Teak garden bench, two seats', body: 'Solid teak garden bench for two, oiled last spring, no rot. Pick up only.', email: 'bench-owner@example.com' });
      await t.ctx.moderation.flags.submit(ad.id, 'prohibited', someVisitor('bench'));

      // Moderator A removes it from the review page.
      await modA.goto('/staff/queue');
      await modA.getByRole('button', { name: 'Claim the next item' }).click();
      await modA.waitForURL('**/staff/items/*');
      expect(await modA.locator('.ad-under-review h2').innerText()).toBe('Teak garden bench, two seats');
      await modA.locator('#reason').selectOption('prohibited_goods');
      await modA.getByRole('button', { name: 'Remove', exact: true }).click();
      await modA.waitForURL('**/staff/queue?decided=*');
      expect((await visitor.goto(ad.path))!.status()).toBe(404);

      // The poster opens the appeal link in the statement mail.
      const statement = mailsTo(ad.email).find(({ headers }) => subjectOf(headers).includes('Decision about your ad'))!;
      expect(statement.text).toContain('Prohibited or unsafe goods');
      const link = /http:\/\/localhost:3000(\/appeal\/\S+)/.exec(statement.text)?.[1];
      expect(link).toBeTruthy();
      await poster.goto(link!);
      expect(await poster.locator('h1').innerText()).toBe('Appeal a decision about your ad');
      expect(await poster.locator('.decision-facts').innerText()).toContain('Your ad was removed.');
      await poster.getByLabel('Why is the decision wrong?').fill('Too short.');
      await poster.getByRole('button', { name: 'Send the appeal' }).click();
      expect(await poster.locator('#explanation-error').innerText()).toContain('at least 20 characters');
      expect(await poster.getByLabel('Why is the decision wrong?').inputValue()).toBe('Too short.');
      await poster.getByLabel('Why is the decision wrong?').fill('It is an ordinary wooden garden bench. Nothing about it is prohibited or unsafe.');
      await poster.getByRole('button', { name: 'Send the appeal' }).click();
      expect(await poster.locator('#flash').innerText()).toContain('Your appeal is sent');
      expect(await poster.locator('#appeal-state').getAttribute('data-state')).toBe('open');
      expect(subjectOf(mailsTo(ad.email).at(-1)!.headers)).toContain('We received your appeal');

      // Moderator A sees the appeal but may neither decide nor claim it.
      await modA.goto('/staff/queue');
      const row = modA.locator('table.queue tbody tr', { hasText: 'Teak garden bench' });
      expect(await row.innerText()).toContain('Appeal');
      await row.getByRole('link', { name: 'Teak garden bench, two seats' }).click();
      await modA.waitForURL('**/staff/items/*');
      expect(await modA.locator('#own-appeal').innerText()).toContain('another moderator has to decide it');
      expect(await modA.getByRole('button', { name: 'Reverse the decision' }).count()).toBe(0);
      await modA.goto('/staff/queue');
      await modA.getByRole('button', { name: 'Claim the next item' }).click();
      await modA.waitForURL('**/staff/queue?empty=1');
      expect(await modA.locator('[role="status"]').first().innerText()).toContain('No unclaimed item is waiting.');

      // Moderator B claims it, sees who decided and why the poster disagrees, and reverses.
      const modB = (await staffPage(h, 'moderator-b@example.com', 'moderator')).page;
      await modB.getByRole('button', { name: 'Claim the next item' }).click();
      await modB.waitForURL('**/staff/items/*');
      expect(await modB.locator('.original-decider').innerText()).toBe('moderator-a@example.com');
      expect(await modB.locator('.appeal-explanation').innerText()).toContain('ordinary wooden garden bench');
      await modB.getByLabel('Reason for the outcome (sent to the poster)').fill('A wooden garden bench is an ordinary item; the removal was a mistake.');
      await modB.getByRole('button', { name: 'Reverse the decision' }).click();
      await modB.waitForURL('**/staff/queue?decided=*');
      await queueIsEmpty(modB);

      // The ad is live again, and the poster was told.
      const live = await visitor.goto(ad.path);
      expect(live!.status()).toBe(200);
      expect(await visitor.locator('h1').innerText()).toContain('Teak garden bench, two seats');
      const outcome = mailsTo(ad.email).at(-1)!;
      expect(subjectOf(outcome.headers)).toContain('Outcome of your appeal');
      expect(outcome.text).toContain('reversed the decision');
      expect(outcome.text).toContain('the removal was a mistake');
      await poster.goto(link!);
      expect(await poster.locator('#appeal-state').getAttribute('data-state')).toBe('reversed');
    },
    STEP_TIMEOUT,
  );
});
