/**
 * The poster's journey in a real browser (Debian's Chromium driven by playwright-core), against the
 * real app listening on a local port: post with two photos without an account, confirm from the
 * mail in the outbox, find the ad by search and by browsing, edit it, delete it; plus bad input,
 * accessibility basics on every page visited, and a phone-sized viewport.
 *
 * Everything a poster does runs with JavaScript disabled: the site must work without it.
 * Skipped when /usr/bin/chromium is absent (CI installs it with `apt-get install -y chromium`).
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, STEP_TIMEOUT } from './browser-env.ts';
import { accessibilityProblems, startBrowserApp, type BrowserApp } from './harness.ts';


const ad = {
  country: 'united-states',
  city: 'chicago',
  category: 'furniture',
  title: 'Walnut writing desk with drawers',
  price: '275',
  neighbourhood: 'Wicker Park',
  body: 'Mid-century walnut writing desk, 120 cm wide, three drawers that run smoothly. Pick up only.',
  email: 'newcomer@example.com',
};
const edited = { title: 'Walnut writing desk, one drawer stuck', price: '240' };
const longWord = {
  title: 'SUPERCALIFRAGILISTICEXPIALIDOCIOUS-STANDING-DESK-BARGAIN',
  body: 'Photos and measurements: https://example.com/listings/standing-desk/measurements-and-photos-of-the-desk-and-the-lamp.html',
  email: 'longword@example.com',
};

/** A JPEG as a phone would produce it: camera make and model, and where it was taken. */
async function phonePhoto(background: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width: 1600, height: 1200, channels: 3, background } })
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'Secret Model' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '41/1 54/1 30/1', GPSLongitudeRef: 'W', GPSLongitude: '87/1 40/1 38/1' },
    })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/* The browser-side shapes page.evaluate touches here (the project compiles without the DOM library). */
interface DomImage {
  complete: boolean;
  naturalWidth: number;
}
type DomWindow = { document: { scrollingElement: { scrollWidth: number } | null }; innerWidth: number };

/** Pages whose accessibility basics were checked, by kind; the last test asserts all were covered. */
const checkedPages = new Set<string>();
async function expectAccessible(page: Page, kind: string) {
  expect(await accessibilityProblems(page), `${kind}: ${page.url()}`).toEqual([]);
  checkedPages.add(kind);
}

/** Every image in `selector` has finished loading and decoded to real pixels. */
async function loadedImageWidths(page: Page, selector: string): Promise<number[]> {
  const images = page.locator(selector);
  await expect.poll(() => images.evaluateAll((els) => (els as unknown as DomImage[]).every((img) => img.complete)), { timeout: 10_000 }).toBe(true);
  return images.evaluateAll((els) => (els as unknown as DomImage[]).map((img) => img.naturalWidth));
}

const PHONE = { width: 390, height: 844 };

/**
 * Opens `url` on a phone-sized page and checks nothing pushes it sideways. On a mobile viewport
 * Chromium widens the layout to fit content that overflows, so innerWidth must stay the phone's.
 */
async function expectFitsPhone(page: Page, url: string) {
  const res = await page.goto(url);
  expect(res?.status(), url).toBe(200);
  const { scrollWidth, innerWidth } = await page.evaluate(() => {
    const w = globalThis as unknown as DomWindow;
    return { scrollWidth: w.document.scrollingElement!.scrollWidth, innerWidth: w.innerWidth };
  });
  expect(innerWidth, `${url}: layout widened to fit its content`).toBe(PHONE.width);
  expect(scrollWidth, `${url} scrolls sideways`).toBeLessThanOrEqual(innerWidth);
}

describe.skipIf(!existsSync(CHROMIUM))('a newcomer in a real browser, without JavaScript', () => {
  let h: BrowserApp;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const found = { adPath: '', editedPath: '', managePath: '', longWordPath: '' };

  /** Runs `fn` in a fresh no-JavaScript browser context: a visitor with an empty cache and no cookies. */
  async function asVisitor(fn: (visitor: Page) => Promise<void>) {
    const fresh = await browser.newContext({ javaScriptEnabled: false, baseURL: origin });
    try {
      await fn(await fresh.newPage());
    } finally {
      await fresh.close();
    }
  }

  /** Runs `fn` in a fresh phone-sized context (390x844, mobile viewport, JavaScript on). */
  async function onPhone(fn: (phone: Page) => Promise<void>) {
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, baseURL: origin });
    try {
      await fn(await phone.newPage());
    } finally {
      await phone.close();
    }
  }

  /** The newest mail to `to` whose text contains `marker`, decoded. */
  const mailTo = (to: string, marker: string): string | undefined =>
    h
      .mailsTo(to)
      .reverse()
      .find(({ text }) => text.includes(marker))?.text;
  const linkInMail = (to: string, pathPrefix: string) => h.linkInMail(to, pathPrefix);

  beforeAll(async () => {
    h = await startBrowserApp('posting');
    ({ browser, origin } = h);
    page = await h.newPage();
  }, STEP_TIMEOUT);

  afterAll(async () => h?.close(), STEP_TIMEOUT);

  it(
    'posts an ad with two photos through the form, confirms it from the mail and sees it live',
    async () => {
      await page.goto('/');
      await expectAccessible(page, 'home');

      await page.locator('header.site').getByRole('link', { name: 'Post an ad' }).click();
      await page.waitForURL('**/post');
      expect(await page.locator('h1').innerText()).toBe('Post an ad');
      await expectAccessible(page, 'post form');

      // No JavaScript: the city list is filled by the server once the country is chosen.
      const city = page.getByLabel('City', { exact: true });
      expect(await city.locator('option').allInnerTexts()).toEqual(['Choose a country first']);
      await page.getByLabel('Country').selectOption(ad.country);
      await page.getByRole('button', { name: 'Update the form' }).click();
      await page.waitForLoadState();
      expect(await page.locator('#form-errors').count(), 'updating the form is not a failed submission').toBe(0);
      expect(await page.getByLabel('Country').inputValue()).toBe(ad.country);
      const cityOptions = await city.locator('option').allInnerTexts();
      expect(cityOptions[0]).toBe('Choose a city');
      expect(cityOptions).toContain('Chicago');
      expect(cityOptions.length).toBeGreaterThan(20);
      await expectAccessible(page, 'post form');

      await city.selectOption(ad.city);
      await page.getByLabel('Category').selectOption(ad.category);
      await page.getByLabel('Neighbourhood').fill(ad.neighbourhood);
      await page.getByLabel('Title').fill(ad.title);
      await page.getByLabel('Price').fill(ad.price);
      await page.getByLabel('Description').fill(ad.body);
      await page.getByLabel('Your e-mail').fill(ad.email);
      await page.getByLabel('Add photos').setInputFiles([
        { name: 'desk.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto({ r: 120, g: 72, b: 40 }) },
        { name: 'drawers.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto({ r: 60, g: 110, b: 150 }) },
      ]);
      await page.getByRole('button', { name: 'Post the ad' }).click();

      await page.waitForURL('**/post/sent');
      expect(await page.locator('h1').innerText()).toBe('Almost done: check your e-mail');
      expect(await page.locator('#post-sent').isVisible()).toBe(true);
      await expectAccessible(page, 'check your e-mail');

      const confirmUrl = await linkInMail(ad.email, '/confirm/');
      found.managePath = new URL(await linkInMail(ad.email, '/manage/')).pathname;
      await page.goto(confirmUrl);
      expect(await page.locator('h1').innerText()).toBe('Confirm your ad');
      expect(await page.locator('main').innerText()).toContain(ad.title);
      await expectAccessible(page, 'confirm');
      await page.getByRole('button', { name: 'Publish my ad' }).click();
      await page.waitForLoadState();
      expect(await page.locator('h1').innerText()).toBe('Your ad is live');
      expect(await page.locator('#outcome').getAttribute('data-state')).toBe('published');
      await expectAccessible(page, 'confirmed');

      await page.locator('#outcome').getByRole('link', { name: 'view it' }).click();
      await page.waitForLoadState();
      found.adPath = new URL(page.url()).pathname;
      expect(found.adPath).toMatch(/^\/chicago\/furniture\/walnut-writing-desk-with-drawers-\d+$/);
      expect(await page.locator('h1').innerText()).toBe(ad.title);
      expect(mailTo(ad.email, '/chicago/furniture/'), 'the "your ad is live" mail links to the ad').toContain(found.adPath);
    },
    STEP_TIMEOUT,
  );

  it(
    'finds the ad with the header search box and with a quoted phrase on the search page',
    async () => {
      expect(found.adPath, 'the ad was posted').not.toBe('');
      await page.goto('/');
      await page.getByLabel('Search all ads').fill('walnut desk');
      await page.getByLabel('Search all ads').press('Enter');
      await page.waitForURL('**/search?q=walnut+desk');
      expect(await page.locator('h1').innerText()).toBe('“walnut desk” everywhere');
      await expect.poll(() => page.locator(`ol.ads a[href="${found.adPath}"]`).innerText()).toBe(ad.title);
      await expectAccessible(page, 'search');

      await page.getByLabel('Search words').fill('"writing desk" drawers');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/\/search\?q=%22writing\+desk%22\+drawers/);
      expect(await page.locator(`ol.ads a[href="${found.adPath}"]`).count()).toBe(1);
      expect(await page.locator('.result-count').innerText()).toBe('1 ad');
      await expectAccessible(page, 'search');

      // The phrase must match as a phrase, not as two loose words.
      await page.getByLabel('Search words').fill('"desk writing"');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForLoadState();
      expect(await page.locator(`ol.ads a[href="${found.adPath}"]`).count()).toBe(0);
      expect(await page.locator('#no-results').isVisible()).toBe(true);
    },
    STEP_TIMEOUT,
  );

  it(
    'finds the ad by browsing home, city and category, and sees its title, price and both photos',
    async () => {
      await page.goto('/');
      await page.locator('#countries').getByRole('link', { name: 'United States', exact: true }).click();
      await page.waitForURL('**/places/united-states');
      expect(await page.locator('h1').innerText()).toBe('United States');
      await expectAccessible(page, 'country');
      await page.locator('main').getByRole('link', { name: 'Chicago', exact: true }).click();
      await page.waitForURL('**/chicago');
      expect(await page.locator('h1').innerText()).toBe('Chicago');
      expect(await page.locator('[data-category="furniture"]').innerText(), 'live count for furniture').toBe('1');
      await expectAccessible(page, 'city');

      await page.locator('#categories').getByRole('link', { name: 'Furniture', exact: true }).click();
      await page.waitForURL('**/chicago/furniture');
      expect(await page.locator('h1').innerText()).toBe('Furniture in Chicago');
      const item = page.locator('ol.ads > li').filter({ has: page.locator(`a[href="${found.adPath}"]`) });
      expect(await item.locator('a.title').innerText()).toBe(ad.title);
      expect(await item.locator('.price').innerText()).toBe('$275');
      expect(await item.locator('.meta').innerText()).toContain('2 photos');
      expect((await loadedImageWidths(page, 'ol.ads img')).every((w) => w > 0), 'thumbnail loaded').toBe(true);
      await expectAccessible(page, 'listing');

      await item.locator('a.title').click();
      await page.waitForURL(`**${found.adPath}`);
      expect(await page.locator('h1').innerText()).toBe(ad.title);
      expect(await page.locator('.ad-page .price').innerText()).toBe('$275');
      expect(await page.locator('.ad-page').innerText()).toContain(ad.neighbourhood);
      expect(await page.locator('.ad-page .body').innerText()).toBe(ad.body);
      expect(await page.locator('main').innerText()).not.toContain(ad.email);
      const widths = await loadedImageWidths(page, '.ad-page .photos img');
      expect(widths).toHaveLength(2);
      for (const w of widths) expect(w).toBeGreaterThan(0);
      await expectAccessible(page, 'ad page');
    },
    STEP_TIMEOUT,
  );

  it(
    'edits the ad through the private link: new title and price, one photo removed',
    async () => {
      expect(found.managePath).toMatch(/^\/manage\/\d+\//);
      await page.goto(found.managePath);
      expect(await page.locator('h1').innerText()).toBe(ad.title);
      expect(await page.locator('#ad-state').innerText()).toBe('Live');
      await expectAccessible(page, 'manage');

      // The edit form starts from what is stored.
      expect(await page.getByLabel('Title').inputValue()).toBe(ad.title);
      expect(await page.getByLabel('Price').inputValue()).toBe(ad.price);
      expect(await page.getByLabel('City', { exact: true }).inputValue()).toBe(ad.city);
      expect(await page.getByLabel('Country').inputValue(), 'the country follows from the city').toBe(ad.country);
      const keep = page.getByRole('checkbox', { name: /Keep photo \d/ });
      expect(await keep.count()).toBe(2);
      expect((await loadedImageWidths(page, '.photo-choices img')).every((w) => w > 0)).toBe(true);

      await page.getByLabel('Title').fill(edited.title);
      await page.getByLabel('Price').fill(edited.price);
      await page.getByRole('checkbox', { name: /Keep photo 2/ }).uncheck();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.waitForURL(/\?done=saved$/);
      expect(await page.locator('#flash').innerText()).toBe('Your changes are saved.');
      expect(await page.locator('h1').innerText()).toBe(edited.title);
      expect(await page.getByRole('checkbox', { name: /Keep photo \d/ }).count()).toBe(1);
      await expectAccessible(page, 'manage');

      await page.locator('#outcome').getByRole('link', { name: 'view it' }).click();
      await page.waitForLoadState();
      found.editedPath = new URL(page.url()).pathname;
      expect(found.editedPath).toMatch(/^\/chicago\/furniture\/walnut-writing-desk-one-drawer-stuck-\d+$/);
      expect(await page.locator('h1').innerText()).toBe(edited.title);
      expect(await page.locator('.ad-page .price').innerText()).toBe('$240');
      const widths = await loadedImageWidths(page, '.ad-page .photos img');
      expect(widths).toHaveLength(1);
      expect(widths[0]).toBeGreaterThan(0);
      expect(await page.locator('.ad-page .photos img').getAttribute('alt')).toBe('Photo 1 of 1');

      // The old address, still in the "live" mail, leads to the edited ad (for a visitor whose
      // browser has not cached the old page: ad pages are sent with max-age=60).
      await asVisitor(async (visitor) => {
        const old = await visitor.goto(found.adPath);
        expect(old?.status()).toBe(200);
        expect(new URL(visitor.url()).pathname).toBe(found.editedPath);
        expect(await visitor.locator('h1').innerText()).toBe(edited.title);
      });
    },
    STEP_TIMEOUT,
  );

  it(
    'renders the home, city, listing, search and ad pages on a phone without horizontal scrolling',
    async () => {
      expect(found.editedPath).not.toBe('');
      await onPhone(async (p) => {
        for (const url of ['/', '/chicago', '/chicago/furniture', '/search?q=walnut+desk', found.editedPath]) await expectFitsPhone(p, url);
        expect((await loadedImageWidths(p, '.ad-page .photos img'))[0]).toBeGreaterThan(0);
        const photoBox = await p.locator('.ad-page .photos img').boundingBox();
        expect(photoBox!.width).toBeLessThanOrEqual(PHONE.width);
      });
    },
    STEP_TIMEOUT,
  );

  it(
    'deletes the ad after ticking the confirm box: the ad page answers 404 and search no longer finds it',
    async () => {
      await page.goto(found.managePath);
      await page.getByLabel('Yes, delete this ad').check();
      await page.getByRole('button', { name: 'Delete the ad' }).click();
      await page.waitForURL(/\/delete$/);
      expect(await page.locator('h1').innerText()).toBe('Your ad is deleted');
      expect(await page.locator('#deleted').isVisible()).toBe(true);
      await expectAccessible(page, 'deleted');

      await asVisitor(async (visitor) => {
        for (const url of [found.editedPath, found.adPath]) {
          const res = await visitor.goto(url);
          expect(res?.status(), url).toBe(404);
          expect(await visitor.locator('h1').count()).toBe(1);
          expect(await visitor.locator('main').innerText()).toContain('does not exist, or it was deleted');
          expect(await visitor.locator('main').innerText()).not.toContain(edited.title);
        }
      });

      await page.goto('/search?q=walnut+desk');
      expect(await page.locator('ol.ads a').count()).toBe(0);
      expect(await page.locator('#no-results').isVisible()).toBe(true);
      await page.goto('/chicago');
      expect(await page.locator('[data-category="furniture"]').innerText()).toBe('0');
    },
    STEP_TIMEOUT,
  );

  // A browser that saw the ad page must not keep showing it after the poster deletes it.
  it(
    'the poster\'s own browser stops showing the ad right after deleting it',
    async () => {
      expect(found.editedPath).not.toBe('');
      const res = await page.goto(found.editedPath);
      expect(res?.status()).toBe(404);
    },
    STEP_TIMEOUT,
  );

  it(
    'keeps what was typed after bad input, with a message next to each field that needs work',
    async () => {
      await page.goto('/chicago');
      await page.getByRole('link', { name: 'Post an ad in Chicago' }).click();
      await page.waitForURL('**/post?city=chicago');
      // Coming from the city page, the country and city are already chosen.
      expect(await page.getByLabel('Country').inputValue()).toBe(ad.country);
      expect(await page.getByLabel('City', { exact: true }).inputValue()).toBe(ad.city);

      const typed = { title: 'Desk', price: '80', neighbourhood: 'Logan Square', body: 'Small pine desk <b>with</b> a lamp & a chair.', email: 'not-an-email' };
      await page.getByLabel('Category').selectOption(ad.category);
      await page.getByLabel('Neighbourhood').fill(typed.neighbourhood);
      await page.getByLabel('Title').fill(typed.title);
      await page.getByLabel('Price').fill(typed.price);
      await page.getByLabel('Description').fill(typed.body);
      await page.getByLabel('Your e-mail').fill(typed.email);
      await page.getByLabel('Relay, and show a phone number').check();
      await page.getByLabel('Phone to show').fill('+1 312 555 0142');
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Post the ad' }).click()]);
      await page.waitForLoadState();
      expect(response.status()).toBe(400);

      expect(await page.locator('#form-errors').isVisible()).toBe(true);
      for (const field of ['title', 'email']) {
        const error = page.locator(`#${field}-error`);
        expect(await error.isVisible(), `message for ${field}`).toBe(true);
        expect((await error.innerText()).length).toBeGreaterThan(5);
        // Next to the field: in the same field block, and announced with it.
        expect(await page.locator(`.field.invalid:has(#${field}) #${field}-error`).count()).toBe(1);
        expect(await page.locator(`#${field}`).getAttribute('aria-describedby')).toBe(`${field}-error`);
      }
      expect(await page.locator('#email-error').innerText()).toContain('valid e-mail');
      expect(await page.locator('.field.invalid').count(), 'only the two bad fields are marked').toBe(2);

      expect(await page.getByLabel('Country').inputValue()).toBe(ad.country);
      expect(await page.getByLabel('City', { exact: true }).inputValue()).toBe(ad.city);
      expect(await page.getByLabel('Category').inputValue()).toBe(ad.category);
      expect(await page.getByLabel('Neighbourhood').inputValue()).toBe(typed.neighbourhood);
      expect(await page.getByLabel('Title').inputValue()).toBe(typed.title);
      expect(await page.getByLabel('Price').inputValue()).toBe(typed.price);
      expect(await page.getByLabel('Description').inputValue()).toBe(typed.body);
      expect(await page.getByLabel('Your e-mail').inputValue()).toBe(typed.email);
      expect(await page.getByLabel('Relay, and show a phone number').isChecked()).toBe(true);
      expect(await page.getByLabel('Phone to show').inputValue()).toBe('+1 312 555 0142');
      await expectAccessible(page, 'post form');
      expect(mailTo(typed.email, '/confirm/')).toBeUndefined();
    },
    STEP_TIMEOUT,
  );

  // The ad form fits a 390 px phone: fieldsets and file inputs must not widen the page.
  it(
    'renders the post form on a phone without horizontal scrolling',
    async () => {
      await onPhone(async (p) => {
        await expectFitsPhone(p, '/post?city=chicago&category=furniture');
      });
    },
    STEP_TIMEOUT,
  );

  it(
    'posts from a phone an ad whose title is one long word',
    async () => {
      await onPhone(async (p) => {
        await p.goto('/post?city=chicago&category=furniture');
        await p.getByLabel('Title').fill(longWord.title);
        await p.getByLabel('Price').fill('15');
        await p.getByLabel('Description').fill(longWord.body);
        await p.getByLabel('Your e-mail').fill(longWord.email);
        await p.getByRole('button', { name: 'Post the ad' }).click();
        await p.waitForURL('**/post/sent');
        await p.goto(await linkInMail(longWord.email, '/confirm/'));
        await p.getByRole('button', { name: 'Publish my ad' }).click();
        await p.waitForLoadState();
        expect(await p.locator('#outcome').getAttribute('data-state')).toBe('published');
        await p.locator('#outcome').getByRole('link', { name: 'view it' }).click();
        await p.waitForLoadState();
        found.longWordPath = new URL(p.url()).pathname;
        expect(await p.locator('h1').innerText()).toBe(longWord.title);
      });
    },
    STEP_TIMEOUT,
  );

  // Long unbroken words (a shouted title, a pasted URL) wrap instead of widening the page.
  it(
    'keeps an ad with a long unbroken title within a phone\'s width, on its page and in the listing',
    async () => {
      expect(found.longWordPath).toMatch(/^\/chicago\/furniture\//);
      await onPhone(async (p) => {
        await expectFitsPhone(p, found.longWordPath);
        await expectFitsPhone(p, '/chicago/furniture');
      });
    },
    STEP_TIMEOUT,
  );

  it('checked the accessibility basics on every kind of page visited', () => {
    for (const kind of ['home', 'city', 'listing', 'search', 'ad page', 'post form', 'manage']) expect(checkedPages, kind).toContain(kind);
  });
});
