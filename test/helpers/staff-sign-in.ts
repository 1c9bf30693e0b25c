/**
 * Signing in as staff in integration tests: staff pages need a session that passed the TOTP step
 * (src/accounts/two-factor.service.ts). `signInAsStaff(t, email, role)` gives a cookie-keeping
 * form client that is signed in, enrolled in two-factor (first time) and past the step, ready for
 * /staff pages. The TOTP codes come from otplib's `generate` at the test app's settable clock.
 *
 *   const mod = await signInAsStaff(t, 'mod@example.com', 'moderator');
 *   await mod.get('/staff/queue');                 // 200
 *   await mod.post('/staff/queue/claim-next', {}, '/staff/queue');
 */
import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { expect } from 'vitest';
import { AccountRepository } from '../../src/accounts/account.repository.ts';
import { hashPassword } from '../../src/accounts/passwords.ts';
import { decryptTotpSecret, TOTP_PERIOD_SECONDS, totpKeyFrom, totpStep } from '../../src/accounts/totp.ts';
import { users } from '../../src/db/schema.ts';
import type { StaffRole } from '../../src/http/routes/staff-policy.ts';
import { loadOrCreateSiteKey } from '../../src/platform/site-key.ts';
import { linkFrom, type TestApp } from './test-app.ts';

export const STAFF_PASSWORD = 'correct horse battery staple';

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;

/** A browser-like client over app.inject: keeps cookies, reads CSRF tokens from pages, posts forms. */
export function formClient(t: TestApp, opts: { headers?: Record<string, string>; remoteAddress?: string } = {}) {
  const headers = opts.headers ?? {};
  const remoteAddress = opts.remoteAddress ?? '127.0.0.1';
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Res) => {
    for (const c of res.cookies) {
      if (c.value === '') jar.delete(c.name);
      else jar.set(c.name, c.value);
    }
    return res;
  };
  return {
    jar,
    async get(url: string) {
      return keep(await t.app.inject({ method: 'GET', url, remoteAddress, headers: { ...headers, cookie: cookie() } }));
    },
    /** Posts `fields` to `url` with the CSRF token of the page at `tokenFrom`. */
    async post(url: string, fields: Record<string, string>, tokenFrom: string) {
      const form = await this.get(tokenFrom);
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
      expect(token, `csrf token on ${tokenFrom}`).toBeTruthy();
      return keep(await t.app.inject({ method: 'POST', url, remoteAddress, payload: { ...fields, _csrf: token! }, headers: { ...headers, cookie: cookie() } }));
    },
  };
}
export type FormClient = ReturnType<typeof formClient>;

/** An account with a confirmed address, a password (STAFF_PASSWORD) and the role, made directly in the database. Returns its id. */
export async function createStaffAccount(t: TestApp, email: string, role: StaffRole | 'user' = 'moderator', password = STAFF_PASSWORD): Promise<number> {
  const repo = new AccountRepository(t.ctx.database.db);
  const existing = await repo.findUserByEmail(email);
  const id = existing?.id ?? (await repo.insertUser({ email, passwordHash: await hashPassword(password), createdAt: t.clock.now }))!;
  await repo.updateUser(id, { role, emailVerifiedAt: existing?.emailVerifiedAt ?? t.clock.now });
  return id;
}

/** The account's TOTP secret (base32), decrypted from the database as the app does; null before enrolment. */
export async function totpSecretOf(t: TestApp, userId: number): Promise<string | null> {
  const [row] = await t.ctx.database.db.select({ secret: users.totpSecret }).from(users).where(eq(users.id, userId));
  if (!row?.secret) return null;
  return decryptTotpSecret(totpKeyFrom(await loadOrCreateSiteKey(t.ctx.database.db)), userId, row.secret);
}

/**
 * A code the app will accept now for this account: the current step, or (when that step was already
 * used, as happens when one test signs the same account in twice at a frozen clock) the next one,
 * which the ±1 step window allows; failing that the test clock moves on to a fresh step.
 */
export async function freshTotpCode(t: TestApp, userId: number, secret: string): Promise<string> {
  const [row] = await t.ctx.database.db.select({ last: users.totpLastStep }).from(users).where(eq(users.id, userId));
  const last = row?.last ?? null;
  let current = totpStep(t.clock.now);
  if (last !== null && last >= current + 1) {
    t.clock.now = new Date((last + 1) * TOTP_PERIOD_SECONDS * 1000 + 1000);
    current = totpStep(t.clock.now);
  }
  const step = last !== null && last >= current ? last + 1 : current;
  return totpCodeAt(secret, step);
}

/** The TOTP code of `secret` for a given time step. */
export function totpCodeAt(secret: string, step: number): Promise<string> {
  return generate({ secret, epoch: step * TOTP_PERIOD_SECONDS, period: TOTP_PERIOD_SECONDS });
}

/**
 * Takes a signed-in staff client through the two-factor page: enrols (reading the secret from the
 * page) the first time, else types a fresh code. Returns the secret and, after enrolment, the
 * recovery codes.
 */
export async function completeTwoFactor(t: TestApp, c: Pick<FormClient, 'get' | 'post'>, userId: number, next = '/staff/queue'): Promise<{ secret: string; recoveryCodes: string[] }> {
  const path = `/account/two-factor?next=${encodeURIComponent(next)}`;
  const page = await c.get(path);
  expect(page.statusCode, `two-factor page for user ${userId}`).toBe(200);
  const enrolSecret = /data-secret="([A-Z2-7]+)"/.exec(page.body)?.[1];
  if (enrolSecret) {
    const res = await c.post('/account/two-factor/enrol', { code: await totpCodeAt(enrolSecret, totpStep(t.clock.now)), next }, path);
    expect(res.statusCode, res.body).toBe(200);
    const recoveryCodes = [...res.body.matchAll(/<li>([a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{5})<\/li>/g)].map((m) => m[1]!);
    expect(recoveryCodes).toHaveLength(10);
    return { secret: enrolSecret, recoveryCodes };
  }
  const secret = (await totpSecretOf(t, userId))!;
  const res = await c.post('/account/two-factor', { code: await freshTotpCode(t, userId, secret), next }, path);
  expect(res.statusCode, res.body).toBe(303);
  return { secret, recoveryCodes: [] };
}

/**
 * A form client signed in as a staff member (created with the role if the address is new, given the
 * role otherwise), enrolled in two-factor and past the step. `id` is the account id, `secret` its
 * TOTP secret, `recoveryCodes` the codes shown at enrolment (empty when it was enrolled before).
 */
export async function signInAsStaff(t: TestApp, email: string, role: StaffRole = 'moderator') {
  const id = await createStaffAccount(t, email, role);
  // Each staff member signs in from an address of their own, so many sign-ins in one test file stay under the per-IP limits.
  const c = formClient(t, { remoteAddress: `10.77.${Math.floor(id / 250) % 250}.${(id % 250) + 1}` });
  const signedIn = await c.post('/signin', { email, password: STAFF_PASSWORD }, '/signin');
  expect(signedIn.statusCode, signedIn.body).toBe(303);
  expect(signedIn.headers.location).toMatch(/^\/account\/two-factor\?next=/);
  const { secret, recoveryCodes } = await completeTwoFactor(t, c, id);
  return Object.assign(c, { id, email, secret, recoveryCodes });
}
export type StaffClient = Awaited<ReturnType<typeof signInAsStaff>>;

/**
 * An ordinary account signed in the way a visitor does it: sign-up form (303), then the confirmation
 * link from the mail (303). `c` is the client to sign in (a fresh form client by default); returns it
 * with the account's id and address.
 */
export async function signUpThroughPages<C extends Pick<FormClient, 'post'> = FormClient>(t: TestApp, email: string, client?: C, password = 'correct horse battery') {
  const c = client ?? (formClient(t) as unknown as C);
  expect((await c.post('/signup', { email, password }, '/signup')).statusCode).toBe(303);
  const confirm = linkFrom(t.mailer.lastTo(email)!.text, '/account/confirm/');
  expect((await c.post(confirm, {}, confirm)).statusCode).toBe(303);
  const [row] = await t.ctx.database.query<{ id: number }>('select id from users where email = $1', [email]);
  return Object.assign(c, { id: Number(row!.id), email });
}
