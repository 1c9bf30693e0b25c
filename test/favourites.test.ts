/** Favourites through the real app: the ad-page button without JavaScript, the page, gone ads, and the merge into an account. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAVOURITES_CAP } from '../src/favourites/favourites.service.ts';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';
import { multipart } from './helpers/post-ad.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

/** A browser's cookie jar, enough for these tests. */
const jar = new Map<string, string>();
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
function keep(res: { cookies: { name: string; value: string }[] }) {
  for (const c of res.cookies) {
    if (c.value === '') jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
}
async function get(url: string) {
  const res = await t.app.inject({ url, headers: { cookie: cookieHeader() } });
  keep(res);
  return res;
}
async function post(url: string, payload: Record<string, string>) {
  const res = await t.app.inject({ method: 'POST', url, payload, headers: { cookie: cookieHeader() } });
  keep(res);
  return res;
}
const tokenIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;

let n = 0;
async function publishAd(title: string): Promise<{ id: number; path: string; managePath: string }> {
  const email = `fav-poster${++n}@example.com`;
  const form = await t.app.inject({ url: '/post' });
  const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const body = multipart({ title, body: 'Good condition, pick up only. Message through the relay.', price: '80', country: 'united-states', city: 'chicago', category: 'furniture', email, contact_mode: 'relay', _csrf: tokenIn(form.body), _action: 'submit' });
  await t.app.inject({ method: 'POST', url: '/post', payload: body.payload, headers: { ...body.headers, cookie } });
  const mail = t.mailer.lastTo(email)!.text;
  const confirmPath = linkFrom(mail, '/confirm/');
  const c = await t.app.inject({ url: confirmPath });
  const res = await t.app.inject({ method: 'POST', url: confirmPath, payload: { _csrf: tokenIn(c.body) }, headers: { cookie: c.cookies.map((x) => `${x.name}=${x.value}`).join('; ') } });
  const path = /href="(\/chicago\/furniture\/[^"]+)"/.exec(res.body)![1]!;
  return { id: Number(/-(\d+)$/.exec(path)![1]), path, managePath: linkFrom(mail, '/manage/') };
}

describe('favourites for a visitor', () => {
  let table: Awaited<ReturnType<typeof publishAd>>;
  let lamp: Awaited<ReturnType<typeof publishAd>>;

  it('adds an ad from the ad page with a plain POST form, kept in a signed cookie', async () => {
    table = await publishAd('Walnut side table');
    lamp = await publishAd('Brass reading lamp');
    const page = await get(table.path);
    expect(page.body).toContain('action="/favourites/add"');
    expect(page.body).toContain('Save to favourites');
    const res = await post('/favourites/add', { _csrf: tokenIn(page.body), ad_id: String(table.id), return: table.path });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(table.path);
    expect(jar.get('favourites')).toBeTruthy();
    const again = await get(table.path);
    expect(again.body).toContain('action="/favourites/remove"');
    await post('/favourites/add', { _csrf: tokenIn(again.body), ad_id: String(lamp.id), return: '//evil.example' });
    const list = await get('/favourites');
    expect(list.body).toContain('Walnut side table');
    expect(list.body).toContain('Brass reading lamp');
    expect(list.body.indexOf('Brass reading lamp')).toBeLessThan(list.body.indexOf('Walnut side table'));
  });

  it('refuses the form without its CSRF token', async () => {
    const res = await post('/favourites/add', { ad_id: String(table.id) });
    expect(res.statusCode).toBe(403);
  });

  it('ignores a tampered cookie', async () => {
    const res = await t.app.inject({ url: '/favourites', headers: { cookie: `favourites=${table.id}.${lamp.id}` } });
    expect(res.body).toContain('id="no-favourites"');
  });

  it('shows a deleted ad as no longer available, without any of its content, and an expired one by title', async () => {
    const manage = await t.app.inject({ url: table.managePath });
    const del = await t.app.inject({ method: 'POST', url: `${table.managePath}/delete`, payload: { _csrf: tokenIn(manage.body), confirm: 'yes' }, headers: { cookie: manage.cookies.map((c) => `${c.name}=${c.value}`).join('; ') } });
    expect(del.statusCode).toBe(200);
    await t.ctx.database.query(`update ads set state = 'expired' where id = $1`, [lamp.id]);
    const list = await get('/favourites');
    expect(list.body).not.toContain('Walnut side table');
    expect(list.body).toContain(`data-favourite="${table.id}" data-status="gone"`);
    expect(list.body).toContain('no longer available');
    expect(list.body).toContain(`data-favourite="${lamp.id}" data-status="expired"`);
    await t.ctx.database.query(`update ads set state = 'published' where id = $1`, [lamp.id]);
  });

  it('removes a favourite', async () => {
    const list = await get('/favourites');
    await post('/favourites/remove', { _csrf: tokenIn(list.body), ad_id: String(table.id), return: '/favourites' });
    const after = await get('/favourites');
    expect(after.body).not.toContain(`data-favourite="${table.id}"`);
    expect(after.body).toContain(`data-favourite="${lamp.id}"`);
  });
});

describe('mergeVisitorFavourites (called by accounts on sign-in)', () => {
  it('moves cookie favourites into the account, once, newest first, within the cap', async () => {
    const fav = t.ctx.favourites;
    await fav.addForUser(7, 1001);
    const merged = await fav.mergeVisitorFavourites(7, [2002, 1001, 3003]);
    expect([...merged].sort()).toEqual([1001, 2002, 3003]);
    expect(await fav.mergeVisitorFavourites(7, [2002, 3003])).toEqual(merged);
    const many = Array.from({ length: FAVOURITES_CAP + 50 }, (_, i) => 10_000 + i);
    const after = await fav.mergeVisitorFavourites(8, many);
    expect(after).toHaveLength(FAVOURITES_CAP);
    expect(after[0]).toBe(10_000);
  });

  it('lists an account\'s favourites with the same rules as a visitor\'s', async () => {
    const entries = await t.ctx.favourites.resolve(await t.ctx.favourites.idsOfUser(7));
    expect(entries.every((e) => e.status === 'gone')).toBe(true);
  });
});

describe('signing in merges a visitor\'s favourites into the account', () => {
  it('keeps what was saved before signing up, now kept by the account', async () => {
    jar.clear();
    const desk = await publishAd('Oak writing desk with drawer');
    const page = await get(desk.path);
    await post('/favourites/add', { _csrf: tokenIn(page.body), ad_id: String(desk.id), return: desk.path });
    const signup = await get('/signup');
    const res = await post('/signup', { _csrf: tokenIn(signup.body), email: 'merger@example.com', password: 'correct horse battery' });
    expect(res.statusCode).toBe(303);
    const confirm = linkFrom(t.mailer.lastTo('merger@example.com')!.text, '/account/confirm/');
    const confirmPage = await get(confirm);
    const done = await post(confirm, { _csrf: tokenIn(confirmPage.body) });
    expect(done.statusCode).toBe(303);
    const mine = await get('/favourites');
    expect(mine.body).toContain('Oak writing desk with drawer');
    // The visitor cookie was emptied: the account keeps the list now, on any device.
    const fresh = await t.app.inject({ url: '/favourites', headers: { cookie: [...jar].filter(([k]) => !k.includes('fav')).map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(fresh.body).toContain('Oak writing desk with drawer');
  });
});
