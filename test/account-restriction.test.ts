/**
 * A moderator's suspend and ban decisions act on the poster's account (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL): sessions and API tokens end in the decision, sign-in is refused with the date
 * and a pointer to the statement of reasons, replies are refused, and a suspension ends by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flagger } from '../src/moderation/flagger-identity.ts';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';
import { createStaffAccount, formClient, STAFF_PASSWORD } from './helpers/staff-sign-in.ts';
import { distinctNames, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let n = 0;
const MODERATOR = 4242;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const base = { title: 'Oak dining table', body: 'Solid oak dining table, seats six, a few marks on the top. Collection only.', price: '150', city: 'chicago', category: 'furniture', contact_mode: 'relay' };
const visitor = (i: string): Flagger => ({ key: `visitor:r${i}`, userId: null, ipHash: `rnet${i}`, establishedAccount: false });

/** An account holder signed in, with an API token and a published ad of theirs. */
async function poster(email: string) {
  n++;
  const id = await createStaffAccount(t, email, 'user');
  const c = formClient(t, { remoteAddress: `203.0.113.${100 + n}` });
  expect((await c.post('/signin', { email, password: STAFF_PASSWORD }, '/signin')).headers.location).toBe('/account');
  const token = /value="(cb_[\w-]+)"/.exec((await c.post('/account/tokens', { name: 'script' }, '/account/tokens')).body)![1]!;
  const ad = await t.ctx.adService.post({ ...base, title: `${base.title} ${n}`, body: `${base.body} ${distinctNames(n)}` }, [], `203.0.113.${100 + n}`, { userId: id, email });
  expect((await t.ctx.ads.findById(ad.id))!.state).toBe('published');
  return { id, email, c, token, adId: ad.id };
}

async function decide(adId: number, decision: Parameters<TestApp['ctx']['moderation']['decisions']['decide']>[2]) {
  await t.ctx.moderation.flags.submit(adId, 'scam', visitor(String(adId)));
  const item = (await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.state === 'open')!;
  await t.ctx.moderation.repo.claim(item.id, MODERATOR, t.clock.now);
  return t.ctx.moderation.decisions.decide(item.id, MODERATOR, decision);
}

// Each ad's text apart from the others' (helpers/post-ad.ts distinctNames): removed ads' copies are held as re-posts.
let apiPosts = 0;
const apiList = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/ads', headers: { authorization: `Bearer ${token}` }, payload: { ...base, title: 'Pine chest of drawers', body: `${base.body} ${distinctNames(900 + ++apiPosts)}` } });
const signIn = (email: string, password = STAFF_PASSWORD) => formClient(t, { remoteAddress: '203.0.113.250' }).post('/signin', { email, password }, '/signin');

describe('suspension', () => {
  it('ends sessions and API tokens at once, refuses sign-in until the date, then lets the account back in', async () => {
    const p = await poster('suspended@example.com');
    const decided = t.clock.now;
    await decide(p.adId, { kind: 'suspend', reason: 'scam', days: 3 });
    const until = new Date(decided.getTime() + 3 * 86_400_000);

    const [row] = await t.ctx.database.query<{ suspended_until: Date; banned_at: Date | null }>('select suspended_until, banned_at from users where id = $1', [p.id]);
    expect(new Date(row!.suspended_until).getTime()).toBe(until.getTime());
    expect(row!.banned_at).toBeNull();
    const [sessions] = await t.ctx.database.query<{ n: number }>('select count(*)::int as n from sessions where user_id = $1', [p.id]);
    expect(sessions!.n).toBe(0);
    expect((await p.c.get('/account')).headers.location).toBe('/signin?next=%2Faccount');
    expect((await apiList(p.token)).statusCode).toBe(401);
    const [audit] = (await t.ctx.moderation.audit.entriesFor('ad', p.adId)).slice(-1);
    expect(audit!.details).toMatchObject({ account: p.id, until: until.toISOString() });
    const statement = t.mailer.lastTo(p.email)!;
    expect(statement.text).toContain('appeal');

    // The right password: refused, saying until when and where the reasons are. A wrong one: the usual answer.
    const refused = await signIn(p.email);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(`This account is suspended until ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC.`);
    expect(refused.body).toContain('We mailed you a statement of reasons');
    expect(refused.cookies.find((c) => c.name === 'session')).toBeUndefined();
    const wrong = await signIn(p.email, 'not the password at all');
    expect(wrong.body).toContain('The e-mail address or password is not right.');
    expect(wrong.body).not.toContain('This account is suspended');

    // The mailed link does not get round it either.
    const anon = formClient(t, { remoteAddress: '203.0.113.251' });
    await anon.post('/signin/link', { email: p.email }, '/signin');
    const link = linkFrom(t.mailer.lastTo(p.email)!.text, '/signin/link/');
    const viaLink = await anon.post(link, {}, link);
    expect(viaLink.statusCode).toBe(403);
    expect(viaLink.body).toContain('This account is suspended until');

    // Posting under the address is refused while it lasts (blocked contact), replying too.
    const other = await poster('other-poster@example.com');
    const otherAd = await t.ctx.ads.findById(other.adId);
    const reply = await anon.post(`/reply/${other.adId}`, { message: 'Is it still for sale?', email: p.email }, `/reply/${other.adId}`);
    expect(reply.statusCode).toBe(200); // asks to confirm by mail, as for anyone: the form does not say who is suspended
    const confirm = linkFrom(t.mailer.lastTo(p.email)!.text, '/replies/confirm/');
    const confirmed = await anon.post(confirm, {}, confirm);
    expect(confirmed.statusCode).toBe(403);
    expect(confirmed.body).toContain('This account is suspended until');
    const messages = await t.ctx.database.query<{ state: string }>('select m.state from relay_messages m join relay_threads th on th.id = m.thread_id where th.ad_id = $1', [otherAd!.id]);
    expect(messages.map((m) => m.state)).toEqual(['pending']); // never delivered to the poster

    // Three days later it works again.
    t.clock.now = new Date(until.getTime() + 1000);
    const back = await signIn(p.email);
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe('/account');
  });

  it('keeps the longer of two suspensions', async () => {
    const p = await poster('twice@example.com');
    const second = await t.ctx.adService.post({ ...base, title: 'Teak coffee table', body: `${base.body} ${distinctNames(801)}` }, [], '203.0.113.240', { userId: p.id, email: p.email });
    const first = t.clock.now;
    await decide(p.adId, { kind: 'suspend', reason: 'spam', days: 10 });
    await decide(second.id, { kind: 'suspend', reason: 'spam', days: 2 });
    const [row] = await t.ctx.database.query<{ suspended_until: Date }>('select suspended_until from users where id = $1', [p.id]);
    expect(new Date(row!.suspended_until).getTime()).toBe(first.getTime() + 10 * 86_400_000);
  });
});

describe('ban', () => {
  it('closes the account for good, with its other ads, sessions and tokens', async () => {
    const p = await poster('banned@example.com');
    const another = await t.ctx.adService.post({ ...base, title: 'Walnut sideboard', body: `${base.body} ${distinctNames(802)}` }, [], '203.0.113.241', { userId: p.id, email: p.email });
    await decide(p.adId, { kind: 'ban', reason: 'scam' });
    const [row] = await t.ctx.database.query<{ banned_at: Date | null }>('select banned_at from users where id = $1', [p.id]);
    expect(row!.banned_at).not.toBeNull();
    expect((await t.ctx.ads.findById(another.id))!.state).toBe('removed');
    expect((await p.c.get('/account')).statusCode).toBe(303);
    expect((await apiList(p.token)).statusCode).toBe(401);
    t.clock.advanceHours(24 * 400);
    const refused = await signIn(p.email);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('This account has been closed by our moderators.');
  });

  it('leaves accounts alone when the ad was posted without one', async () => {
    const email = 'no-account@example.com';
    const { id } = await postAdDirect(t, { ...base, title: 'Beech stool', body: `${base.body} ${distinctNames(803)}`, email }, { ip: '203.0.113.242' });
    await decide(id, { kind: 'ban', reason: 'scam' });
    expect((await t.ctx.moderation.audit.entriesFor('ad', id)).at(-1)!.details).not.toHaveProperty('account');
    expect(await t.ctx.database.query('select id from users where email = $1', [email])).toEqual([]);
  });
});
