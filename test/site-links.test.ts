/** No page of the site links to a page that does not exist. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAndConfirmAd } from './helpers/post-ad.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

/** Same-site links of a page (not form actions, which need a POST). */
async function linksOf(path: string): Promise<string[]> {
  const res = await t.app.inject({ url: path });
  expect(res.statusCode, path).toBe(200);
  return [...new Set([...res.body.matchAll(/<a [^>]*href="(\/[^"#]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')))];
}

describe('links on the public pages', () => {
  it('all lead somewhere: the home page, a city, a category, an ad, the posting form and the safety page', async () => {
    const { adPath } = await postAndConfirmAd(t, { title: 'Ash wood bench', email: 'links@example.com' });
    const pages = ['/', '/chicago', '/chicago/furniture', adPath, '/post', '/about/safety'];
    const broken: string[] = [];
    for (const page of pages) {
      for (const link of (await linksOf(page)).slice(0, 60)) {
        const res = await t.app.inject({ url: link });
        if (res.statusCode >= 400) broken.push(`${page} → ${link} (${res.statusCode})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the safety page says what may not be posted, how to stay safe and how to report, and is in the sitemap', async () => {
    const res = await t.app.inject({ url: '/about/safety' });
    expect(res.statusCode).toBe(200);
    for (const heading of ['What you may not post', 'How ads are checked', 'Staying safe', 'Report a problem']) expect(res.body).toContain(heading);
    expect(res.body).toContain('Offers of sexual services for payment');
    const sitemap = await t.app.inject({ url: '/sitemaps/places.xml' });
    expect(sitemap.body).toContain('http://localhost:3000/about/safety');
  });
});
