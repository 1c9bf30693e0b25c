/**
 * Decisions about who may decide, and about a reported replier, in a real browser (Debian's
 * Chromium via playwright-core) against the real app, JavaScript disabled: a moderator opening an
 * item about their own ad is told why and gets no decision buttons; a moderator opening a reported
 * relay message blocks the replier from the relay from the review page, the replier gets the
 * statement of reasons by mail (.eml outbox) and can no longer send through the relay.
 * Skipped when /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.ts';
import { CHROMIUM, STEP_TIMEOUT } from './browser-env.ts';
import { postPublishedAd, staffPage, startBrowserApp, subjectOf, type BrowserApp } from './harness.ts';

const base = { city: 'chicago', category: 'furniture', price: '90', contact_mode: 'relay' };

describe.skipIf(!existsSync(CHROMIUM))('replier decisions and own ads in a real browser, without JavaScript', () => {
  let h: BrowserApp;
  let t: TestApp;
  let mod: Page;
  let n = 0;
  const MOD = 'replier-browser-mod@example.com';
  const mailsTo = (to: string) => h.mailsTo(to);

  async function postAd(email: string, title: string): Promise<number> {
    n++;
    return (await postPublishedAd(t, { ...base, title, body: `${title}: solid wood, light wear. Pick up only.`, email }, `198.18.1.${n}`)).id;
  }

  beforeAll(async () => {
    h = await startBrowserApp('replier');
    t = h.t;
    mod = (await staffPage(h, MOD, 'moderator')).page;
  }, STEP_TIMEOUT);

  afterAll(async () => h?.close(), STEP_TIMEOUT);

  it(
    'an item about the moderator’s own ad: the reason, no claim, no decision buttons',
    async () => {
      const adId = await postAd(MOD, 'Ash coffee table');
      const item = await t.ctx.moderation.repo.enqueue({ adId, source: 'flag', priority: 3, trusted: false, label: 'spam', now: t.clock.now });
      await mod.goto(`/staff/items/${item.id}`);
      expect(await mod.locator('#decision-conflict').innerText()).toContain('This is your own ad');
      expect(await mod.getByRole('button', { name: 'Remove', exact: true }).count()).toBe(0);
      expect(await mod.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    },
    STEP_TIMEOUT,
  );

  it(
    'blocks a reported replier from the relay from the review page; the replier gets the statement by mail',
    async () => {
      const adId = await postAd('replier-browser-poster@example.com', 'Elm bench, two seats');
      const replier = 'replier-browser-pushy@example.com';
      await t.ctx.relay.replyFromAdPage(adId, { message: 'Answer me today or I will keep writing every hour.', email: replier }, '192.0.2.60', null);
      const confirm = /\/replies\/confirm\/(\d+)\/([^\s/]+)/.exec(mailsTo(replier).at(-1)!.text)!;
      await t.ctx.relay.confirmMessage(Number(confirm[1]), confirm[2]!);
      const thread = (await t.ctx.relayRepository.findThreadFor(adId, replier))!;
      const token = t.ctx.relay.threadPath(thread, 'poster').split('/').pop()!;
      await t.ctx.relay.report(thread.id, 'poster', token, { reason: 'harassment', details: 'Keeps pressing me' });
      const item = (await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.source === 'message_report')!;

      await mod.goto(`/staff/items/${item.id}`);
      const form = mod.locator('form.replier-decide');
      expect(await form.innerText()).toContain('They have no account, so there is nothing to suspend or ban.');
      await form.getByLabel('Rule the message breaks').selectOption('spam');
      await form.getByLabel('Note for the statement of reasons (optional)').fill('Repeated pressure after no answer');
      await form.getByRole('button', { name: 'Block the replier from the relay' }).click();
      await mod.waitForURL('**/staff/queue?decided=*');

      const mail = mailsTo(replier).at(-1)!;
      expect(subjectOf(mail.headers)).toContain('Decision about your message on Corkboard');
      expect(mail.text).toContain('can no longer send messages through the relay');
      expect(mail.text).toContain('Repeated pressure after no answer');
      expect(await t.ctx.relayRepository.relayBlocked(replier, t.clock.now)).toBe(true);
    },
    STEP_TIMEOUT,
  );
});
