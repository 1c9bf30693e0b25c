/**
 * Changing an account's e-mail address through the real app: the form and its errors, the link to
 * the new address and the notice to the old one, the change on using the link (sessions, ads, saved
 * searches, relay threads and blocks follow), and the links that must stop working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const PASSWORD = 'correct horse battery';

/** A browser-like client: keeps cookies, reads CSRF tokens from pages, posts forms. */
function client() {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Awaited<ReturnType<TestApp['app']['inject']>>) => {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && new Date(c.expires) < new Date(1000))) jar.delete(c.name);
      else jar.set(c.name, c.value);
    }
    return res;
  };
  return {
    async get(url: string) {
      return keep(await t.app.inject({ method: 'GET', url, headers: { cookie: cookie(), 'user-agent': 'Mozilla/5.0 Firefox/130.0' } }));
    },
    async submit(page: string, fields: Record<string, string>, action = page) {
      const form = await this.get(page);
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
      expect(token, `csrf token on ${page}`).toBeTruthy();
      return keep(await t.app.inject({ method: 'POST', url: action, payload: { ...fields, _csrf: token! }, headers: { cookie: cookie(), 'user-agent': 'Mozilla/5.0 Firefox/130.0' } }));
    },
  };
}

const mailLink = (to: string, prefix: string) => linkFrom(t.mailer.lastTo(to)!.text, prefix);

async function account(email: string) {
  const c = client();
  expect((await c.submit('/signup', { email, password: PASSWORD })).statusCode).toBe(303);
  expect((await c.submit(mailLink(email, '/account/confirm/'), {})).statusCode).toBe(303);
  const user = await t.ctx.accountService.account((await t.ctx.database.query<{ id: number }>('select id from users where email = $1', [email]))[0]!.id);
  return { c, user };
}

async function signIn(email: string, password = PASSWORD) {
  const c = client();
  const res = await c.submit('/signin', { email, password });
  return { c, res };
}

const adFields = (title: string) => ({
  title,
  body: 'Solid oak, seats six, a few marks on one leg. Pick up near the station in the evening.',
  price: '300',
  country: 'united-states',
  city: 'chicago',
  category: 'furniture',
  contact_mode: 'relay',
});

describe('the change-of-address form', () => {
  it('is linked from the account page and refuses bad input per field, keeping the address typed', async () => {
    const { c } = await account('form-owner@example.com');
    await account('taken@example.com');
    expect((await c.get('/account')).body).toContain('href="/account/email"');
    const page = await c.get('/account/email');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="new-email">New e-mail address</label>');
    expect(page.body).toContain('<label for="change-email-password">Your current password</label>');

    const cases: [Record<string, string>, string, string][] = [
      [{ email: 'not-an-address', password: PASSWORD }, 'email', 'Enter a valid e-mail address'],
      [{ email: 'Form-Owner@Example.com', password: PASSWORD }, 'email', 'This is already your address'],
      [{ email: 'fresh@example.com', password: 'wrong password here' }, 'password', 'The password is not right.'],
      [{ email: 'fresh@example.com', password: '' }, 'password', 'Enter your current password.'],
      [{ email: 'taken@example.com', password: PASSWORD }, 'email', 'Another account uses this address'],
    ];
    for (const [fields, field, message] of cases) {
      const res = await c.submit('/account/email', fields);
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.body).toContain(`id="${field === 'email' ? 'new-email' : 'change-email-password'}-error"`);
      expect(res.body).toContain(message);
      expect(res.body).toContain(`value="${fields.email}"`);
      expect(res.body).not.toContain(PASSWORD);
    }
    expect(t.mailer.sent.filter((m) => m.subject.includes('new Corkboard e-mail address'))).toHaveLength(0);
  });

  it('needs a signed-in account', async () => {
    const res = await client().get('/account/email');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Faccount%2Femail');
  });
});

describe('changing the address', () => {
  it('mails the new address a link and the old one a notice; only the link changes the address, and everything follows', async () => {
    const { c: first, user } = await account('old-home@example.com');
    const { c: second } = await signIn('old-home@example.com');

    // An ad posted signed in, one posted without signing in under the same address, a saved search,
    // and a buyer's reply to the first ad (a relay thread to the poster's address).
    const { id: adId } = await t.ctx.adService.post(adFields('Oak dining table for six people'), [], '203.0.113.5', { userId: user.id, email: 'old-home@example.com' });
    const { id: looseAdId } = await t.ctx.adService.post({ ...adFields('Pine bookshelf with five shelves'), email: 'old-home@example.com' }, [], '203.0.113.5');
    await t.ctx.alerts.subscribe({ city: 'chicago', q: 'oak' }, { frequency: 'daily' }, '203.0.113.5', { id: user.id, email: 'old-home@example.com', emailVerified: true });
    const replied = await t.ctx.relay.replyFromAdPage(adId, { message: 'Is the table still available this weekend?', email: 'buyer@example.com' }, '198.51.100.7', null);

    const sent = await first.submit('/account/email', { email: 'New-Home@Example.com', password: PASSWORD });
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('new-home@example.com');
    const toNew = t.mailer.lastTo('new-home@example.com')!;
    expect(toNew.subject).toBe('Confirm your new Corkboard e-mail address');
    const toOld = t.mailer.lastTo('old-home@example.com')!;
    expect(toOld.subject).toBe('Your Corkboard e-mail address is about to change');
    expect(toOld.text).toContain('new-home@example.com');
    expect(toOld.text).toContain('http://localhost:3000/password/forgot');
    expect(toOld.text).not.toContain('/account/email/confirm/');

    // Nothing changes before the link is used; the form says a change is waiting.
    expect((await first.get('/account')).body).toContain('old-home@example.com');
    expect((await first.get('/account/email')).body).toContain('id="pending-change"');

    // Opened on another device that is not signed in: a button page, then the change signs it in.
    const phone = client();
    const link = mailLink('new-home@example.com', '/account/email/confirm/');
    const buttonPage = await phone.get(link);
    expect(buttonPage.statusCode).toBe(200);
    expect(buttonPage.body).toContain('Use this address');
    const done = await phone.submit(link, {});
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/account?done=email-changed');
    const overview = await phone.get(done.headers.location as string);
    expect(overview.body).toContain('<strong id="account-email">new-home@example.com</strong> (confirmed)');
    expect(overview.body).toContain('Your e-mail address is changed.');

    // Every other session ended.
    expect((await first.get('/account')).statusCode).toBe(303);
    expect((await second.get('/account')).statusCode).toBe(303);
    // The old address signs in no more; the new one does, with the same password.
    expect((await signIn('old-home@example.com')).res.statusCode).toBe(403);
    expect((await signIn('new-home@example.com')).res.statusCode).toBe(303);
    expect(t.mailer.lastTo('old-home@example.com')!.subject).toBe('Your Corkboard e-mail address was changed');

    // The ads (the loose one is claimed), the saved search and the relay thread use the new address.
    const ads = await t.ctx.database.query<{ id: number; email: string; user_id: number }>('select id, email, user_id from ads where id = any($1::bigint[]) order by id', [[adId, looseAdId]]);
    expect(ads).toEqual([
      { id: adId, email: 'new-home@example.com', user_id: user.id },
      { id: looseAdId, email: 'new-home@example.com', user_id: user.id },
    ]);
    const events = await t.ctx.database.query<{ reason: string }>(`select reason from ad_events where ad_id = $1 and kind = 'email_changed'`, [adId]);
    expect(events[0]!.reason).toContain('old-home@example.com');
    expect((await phone.get('/account/ads')).body).toContain('Pine bookshelf with five shelves');
    const searches = await t.ctx.database.query<{ email: string }>('select email from saved_searches where user_id = $1', [user.id]);
    expect(searches.map((s) => s.email)).toEqual(['new-home@example.com']);
    const [thread] = await t.ctx.database.query<{ poster_email: string }>('select poster_email from relay_threads where id = $1', [replied.threadId]);
    expect(thread!.poster_email).toBe('new-home@example.com');

    // The link works once.
    const again = await client().get(link);
    expect(again.statusCode).toBe(404);
    expect(again.body).toContain('This link has expired or was already used.');
  });

  it('keeps the browser that opens the link signed in', async () => {
    const { c } = await account('same-browser@example.com');
    await c.submit('/account/email', { email: 'same-browser-2@example.com', password: PASSWORD });
    const res = await c.submit(mailLink('same-browser-2@example.com', '/account/email/confirm/'), {});
    expect(res.statusCode).toBe(303);
    expect((await c.get('/account')).body).toContain('same-browser-2@example.com');
  });

  it('refuses an expired link, and a link whose address another account took meanwhile', async () => {
    const { c } = await account('slow@example.com');
    await c.submit('/account/email', { email: 'slow-new@example.com', password: PASSWORD });
    const expiring = mailLink('slow-new@example.com', '/account/email/confirm/');
    t.clock.advanceHours(25);
    expect((await client().get(expiring)).statusCode).toBe(404);
    t.clock.advanceHours(-25);
    expect((await client().get(expiring)).statusCode).toBe(200);

    // A newer request revokes the earlier link.
    const { c: again } = await signIn('slow@example.com');
    await again.submit('/account/email', { email: 'contested@example.com', password: PASSWORD });
    expect((await client().get(expiring)).statusCode).toBe(404);
    const contested = mailLink('contested@example.com', '/account/email/confirm/');
    await account('contested@example.com');
    const res = await client().submit(contested, {});
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Another account started using contested@example.com meanwhile');
    expect((await again.get('/account')).body).toContain('slow@example.com');
  });

  it('is cancelled by a password reset from the old address', async () => {
    const { c } = await account('victim@example.com');
    await c.submit('/account/email', { email: 'attacker@example.com', password: PASSWORD });
    const attackerLink = mailLink('attacker@example.com', '/account/email/confirm/');
    await client().submit('/password/forgot', { email: 'victim@example.com' });
    await client().submit(mailLink('victim@example.com', '/password/reset/'), { password: 'a brand new passphrase' });
    expect((await client().get(attackerLink)).statusCode).toBe(404);
    const [row] = await t.ctx.database.query<{ email: string }>(`select email from users where email like 'victim%'`);
    expect(row!.email).toBe('victim@example.com');
  });

  it('asks an account without a password to choose one first', async () => {
    const c = client();
    await c.submit('/signup', { email: 'linkonly@example.com', password: PASSWORD });
    // Signing in by link on an unconfirmed account clears the password someone may have chosen.
    await c.submit('/signin', { email: 'linkonly@example.com' }, '/signin/link');
    await c.submit(mailLink('linkonly@example.com', '/signin/link/'), {});
    const page = await c.get('/account/email');
    expect(page.body).toContain('id="no-password"');
    expect(page.body).not.toContain('id="change-email-form"');
  });
});
