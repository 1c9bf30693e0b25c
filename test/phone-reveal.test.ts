/**
 * "Relay, and show a phone number" (issue 10, item 3): such an ad keeps the relay's reply form, and
 * its phone number is only in the answer to the "Show phone number" form (POST with the page's
 * CSRF token, rate-limited per network, live ads only): never in the ad page as served, its JSON-LD,
 * the API, the feeds, search results or the ad-page cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_REVEALS_PER_HOUR_PER_IP } from '../src/http/routes/ad-page.ts';
import { postAdDirect } from './helpers/post-ad.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
let phoneAd: { id: number; path: string };

const lessons = { title: 'Guitar lessons for beginners', body: 'Acoustic and electric guitar lessons at your home, all ages welcome.', price: '30', city: 'chicago', category: 'tutoring' };
/** The number as typed, and how the ad stores it (E.164). */
const TYPED = '+1 312 555 0147';
const STORED = '+13125550147';
/** Any rendering of the number: E.164, national, or the bare subscriber digits. */
const ANY_FORM = /5550147|555[\s.-]0147|312\)?[\s.-]?555/;

/** A browser at one address: keeps cookies, sends the page's CSRF token with its forms. */
function browser(ip: string) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = <R extends { cookies: { name: string; value: string }[] }>(res: R) => {
    for (const c of res.cookies) jar.set(c.name, c.value);
    return res;
  };
  return {
    get: async (url: string) => keep(await t.app.inject({ method: 'GET', url, remoteAddress: ip, headers: { cookie: cookie() } })),
    async post(url: string, form: Record<string, string>, tokenFrom?: string) {
      const token = tokenFrom ? /name="_csrf" value="([^"]+)"/.exec((await this.get(tokenFrom)).body)?.[1] : undefined;
      if (tokenFrom) expect(token, `csrf token on ${tokenFrom}`).toBeTruthy();
      const payload = new URLSearchParams({ ...form, ...(token ? { _csrf: token } : {}) }).toString();
      return keep(await t.app.inject({ method: 'POST', url, remoteAddress: ip, payload, headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' } }));
    },
  };
}

async function pathOf(id: number): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: `/chicago/tutoring/x-${id}` });
  return res.statusCode === 301 ? String(res.headers.location) : `/chicago/tutoring/x-${id}`;
}

beforeAll(async () => {
  t = await createTestApp();
  const { id, confirmed } = await postAdDirect(t, { ...lessons, email: 'teacher@example.com', contact_mode: 'phone', phone: TYPED });
  expect(confirmed?.state).toBe('published');
  phoneAd = { id, path: await pathOf(id) };
});

afterAll(async () => {
  await t?.close();
});

describe('an ad with "Relay, and show a phone number"', () => {
  it('keeps the relay reply form and a "Show phone number" button, with no number anywhere in the page', async () => {
    const res = await browser('198.51.100.1').get(phoneAd.path);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="reply-form"');
    expect(res.body).toContain(`action="/reply/${phoneAd.id}"`);
    expect(res.body).toMatch(/<form method="post" action="\/ads\/\d+\/phone#phone-number"[^>]*id="show-phone"/);
    expect(res.body).toContain('Show phone number');
    expect(res.body).not.toMatch(ANY_FORM);
    expect(res.body).not.toContain('tel:');
    expect(res.body).not.toMatch(/"telephone"/);
  });

  it('never puts the number in the API, feeds, search results, sitemaps or the ad-page cache', async () => {
    const api = await t.app.inject({ method: 'GET', url: `/api/v1/ads/${phoneAd.id}` });
    expect(api.statusCode).toBe(200);
    expect(api.json().contact).toEqual({ mode: 'phone' });
    for (const url of [`/api/v1/ads?city=chicago&category=tutoring`, '/feed.atom?city=chicago&category=tutoring', '/feed.atom', '/search?q=guitar&city=chicago', '/chicago/tutoring', '/sitemaps/ads-0.xml']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toMatch(/Guitar lessons|guitar-lessons/);
      expect(res.body, url).not.toMatch(ANY_FORM);
    }
    const cached = await t.ctx.adPages.get(phoneAd.id);
    expect(cached?.ad.contactMode).toBe('phone');
    expect(cached?.ad.phone).toBeNull();
    expect(JSON.stringify(cached)).not.toMatch(ANY_FORM);
  });

  it('shows the number on request: the ad page again, not stored, not indexed, with the reply form', async () => {
    const b = browser('198.51.100.2');
    const res = await b.post(`/ads/${phoneAd.id}/phone`, {}, phoneAd.path);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<p id="phone-number" class="phone-number">Phone: <a href="tel:${STORED}">${STORED}</a></p>`);
    expect(res.body).toContain('id="reply-form"');
    expect(res.body).not.toContain('id="show-phone"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-robots-tag']).toBe('noindex');
    // The JSON-LD of this page has no number either: only the visible text does.
    const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(res.body)?.[1] ?? '';
    expect(ld).toContain('Guitar lessons');
    expect(ld).not.toMatch(ANY_FORM);
    // The favourite button on this page still returns to the ad itself.
    expect(res.body).not.toMatch(/name="return" value="\/ads\//);
    // …and the ad page as served to the next reader is unchanged.
    expect((await b.get(phoneAd.path)).body).not.toMatch(ANY_FORM);
  });

  it('refuses a reveal without the page’s CSRF token, or by GET', async () => {
    const b = browser('198.51.100.3');
    const bare = await b.post(`/ads/${phoneAd.id}/phone`, {});
    expect(bare.statusCode).toBe(403);
    expect(bare.body).not.toMatch(ANY_FORM);
    const byGet = await b.get(`/ads/${phoneAd.id}/phone`);
    expect(byGet.statusCode).toBe(404);
    expect(byGet.body).not.toMatch(ANY_FORM);
  });

  it(`allows ${PHONE_REVEALS_PER_HOUR_PER_IP} reveals per hour per address, then answers 429 with a clear message`, async () => {
    const b = browser('198.51.100.4');
    const token = /name="_csrf" value="([^"]+)"/.exec((await b.get(phoneAd.path)).body)![1]!;
    const reveal = (who = b) => who.post(`/ads/${phoneAd.id}/phone`, { _csrf: token });
    for (let i = 0; i < PHONE_REVEALS_PER_HOUR_PER_IP; i++) expect((await reveal()).statusCode).toBe(200);
    const over = await reveal();
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(over.body).toContain('You have asked for many phone numbers in a short time');
    expect(over.body).not.toMatch(ANY_FORM);
    // Other addresses have their own allowance.
    expect((await browser('198.51.100.5').post(`/ads/${phoneAd.id}/phone`, {}, phoneAd.path)).statusCode).toBe(200);
  });

  it('takes replies through the relay like any ad', async () => {
    const res = await browser('198.51.100.6').post(`/reply/${phoneAd.id}`, { message: 'Are Saturday mornings possible?', email: 'learner@example.org' }, phoneAd.path);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="reply-check-mail"');
    expect(t.mailer.lastTo('learner@example.org')?.text).toContain('/replies/confirm/');
  });

  it('reveals nothing for ads that are not live, or have no phone', async () => {
    const unconfirmed = await postAdDirect(t, { ...lessons, title: 'Piano lessons, unconfirmed', email: 'pianist@example.com', contact_mode: 'phone', phone: '+1 312 555 0148' }, { confirm: false });
    const relayOnly = await postAdDirect(t, { ...lessons, title: 'Violin lessons', email: 'violinist@example.com', contact_mode: 'relay' });
    const deleted = await postAdDirect(t, { ...lessons, title: 'Drum lessons', email: 'drummer@example.com', contact_mode: 'phone', phone: '+1 312 555 0149' });
    await t.ctx.ads.update(deleted.id, { state: 'deleted' });
    const b = browser('198.51.100.7');
    const token = /name="_csrf" value="([^"]+)"/.exec((await b.get(phoneAd.path)).body)![1]!;
    for (const id of [unconfirmed.id, relayOnly.id, deleted.id, 99_999_999]) {
      const res = await b.post(`/ads/${id}/phone`, { _csrf: token });
      expect(res.statusCode, `ad ${id}`).toBe(404);
      expect(res.body).not.toMatch(/555[\s.-]?014[89]|tel:/);
    }
    // A relay-only ad has no button.
    expect((await b.get(await pathOf(relayOnly.id))).body).not.toContain('id="show-phone"');
  });
});
