/**
 * Staff two-factor sign-in through the real app (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * the redirect from staff pages, enrolment, wrong / replayed / out-of-window codes, recovery codes,
 * the lockout, and that ordinary accounts and visitors see nothing new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpStep } from '../src/accounts/totp.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { completeTwoFactor, createStaffAccount, formClient, signInAsStaff, STAFF_PASSWORD, totpCodeAt, totpSecretOf } from './helpers/staff-sign-in.ts';

let t: TestApp;
let n = 0;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

/** A staff account signed in by password only (no second factor yet), at an address of its own. */
async function passwordOnly(role: 'moderator' | 'admin' = 'moderator') {
  n++;
  const email = `tf${n}@example.com`;
  const id = await createStaffAccount(t, email, role);
  const c = formClient(t, { remoteAddress: `198.51.100.${n}` });
  const res = await c.post('/signin', { email, password: STAFF_PASSWORD }, '/signin');
  return Object.assign(c, { id, email, signIn: res });
}

const step = () => totpStep(t.clock.now);

describe('a staff session without the second factor', () => {
  it('is sent from the password sign-in and from any staff page to the two-factor page, and back afterwards', async () => {
    const c = await passwordOnly();
    expect(c.signIn.statusCode).toBe(303);
    expect(c.signIn.headers.location).toBe('/account/two-factor?next=%2Fstaff%2Fqueue');
    const queue = await c.get('/staff/metrics?x=1');
    expect(queue.statusCode).toBe(303);
    expect(queue.headers.location).toBe('/account/two-factor?next=%2Fstaff%2Fmetrics%3Fx%3D1');
    const post = await c.post('/staff/queue/claim-next', {}, '/account');
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/account/two-factor');
    // Account pages work on the password alone.
    expect((await c.get('/account')).statusCode).toBe(200);

    const page = await c.get('/account/two-factor?next=%2Fstaff%2Fmetrics%3Fx%3D1');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    const secret = /data-secret="([A-Z2-7]{32})"/.exec(page.body)![1]!;
    expect(page.body).toContain(secret.replace(/(.{4})(?=.)/g, '$1 ')); // in groups of four
    expect(page.body).toContain(`otpauth://totp/Corkboard:${encodeURIComponent(c.email)}?secret=${secret}`.replace(/&/g, '&amp;').slice(0, 60));
    expect(page.body).toMatch(/<div class="totp-qr"[^>]*><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // The same secret on reload (until confirmed), stored encrypted.
    expect((await c.get('/account/two-factor')).body).toContain(`data-secret="${secret}"`);
    const [row] = await t.ctx.database.query<{ totp_secret: string; totp_enabled_at: Date | null }>('select totp_secret, totp_enabled_at from users where id = $1', [c.id]);
    expect(row!.totp_secret).toMatch(/^v1:/);
    expect(row!.totp_secret).not.toContain(secret);
    expect(row!.totp_enabled_at).toBeNull();

    const wrong = await c.post('/account/two-factor/enrol', { code: '000000', next: '/staff/metrics?x=1' }, '/account/two-factor');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('id="totp-code-error"');
    expect(wrong.body).toContain(`data-secret="${secret}"`); // the same secret, so the app entry stays valid

    const ok = await c.post('/account/two-factor/enrol', { code: await totpCodeAt(secret, step()), next: '/staff/metrics?x=1' }, '/account/two-factor');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const codes = [...ok.body.matchAll(/<li>([a-z0-9-]{17})<\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(ok.body).toContain('href="/staff/metrics?x=1"');
    expect((await c.get('/staff/metrics?x=1')).statusCode).toBe(200);
    expect((await c.get('/account/two-factor?next=/staff/queue')).headers.location).toBe('/staff/queue');
    const [stored] = await t.ctx.database.query<{ n: number }>("select count(*)::int as n from account_tokens where user_id = $1 and purpose = 'totp_recovery'", [c.id]);
    expect(stored!.n).toBe(10);
  });

  it('goes back only to same-site paths', async () => {
    const mod = await signInAsStaff(t, 'tf-next@example.com');
    for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const c = await passwordOnly();
      await completeTwoFactor(t, c, c.id, evil);
      expect((await c.get(`/account/two-factor?next=${encodeURIComponent(evil)}`)).headers.location).toBe('/staff/queue');
    }
    expect((await mod.get('/account/two-factor?next=%2F%2Fevil.example')).headers.location).toBe('/staff/queue');
  });
});

describe('codes at sign-in', () => {
  it('accepts the current code and one step of drift, refuses older ones and replays', async () => {
    const first = await signInAsStaff(t, 'tf-codes@example.com');
    const secret = first.secret;
    const signIn = async () => {
      const c = formClient(t, { remoteAddress: '198.51.100.200' });
      await c.post('/signin', { email: 'tf-codes@example.com', password: STAFF_PASSWORD }, '/signin');
      const page = await c.get('/account/two-factor');
      expect(page.body).toContain('action="/account/two-factor"');
      expect(page.body).not.toContain('data-secret');
      return c;
    };
    const submit = (c: Awaited<ReturnType<typeof signIn>>, code: string) => c.post('/account/two-factor', { code, next: '/staff/queue' }, '/account/two-factor');

    t.clock.advanceHours(1); // well past the enrolment's step
    const a = await signIn();
    const old = await submit(a, await totpCodeAt(secret, step() - 2));
    expect(old.statusCode).toBe(400);
    expect(old.body).toContain('This code is not right.');
    expect((await a.get('/staff/queue')).statusCode).toBe(303);
    const drift = await submit(a, await totpCodeAt(secret, step() - 1));
    expect(drift.statusCode).toBe(303);
    expect(drift.headers.location).toBe('/staff/queue');
    expect((await a.get('/staff/queue')).statusCode).toBe(200);

    // The same code again, in another browser: refused, and so is any step before it.
    const b = await signIn();
    const replay = await submit(b, await totpCodeAt(secret, step() - 1));
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('This code was already used.');
    const current = await submit(b, await totpCodeAt(secret, step()));
    expect(current.statusCode).toBe(303);
    const again = await submit(await signIn(), await totpCodeAt(secret, step()));
    expect(again.statusCode).toBe(400);
    const ahead = await signIn();
    expect((await submit(ahead, await totpCodeAt(secret, step() + 2))).statusCode).toBe(400);
    expect((await submit(ahead, await totpCodeAt(secret, step() + 1))).statusCode).toBe(303);
  });

  it('takes each recovery code once', async () => {
    const first = await signInAsStaff(t, 'tf-recovery@example.com');
    const [code1, code2] = first.recoveryCodes;
    const c = formClient(t, { remoteAddress: '198.51.100.201' });
    await c.post('/signin', { email: first.email, password: STAFF_PASSWORD }, '/signin');
    const ok = await c.post('/account/two-factor', { code: code1!.toUpperCase().replace(/-/g, ' '), next: '/staff/queue' }, '/account/two-factor');
    expect(ok.statusCode).toBe(303);
    expect((await c.get('/staff/queue')).statusCode).toBe(200);
    const d = formClient(t, { remoteAddress: '198.51.100.202' });
    await d.post('/signin', { email: first.email, password: STAFF_PASSWORD }, '/signin');
    expect((await d.post('/account/two-factor', { code: code1! }, '/account/two-factor')).statusCode).toBe(400);
    expect((await d.post('/account/two-factor', { code: code2! }, '/account/two-factor')).statusCode).toBe(303);
    const [left] = await t.ctx.database.query<{ n: number }>("select count(*)::int as n from account_tokens where user_id = $1 and purpose = 'totp_recovery' and used_at is null", [first.id]);
    expect(left!.n).toBe(8);
  });

  it('slows wrong codes like passwords, even across new sign-ins, and a right code clears the count', async () => {
    const first = await signInAsStaff(t, 'tf-lock@example.com');
    const signIn = async (i: number) => {
      const c = formClient(t, { remoteAddress: `198.51.100.${210 + i}` });
      expect((await c.post('/signin', { email: first.email, password: STAFF_PASSWORD }, '/signin')).statusCode).toBe(303);
      return c;
    };
    const c = await signIn(0);
    for (let i = 0; i < 2; i++) expect((await c.post('/account/two-factor', { code: '000000' }, '/account/two-factor')).statusCode).toBe(400);
    const third = await c.post('/account/two-factor', { code: '000000' }, '/account/two-factor');
    expect(third.statusCode).toBe(400);
    // The 4th attempt waits, even with the right code, and even from a fresh password sign-in.
    const fresh = await signIn(1);
    const right = await totpCodeAt(first.secret, step() + 1);
    const paused = await fresh.post('/account/two-factor', { code: right }, '/account/two-factor');
    expect(paused.statusCode).toBe(429);
    expect(paused.headers['retry-after']).toBeDefined();
    expect(paused.body).toContain('Too many wrong codes; try again in 1 minute.');
    expect((await fresh.get('/staff/queue')).statusCode).toBe(303);
    t.clock.now = new Date(t.clock.now.getTime() + 31_000);
    expect((await fresh.post('/account/two-factor', { code: await totpCodeAt(first.secret, step()) }, '/account/two-factor')).statusCode).toBe(303);
    const [live] = await t.ctx.database.query<{ n: number }>("select count(*)::int as n from account_tokens where user_id = $1 and purpose = 'totp_failure' and used_at is null", [first.id]);
    expect(live!.n).toBe(0);
  });

  it('closes the step for the day after 20 wrong codes', async () => {
    const first = await signInAsStaff(t, 'tf-day@example.com');
    const c = formClient(t, { remoteAddress: '198.51.100.230' });
    await c.post('/signin', { email: first.email, password: STAFF_PASSWORD }, '/signin');
    for (let i = 0; i < 20; i++) {
      const r = await c.post('/account/two-factor', { code: '000000' }, '/account/two-factor');
      expect(r.statusCode, `attempt ${i + 1}`).toBe(400);
      t.clock.now = new Date(t.clock.now.getTime() + 16 * 60_000); // past each pause (at most 15 min)
    }
    const closed = await c.post('/account/two-factor', { code: await totpCodeAt(first.secret, step()) }, '/account/two-factor');
    expect(closed.statusCode).toBe(429);
    expect(closed.body).toMatch(/try again in \d+ hours/);
    t.clock.advanceHours(24);
    expect((await c.post('/account/two-factor', { code: await totpCodeAt(first.secret, step()) }, '/account/two-factor')).statusCode).toBe(303);
  });
});

describe('recovery codes from the account page', () => {
  it('shows the state, and new codes replace the old ones', async () => {
    const mod = await signInAsStaff(t, 'tf-settings@example.com');
    const account = await mod.get('/account');
    expect(account.body).toContain('<span id="two-factor-state">on</span>');
    expect(account.body).toContain('href="/account/two-factor/settings"');
    const c = formClient(t, { remoteAddress: '198.51.100.203' });
    await c.post('/signin', { email: mod.email, password: STAFF_PASSWORD }, '/signin');
    expect((await c.get('/account/two-factor/settings')).headers.location).toBe('/account/two-factor?next=%2Faccount%2Ftwo-factor%2Fsettings');
    expect((await c.post('/account/two-factor', { code: mod.recoveryCodes[0]! }, '/account/two-factor')).statusCode).toBe(303);
    const settings = await c.get('/account/two-factor/settings');
    expect(settings.body).toContain('Recovery codes left: <strong>9</strong> of 10.');
    const renewed = await c.post('/account/two-factor/recovery-codes', {}, '/account/two-factor/settings');
    expect(renewed.statusCode).toBe(200);
    expect(renewed.headers['cache-control']).toBe('no-store');
    const fresh = [...renewed.body.matchAll(/<li>([a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{5})<\/li>/g)].map((m) => m[1]!);
    expect(fresh).toHaveLength(10);
    expect((await c.get('/account/two-factor/settings')).body).toContain('Recovery codes left: <strong>10</strong> of 10.');
    const d = formClient(t, { remoteAddress: '198.51.100.204' });
    await d.post('/signin', { email: mod.email, password: STAFF_PASSWORD }, '/signin');
    expect((await d.post('/account/two-factor', { code: mod.recoveryCodes[1]! }, '/account/two-factor')).statusCode).toBe(400);
    expect((await d.post('/account/two-factor', { code: fresh[0]! }, '/account/two-factor')).statusCode).toBe(303);
  });
});

describe('who sees the two-factor page', () => {
  it('answers an ordinary account with the same 404 as an unknown address, and sends visitors to sign in', async () => {
    const c = formClient(t, { remoteAddress: '198.51.100.240' });
    await createStaffAccount(t, 'tf-user@example.com', 'user');
    expect((await c.post('/signin', { email: 'tf-user@example.com', password: STAFF_PASSWORD }, '/signin')).headers.location).toBe('/account');
    const page = await c.get('/account/two-factor');
    const twin = await c.get('/account/two-factorx');
    expect(page.statusCode).toBe(404);
    expect(page.body).toBe(twin.body);
    const post = await c.post('/account/two-factor', { code: '123456' }, '/account');
    expect(post.statusCode).toBe(404);
    expect(post.body).toBe((await c.post('/account/two-factorx', { code: '123456' }, '/account')).body);
    expect((await c.post('/account/two-factor/enrol', { code: '123456' }, '/account')).statusCode).toBe(404);
    expect((await c.post('/account/two-factor/recovery-codes', {}, '/account')).statusCode).toBe(404);
    expect((await c.get('/account/two-factor/settings')).statusCode).toBe(404);
    expect((await c.get('/account')).body).not.toContain('two-factor');
    const anon = await formClient(t).get('/account/two-factor');
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toBe('/signin?next=%2Faccount%2Ftwo-factor');
  });

  it('leaves the secret out of the database in clear and decrypts with the site key', async () => {
    const mod = await signInAsStaff(t, 'tf-rest@example.com');
    expect(await totpSecretOf(t, mod.id)).toBe(mod.secret);
  });
});
