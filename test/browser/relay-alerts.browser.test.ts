/**
 * Accounts, the anonymous reply relay, poster safety and saved-search alerts in a real browser
 * without JavaScript (Debian's Chromium via playwright-core), with two browser contexts as two
 * people: a poster signs up and posts; a signed-in replier answers from the ad page; the poster
 * reads the screening facts, answers and blocks; the replier's next message is silently dropped;
 * a visitor saves a search and gets exactly one alert for a new matching ad.
 * Every page visited is checked for labelled controls and one h1. Skipped when /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaySmtp, type RelaySmtpListener } from '../../src/messaging/relay-smtp.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { CHROMIUM, STEP_TIMEOUT } from './browser-env.ts';
import { accessibilityProblems, postSignedInAd, startBrowserApp, type BrowserApp } from './harness.ts';

const POSTER = 'pat.poster@example.com';
const REPLIER = 'robin.replier@example.org';
const VISITOR = 'vic.visitor@example.net';
const PASSWORD = 'a long and happy passphrase';
const AD_TITLE = 'Cherry wood writing desk';

describe.skipIf(!existsSync(CHROMIUM))('poster, replier and visitor in real browsers, without JavaScript', () => {
  let t: TestApp;
  let h: BrowserApp;
  let origin: string;
  let poster: Page;
  let replier: Page;
  let adUrl: string;
  let posterThreadUrl: string;
  let replierThreadUrl: string;
  let posterAlias: string; // where the replier's mail client answers
  let smtp: RelaySmtpListener;
  let smtpClient: Transporter;
  const visited: string[] = [];

  const mailsTo = (to: string) => h.mailsTo(to);
  const linkInMail = (to: string, pathPrefix: string, after = 0) => h.linkInMail(to, pathPrefix, after);

  /** Asserts the accessibility basics on the page now shown. */
  async function checked(page: Page): Promise<void> {
    expect(await accessibilityProblems(page), page.url()).toEqual([]);
    visited.push(new URL(page.url()).pathname);
  }

  async function signUpAndIn(page: Page, email: string): Promise<void> {
    await page.goto('/signup');
    await checked(page);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create the account' }).click();
    await page.waitForURL('**/signup/sent');
    await checked(page);
    await page.goto(await linkInMail(email, '/account/confirm/'));
    await checked(page);
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.waitForURL('**/account?done=confirmed');
    await checked(page);
    expect(await page.locator('#account-email').innerText()).toBe(email);
    // Signs out and in again with the password, as people do on another day.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin?done=signed-out');
    await checked(page);
    await page.getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/account');
    await checked(page);
  }

  /** A signed-in poster posts an ad: published at once, no confirmation mail. Returns its public URL. */
  async function postAd(page: Page, ad: { title: string; category: string; body: string; price: string }): Promise<string> {
    await page.goto('/post');
    await checked(page);
    await postSignedInAd(page, ad, checked);
    const href = await page.locator('#my-ads').getByRole('link', { name: ad.title }).getAttribute('href');
    expect(href).toBeTruthy();
    return `${origin}${href}`;
  }

  beforeAll(async () => {
    h = await startBrowserApp('relay-alerts');
    ({ t, origin } = h);
    smtp = await startRelaySmtp({ relay: t.ctx.relay, port: 0, host: '127.0.0.1' });
    smtpClient = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
    poster = await h.newPage();
    replier = await h.newPage({ userAgent: 'Mozilla/5.0 (Windows NT 10.0) Firefox/128.0' });
  }, STEP_TIMEOUT);

  afterAll(async () => {
    smtpClient?.close();
    await smtp?.close();
    await h?.close();
  }, STEP_TIMEOUT);

  it(
    'the poster signs up, confirms from the outbox, signs in and posts an ad without a confirmation mail',
    async () => {
      await signUpAndIn(poster, POSTER);
      const before = mailsTo(POSTER).length;
      adUrl = await postAd(poster, {
        title: AD_TITLE,
        category: 'furniture',
        price: '150',
        body: 'Cherry wood writing desk with two drawers, 120 cm wide. Light wear on the top. Pick up only.',
      });
      expect(mailsTo(POSTER).slice(before).some((m) => m.text.includes('/confirm/'))).toBe(false);
    },
    STEP_TIMEOUT,
  );

  it(
    'a second person signs up and replies from the ad page, signed in: no e-mail field, no confirmation',
    async () => {
      await signUpAndIn(replier, REPLIER);
      const replierMails = mailsTo(REPLIER).length;
      await replier.goto(adUrl);
      await checked(replier);
      expect(await replier.locator('h1').innerText()).toBe(AD_TITLE);
      const form = replier.locator('#reply-form');
      expect(await form.getByLabel('Your e-mail address').count()).toBe(0);
      expect(await form.innerText()).toContain(`You reply as ${REPLIER}`);
      await form.getByLabel('Your message to the poster').fill('Hello, is the desk still available? Could I see it on Saturday?');
      await form.getByRole('button', { name: 'Send through the relay' }).click();
      await replier.waitForURL(/\/replies\/\d+\/replier\/[\w-]+\?done=sent$/);
      await checked(replier);
      replierThreadUrl = replier.url().replace(/\?done=sent$/, '');
      expect(await replier.locator('#flash').innerText()).toBe('Your message is sent.');
      expect(await replier.locator('#messages').innerText()).toContain('is the desk still available?');
      expect(await replier.locator('#screening').count()).toBe(0);
      expect(mailsTo(REPLIER).slice(replierMails).some((m) => m.text.includes('/replies/confirm/'))).toBe(false);
    },
    STEP_TIMEOUT,
  );

  it(
    "the poster reads the reply with the replier's screening facts and answers on the thread page",
    async () => {
      const toPoster = mailsTo(POSTER).filter((m) => m.text.includes('is the desk still available?'));
      expect(toPoster).toHaveLength(1);
      expect(toPoster[0]!.headers + toPoster[0]!.text).not.toContain(REPLIER);
      posterThreadUrl = await linkInMail(POSTER, '/replies/');
      expect(posterThreadUrl).toMatch(/\/replies\/\d+\/poster\/[\w-]+$/);

      await poster.goto(posterThreadUrl);
      await checked(poster);
      expect(await poster.locator('h1').innerText()).toBe(`Conversation about “${AD_TITLE}”`);
      expect(await poster.locator('#messages').innerText()).toContain('is the desk still available?');
      const screening = await poster.locator('#screening').innerText();
      expect(screening).toMatch(/Account: created today \(since \d{4}-\d\d-\d\d\)/);
      expect(screening).toContain('E-mail verified: yes · Phone verified: no');
      expect(screening).toContain('Ads replied to in the last day: 1');
      expect(screening).toContain('Blocked by other posters: no');
      expect(await poster.locator('main').innerText()).not.toContain(REPLIER);

      const before = mailsTo(REPLIER).length;
      await poster.getByLabel('Your message').fill('Yes, it is still here. Saturday at 10 works for me.');
      await poster.getByRole('button', { name: 'Send', exact: true }).click();
      await poster.waitForURL('**?done=sent');
      await checked(poster);
      expect(await poster.locator('#messages').innerText()).toContain('Saturday at 10 works for me');

      // The replier: by mail and on the thread page, never the poster's address.
      await expect.poll(() => mailsTo(REPLIER).slice(before).filter((m) => m.text.includes('Saturday at 10 works')).length, { timeout: 10_000 }).toBe(1);
      const answer = mailsTo(REPLIER).slice(before).find((m) => m.text.includes('Saturday at 10 works'))!;
      expect(answer.headers + answer.text).not.toContain(POSTER);
      posterAlias = /^reply-to:\s*<?(reply-[a-z2-7]{16}@relay\.corkboard\.localhost)/im.exec(answer.headers)?.[1] ?? '';
      expect(posterAlias).toMatch(/^reply-[a-z2-7]{16}@relay\.corkboard\.localhost$/);
      await replier.goto(replierThreadUrl);
      await checked(replier);
      expect(await replier.locator('#messages').innerText()).toContain('Saturday at 10 works for me');
      expect(await replier.content()).not.toContain(POSTER);
      expect(await replier.locator('#screening').count()).toBe(0);
    },
    STEP_TIMEOUT,
  );

  it(
    "after the poster blocks the replier, the replier's next message looks sent but reaches nobody",
    async () => {
      await poster.goto(posterThreadUrl);
      await poster.getByLabel('Block this replier on all my ads').check();
      await poster.getByRole('button', { name: 'Block', exact: true }).click();
      await poster.waitForURL('**?done=blocked');
      await checked(poster);
      expect(await poster.locator('#flash').innerText()).toContain('Blocked');
      const posterMails = mailsTo(POSTER).length;
      const posterMessages = await poster.locator('#messages li').count();

      // The replier writes again from the ad page: the same flow and the same "sent" page as before.
      await replier.goto(adUrl);
      await checked(replier);
      await replier.locator('#reply-form').getByLabel('Your message to the poster').fill('Why no answer? I can come earlier too.');
      await replier.locator('#reply-form').getByRole('button', { name: 'Send through the relay' }).click();
      await replier.waitForURL(/\/replies\/\d+\/replier\/[\w-]+\?done=sent$/);
      await checked(replier);
      expect(replier.url().replace(/\?done=sent$/, '')).toBe(replierThreadUrl);
      expect(await replier.locator('#flash').innerText()).toBe('Your message is sent.');
      expect(await replier.locator('#messages').innerText()).toContain('Why no answer?');
      expect(await replier.locator('main').innerText()).not.toMatch(/block/i);

      // Also from the thread page's answer form.
      await replier.getByLabel('Your message').fill('Hello? Still interested.');
      await replier.getByRole('button', { name: 'Send', exact: true }).click();
      await replier.waitForURL('**?done=sent');
      await checked(replier);
      expect(await replier.locator('#flash').innerText()).toBe('Your message is sent.');
      expect(await replier.locator('#messages').innerText()).toContain('Still interested.');

      // And by mail, answering the relay mail through the relay's SMTP listener: accepted like any other.
      const accepted = await smtpClient.sendMail({ from: REPLIER, to: posterAlias, subject: 'Re: your answer', text: 'Sent from my mail client: please answer.' });
      expect(accepted.rejected).toEqual([]);

      // The poster: no new mail, nothing new on the thread page.
      await new Promise((r) => setTimeout(r, 500));
      expect(mailsTo(POSTER)).toHaveLength(posterMails);
      await poster.goto(posterThreadUrl);
      await checked(poster);
      const thread = await poster.locator('#messages').innerText();
      expect(thread).not.toContain('Why no answer?');
      expect(thread).not.toContain('Still interested.');
      expect(thread).not.toContain('please answer');
      expect(await poster.locator('#messages li').count()).toBe(posterMessages);
    },
    STEP_TIMEOUT,
  );

  it(
    'a visitor saves a search, confirms it, and gets exactly one alert for a new matching ad, none for others',
    async () => {
      const visitorContext = await h.newContext();
      try {
        const visitor = await visitorContext.newPage();
        await visitor.goto('/search?q=lamp&city=chicago&category=furniture');
        await checked(visitor);
        await visitor.getByRole('button', { name: 'Save this search / get alerts' }).click();
        await visitor.waitForURL('**/alerts/new?*');
        await checked(visitor);
        await visitor.getByLabel('Your e-mail address').fill(VISITOR);
        await visitor.getByLabel('How often').selectOption('instant');
        await visitor.getByRole('button', { name: 'Save search' }).click();
        await checked(visitor);
        expect(await visitor.locator('#alert-sent').count()).toBe(1);

        await visitor.goto(await linkInMail(VISITOR, '/alerts/confirm/'));
        await checked(visitor);
        await visitor.getByRole('button', { name: 'Start my alerts' }).click();
        await checked(visitor);
        expect(await visitor.locator('#alert-confirmed').count()).toBe(1);

        const alerts = () => mailsTo(VISITOR).filter((m) => /^list-unsubscribe:/im.test(m.headers));
        const run = async () => {
          t.clock.advanceHours(1 / 60);
          return t.ctx.alerts.runOnce();
        };
        await run();
        expect(alerts()).toHaveLength(0);

        const lampUrl = await postAd(poster, {
          title: 'Brass reading lamp',
          category: 'furniture',
          price: '35',
          body: 'Brass reading lamp with a green glass shade, working, new cable. Pick up in the city centre.',
        });
        const lampPath = new URL(lampUrl).pathname;
        // The search page the visitor saved shows the new ad.
        await visitor.goto('/search?q=lamp&city=chicago&category=furniture');
        await checked(visitor);
        expect(await visitor.locator(`a[href="${lampPath}"]`).count()).toBeGreaterThan(0);

        const report = await run();
        expect(report.mails).toBe(1);
        expect(alerts()).toHaveLength(1);
        expect(alerts()[0]!.text).toContain(`http://localhost:3000${lampPath}`);
        expect(alerts()[0]!.text).toContain('Brass reading lamp');

        // Running the job again sends nothing more.
        expect((await run()).mails).toBe(0);
        expect(alerts()).toHaveLength(1);

        // An ad that does not match sends nothing.
        await postAd(poster, {
          title: 'Oak garden bench',
          category: 'furniture',
          price: '80',
          body: 'Oak garden bench for two, oiled last spring, sturdy. Collection from the north side.',
        });
        expect((await run()).mails).toBe(0);
        expect((await run()).mails).toBe(0);
        expect(alerts()).toHaveLength(1);
        expect(mailsTo(VISITOR).every((m) => !m.text.includes('Oak garden bench'))).toBe(true);

        // The alert's manage link opens a labelled page.
        await visitor.goto(await linkInMail(VISITOR, '/alerts/manage/'));
        await checked(visitor);
      } finally {
        await visitorContext.close();
      }
    },
    STEP_TIMEOUT,
  );

  it('checked every page visited', () => {
    expect(visited.length).toBeGreaterThan(20);
  });
});
