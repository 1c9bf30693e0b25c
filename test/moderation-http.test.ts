/**
 * Reporting through the web pages, without JavaScript: the "Report this ad" form on the ad page, the
 * quick flag with CSRF and a visitor cookie, and the DSA Art. 16 notice form keeping input on error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adPath } from '../src/listings/ad-slug.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { quietPoolShutdown } from './moderation-helpers.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let adId: number;

beforeAll(async () => {
  t = await createTestApp();
  quietPoolShutdown(t.ctx.database);
  const email = 'http-poster@example.com';
  adId = (await postAdDirect(t, { ...bookcase, title: 'Pine wardrobe, two doors', body: 'Pine wardrobe with two doors and a hanging rail. Pick up only.', price: '80', email }, { ip: '203.0.113.9' })).id;
});
afterAll(async () => t?.close());

function cookieHeader(res: { cookies: { name: string; value: string }[] }, previous = ''): string {
  const jar = new Map(previous ? previous.split('; ').map((c) => c.split('=', 2) as [string, string]) : []);
  for (const c of res.cookies) jar.set(c.name, c.value);
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function form(url: string, cookie = '') {
  const res = await t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  expect(res.statusCode).toBe(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  expect(token).toBeTruthy();
  return { token: token!, cookie: cookieHeader(res, cookie), body: res.body };
}

function labelled(body: string) {
  const ids = [...body.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
  for (const id of ids) expect(body, `label for ${id}`).toContain(`for="${id}"`);
  return ids;
}

describe('reporting an ad from its page', () => {
  it('shows a "Report this ad" form on the ad page', async () => {
    const ad = (await t.ctx.ads.findById(adId))!;
    const city = t.ctx.places.cityById.get(ad.cityId)!;
    const category = t.ctx.places.categoryById.get(ad.categoryId)!;
    const page = await t.app.inject({ method: 'GET', url: adPath(ad, city.slug, category.slug) });
    expect(page.body).toContain('action="/report"');
    expect(page.body).toContain(`name="ad" value="${adId}"`);
  });

  it('takes a flag with CSRF, once per visitor, with every control labelled', async () => {
    const { token, cookie, body } = await form(`/report?ad=${adId}`);
    expect(labelled(body)).toContain('reason-child_safety');
    const noCsrf = await t.app.inject({ method: 'POST', url: '/report', payload: { ad: String(adId), reason: 'spam' }, headers: { cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'POST', url: '/report', payload: { _csrf: token, ad: String(adId), reason: 'nonsense' }, headers: { cookie } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="reason-error"');
    const ok = await t.app.inject({ method: 'POST', url: '/report', payload: { _csrf: token, ad: String(adId), reason: 'spam' }, headers: { cookie } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('id="flag-received"');
    const withVisitor = cookieHeader(ok, cookie);
    expect(withVisitor).toContain('flagger=');
    const again = await t.app.inject({ method: 'POST', url: '/report', payload: { _csrf: token, ad: String(adId), reason: 'scam' }, headers: { cookie: withVisitor } });
    expect(again.statusCode).toBe(200);
    const rows = await t.ctx.database.query<{ flagger_key: string; ip_hash: string }>('select flagger_key, ip_hash from flags where ad_id = $1', [adId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.flagger_key).toMatch(/^visitor:/);
    expect(rows[0]!.ip_hash).not.toContain('127.0.0.1');
  });

  it('answers 404 for an ad that is not live', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/report?ad=99999999' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/report?ad=abc' })).statusCode).toBe(404);
  });
});

describe('the notice form (DSA Art. 16)', () => {
  it('prefills the ad address, keeps input on error, confirms receipt', async () => {
    const { token, cookie, body } = await form(`/report/notice?ad=${adId}`);
    labelled(body);
    expect(body).toMatch(/id="url" name="url" value="http:\/\/localhost:3000\/chicago\/[^"]+"/);
    const explanation = 'The ad offers an item that may not be sold; see the photos and the description.';
    const bad = await t.app.inject({ method: 'POST', url: '/report/notice', payload: { _csrf: token, ad: String(adId), category: 'illegal', explanation, url: 'http://localhost:3000/x' }, headers: { cookie } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(explanation);
    for (const f of ['name', 'email', 'good_faith']) expect(bad.body).toContain(`id="${f}-error"`);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/report/notice',
      payload: { _csrf: token, ad: String(adId), category: 'illegal', explanation, url: 'http://localhost:3000/x', name: 'R. Reporter', email: 'reporter@example.org', good_faith: 'on' },
      headers: { cookie },
    });
    expect(ok.statusCode).toBe(200);
    const ref = /N-(\d+)/.exec(ok.body)?.[1];
    expect(ref).toBeTruthy();
    expect(t.mailer.lastTo('reporter@example.org')!.text).toContain(`N-${ref}`);
  });

  it('accepts a report about a minor without name or e-mail', async () => {
    const { token, cookie } = await form(`/report/notice?ad=${adId}`);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/report/notice',
      payload: { _csrf: token, ad: String(adId), category: 'child_safety', explanation: 'The ad appears to involve a person who may be underage.', url: 'http://localhost:3000/x', good_faith: 'on' },
      headers: { cookie },
    });
    expect(ok.statusCode).toBe(200);
    const items = await t.ctx.moderation.repo.itemsOf(adId);
    expect(items.find((i) => i.source === 'notice')!.priority).toBe(0);
  });
});
