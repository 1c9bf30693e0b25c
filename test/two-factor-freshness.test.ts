/**
 * Two-factor freshness on PGlite and (with TEST_DATABASE_URL) PostgreSQL: admin pages, new recovery
 * codes and staff API tokens need a code entered within STAFF_2FA_FRESH_HOURS (12 by default); a
 * stale session is sent to the code (GET: back to the page; POST: the code form, which carries the
 * typed fields and makes the change once the code is right). Moderation keeps working on the
 * session's first code until the session ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flagger } from '../src/moderation/flagger-identity.ts';
import { FRESH_CODE_FIELD } from '../src/http/routes/staff-policy.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { freshTotpCode, signInAsStaff, type StaffClient } from './helpers/staff-sign-in.ts';
import { moderationTestApp } from './moderation-helpers.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
beforeAll(async () => {
  t = await moderationTestApp();
});
afterAll(async () => t?.close());

const roleOf = async (email: string) => (await t.ctx.database.query<{ role: string }>('select role from users where email = $1', [email]))[0]?.role;

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The hidden fields of the "confirm with your code" form (the original form's fields, carried over). */
function carried(body: string): Record<string, string> {
  const form = /<form[^>]*id="confirm-code"[\s\S]*?<\/form>/.exec(body)?.[0] ?? '';
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) if (m[1] !== '_csrf') out[unescape(m[1]!)] = unescape(m[2]!);
  return out;
}

let n = 0;
async function queuedItem(): Promise<number> {
  n++;
  const ad = { ...bookcase, title: `Oak dining table ${n}`, body: 'Solid oak dining table for six, some marks on the top. Pick up only.', price: '90', email: `fresh-poster${n}@example.com` };
  const { id } = await postAdDirect(t, ad, { ip: `203.0.113.${n}` });
  const flagger: Flagger = { key: `visitor:fresh${n}`, userId: null, ipHash: `fresh${n}`, establishedAccount: false };
  await t.ctx.moderation.flags.submit(id, 'spam', flagger);
  return (await t.ctx.moderation.repo.itemsOf(id)).find((i) => i.state === 'open')!.id;
}

describe('two-factor freshness for admin pages', () => {
  let admin: StaffClient;
  let moderator: StaffClient;
  beforeAll(async () => {
    admin = await signInAsStaff(t, 'fresh-admin@example.com', 'admin');
    moderator = await signInAsStaff(t, 'fresh-mod@example.com', 'moderator');
  });

  it('lets a session with a fresh code straight through', async () => {
    expect((await admin.get('/staff/admin/staff')).statusCode).toBe(200);
    const res = await admin.post('/staff/admin/staff', { email: 'fresh-new1@example.com', role: 'moderator' }, '/staff/admin/staff');
    expect(res.statusCode).toBe(303);
    expect(await roleOf('fresh-new1@example.com')).toBe('moderator');
  });

  it('keeps moderation working on the session\'s first code after the limit', async () => {
    t.clock.advanceHours(12.5);
    expect((await moderator.get('/staff/queue')).statusCode).toBe(200);
    const itemId = await queuedItem();
    expect((await moderator.get(`/staff/items/${itemId}`)).statusCode).toBe(200);
    const decided = await moderator.post(`/staff/items/${itemId}/decide`, { action: 'remove', reason: 'spam' }, `/staff/items/${itemId}`);
    expect(decided.statusCode, decided.body).toBe(303);
    expect(decided.headers.location).toBe(`/staff/queue?decided=${itemId}`);
    expect((await t.ctx.moderation.repo.item(itemId))!.state).not.toBe('open');
  });

  it('sends a stale session\'s GET of an admin page to the code, and back to the page', async () => {
    const res = await admin.get('/staff/admin/categories?done=edit');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/account/two-factor?next=${encodeURIComponent('/staff/admin/categories?done=edit')}`);
    const page = await admin.get(res.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('need a code entered in the last 12 hours');
    const wrong = await admin.post('/account/two-factor', { code: '000000', next: '/staff/admin/categories?done=edit' }, res.headers.location as string);
    expect(wrong.statusCode).toBe(400);
    const ok = await admin.post('/account/two-factor', { code: await freshTotpCode(t, admin.id, admin.secret), next: '/staff/admin/categories?done=edit' }, res.headers.location as string);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/staff/admin/categories?done=edit');
    expect((await admin.get('/staff/admin/categories?done=edit')).statusCode).toBe(200);
    // Fresh again for the next 12 hours: the two-factor page sends it straight on.
    expect((await admin.get('/account/two-factor?next=/staff/admin')).headers.location).toBe('/staff/admin');
  });

  it('answers a stale session\'s admin POST with the code form, keeps what was typed, and makes the change after a right code', async () => {
    t.clock.advanceHours(12.5);
    const refused = await admin.post('/staff/admin/staff', { email: 'fresh-new2@example.com', role: 'senior_moderator' }, '/staff/queue');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Confirm with your two-factor code');
    expect(refused.body).toContain('action="/staff/admin/staff"');
    expect(carried(refused.body)).toEqual({ email: 'fresh-new2@example.com', role: 'senior_moderator' });
    expect(await roleOf('fresh-new2@example.com')).toBeUndefined();

    const wrong = await admin.post('/staff/admin/staff', { ...carried(refused.body), [FRESH_CODE_FIELD]: '000000' }, '/staff/queue');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('This code is not right');
    expect(carried(wrong.body)).toEqual({ email: 'fresh-new2@example.com', role: 'senior_moderator' });
    expect(await roleOf('fresh-new2@example.com')).toBeUndefined();

    const done = await admin.post('/staff/admin/staff', { ...carried(wrong.body), [FRESH_CODE_FIELD]: await freshTotpCode(t, admin.id, admin.secret) }, '/staff/queue');
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe('/staff/admin/staff?done=invited');
    expect(await roleOf('fresh-new2@example.com')).toBe('senior_moderator');
    // The code counted for the session: the admin pages open without asking again.
    expect((await admin.get('/staff/admin/staff')).statusCode).toBe(200);
  });

  it('carries a multi-line policy text through the code form unchanged', async () => {
    t.clock.advanceHours(12.5);
    const source = 'version: 9\nrules:\n  - id: "a & b"\n    note: <kept> \'as typed\'\n';
    const refused = await admin.post('/staff/admin/policy/preview', { source, note: 'x' }, '/staff/queue');
    expect(refused.statusCode).toBe(403);
    expect(carried(refused.body)).toEqual({ source, note: 'x' });
  });

  it('asks for the file again when the refused form was an upload', async () => {
    // Still stale from the test before: the page was opened in time, the upload arrives after the limit.
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await admin.get('/staff/queue')).body)![1]!;
    const boundary = '----fresh';
    const upload = (fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/staff/admin/hash-banks/import',
        payload:
          Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('') +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hashes.txt"\r\nContent-Type: text/plain\r\n\r\n${'f'.repeat(64)}\r\n--${boundary}--\r\n`,
        remoteAddress: '10.77.0.9',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...admin.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
    const res = await upload({ _csrf: csrf, name: 'fresh-bank', label: 'spam', action: 'review' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('enctype="multipart/form-data"');
    expect(res.body).toContain('Choose the file again');
    expect(res.body).toContain('<input type="file" id="file-file" name="file">');
    expect(carried(res.body)).toEqual({ name: 'fresh-bank', label: 'spam', action: 'review' });
    expect((await t.ctx.hashBanks.list()).some((b) => b.name === 'fresh-bank')).toBe(false);
    // The form as the browser sends it back: carried fields, the code and the file chosen again.
    const again = await upload({ _csrf: /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!, ...carried(res.body), [FRESH_CODE_FIELD]: await freshTotpCode(t, admin.id, admin.secret) });
    expect(again.statusCode, again.body).toBe(303);
    expect(again.headers.location).toContain('/staff/admin/hash-banks?done=imported&bank=fresh-bank&added=1');
  });

  it('asks a stale session for a fresh code before making a staff API token or new recovery codes', async () => {
    t.clock.advanceHours(12.5);
    const refused = await moderator.post('/account/tokens', { name: 'queue script', scope: 'staff' }, '/account/tokens');
    expect(refused.statusCode).toBe(403);
    expect(carried(refused.body)).toEqual({ name: 'queue script', scope: 'staff' });
    expect(refused.body).not.toMatch(/value="cb_/);
    // An ordinary token needs no code.
    expect((await moderator.post('/account/tokens', { name: 'plain script' }, '/account/tokens')).statusCode).toBe(201);

    const codes = await moderator.post('/account/two-factor/recovery-codes', {}, '/staff/queue');
    expect(codes.statusCode).toBe(303);
    expect(codes.headers.location).toBe(`/account/two-factor?next=${encodeURIComponent('/account/two-factor/settings')}`);
    expect((await moderator.get('/account/two-factor/settings')).statusCode).toBe(303);

    const made = await moderator.post('/account/tokens', { ...carried(refused.body), [FRESH_CODE_FIELD]: await freshTotpCode(t, moderator.id, moderator.secret) }, '/account/tokens');
    expect(made.statusCode, made.body).toBe(201);
    expect(made.body).toMatch(/value="cb_/);
    expect((await moderator.get('/account/two-factor/settings')).statusCode).toBe(200);
  });

  it('honours STAFF_2FA_FRESH_HOURS', async () => {
    const short = await createTestApp({ env: { STAFF_2FA_FRESH_HOURS: '1' } });
    try {
      const a = await signInAsStaff(short, 'fresh-short@example.com', 'admin');
      short.clock.advanceHours(0.5);
      expect((await a.get('/staff/admin')).statusCode).toBe(200);
      short.clock.advanceHours(0.6);
      expect((await a.get('/staff/admin')).headers.location).toBe('/account/two-factor?next=%2Fstaff%2Fadmin');
      expect((await a.get('/account/two-factor?next=%2Fstaff%2Fadmin')).body).toContain('need a code entered in the last hour');
    } finally {
      await short.close();
    }
  });
});
