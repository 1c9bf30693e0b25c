/**
 * The reply form must not confirm which address an ad was posted from (issue 10, item 4): an
 * anonymous replier who types the poster's address gets exactly the answer any address gets, and the
 * reply goes through the relay like any other (a confirmation mail to that address, which only the
 * poster can open). Only a replier proven to be the poster (the ad's account, or a signed-in account
 * with a verified address equal to the ad's) is told "This is your own ad".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';
import { insertPublishedAd } from './helpers/relay-rig.ts';

let t: TestApp;
let ad: { id: number; path: string };

const POSTER = 'seller@example.com';

beforeAll(async () => {
  t = await createTestApp();
  ad = await insertPublishedAd(t, { email: POSTER, title: 'Cherry wood writing desk', body: 'Cherry wood desk with two drawers, 120 cm wide.' });
});

afterAll(async () => {
  await t?.close();
});

/** A fresh anonymous browser replying from the ad page; returns what it sees, with the typed address and the CSRF token masked. */
async function replyAs(email: string, ip: string) {
  const page = await t.app.inject({ method: 'GET', url: ad.path, remoteAddress: ip });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await t.app.inject({
    method: 'POST',
    url: `/reply/${ad.id}`,
    remoteAddress: ip,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, message: 'Is the desk still available?', email }).toString(),
  });
  const mask = (s: string) => s.replaceAll(email.trim().toLowerCase(), 'ADDRESS').replaceAll(token, 'TOKEN');
  return { status: res.statusCode, type: res.headers['content-type'], location: res.headers.location, cookies: res.cookies.map((c) => c.name).sort(), body: mask(res.body) };
}

async function user(email: string, verified: boolean) {
  const [row] = await t.ctx.database.query<{ id: number }>('insert into users (email, email_verified_at) values ($1, $2) returning id', [email, verified ? new Date() : null]);
  return { id: Number(row!.id), email, emailVerified: verified };
}

describe("the poster's own address on the reply form", () => {
  it('answers an anonymous replier typing it exactly as any other address', async () => {
    const other = await replyAs('someone.else@example.org', '203.0.113.10');
    expect(other.status).toBe(200);
    expect(other.body).toContain('id="reply-check-mail"');
    for (const typed of [POSTER, ' Seller@Example.COM ']) {
      const own = await replyAs(typed, '203.0.113.11');
      expect(own).toEqual(other);
      expect(own.body).not.toMatch(/your own ad|address of the ad/i);
    }
  });

  it('goes through the relay: the confirmation mail goes to that address, and confirming delivers from a relay identity', async () => {
    const mail = t.mailer.lastTo(POSTER)!;
    expect(mail.text).toContain('/replies/confirm/');
    const confirmPath = linkFrom(mail.text, '/replies/confirm/');
    const page = await t.app.inject({ method: 'GET', url: confirmPath });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const confirmed = await t.app.inject({ method: 'POST', url: confirmPath, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(token)}` });
    expect(confirmed.statusCode).toBe(303);
    const relayed = t.mailer.lastTo(POSTER)!;
    expect(relayed.text).toContain('Is the desk still available?');
    expect(relayed.headers?.['Reply-To']).toMatch(/^reply-[a-z2-7]{16}@relay\.corkboard\.localhost$/);
  });

  it('tells only a replier proven to be the poster that this is their own ad', async () => {
    const owner = await user(POSTER, true);
    await expect(t.ctx.relay.replyFromAdPage(ad.id, { message: 'Testing my own ad' }, '203.0.113.12', owner)).rejects.toThrow('This is your own ad');
    // An account that merely claims the address (not verified) proves nothing: an ordinary reply.
    const claimer = await user('claimer@example.net', false);
    const result = await t.ctx.relay.replyFromAdPage(ad.id, { message: 'Hello' }, '203.0.113.13', { ...claimer, email: POSTER });
    expect(result.outcome).toBe('confirm');
  });
});
