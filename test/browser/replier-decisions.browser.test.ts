/**
 * Decisions about who may decide, and about a reported replier, in a real browser (Debian's
 * Chromium via playwright-core) against the real app, JavaScript disabled: a moderator opening an
 * item about their own ad is told why and gets no decision buttons; a moderator opening a reported
 * relay message blocks the replier from the relay from the review page, the replier gets the
 * statement of reasons by mail (.eml outbox) and can no longer send through the relay.
 * Skipped when /usr/bin/chromium is absent.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMailer } from '../../src/mail/mailer.ts';
import { createStaffAccount } from '../helpers/staff-sign-in.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { CHROMIUM, emlText, LAUNCH_ARGS, STEP_TIMEOUT } from './browser-env.ts';
import { signInAsStaffInBrowser } from './staff-sign-in.browser.ts';

const base = { city: 'chicago', category: 'furniture', price: '90', contact_mode: 'relay' };

describe.skipIf(!existsSync(CHROMIUM))('replier decisions and own ads in a real browser, without JavaScript', () => {
  let t: TestApp;
  let dir: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let mod: Page;
  let n = 0;
  const MOD = 'replier-browser-mod@example.com';

  const originOf = (app: TestApp) => `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
  const newPage = async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL: originOf(t) });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context.newPage();
  };
  function mailsTo(to: string): { headers: string; text: string }[] {
    const box = path.join(dir, 'outbox');
    if (!existsSync(box)) return [];
    return readdirSync(box)
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .map((name) => emlText(readFileSync(path.join(box, name), 'utf8')))
      .filter(({ headers }) => new RegExp(`^to:.*${to.replace(/[.@]/g, '\\$&')}`, 'im').test(headers));
  }
  const subjectOf = (headers: string) => /^subject:\s*(.*)$/im.exec(headers)?.[1] ?? '';

  async function postAd(email: string, title: string): Promise<number> {
    n++;
    const ip = `198.18.1.${n}`;
    const { id } = await t.ctx.adService.post({ ...base, title, body: `${title}: solid wood, light wear. Pick up only.`, email }, [], ip);
    const ad = (await t.ctx.ads.findById(id))!;
    await t.ctx.adService.confirm(id, new URL(t.ctx.adService.linksFor(ad).confirmUrl).pathname.split('/').pop()!, ip);
    return id;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'corkboard-replier-browser-'));
    t = await createTestApp({ mailer: new OutboxMailer(path.join(dir, 'outbox'), 'Corkboard <no-reply@corkboard.localhost>') });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    mod = await newPage();
    const id = await createStaffAccount(t, MOD, 'moderator');
    await signInAsStaffInBrowser(mod, t, MOD, id);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, STEP_TIMEOUT);

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
