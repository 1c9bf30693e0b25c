/**
 * A browser-like client for staff-page tests: keeps cookies, reads CSRF tokens from pages, posts
 * forms; and accounts with a staff role. Signing in is the ordinary sign-up + confirmation, then
 * for staff roles the two-factor step (test/helpers/staff-sign-in.ts).
 */
import { expect } from 'vitest';
import { isStaffRole } from '../../src/http/routes/staff-policy.ts';
import { multipart } from './post-ad.ts';
import { completeTwoFactor, formClient, signUpThroughPages } from './staff-sign-in.ts';
import type { TestApp } from './test-app.ts';

/** A form client (formClient: cookies, CSRF tokens, form posts) that can also post a multipart form with one file field. */
export function browser(t: TestApp) {
  const c = formClient(t);
  return Object.assign(c, {
    async upload(url: string, fields: Record<string, string>, file: { field: string; filename: string; content: string }, tokenFrom: string) {
      const form = await c.get(tokenFrom);
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
      expect(token, `csrf token on ${tokenFrom}`).toBeTruthy();
      const body = multipart({ ...fields, _csrf: token! }, [{ name: file.field, filename: file.filename, data: Buffer.from(file.content), type: 'text/plain' }]);
      const cookie = [...c.jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await t.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, cookie } });
      for (const set of res.cookies) {
        if (set.value === '') c.jar.delete(set.name);
        else c.jar.set(set.name, set.value);
      }
      return res;
    },
  });
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
