/**
 * Search results are kept for a few seconds (SEARCH_CACHE_SECONDS), but never at the cost of
 * showing a poster's or a moderator's change late on the node that made it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAndConfirmAd, csrfOf } from './helpers/post-ad.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SEARCH_CACHE_SECONDS: '60' } });
});
afterAll(async () => t?.close());

const csrf = (url: string) => csrfOf(t, url);

const search = async (url: string) => (await t.app.inject({ url })).body;

describe('cached search results', () => {
  let managePath = '';

  it('show a newly published ad at once, even where the same search was just answered from memory', async () => {
    expect(await search('/search?q=walnut+bookcase&city=chicago')).not.toContain('Walnut bookcase');
    expect(await search('/search?q=walnut+bookcase')).not.toContain('Walnut bookcase');
    managePath = (await postAndConfirmAd(t, { title: 'Walnut bookcase, five shelves', email: 'cache-poster@example.com' })).managePath;
    expect(await search('/search?q=walnut+bookcase&city=chicago')).toContain('Walnut bookcase');
    expect(await search('/search?q=walnut+bookcase')).toContain('Walnut bookcase');
    expect(await search('/chicago/furniture')).toContain('Walnut bookcase');
  });

  it('show a change made elsewhere (another node, plain SQL) moments later, not after the time limit', async () => {
    expect(await search('/chicago/furniture')).toContain('Walnut bookcase');
    // Another app node (simulated by writing the row directly) renames the ad; PostgreSQL announces it.
    await t.ctx.database.query(`update ads set title = 'Renamed elsewhere' where title like 'Walnut bookcase%'`);
    await expect.poll(() => search('/chicago/furniture'), { timeout: 3000, interval: 20 }).toContain('Renamed elsewhere');
  });

  it('drop an ad the moment its poster deletes it', async () => {
    const { token, cookie } = await csrf(managePath);
    const del = await t.app.inject({ method: 'POST', url: `${managePath}/delete`, payload: { _csrf: token, confirm: 'yes' }, headers: { cookie } });
    expect(del.statusCode).toBe(200);
    for (const url of ['/search?q=walnut+bookcase&city=chicago', '/search?q=walnut+bookcase', '/chicago/furniture']) {
      const body = await search(url);
      expect(body, url).not.toContain('Walnut bookcase');
      expect(body, url).not.toContain('Renamed elsewhere');
    }
  });
});
