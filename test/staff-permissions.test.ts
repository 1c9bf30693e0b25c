/**
 * Permissions of EVERY staff route, on PGlite and (with TEST_DATABASE_URL) PostgreSQL. The routes
 * are not listed here: they are collected from Fastify itself as the app registers them (an
 * `onRoute` hook), so a staff page or staff API route added later is covered without editing this
 * file. Each route and method is asked by everyone who must not get data from it:
 *
 * - anonymous visitors and signed-in ordinary accounts (with a valid CSRF token): the staff 404,
 *   the same bytes as a same-shaped address with no route (src/http/routes/staff-policy.ts), and
 *   401/404 in the API's {"error": …} format under /api/v1/staff;
 * - an ordinary account's API token, and that token with its scope forced to 'staff' in the
 *   database (as a demoted staff member's old token would be): 401/403/404;
 * - a moderator on the admin-only routes: 403 or 404;
 * - staff signed in without the two-factor step (never enrolled, or enrolled but this session has
 *   not entered a code): the two-factor page (303) or 404.
 *
 * "Never data": no refused answer contains the seeded ad's title, its poster's e-mail, the review
 * item's label, an admin's e-mail or the recipient of a given-up mail, and no refused request writes
 * an audit entry or changes the ad, the item, the category, the staff roles or the given-up mail.
 */
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { completeTwoFactor, createStaffAccount, formClient, signInAsStaff, signUpThroughPages, STAFF_PASSWORD, type FormClient } from './helpers/staff-sign-in.ts';
import { quietPoolShutdown } from './moderation-helpers.ts';
import type { Db } from '../src/db/client.ts';
import { GAVE_UP_AT } from '../src/mail/mail-outbox.repository.ts';
import { GIVE_UP_ATTEMPTS } from '../src/mail/mail-outbox.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

type Route = { method: string; url: string };
type Res = Awaited<ReturnType<TestApp['app']['inject']>>;

let t: TestApp;
const registered: Route[] = [];

const isStaffUrl = (url: string) => url.startsWith('/staff') || url.startsWith('/api/v1/staff');
const isApi = (url: string) => url.startsWith('/api/');
const isAdminOnly = (url: string) => url.startsWith('/staff/admin') || url.startsWith('/api/v1/staff/admin');

// Seeded data that no refused answer may contain.
const AD_TITLE = 'Quartz mantel clock with walnut case';
const POSTER = 'perm-poster@example.com';
const ITEM_LABEL = 'perm-label-7q3x';
const ADMIN = 'perm-admin@example.com';
const MODERATOR = 'perm-mod@example.com';
/** The recipient of a mail the outbox gave up on (admins see it on /staff/admin/mail). */
const MAIL_TO = 'perm-mail-recipient@example.com';

let adId: number;
let itemId: number;
let categoryId: number;
let moderatorId: number;
let mailId: number;

/** What every staff route is asked with: each :param filled with a real id where one exists, else a dummy. */
const concrete = (url: string) =>
  url
    .split('/')
    .map((seg, i, all) => {
      if (seg === '*') return 'x';
      if (!seg.includes(':')) return seg;
      const ids: Record<string, number> = { items: itemId, categories: categoryId, staff: moderatorId, ads: adId, mail: mailId };
      return seg.replace(/:\w+/, String(ids[all[i - 1] ?? ''] ?? 1));
    })
    .join('/');

/** The same request to a same-shaped address with no route: what a refused staff page must be indistinguishable from. */
const unrouted = (url: string) => url.replace(/^\/staff/, '/staffx').replace(/\/\d+(?=\/|$)/g, '/999999');

/** Every staff route, one entry per method (HEAD included: Fastify adds it to each GET). */
const staffRoutes = (): Route[] => {
  const seen = new Set<string>();
  return registered.filter((r) => isStaffUrl(r.url) && !seen.has(`${r.method} ${r.url}`) && seen.add(`${r.method} ${r.url}`));
};

/** Form fields a staff command would act on, were it reached: the refusal must not depend on them. */
const FIELDS = { action: 'remove', reason: 'spam', note: 'x', link: 'template', expected: '1', appeal: '1', outcome: 'reverse', email: 'perm-user@example.com', role: 'admin', name: 'Renamed', direction: 'up', archived: '1', expiry_days: '7' };

interface Actor {
  name: string;
  client?: FormClient;
  bearer?: string;
  /** A CSRF token valid for this actor's cookies (or none), sent with every form request. */
  csrf?: string;
}

async function ask(actor: Actor, method: string, url: string): Promise<Res> {
  const headers: Record<string, string> = {};
  if (actor.client) headers.cookie = [...actor.client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  if (actor.bearer) headers.authorization = `Bearer ${actor.bearer}`;
  const remoteAddress = '192.0.2.10';
  if (method === 'GET' || method === 'HEAD') return t.app.inject({ method, url, headers, remoteAddress });
  if (isApi(url)) return t.app.inject({ method: method as 'POST', url, headers, remoteAddress, payload: FIELDS });
  return t.app.inject({ method: method as 'POST', url, headers, remoteAddress, payload: { ...FIELDS, ...(actor.csrf ? { _csrf: actor.csrf } : {}) } });
}

/** Nothing of the seeded data in the answer. */
function expectNoData(res: Res, what: string) {
  for (const secret of [AD_TITLE, POSTER, ITEM_LABEL, ADMIN, MAIL_TO]) expect(res.body, `${what} leaks ${secret}`).not.toContain(secret);
}

/** An API refusal: 401/403/404 with the {"error": {code, message}} body. */
function expectApiRefusal(res: Res, what: string, statuses = [401, 403, 404]) {
  expect(statuses, `${what} → ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
  if (what.includes(': HEAD ')) return; // no body
  expect(res.headers['content-type'], what).toMatch(/^application\/json/);
  const body = res.json() as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body), what).toEqual(['error']);
  expect(typeof body.error?.code, what).toBe('string');
  expect(typeof body.error?.message, what).toBe('string');
}

/** Answers to anyone who is not staff: HTML routes the 404 of an unrouted address, API routes 401/404. */
async function expectStrangerRefused(actor: Actor) {
  for (const r of staffRoutes()) {
    const url = concrete(r.url);
    const what = `${actor.name}: ${r.method} ${url}`;
    const res = await ask(actor, r.method, url);
    expectNoData(res, what);
    if (isApi(url)) {
      expectApiRefusal(res, what, [401, 404]);
      continue;
    }
    expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBe(404);
    const twin = await ask(actor, r.method, unrouted(url));
    expect(twin.statusCode, `${actor.name}: ${r.method} ${unrouted(url)}`).toBe(404);
    expect(res.body, `${what} differs from an unknown address`).toBe(twin.body);
  }
}

/** The things a refused command would have changed, read straight from the database. */
async function snapshot() {
  const q = async (sql: string, params: unknown[] = []) => JSON.stringify(await t.ctx.database.query(sql, params));
  return {
    audit: await q('select count(*)::int as n from audit_log'),
    ad: await q('select state, title from ads where id = $1', [adId]),
    item: await q('select state, claimed_by, decision from review_items where id = $1', [itemId]),
    category: await q('select name, archived_at, position, expiry_days from categories where id = $1', [categoryId]),
    staff: await q("select id, role, totp_secret is null as no_totp from users where role <> 'user' order by id"),
    mail: await q('select attempts, next_attempt_at, sent_at, last_error from mail_outbox where id = $1', [mailId]),
  };
}

/** A signed-in ordinary account (sign-up and confirmation through the pages). */
function ordinaryAccount(email: string): Promise<FormClient & { id: number }> {
  return signUpThroughPages(t, email, formClient(t, { remoteAddress: '192.0.2.20' }));
}

/** A staff member signed in with the password only: the session has not passed the two-factor step. */
async function staffWithoutSecondFactor(email: string): Promise<FormClient> {
  const c = formClient(t, { remoteAddress: '192.0.2.30' });
  const res = await c.post('/signin', { email, password: STAFF_PASSWORD }, '/signin');
  expect(res.statusCode, res.body).toBe(303);
  expect(res.headers.location).toMatch(/^\/account\/two-factor/);
  return c;
}

const csrfOn = async (c: FormClient, page: string) => {
  const res = await c.get(page);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  expect(token, `csrf token on ${page}`).toBeTruthy();
  return token!;
};

beforeAll(async () => {
  t = await createTestApp({
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) registered.push({ method, url: route.url });
    },
  });
  quietPoolShutdown(t.ctx.database);

  const ip = '203.0.113.77';
  adId = (await postAdDirect(t, { ...bookcase, title: AD_TITLE, body: 'Quartz mantel clock in a walnut case, 30 cm wide, keeps good time.', price: '45', email: POSTER }, { ip })).id;
  await t.ctx.moderation.flags.submit(adId, 'spam', { key: 'visitor:perm', userId: null, ipHash: 'permnet', establishedAccount: false });
  itemId = (await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.state === 'open')!.id;
  await t.ctx.database.query('update review_items set label = $1 where id = $2', [ITEM_LABEL, itemId]);
  categoryId = t.ctx.places.categoryBySlug.get('furniture')!.id;
  moderatorId = await createStaffAccount(t, MODERATOR, 'moderator');
  await createStaffAccount(t, ADMIN, 'admin');
  // A mail the outbox gave up on, for the admins' retry route (/staff/admin/mail/:id/retry).
  mailId = await t.ctx.database.db.transaction(async (tx) => t.ctx.mailOutbox.enqueue(tx as unknown as Db, { to: MAIL_TO, subject: 'Decision about your ad', text: 'statement' }));
  await t.ctx.database.query('update mail_outbox set attempts = $2, created_at = $3, next_attempt_at = $4, last_error = $5 where id = $1', [
    mailId,
    GIVE_UP_ATTEMPTS,
    new Date(Date.now() - 4 * 86_400_000),
    GAVE_UP_AT,
    `gave up after ${GIVE_UP_ATTEMPTS} attempts: 550 no such user`,
  ]);
}, 180_000); // shared machine: app, sign-ups and two-factor enrolments take a while under load
afterAll(async () => t?.close());

describe('the staff routes, as Fastify registered them', () => {
  it('are many, and include the queue, a review page, a command and the admin pages (the test cannot pass on an empty list)', () => {
    const routes = staffRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect(routes).toContainEqual({ method: 'GET', url: '/staff/queue' });
    expect(routes).toContainEqual({ method: 'GET', url: '/staff/items/:id' });
    expect(routes).toContainEqual({ method: 'POST', url: '/staff/items/:id/decide' });
    expect(routes).toContainEqual({ method: 'GET', url: '/staff/metrics.prom' });
    expect(routes.filter((r) => isAdminOnly(r.url)).length).toBeGreaterThanOrEqual(5);
    expect(routes).toContainEqual({ method: 'POST', url: '/staff/admin/mail/:id/retry' });
    expect(concrete('/staff/admin/mail/:id/retry')).toBe(`/staff/admin/mail/${mailId}/retry`);
    expect(concrete('/staff/items/:id/decide')).toBe(`/staff/items/${itemId}/decide`);
    // The staff 404 must mimic an unrouted address; the twin really has no route.
    expect(t.app.hasRoute({ method: 'GET', url: unrouted('/staff/queue') })).toBe(false);
  });
});

describe('everyone who is not staff past the two-factor step gets no data from any staff route', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  it('anonymous visitors (even with a valid CSRF token): the 404 of an unknown address; the API 401/404', async () => {
    const c = formClient(t, { remoteAddress: '192.0.2.40' });
    await expectStrangerRefused({ name: 'anonymous', client: c, csrf: await csrfOn(c, '/signup') });
  });

  it('a signed-in ordinary account with a valid CSRF token: the same', async () => {
    const user = await ordinaryAccount('perm-user@example.com');
    await expectStrangerRefused({ name: 'ordinary user', client: user, csrf: await csrfOn(user, '/account') });
  });

  it("an ordinary account's API token (scope ads), and the same token with the staff scope: 401/403/404, never data", async () => {
    const user = await ordinaryAccount('perm-token-user@example.com');
    const made = await user.post('/account/tokens', { name: 'my script' }, '/account/tokens');
    expect(made.statusCode, made.body).toBe(201);
    const token = /value="(cb_[^"]+)"/.exec(made.body)?.[1];
    expect(token).toBeTruthy();
    const [row] = await t.ctx.database.query<{ scope: string }>('select scope from api_tokens where user_id = $1', [user.id]);
    expect(row!.scope).toBe('ads');
    const check = async (name: string) => {
      for (const r of staffRoutes()) {
        const url = concrete(r.url);
        const what = `${name}: ${r.method} ${url}`;
        const res = await ask({ name, bearer: token }, r.method, url);
        expectNoData(res, what);
        if (isApi(url)) expectApiRefusal(res, what);
        else expect(res.statusCode, what).toBe(404);
      }
    };
    await check('ads token');
    // A staff-scope token whose owner is not staff (say, demoted since): refused as well.
    await t.ctx.database.query("update api_tokens set scope = 'staff' where user_id = $1", [user.id]);
    await check('staff-scope token of an ordinary account');
  });

  it('a moderator past the two-factor step, on the admin-only routes: 403 or 404', async () => {
    const mod = await signInAsStaff(t, MODERATOR, 'moderator');
    const actor: Actor = { name: 'moderator', client: mod, csrf: await csrfOn(mod, '/staff/queue') };
    const adminRoutes = staffRoutes().filter((r) => isAdminOnly(r.url));
    for (const r of adminRoutes) {
      const url = concrete(r.url);
      const what = `moderator: ${r.method} ${url}`;
      const res = await ask(actor, r.method, url);
      expectNoData(res, what);
      if (isApi(url)) expectApiRefusal(res, what, [401, 403, 404]);
      else expect([403, 404], `${what} → ${res.statusCode}`).toContain(res.statusCode);
      if (r.method !== 'HEAD' && !isApi(url)) expect(res.body, what).toMatch(/data-error-code="(forbidden|not_found)"/);
    }
  });

  it('staff signed in without the two-factor step (never enrolled; enrolled but not this session): the two-factor page or 404', async () => {
    const enrolled = await signInAsStaff(t, 'perm-admin-enrolled@example.com', 'admin'); // enrols; then a second, password-only session
    expect((await enrolled.get('/staff/admin')).statusCode).toBe(200);
    for (const [name, email] of [
      ['admin never enrolled', ADMIN],
      ['admin enrolled, this session without the code', 'perm-admin-enrolled@example.com'],
    ] as const) {
      const c = await staffWithoutSecondFactor(email);
      const actor: Actor = { name, client: c, csrf: await csrfOn(c, '/account') };
      for (const r of staffRoutes()) {
        const url = concrete(r.url);
        const what = `${name}: ${r.method} ${url}`;
        const res = await ask(actor, r.method, url);
        expectNoData(res, what);
        if (isApi(url)) {
          expectApiRefusal(res, what);
          continue;
        }
        expect([303, 404], `${what} → ${res.statusCode}`).toContain(res.statusCode);
        if (res.statusCode === 303) expect(res.headers.location, what).toMatch(/^\/account\/two-factor(\?next=|$)/);
      }
    }
  });

  it('a session loses what its role lost at once: removed from staff → the stranger 404s; admin made moderator → 403 on admin pages; two-factor reset → the step again', async () => {
    const former = await signInAsStaff(t, 'perm-former@example.com', 'moderator');
    const demoted = await signInAsStaff(t, 'perm-demoted@example.com', 'admin');
    const reset = await signInAsStaff(t, 'perm-reset@example.com', 'moderator');
    for (const c of [former, demoted, reset]) expect((await c.get('/staff/queue')).statusCode).toBe(200);
    expect((await demoted.get('/staff/admin/staff')).statusCode).toBe(200);
    const cli = 'cli';
    await t.ctx.staff.remove(former.id, cli);
    await t.ctx.staff.changeRole(demoted.id, 'moderator', cli);
    await t.ctx.staff.resetTwoFactor(reset.id, cli);
    before = await snapshot(); // those three changes are meant; nothing after them is

    await expectStrangerRefused({ name: 'removed from staff, same session', client: former, csrf: await csrfOn(former, '/account') });
    const asModerator = await demoted.get('/staff/admin/staff');
    expect(asModerator.statusCode).toBe(403);
    expectNoData(asModerator, 'demoted admin');
    expect((await demoted.get('/staff/queue')).statusCode).toBe(200);
    const again = await reset.get('/staff/queue');
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/account/two-factor?next=%2Fstaff%2Fqueue');
  });

  it("a staff-scope API token dies with its owner's two-factor (lost phone) and staff role: it was made behind that step", async () => {
    const owner = await signInAsStaff(t, 'perm-token-staff@example.com', 'moderator');
    const tokenOf = async () => {
      const made = await owner.post('/account/tokens', { name: 'triage script', scope: 'staff' }, '/account/tokens');
      expect(made.statusCode, made.body).toBe(201);
      return /id="token-value" readonly value="(cb_[^"]+)"/.exec(made.body)![1]!;
    };
    const queueWith = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/staff/queue', headers: { authorization: `Bearer ${token}` } });
    const first = await tokenOf();
    expect((await queueWith(first)).statusCode).toBe(200);
    await t.ctx.staff.resetTwoFactor(owner.id, 'cli');
    const reset = await queueWith(first);
    expectApiRefusal(reset, 'staff token after a two-factor reset: GET /api/v1/staff/queue', [401]);
    expectNoData(reset, 'staff token after a two-factor reset');
    expect((await t.ctx.moderation.audit.entriesFor('user', owner.id)).at(-1)).toMatchObject({ action: 'staff.two_factor_reset', details: { staffTokensRevoked: 1 } });
    // Enrolled again, a new token works; removal from staff ends it too.
    await completeTwoFactor(t, owner, owner.id);
    const second = await tokenOf();
    expect((await queueWith(second)).statusCode).toBe(200);
    await t.ctx.staff.remove(owner.id, 'cli');
    expectApiRefusal(await queueWith(second), 'staff token after removal from staff', [401, 404]);
    before = await snapshot(); // the resets and removal above are meant
  });

  it('wrote nothing: no audit entry, the ad, item, category and staff roles as they were', async () => {
    const after = await snapshot();
    // Signing staff in enrols them in two-factor; everything else stays as it was.
    expect({ ...after, staff: undefined }).toEqual({ ...before, staff: undefined });
    const roles = (s: string) => (JSON.parse(s) as { id: number; role: string }[]).map((r) => `${r.id}:${r.role}`);
    expect(roles(after.staff)).toEqual(expect.arrayContaining(roles(before.staff)));
  });
});
