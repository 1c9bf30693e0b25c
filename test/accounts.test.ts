/**
 * Accounts through the real app: sign up and confirm, sign in by password and by mailed link,
 * sessions, lockout, password reset, phone verification, claiming ads, posting signed in, My ads,
 * API tokens and the token-authenticated API, and account deletion; with bad input per field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_ATTEMPTS_PER_IP } from '../src/accounts/lockout.ts';
import { hashSecret } from '../src/accounts/secrets.ts';
import { outboxAddressFor } from '../src/accounts/sms.ts';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

type Jar = Map<string, string>;
const newJar = (): Jar => new Map();
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** A browser-like client: keeps cookies, reads CSRF tokens from pages, posts forms. */
function client(ua = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36', remoteAddress = '127.0.0.1') {
  const jar = newJar();
  const keep = (res: Awaited<ReturnType<TestApp['app']['inject']>>) => {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && new Date(c.expires) < new Date(0 + 1000))) jar.delete(c.name);
      else jar.set(c.name, c.value);
    }
    return res;
  };
  return {
    jar,
    async get(url: string) {
      return keep(await t.app.inject({ method: 'GET', url, remoteAddress, headers: { cookie: cookieHeader(jar), 'user-agent': ua } }));
    },
    /** GETs `page`, then posts `fields` with its CSRF token to `action` (default: the same URL). */
    async submit(page: string, fields: Record<string, string>, action = page) {
      const form = await this.get(page);
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
      expect(token, `csrf token on ${page}`).toBeTruthy();
      return keep(
        await t.app.inject({ method: 'POST', url: action, remoteAddress, payload: { ...fields, _csrf: token! }, headers: { cookie: cookieHeader(jar), 'user-agent': ua } }),
      );
    },
  };
}

const mailLink = (to: string, prefix: string) => linkFrom(t.mailer.lastTo(to)!.text, prefix);

async function signUpAndConfirm(email: string, password = 'correct horse battery') {
  const c = client();
  const res = await c.submit('/signup', { email, password });
  expect(res.statusCode).toBe(303);
  const confirm = mailLink(email, '/account/confirm/');
  const done = await c.submit(confirm, {});
  expect(done.statusCode).toBe(303);
  return c;
}

const adFields = {
  title: 'Road bike with carbon fork',
  body: 'Aluminium frame, carbon fork, 54 cm, recently serviced. Pick up in the city centre.',
  price: '420',
  country: 'united-states',
  city: 'chicago',
  category: 'furniture',
  contact_mode: 'relay',
};

describe('sign up', () => {
  it('shows a labelled form and keeps the e-mail after bad input, per field', async () => {
    const c = client();
    const page = await c.get('/signup');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="email">E-mail</label>');
    expect(page.body).toContain('<label for="password">Password</label>');

    const badEmail = await c.submit('/signup', { email: 'not-an-address', password: 'long enough password' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.body).toContain('id="email-error"');
    expect(badEmail.body).toContain('value="not-an-address"');

    const shortPw = await c.submit('/signup', { email: 'kept@example.com', password: 'short' });
    expect(shortPw.statusCode).toBe(400);
    expect(shortPw.body).toContain('at least 10 characters');
    expect(shortPw.body).toContain('value="kept@example.com"');
    expect(shortPw.body).not.toContain('value="short"');

    const emailAsPw = await c.submit('/signup', { email: 'same@example.com', password: 'same@example.com' });
    expect(emailAsPw.body).toContain('must not be your e-mail address');
  });

  it('refuses a form without its CSRF token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/signup', payload: { email: 'x@example.com', password: 'long enough password' } });
    expect(res.statusCode).toBe(403);
  });

  it('does not activate the account before the mailed link is followed', async () => {
    const c = client();
    await c.submit('/signup', { email: 'pending@example.com', password: 'correct horse battery' });
    expect(t.mailer.lastTo('pending@example.com')!.subject).toBe('Confirm your Corkboard account');
    const signIn = await c.submit('/signin', { email: 'pending@example.com', password: 'correct horse battery' });
    expect(signIn.statusCode).toBe(403);
    expect(signIn.body).toContain('Confirm your e-mail address first');
    expect(signIn.body).toContain('value="pending@example.com"');
  });

  it('confirms with a button (not the GET), signs in, and the link works once', async () => {
    const c = client();
    await c.submit('/signup', { email: 'alice@example.com', password: 'correct horse battery' });
    const confirm = mailLink('alice@example.com', '/account/confirm/');
    const get = await c.get(confirm);
    expect(get.statusCode).toBe(200);
    expect(get.body).toContain('Confirm and sign in');
    const post = await c.submit(confirm, {});
    expect(post.statusCode).toBe(303);
    const account = await c.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('alice@example.com');
    expect(account.body).toContain('My account</a>');
    const again = await client().get(confirm);
    expect(again.statusCode).toBe(404);
  });

  it('answers the same for a registered address, and mails its owner instead', async () => {
    const res = await client().submit('/signup', { email: 'alice@example.com', password: 'another long password' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signup/sent');
    expect(t.mailer.lastTo('alice@example.com')!.subject).toBe('You already have a Corkboard account');
  });
});

describe('sessions and request.user', () => {
  it('stores only a hash of the session token, in an httpOnly SameSite=Lax cookie', async () => {
    const c = await signUpAndConfirm('hash@example.com');
    const token = c.jar.get('session')!;
    expect(token).toMatch(/^[\w-]{43}$/);
    const rows = await t.ctx.database.query<{ token_hash: string }>('select token_hash from sessions');
    expect(rows.map((r) => r.token_hash)).toContain(hashSecret(token));
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
    const res = await client().submit('/signin', { email: 'hash@example.com', password: 'correct horse battery' });
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/session=[\w-]{43}/);
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
  });

  it('redirects to sign in when not signed in, and the header says Sign in', async () => {
    const res = await client().get('/account/ads');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Faccount%2Fads');
    const home = await client().get('/');
    expect(home.body).toContain('href="/signin">Sign in</a>');
  });

  it('lists sessions with their browser and ends another one', async () => {
    const a = await signUpAndConfirm('multi@example.com');
    const b = client('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1');
    expect((await b.submit('/signin', { email: 'multi@example.com', password: 'correct horse battery' })).statusCode).toBe(303);
    const page = await a.get('/account');
    expect(page.body).toContain('Chrome on Linux');
    expect(page.body).toContain('Safari on iOS');
    expect(page.body).toContain('This browser');
    const other = /action="(\/account\/sessions\/\d+\/end)"/.exec(page.body)![1]!;
    const end = await a.submit('/account', {}, other);
    expect(end.headers.location).toBe('/account?done=session-ended');
    expect((await b.get('/account')).statusCode).toBe(303);
    expect((await a.get('/account')).statusCode).toBe(200);
  });

  it('signs out', async () => {
    const c = await signUpAndConfirm('out@example.com');
    const res = await c.submit('/account', {}, '/signout');
    expect(res.headers.location).toBe('/signin?done=signed-out');
    expect((await c.get('/account')).statusCode).toBe(303);
  });

  it('updates last seen at most every few minutes', async () => {
    const c = await signUpAndConfirm('seen@example.com');
    const seen = async () => (await t.ctx.database.query<{ last_seen_at: Date }>("select s.last_seen_at from sessions s join users u on u.id = s.user_id where u.email = 'seen@example.com'"))[0]!.last_seen_at;
    const first = new Date(await seen()).getTime();
    t.clock.advanceHours(0.01);
    await c.get('/account');
    expect(new Date(await seen()).getTime()).toBe(first);
    t.clock.advanceHours(0.2);
    await c.get('/account');
    expect(new Date(await seen()).getTime()).toBeGreaterThan(first);
  });
});

describe('sign in: password, lockout and the mailed link', () => {
  it('keeps the e-mail and says what is wrong per field', async () => {
    const c = client();
    const empty = await c.submit('/signin', { email: '', password: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('id="signin-email-error"');
    expect(empty.body).toContain('id="signin-password-error"');
    const wrong = await c.submit('/signin', { email: 'nobody@example.com', password: 'whatever it is' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain('The e-mail address or password is not right.');
    expect(wrong.body).toContain('value="nobody@example.com"');
  });

  it('pauses password sign-in with a growing delay, and the mailed link still works and lifts it', async () => {
    await signUpAndConfirm('victim@example.com');
    const attacker = client();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attacker.submit('/signin', { email: 'victim@example.com', password: `guess number ${i}` })).statusCode);
    expect(statuses).toEqual([403, 403, 429]);
    // Even the right password is refused during the pause, with a message that says what to do.
    const owner = client();
    const paused = await owner.submit('/signin', { email: 'victim@example.com', password: 'correct horse battery' });
    expect(paused.statusCode).toBe(429);
    expect(paused.body).toContain('Too many attempts; try again in 1 minute or sign in with a link by e-mail.');
    expect(paused.headers['retry-after']).toBeDefined();

    const ask = await owner.submit('/signin', { email: 'victim@example.com' }, '/signin/link');
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('If an account uses this address');
    const link = mailLink('victim@example.com', '/signin/link/');
    expect((await owner.get(link)).body).toContain('Sign in');
    const used = await owner.submit(link, {});
    expect(used.statusCode).toBe(303);
    expect((await owner.get('/account')).statusCode).toBe(200);
    expect((await client().get(link)).statusCode).toBe(404);
    // The pause is lifted: the password works again at once.
    expect((await client().submit('/signin', { email: 'victim@example.com', password: 'correct horse battery' })).statusCode).toBe(303);
  });

  it('caps the delay, so a victim is never locked out for long', async () => {
    await signUpAndConfirm('capped@example.com');
    await t.ctx.database.query("update users set failed_sign_ins = 50 where email = 'capped@example.com'");
    const res = await client().submit('/signin', { email: 'capped@example.com', password: 'wrong password!' });
    expect(res.statusCode).toBe(429);
    expect(res.body).toContain('try again in 15 minutes');
    t.clock.advanceHours(0.26);
    expect((await client().submit('/signin', { email: 'capped@example.com', password: 'correct horse battery' })).statusCode).toBe(303);
  });

  it('limits password attempts per IP across accounts', async () => {
    const c = client(undefined, '203.0.113.7');
    let last = 0;
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_IP + 1; i++) last = (await c.submit('/signin', { email: `spray${i}@example.com`, password: 'password123456' })).statusCode;
    expect(last).toBe(429);
  });

  it('does not reveal whether an address has an account when asked for a link', async () => {
    const res = await client().submit('/signin', { email: 'ghost@example.com' }, '/signin/link');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('If an account uses this address');
    expect(t.mailer.lastTo('ghost@example.com')).toBeUndefined();
    const bad = await client().submit('/signin', { email: 'nope' }, '/signin/link');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="link-email-error"');
    expect(bad.body).toContain('value="nope"');
  });
});

describe('password reset', () => {
  it('sets a new password from a single-use link and ends every other session', async () => {
    const old = await signUpAndConfirm('reset@example.com');
    const c = client();
    const asked = await c.submit('/password/forgot', { email: 'reset@example.com' });
    expect(asked.body).toContain('If an account uses this address');
    const link = mailLink('reset@example.com', '/password/reset/');
    const short = await c.submit(link, { password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('id="password-error"');
    const done = await c.submit(link, { password: 'a brand new passphrase' });
    expect(done.headers.location).toBe('/account?done=password');
    expect((await old.get('/account')).statusCode).toBe(303);
    expect((await client().get(link)).statusCode).toBe(404);
    expect((await client().submit('/signin', { email: 'reset@example.com', password: 'correct horse battery' })).statusCode).toBe(403);
    expect((await client().submit('/signin', { email: 'reset@example.com', password: 'a brand new passphrase' })).statusCode).toBe(303);
  });

  it('expires the link', async () => {
    await signUpAndConfirm('late@example.com');
    await client().submit('/password/forgot', { email: 'late@example.com' });
    const link = mailLink('late@example.com', '/password/reset/');
    t.clock.advanceHours(1);
    expect((await client().get(link)).statusCode).toBe(404);
  });
});

describe('phone verification', () => {
  it('texts a code through the outbox and stores the number as verified', async () => {
    const c = await signUpAndConfirm('phone@example.com');
    const bad = await c.submit('/account/phone', { phone: '12345' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="phone-error"');
    expect(bad.body).toContain('value="12345"');
    const sent = await c.submit('/account/phone', { phone: '+1 312 555 0142' });
    expect(sent.statusCode).toBe(303);
    const sms = t.mailer.lastTo(outboxAddressFor('+13125550142'))!;
    const code = /\b(\d{6})\b/.exec(sms.text)![1]!;
    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await c.submit('/account/phone', { code: wrongCode }, '/account/phone/verify');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('4 tries left');
    expect(wrong.body).toContain(`value="${wrongCode}"`);
    const ok = await c.submit('/account/phone', { code }, '/account/phone/verify');
    expect(ok.headers.location).toBe('/account?done=phone');
    expect((await c.get('/account')).body).toContain('+13125550142 (verified)');
  });
});

describe('ads and accounts', () => {
  it('claims ads posted earlier without an account under the same address', async () => {
    const anon = client();
    const posted = await anon.submit('/post', { ...adFields, email: 'claimer@example.com', _action: 'submit' });
    expect(posted.headers.location).toBe('/post/sent');
    const c = await signUpAndConfirm('claimer@example.com');
    const mine = await c.get('/account/ads');
    expect(mine.body).toContain('Road bike with carbon fork');
    expect(mine.body).toContain('Not confirmed');
  });

  it('lets a signed-in poster skip the confirmation mail; My ads shows state, reason, links and replies', async () => {
    const c = await signUpAndConfirm('seller@example.com');
    const form = await c.get('/post');
    expect(form.body).toContain('Posting as <strong>seller@example.com</strong>');
    expect(form.body).not.toContain('id="email"');
    const before = t.mailer.sent.length;
    const res = await c.submit('/post', { ...adFields, title: 'Walnut bookcase, five shelves', _action: 'submit' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/account\/ads\?posted=\d+$/);
    expect(t.mailer.sent.slice(before).some((m) => m.subject.startsWith('Confirm your ad'))).toBe(false);
    const mine = await c.get(res.headers.location as string);
    expect(mine.body).toContain('data-state="published"');
    expect(mine.body).toContain('Walnut bookcase, five shelves');
    expect(mine.body).toMatch(/href="\/manage\/\d+\/[\w-]+"/);
    const manage = /href="(\/manage\/\d+\/[\w-]+)"/.exec(mine.body)![1]!;
    expect((await c.get(manage)).statusCode).toBe(200);
    expect(mine.body).toMatch(/<td>0<\/td>/);

    // A held ad shows why.
    const id = Number(/posted=(\d+)/.exec(res.headers.location as string)![1]);
    await t.ctx.ads.transition(id, ['published'], 'held', { kind: 'test', reason: 'A moderator checks ads in this category first.', automated: true }, { screening: null });
    expect((await c.get('/account/ads')).body).toContain('A moderator checks ads in this category first.');
  });

  it('keeps the signed-in ad form filled in after bad input', async () => {
    const c = await signUpAndConfirm('typo@example.com');
    const res = await c.submit('/post', { ...adFields, title: 'abc', _action: 'submit' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="title-error"');
    expect(res.body).toContain('value="420"');
  });
});

describe('API tokens and the write API', () => {
  let alice: ReturnType<typeof client>;
  let token = '';
  let adId = 0;

  it('creates a named token shown once, and lists it without the secret', async () => {
    alice = await signUpAndConfirm('api@example.com');
    const empty = await alice.submit('/account/tokens', { name: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('id="name-error"');
    const created = await alice.submit('/account/tokens', { name: 'stock import' });
    expect(created.statusCode).toBe(201);
    token = /id="token-value" readonly value="(cb_[\w-]+)"/.exec(created.body)![1]!;
    const list = await alice.get('/account/tokens');
    expect(list.body).toContain('stock import');
    expect(list.body).not.toContain(token);
    expect(list.body).toContain('never');
  });

  const api = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, auth: string | null = `Bearer ${token}`) =>
    t.app.inject({ method, url, payload, headers: auth ? { authorization: auth } : {} });

  it('refuses writes without a token or with a bad one (401)', async () => {
    expect((await api('POST', '/api/v1/ads', adFields, null)).statusCode).toBe(401);
    const bad = await api('POST', '/api/v1/ads', adFields, 'Bearer cb_nonsense');
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('Bearer');
    expect(bad.json().error.code).toBe('unauthorized');
  });

  it('posts an ad through screening without a confirmation mail', async () => {
    const res = await api('POST', '/api/v1/ads', { ...adFields, title: 'Teak garden bench', price: 150 });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.state).toBe('published');
    expect(body.url).toMatch(/^\/chicago\/furniture\/teak-garden-bench-\d+$/);
    adId = body.id;
    expect(res.headers.location).toBe(`/api/v1/ads/${adId}`);
    expect((await t.app.inject({ url: `/api/v1/ads/${adId}` })).statusCode).toBe(200);
    const list = await alice.get('/account/tokens');
    expect(list.body).not.toContain('>never<');
  });

  it('says which field is wrong', async () => {
    const res = await api('POST', '/api/v1/ads', { ...adFields, title: 'x', price: 'lots' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields)).toEqual(expect.arrayContaining(['title', 'price']));
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ads', payload: '[1]', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })).statusCode).toBe(400);
  });

  it('edits only the fields given', async () => {
    const res = await api('PATCH', `/api/v1/ads/${adId}`, { price: 120 });
    expect(res.statusCode).toBe(200);
    expect(res.json().price).toBe(120);
    expect(res.json().title).toBe('Teak garden bench');
  });

  it("answers 404 for another account's ad and for a missing one alike", async () => {
    const bob = await signUpAndConfirm('bob@example.com');
    const created = await bob.submit('/account/tokens', { name: 'bob' });
    const bobToken = /id="token-value" readonly value="(cb_[\w-]+)"/.exec(created.body)![1]!;
    const other = await api('PATCH', `/api/v1/ads/${adId}`, { price: 1 }, `Bearer ${bobToken}`);
    const missing = await api('PATCH', '/api/v1/ads/99999999', { price: 1 }, `Bearer ${bobToken}`);
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(other.json()).toEqual(missing.json());
    expect((await api('DELETE', `/api/v1/ads/${adId}`, undefined, `Bearer ${bobToken}`)).statusCode).toBe(404);
  });

  it('deletes the ad, and a revoked token stops working', async () => {
    expect((await api('DELETE', `/api/v1/ads/${adId}`)).statusCode).toBe(204);
    expect((await t.app.inject({ url: `/api/v1/ads/${adId}` })).statusCode).toBe(404);
    expect((await api('DELETE', `/api/v1/ads/${adId}`)).statusCode).toBe(404);
    const list = await alice.get('/account/tokens');
    const revoke = /action="(\/account\/tokens\/\d+\/revoke)"/.exec(list.body)![1]!;
    expect((await alice.submit('/account/tokens', {}, revoke)).headers.location).toBe('/account/tokens?done=revoked');
    expect((await api('POST', '/api/v1/ads', adFields)).statusCode).toBe(401);
  });

  it('documents the writes with a bearer security scheme', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/ads'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/ads/{id}'].patch).toBeDefined();
    expect(doc.paths['/api/v1/ads/{id}'].delete.responses['401']).toBeDefined();
  });
});

describe('account deletion', () => {
  it('takes ads down, erases personal data and sessions, and names what is kept', async () => {
    const c = await signUpAndConfirm('leaving@example.com');
    const posted = await c.submit('/post', { ...adFields, title: 'Cast iron pan, 28 cm', _action: 'submit' });
    const id = Number(/posted=(\d+)/.exec(posted.headers.location as string)![1]);
    const page = await c.get('/account/delete');
    expect(page.body).toContain('kept for 180 days');
    const noTick = await c.submit('/account/delete', { password: 'correct horse battery' });
    expect(noTick.statusCode).toBe(400);
    expect(noTick.body).toContain('id="confirm-error"');
    const wrongPw = await c.submit('/account/delete', { password: 'not my password', confirm: 'yes' });
    expect(wrongPw.statusCode).toBe(400);
    expect(wrongPw.body).toContain('id="delete-password-error"');
    const done = await c.submit('/account/delete', { password: 'correct horse battery', confirm: 'yes' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Ad records are kept for 180 days as required for moderation and legal requests, then purged.');
    expect((await t.ctx.ads.findById(id))!.state).toBe('deleted');
    const [user] = await t.ctx.database.query<Record<string, unknown>>(
      'select email, password_hash, phone, deleted_at from users where id = (select user_id from ads where id = $1)',
      [id],
    );
    expect(user).toMatchObject({ email: null, password_hash: null, phone: null });
    expect(user!.deleted_at).not.toBeNull();
    const [{ n }] = await t.ctx.database.query<{ n: number }>('select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.deleted_at is not null');
    expect(n).toBe(0);
    expect((await c.get('/account')).statusCode).toBe(303);
    expect((await client().submit('/signin', { email: 'leaving@example.com', password: 'correct horse battery' })).statusCode).toBe(403);
  });
});
