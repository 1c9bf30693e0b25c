/**
 * Who is staff, on PGlite and (with TEST_DATABASE_URL) PostgreSQL: `corkboard staff` (through
 * runStaff, the command without the process) and the admin page /staff/admin/staff, with who may
 * see it, per-field errors, the audit entries, the last-admin rule and a two-factor reset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStaff } from '../src/cli/staff.ts';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';
import { completeTwoFactor, createStaffAccount, formClient, signInAsStaff, STAFF_PASSWORD } from './helpers/staff-sign-in.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runStaff(t.ctx.staff, args, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const userId = async (email: string) => Number((await t.ctx.database.query<{ id: number }>('select id from users where email = $1', [email]))[0]!.id);
const roleOf = async (email: string) => (await t.ctx.database.query<{ role: string }>('select role from users where email = $1', [email]))[0]?.role;
const lastAudit = async (email: string) => (await t.ctx.moderation.audit.entriesFor('user', await userId(email))).at(-1);

describe('corkboard staff', () => {
  it('makes the first admin from a new address: an unconfirmed account with a link to choose a password, then two-factor', async () => {
    expect((await cli('list')).out).toContain('no staff accounts');
    const r = await cli('add', 'First.Admin@Example.com', '--role', 'admin');
    expect(r.code).toBe(0);
    expect(r.out).toContain('first.admin@example.com is now admin.');
    const link = /http:\/\/localhost:3000(\/password\/reset\/\S+)/.exec(r.out)![1]!;
    expect(t.mailer.lastTo('first.admin@example.com')!.text).toContain(link);
    expect(await lastAudit('first.admin@example.com')).toMatchObject({ actor: 'cli', action: 'staff.added', details: { role: 'admin', previousRole: 'user', accountCreated: true } });

    // The invitation sets a password and signs in; the staff pages then ask for two-factor enrolment.
    const c = formClient(t, { remoteAddress: '192.0.2.10' });
    expect((await c.post(link, { password: 'a long admin passphrase' }, link)).statusCode).toBe(303);
    expect((await c.get('/staff/admin/staff')).headers.location).toBe('/account/two-factor?next=%2Fstaff%2Fadmin%2Fstaff');
    await completeTwoFactor(t, c, await userId('first.admin@example.com'), '/staff/admin/staff');
    const page = await c.get('/staff/admin/staff');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/data-member="first\.admin@example\.com">[\s\S]*?on since/);

    const list = await cli('list');
    expect(list.out).toMatch(/^first\.admin@example\.com\s+admin\s+two-factor on\s+last sign-in \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
  });

  it('gives an existing account a role, changes it, resets two-factor and removes it, each audited as cli', async () => {
    const member = await signInAsStaff(t, 'cli-member@example.com', 'moderator');
    await t.ctx.database.query("update users set role = 'user' where id = $1", [member.id]);
    const add = await cli('add', 'cli-member@example.com', '--role', 'senior_moderator');
    expect(add.code).toBe(0);
    expect(add.out).not.toContain('/password/reset/');
    expect(t.mailer.lastTo('cli-member@example.com')!.subject).toBe('Your Corkboard staff role: Senior moderator');
    expect(await roleOf('cli-member@example.com')).toBe('senior_moderator');
    expect((await cli('add', 'cli-member@example.com', '--role', 'senior_moderator'))).toMatchObject({ code: 1, err: 'cli-member@example.com is already senior moderator.' });
    expect(await cli('add', 'cli-member@example.com', '--role', 'moderator')).toMatchObject({ code: 0 });
    expect(await lastAudit('cli-member@example.com')).toMatchObject({ actor: 'cli', action: 'staff.role_changed', details: { from: 'senior_moderator', to: 'moderator' } });

    expect((await member.get('/staff/queue')).statusCode).toBe(200);
    expect(await cli('reset-2fa', 'cli-member@example.com')).toMatchObject({ code: 0 });
    expect(await lastAudit('cli-member@example.com')).toMatchObject({ actor: 'cli', action: 'staff.two_factor_reset' });
    expect((await member.get('/staff/queue')).headers.location).toBe('/account/two-factor?next=%2Fstaff%2Fqueue');
    const again = await completeTwoFactor(t, member, member.id);
    expect(again.secret).not.toBe(member.secret); // enrolled anew

    expect(await cli('remove', 'cli-member@example.com')).toMatchObject({ code: 0 });
    expect(await roleOf('cli-member@example.com')).toBe('user');
    expect(await lastAudit('cli-member@example.com')).toMatchObject({ actor: 'cli', action: 'staff.removed', details: { from: 'moderator' } });
    expect((await member.get('/staff/queue')).statusCode).toBe(404);
    const [row] = await t.ctx.database.query<{ totp_secret: string | null }>('select totp_secret from users where id = $1', [member.id]);
    expect(row!.totp_secret).toBeNull();
  });

  it('refuses with clear messages and exit codes', async () => {
    expect(await cli('remove', 'nobody@example.com')).toMatchObject({ code: 1, err: 'nobody@example.com is not on staff.' });
    expect(await cli('add', 'not-an-address', '--role', 'pope')).toMatchObject({ code: 1 });
    expect((await cli('add', 'not-an-address', '--role', 'pope')).err).toContain('Choose a role: moderator, senior_moderator, admin.');
    expect((await cli('add', 'x@example.com')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('remove')).code).toBe(2);
    // The only admin stays an admin.
    const admins = await t.ctx.database.query<{ email: string }>("select email from users where role = 'admin'");
    expect(admins.map((a) => a.email)).toEqual(['first.admin@example.com']);
    expect(await cli('remove', 'first.admin@example.com')).toMatchObject({ code: 1, err: 'This is the only admin: make another account admin first, so the site keeps one.' });
    expect(await cli('add', 'first.admin@example.com', '--role', 'moderator')).toMatchObject({ code: 1 });
    expect(await roleOf('first.admin@example.com')).toBe('admin');
  });
});

describe('/staff/admin/staff', () => {
  const routes = [
    { method: 'GET', url: '/staff/admin/staff' },
    { method: 'POST', url: '/staff/admin/staff' },
    { method: 'POST', url: '/staff/admin/staff/1/role' },
    { method: 'POST', url: '/staff/admin/staff/1/remove' },
    { method: 'POST', url: '/staff/admin/staff/1/reset-2fa' },
  ];
  const twin = (url: string) => url.replace('/staff/', '/staffx/');

  it('is the ordinary 404 for visitors and ordinary accounts, "admins only" for moderators, the page for admins', async () => {
    const anon = formClient(t);
    await createStaffAccount(t, 'sm-user@example.com', 'user');
    const user = formClient(t, { remoteAddress: '192.0.2.20' });
    await user.post('/signin', { email: 'sm-user@example.com', password: STAFF_PASSWORD }, '/signin');
    const mod = await signInAsStaff(t, 'sm-mod@example.com', 'moderator');
    const senior = await signInAsStaff(t, 'sm-senior@example.com', 'senior_moderator');
    const admin = await signInAsStaff(t, 'sm-admin@example.com', 'admin');
    for (const r of routes) {
      for (const [c, tokenFrom] of [[anon, '/signin'], [user, '/account']] as const) {
        const send = (url: string) => (r.method === 'GET' ? c.get(url) : c.post(url, { role: 'admin', email: 'x@example.com' }, tokenFrom));
        const res = await send(r.url);
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
        expect(res.body).toBe((await send(twin(r.url))).body);
      }
      for (const c of [mod, senior]) {
        const res = r.method === 'GET' ? await c.get(r.url) : await c.post(r.url, { role: 'admin', email: 'x@example.com' }, '/staff/queue');
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
        expect(res.body).toContain('Admins only');
      }
    }
    expect(await roleOf('x@example.com')).toBeUndefined();
    const page = await admin.get('/staff/admin/staff');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/staff/admin/staff"'); // in the staff navigation
    expect((await admin.get('/staff/admin')).body).toContain('href="/staff/admin/staff"');
    for (const email of ['sm-mod@example.com', 'sm-senior@example.com', 'sm-admin@example.com']) expect(page.body).toContain(`data-member="${email}"`);
    expect(page.body).not.toContain('data-member="sm-user@example.com"');
  });

  it('adds, changes roles, resets two-factor and removes, with per-field errors and audit entries', async () => {
    const admin = await signInAsStaff(t, 'sm-admin2@example.com', 'admin');
    const bad = await admin.post('/staff/admin/staff', { email: 'not an address', role: 'pope' }, '/staff/admin/staff');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="add-email-error"');
    expect(bad.body).toContain('id="add-role-error"');
    expect(bad.body).toContain('value="not an address"');

    const added = await admin.post('/staff/admin/staff', { email: 'sm-new@example.com', role: 'moderator' }, '/staff/admin/staff');
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/staff/admin/staff?done=invited');
    expect(linkFrom(t.mailer.lastTo('sm-new@example.com')!.text, '/password/reset/')).toMatch(/^\/password\/reset\//);
    expect(await lastAudit('sm-new@example.com')).toMatchObject({ actor: `user:${admin.id}`, action: 'staff.added', details: { role: 'moderator' } });
    const again = await admin.post('/staff/admin/staff', { email: 'sm-new@example.com', role: 'moderator' }, '/staff/admin/staff');
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('sm-new@example.com is already moderator.');

    const member = await signInAsStaff(t, 'sm-member@example.com', 'moderator');
    const role = await admin.post(`/staff/admin/staff/${member.id}/role`, { role: 'senior_moderator' }, '/staff/admin/staff');
    expect(role.headers.location).toBe('/staff/admin/staff?done=role');
    expect(await roleOf('sm-member@example.com')).toBe('senior_moderator');
    expect(await lastAudit('sm-member@example.com')).toMatchObject({ actor: `user:${admin.id}`, action: 'staff.role_changed', details: { from: 'moderator', to: 'senior_moderator' } });
    const badRole = await admin.post(`/staff/admin/staff/${member.id}/role`, { role: 'user' }, '/staff/admin/staff');
    expect(badRole.statusCode).toBe(400);
    expect(badRole.body).toContain(`id="role-${member.id}-error"`);

    const reset = await admin.post(`/staff/admin/staff/${member.id}/reset-2fa`, {}, '/staff/admin/staff');
    expect(reset.headers.location).toBe('/staff/admin/staff?done=reset');
    expect((await admin.get(reset.headers.location as string)).body).toContain('Two-factor sign-in reset');
    expect(await lastAudit('sm-member@example.com')).toMatchObject({ actor: `user:${admin.id}`, action: 'staff.two_factor_reset', details: { wasEnabled: true } });
    expect((await member.get('/staff/queue')).statusCode).toBe(303);

    const removed = await admin.post(`/staff/admin/staff/${member.id}/remove`, {}, '/staff/admin/staff');
    expect(removed.headers.location).toBe('/staff/admin/staff?done=removed');
    expect(await roleOf('sm-member@example.com')).toBe('user');
    expect((await admin.post('/staff/admin/staff/999999/remove', {}, '/staff/admin/staff')).statusCode).toBe(404);
  });

  it('keeps at least one admin', async () => {
    await t.ctx.database.query("update users set role = 'moderator' where role = 'admin'");
    const only = await signInAsStaff(t, 'sm-only-admin@example.com', 'admin');
    const res = await only.post(`/staff/admin/staff/${only.id}/remove`, {}, '/staff/admin/staff');
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('This is the only admin');
    expect((await only.post(`/staff/admin/staff/${only.id}/role`, { role: 'moderator' }, '/staff/admin/staff')).statusCode).toBe(409);
    expect(await roleOf('sm-only-admin@example.com')).toBe('admin');
  });

  it('shows admins the audit log head to publish, with the command that checks it', async () => {
    const admin = await signInAsStaff(t, 'sm-admin-head@example.com', 'admin');
    await cli('add', 'sm-head-mod@example.com', '--role', 'moderator'); // an audited change, so the log is not empty
    const head = await t.ctx.moderation.audit.head();
    expect(head.seq).toBeGreaterThan(0);
    const page = (await admin.get('/staff/admin')).body;
    expect(page).toContain(`<code id="audit-head">Corkboard audit head at ${t.ctx.config.publicUrl}: ${head.seq}:${head.hash} (entry ${head.seq}, written ${head.at!.toISOString()})</code>`);
    expect(page).toContain(`corkboard audit verify --anchor ${head.seq}:${head.hash}`);
  });
});
