/**
 * The set-up every browser test shares: the real app listening on a free port (its mails written as
 * .eml files to an outbox folder by OutboxMailer), Debian's Chromium, no-JavaScript contexts aimed
 * at the app, the outbox read back, and ads posted and confirmed through the ad service for tests
 * about what happens to an ad afterwards.
 *
 *   const h = await startBrowserApp('moderation');      // in beforeAll
 *   const page = await h.newPage();
 *   await page.goto(await h.linkInMail('poster@example.com', '/confirm/'));
 *   await h.close();                                     // in afterAll
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { adPath } from '../../src/listings/ad-slug.ts';
import { OutboxMailer } from '../../src/mail/mailer.ts';
import type { StaffRole } from '../../src/http/routes/staff-policy.ts';
import { createStaffAccount } from '../helpers/staff-sign-in.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { CHROMIUM, emlText, LAUNCH_ARGS } from './browser-env.ts';
import { signInAsStaffInBrowser } from './staff-sign-in.browser.ts';

/*
 * The functions passed to page.evaluate run in the browser. The project compiles without the DOM
 * library (it is a server), so these few shapes describe what those functions touch.
 */
interface DomElement {
  tagName: string;
  id: string;
  type?: string;
  textContent: string | null;
  labels?: ArrayLike<DomElement> | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  closest(selector: string): DomElement | null;
  checkVisibility(): boolean;
}
interface DomDocument {
  title: string;
  documentElement: { lang: string };
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getElementById(id: string): DomElement | null;
}
type DomWindow = { document: DomDocument };

/**
 * What every page must offer, with or without JavaScript: one h1, a lang and a title; every visible
 * control labelled (or a compact range with aria-label), with a unique id and aria-describedby
 * pointing at something; every button named; alt on every image.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const document = (globalThis as unknown as DomWindow).document;
    const problems: string[] = [];
    const h1s = document.querySelectorAll('h1').length;
    if (h1s !== 1) problems.push(`${h1s} h1 elements`);
    if (!document.documentElement.lang) problems.push('no lang on <html>');
    if (!document.title.trim()) problems.push('empty <title>');
    const idCount = new Map<string, number>();
    for (const el of Array.from(document.querySelectorAll('[id]'))) idCount.set(el.id, (idCount.get(el.id) ?? 0) + 1);
    for (const el of Array.from(document.querySelectorAll('input, select, textarea'))) {
      if (el.tagName === 'INPUT' && el.type === 'hidden') continue;
      if (!el.checkVisibility()) continue;
      const name = `${el.tagName.toLowerCase()}[name=${el.getAttribute('name')}]#${el.id}`;
      const labelled = Array.from(el.labels ?? []).some((l) => (l.textContent ?? '').trim().length > 0);
      const compactRange = el.closest('.range') !== null && (el.getAttribute('aria-label') ?? '').trim().length > 0;
      if (!labelled && !compactRange) problems.push(`${name} has no label`);
      if (el.id && (idCount.get(el.id) ?? 0) > 1) problems.push(`${name}: duplicate id`);
      const describedBy = el.getAttribute('aria-describedby');
      for (const ref of describedBy ? describedBy.split(/\s+/) : []) {
        if (!document.getElementById(ref)) problems.push(`${name}: aria-describedby points at missing #${ref}`);
      }
    }
    for (const el of Array.from(document.querySelectorAll('button'))) {
      if (el.checkVisibility() && !(el.textContent ?? '').trim() && !(el.getAttribute('aria-label') ?? '').trim()) problems.push('a button without a name');
    }
    for (const img of Array.from(document.querySelectorAll('img'))) {
      if (!img.hasAttribute('alt')) problems.push(`img ${img.getAttribute('src')} has no alt`);
    }
    return problems;
  });
}

/** The address the app writes into mail links (its PUBLIC_URL in tests). */
export const PUBLIC_URL = 'http://localhost:3000';

export interface Mail {
  name: string;
  headers: string;
  text: string;
}

export const subjectOf = (headers: string) => /^subject:\s*(.*)$/im.exec(headers)?.[1] ?? '';

export interface BrowserApp {
  t: TestApp;
  browser: Browser;
  /** http://127.0.0.1:<port> of the listening app. */
  origin: string;
  /** A new context (no JavaScript, aimed at the app, 15 s step timeout unless `options` say otherwise), closed by close(). */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a context of its own: a separate visitor with its own cookies. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Every mail in the outbox, oldest first. */
  outbox(): Mail[];
  /** The mails to `to`, oldest first. */
  mailsTo(to: string): Mail[];
  /** Waits for a mail to `to` (among those after the first `after`) with a `pathPrefix` link; returns the newest such link, at the app's origin. */
  linkInMail(to: string, pathPrefix: string, after?: number): Promise<string>;
  close(): Promise<void>;
}

/** Starts the app (mails to an outbox in a temporary folder named after `name`) and Chromium. */
export async function startBrowserApp(name: string): Promise<BrowserApp> {
  const dir = mkdtempSync(path.join(tmpdir(), `corkboard-${name}-browser-`));
  const box = path.join(dir, 'outbox');
  const t = await createTestApp({ mailer: new OutboxMailer(box, 'Corkboard <no-reply@corkboard.localhost>') });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const contexts: BrowserContext[] = [];

  const outbox = (): Mail[] =>
    existsSync(box)
      ? readdirSync(box)
          .filter((f) => f.endsWith('.eml'))
          .sort()
          .map((name) => ({ name, ...emlText(readFileSync(path.join(box, name), 'utf8')) }))
      : [];
  const mailsTo = (to: string) => outbox().filter(({ headers }) => new RegExp(`^to:.*${to.replace(/[.@]/g, '\\$&')}`, 'im').test(headers));

  const newContext = async (options: BrowserContextOptions = {}) => {
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL: origin, ...options });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  };
  return {
    t,
    browser,
    origin,
    newContext,
    async newPage(options = {}) {
      return (await newContext(options)).newPage();
    },
    outbox,
    mailsTo,
    async linkInMail(to, pathPrefix, after = 0) {
      const link = new RegExp(`${PUBLIC_URL.replace(/[.:/]/g, '\\$&')}(${pathPrefix}\\S+)`);
      let url: string | undefined;
      await expect
        .poll(
          () =>
            (url = mailsTo(to)
              .slice(after)
              .reverse()
              .map(({ text }) => link.exec(text)?.[1])
              .find(Boolean)),
          { timeout: 10_000, message: `a mail to ${to} with a ${pathPrefix} link` },
        )
        .toBeTruthy();
      return `${origin}${url}`;
    },
    async close() {
      for (const c of contexts) await c.close();
      await browser.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An ad posted from `ip` and confirmed through the listings service (set-up, not what is under
 * test), with the confirmation token from the ad's links as the mail carries them; checks that it
 * went live and returns its id and public path.
 */
export async function postPublishedAd(t: TestApp, fields: Record<string, string> & { email: string }, ip: string): Promise<{ id: number; email: string; path: string }> {
  const { id } = await t.ctx.adService.post(fields, [], ip);
  const ad = (await t.ctx.ads.findById(id))!;
  await t.ctx.adService.confirm(id, new URL(t.ctx.adService.linksFor(ad).confirmUrl).pathname.split('/').pop()!, ip);
  expect((await t.ctx.ads.findById(id))!.state, `ad ${id} is published`).toBe('published');
  const city = t.ctx.places.cityById.get(ad.cityId)!;
  const category = t.ctx.places.categoryById.get(ad.categoryId)!;
  return { id, email: fields.email, path: adPath(ad, city.slug, category.slug) };
}

/** A page of its own signed in as `email` (a staff account with `role`, made if new) past the two-factor step, ending on `next`. */
export async function staffPage(h: BrowserApp, email: string, role: StaffRole, next = '/staff/queue'): Promise<{ page: Page; id: number }> {
  const id = await createStaffAccount(h.t, email, role);
  const page = await h.newPage();
  await signInAsStaffInBrowser(page, h.t, email, id, next);
  return { page, id };
}

/**
 * On the /post form as a signed-in poster: picks the country (the server fills the city list without
 * JavaScript), fills in an ad in Chicago and posts it; waits for My ads and checks the ad went live at
 * once. `check` runs on each page the form goes through after the first.
 */
export async function postSignedInAd(page: Page, ad: { title: string; category: string; price: string; body: string }, check: (page: Page) => Promise<void> = async () => {}) {
  await page.getByLabel('Country').selectOption('united-states');
  await page.getByRole('button', { name: 'Update the form' }).click();
  await check(page);
  await page.getByLabel('City', { exact: true }).selectOption('chicago');
  await page.getByLabel('Category').selectOption(ad.category);
  await page.getByLabel('Title').fill(ad.title);
  await page.getByLabel('Price').fill(ad.price);
  await page.getByLabel('Description').fill(ad.body);
  await page.getByRole('button', { name: 'Post the ad' }).click();
  await page.waitForURL('**/account/ads?posted=*');
  await check(page);
  expect(await page.locator('#posted [data-state]').getAttribute('data-state')).toBe('published');
}
