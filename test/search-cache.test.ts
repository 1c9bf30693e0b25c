/**
 * Search results are kept for a few seconds (SEARCH_CACHE_SECONDS), but never at the cost of
 * showing a poster's or a moderator's change late on the node that made it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SEARCH_CACHE_SECONDS: '60' } });
});
afterAll(async () => t?.close());

async function csrf(url: string) {
  const res = await t.app.inject({ method: 'GET', url });
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
  return { token, cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

/** Posts and confirms an ad through the site, as a poster would; returns its private manage path. */
async function postAndConfirm(title: string, email: string): Promise<string> {
  const boundary = '----cachetest';
  const { token, cookie } = await csrf('/post');
  const fields: Record<string, string> = {
    title,
    body: 'Solid wood, good condition, pick up only. Measurements in the photos on request.',
    price: '120',
    country: 'united-states',
    city: 'chicago',
    category: 'furniture',
    email,
    contact_mode: 'relay',
    _csrf: token,
    _action: 'submit',
  };
  const payload = Object.entries(fields)
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('') + `--${boundary}--\r\n`;
  const posted = await t.app.inject({ method: 'POST', url: '/post', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie } });
  expect(posted.statusCode).toBe(303);
  const mail = t.mailer.lastTo(email)!;
  const confirm = linkFrom(mail.text, '/confirm/');
  const c = await csrf(confirm);
  const res = await t.app.inject({ method: 'POST', url: confirm, payload: { _csrf: c.token }, headers: { cookie: c.cookie } });
  expect(res.body).toContain('data-state="published"');
  return linkFrom(mail.text, '/manage/');
}

const search = async (url: string) => (await t.app.inject({ url })).body;

describe('cached search results', () => {
  let managePath = '';

  it('show a newly published ad at once, even where the same search was just answered from memory', async () => {
    expect(await search('/search?q=walnut+bookcase&city=chicago')).not.toContain('Walnut bookcase');
    expect(await search('/search?q=walnut+bookcase')).not.toContain('Walnut bookcase');
    managePath = await postAndConfirm('Walnut bookcase, five shelves', 'cache-poster@example.com');
    expect(await search('/search?q=walnut+bookcase&city=chicago')).toContain('Walnut bookcase');
    expect(await search('/search?q=walnut+bookcase')).toContain('Walnut bookcase');
    expect(await search('/chicago/furniture')).toContain('Walnut bookcase');
  });

  it('are served from memory while nothing changed on this node (a change made elsewhere waits for the time limit)', async () => {
    // Another app node (simulated by writing the row directly) renames the ad.
    await t.ctx.database.query(`update ads set title = 'Renamed elsewhere' where title like 'Walnut bookcase%'`);
    expect(await search('/search?q=walnut+bookcase&city=chicago')).toContain('Walnut bookcase');
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
