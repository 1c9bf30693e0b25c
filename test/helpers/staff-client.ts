/**
 * A browser-like client for staff-page tests: keeps cookies, reads CSRF tokens from pages, posts
 * forms; and accounts with a staff role. Signing in is the ordinary sign-up + confirmation, then
 * for staff roles the two-factor step (test/helpers/staff-sign-in.ts).
 */
import { expect } from 'vitest';
import { isStaffRole } from '../../src/http/routes/staff-policy.ts';
import { completeTwoFactor, signUpThroughPages } from './staff-sign-in.ts';
import type { TestApp } from './test-app.ts';

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;

export function browser(t: TestApp) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Res) => {
    for (const c of res.cookies) {
      if (c.value === '') jar.delete(c.name);
      else jar.set(c.name, c.value);
    }
    return res;
  };
  const tokenOn = async (page: string) => {
    const form = keep(await t.app.inject({ method: 'GET', url: page, headers: { cookie: cookie() } }));
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
    expect(token, `csrf token on ${page}`).toBeTruthy();
    return token!;
  };
  return {
    async get(url: string) {
      return keep(await t.app.inject({ method: 'GET', url, headers: { cookie: cookie() } }));
    },
    async post(url: string, fields: Record<string, string>, tokenFrom: string) {
      const token = await tokenOn(tokenFrom);
      return keep(await t.app.inject({ method: 'POST', url, payload: { ...fields, _csrf: token }, headers: { cookie: cookie() } }));
    },
    /** A multipart form post with one file field. */
    async upload(url: string, fields: Record<string, string>, file: { field: string; filename: string; content: string }, tokenFrom: string) {
      const token = await tokenOn(tokenFrom);
      const boundary = '----corkboardtest' + Math.random().toString(16).slice(2);
      const parts = Object.entries({ ...fields, _csrf: token }).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: text/plain\r\n\r\n${file.content}\r\n`);
      const payload = parts.join('') + `--${boundary}--\r\n`;
      return keep(await t.app.inject({ method: 'POST', url, payload, headers: { cookie: cookie(), 'content-type': `multipart/form-data; boundary=${boundary}` } }));
    },
  };
}

export type Browser = ReturnType<typeof browser> & { id: number; email: string };

/** A signed-in account with `role` (user, moderator, senior_moderator, admin). */
export async function staffAccount(t: TestApp, email: string, role = 'user'): Promise<Browser> {
  const c = await signUpThroughPages(t, email, browser(t));
  await t.ctx.database.query('update users set role = $1 where id = $2', [role, c.id]);
  // Staff pages need the two-factor step (src/accounts/two-factor.service.ts): enrol and pass it.
  if (isStaffRole(role)) await completeTwoFactor(t, c, c.id);
  return c;
}
