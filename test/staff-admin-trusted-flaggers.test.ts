/**
 * /staff/admin/trusted-flaggers through the real app (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * who may use it, adding each kind (an account by its address, one address, a domain) with the
 * audit log, per-field errors with the input kept, removal behind a confirmation box, and the
 * effect: a notice from an address in an added domain is marked trusted and jumps the queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { browser, staffAccount, type Browser } from './helpers/staff-client.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let admin: Browser;
let moderator: Browser;
let user: Browser;
let adId: number;

const PAGE = '/staff/admin/trusted-flaggers';
const entries = () => t.ctx.database.query<{ id: number; kind: string; value: string; organisation: string }>('select id, kind, value, organisation from trusted_flaggers order by id');
const audit = (id: number) => t.ctx.moderation.audit.entriesFor('trusted_flagger', id);

beforeAll(async () => {
  t = await createTestApp();
  admin = await staffAccount(t, 'tf-admin@example.com', 'admin');
  moderator = await staffAccount(t, 'tf-mod@example.com', 'moderator');
  user = await staffAccount(t, 'tf-user@hotline.example.net');
  const email = 'tf-poster@example.com';
  adId = (await postAdDirect(t, { ...bookcase, title: 'Oak sideboard, three drawers', body: 'Solid oak sideboard with three drawers and two doors. Pick up only.', price: '150', email }, { ip: '198.51.100.40' })).id;
}, 180_000); // the machine is shared: setup (app, sign-ups, two-factor) can take a while under load
afterAll(async () => t?.close());

describe('who may use the trusted flaggers page', () => {
  const unrouted = (url: string) => url.replace('/staff/', '/staffx/');

  it('is linked from the admin home page', async () => {
    expect((await admin.get('/staff/admin')).body).toContain(`href="${PAGE}"`);
  });

  it('answers the staff 404 to anonymous visitors and ordinary users, the same page as an address with no route', async () => {
    for (const [who, formPage] of [[browser(t), '/signup'], [user, '/account']] as const) {
      for (const r of [{ method: 'GET', url: PAGE }, { method: 'POST', url: PAGE }, { method: 'POST', url: `${PAGE}/1/remove` }]) {
        const send = (url: string) => (r.method === 'GET' ? who.get(url) : who.post(url, { kind: 'domain', value: 'evil.example', organisation: 'Evil', confirm: 'yes' }, formPage));
        const res = await send(r.url);
        expect(res.statusCode, r.url).toBe(404);
        expect(res.body, r.url).toBe((await send(unrouted(r.url))).body);
      }
    }
    expect(await entries()).toEqual([]);
  });

  it('tells a moderator the page is for admins only, and adds nothing', async () => {
    const page = await moderator.get(PAGE);
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Admins only');
    const post = await moderator.post(PAGE, { kind: 'domain', value: 'evil.example', organisation: 'Evil' }, '/staff/queue');
    expect(post.statusCode).toBe(403);
    expect(await entries()).toEqual([]);
  });

  it('shows an admin the empty list and the add form', async () => {
    const page = await admin.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No trusted flaggers yet.');
    expect(page.body).toMatch(/<form method="post" action="\/staff\/admin\/trusted-flaggers" id="add-form"><input type="hidden" name="_csrf"/);
  });
});

describe('an admin manages trusted flaggers', () => {
  it('adds an account by its e-mail address, shown by that address, with an audit entry', async () => {
    const res = await admin.post(PAGE, { kind: 'account', value: ' TF-User@Hotline.Example.net ', organisation: 'Hotline Account Team' }, PAGE);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=added`);
    const [row] = await entries();
    expect(row).toMatchObject({ kind: 'account', value: String(user.id), organisation: 'Hotline Account Team' });
    expect((await audit(row!.id)).at(-1)).toMatchObject({ action: 'trusted_flagger.added', actor: `user:${admin.id}`, details: { kind: 'account', value: String(user.id), shown: 'tf-user@hotline.example.net' } });
    const page = await admin.get(`${PAGE}?done=added`);
    expect(page.body).toContain('Trusted flagger added');
    expect(page.body).toContain('tf-user@hotline.example.net <small>(account');
  });

  it('adds an exact address and a domain (a leading @ is dropped)', async () => {
    expect((await admin.post(PAGE, { kind: 'email', value: 'reports@watchdog.example.org', organisation: 'Watchdog' }, PAGE)).statusCode).toBe(303);
    expect((await admin.post(PAGE, { kind: 'domain', value: '@Hotline.example.NET', organisation: 'Hotline' }, PAGE)).statusCode).toBe(303);
    const rows = await entries();
    expect(rows.map((r) => [r.kind, r.value])).toEqual([
      ['account', String(user.id)],
      ['email', 'reports@watchdog.example.org'],
      ['domain', 'hotline.example.net'],
    ]);
    expect((await audit(rows[2]!.id)).at(-1)).toMatchObject({ action: 'trusted_flagger.added', details: { kind: 'domain', value: 'hotline.example.net', organisation: 'Hotline' } });
    const page = await admin.get(PAGE);
    expect(page.body).toContain('reports@watchdog.example.org');
    expect(page.body).toContain('any address @hotline.example.net');
  });

  it('refuses bad input per field and keeps what was typed', async () => {
    const before = await entries();
    const badAddress = await admin.post(PAGE, { kind: 'email', value: 'not-an-address', organisation: 'X' }, PAGE);
    expect(badAddress.statusCode).toBe(400);
    expect(badAddress.body).toContain('Enter the name of the organisation');
    expect(badAddress.body).toContain('Enter a valid e-mail address'); // both wrong fields at once
    expect(badAddress.body).toContain('id="value" name="value" value="not-an-address" maxlength="254" size="40" aria-invalid="true"');
    const badAddress2 = await admin.post(PAGE, { kind: 'email', value: 'not-an-address', organisation: 'Some Org' }, PAGE);
    expect(badAddress2.body).toContain('Enter a valid e-mail address');
    expect(badAddress2.body).toContain('id="organisation" name="organisation" value="Some Org"');
    expect(badAddress2.body).toMatch(/value="email" checked/);

    const badDomain = await admin.post(PAGE, { kind: 'domain', value: 'someone@example.org', organisation: 'Some Org' }, PAGE);
    expect(badDomain.statusCode).toBe(400);
    expect(badDomain.body).toContain('Enter a domain such as');
    expect(badDomain.body).toContain('value="someone@example.org"');

    const unknown = await admin.post(PAGE, { kind: 'account', value: 'nobody@example.org', organisation: 'Some Org' }, PAGE);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('No account has this e-mail address.');

    const duplicate = await admin.post(PAGE, { kind: 'domain', value: 'hotline.example.net', organisation: 'Hotline again' }, PAGE);
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.body).toContain('Already a trusted flagger (for Hotline).');
    expect(duplicate.body).toContain('value="Hotline again"');

    const noKind = await admin.post(PAGE, { kind: 'phone', value: '555', organisation: 'Some Org' }, PAGE);
    expect(noKind.statusCode).toBe(400);
    expect(noKind.body).toContain('Choose an account, one e-mail address or a whole domain.');
    expect(await entries()).toEqual(before);
  });

  it('a notice from an address in an added domain is marked trusted and goes to the front of its priority', async () => {
    const [domain] = (await entries()).filter((r) => r.kind === 'domain');
    const explanation = 'The ad offers an item that may not be sold here; see the description.';
    const notice = (email: string) =>
      browser(t).post('/report/notice', { ad: String(adId), category: 'illegal', explanation, url: 'http://localhost:3000/x', name: 'A. Analyst', email, good_faith: 'on' }, `/report/notice?ad=${adId}`);
    expect((await notice('analyst@hotline.example.net')).statusCode).toBe(200);
    const [stored] = await t.ctx.database.query<{ trusted_flagger_id: number | null }>('select trusted_flagger_id from notices where email = $1', ['analyst@hotline.example.net']);
    expect(Number(stored!.trusted_flagger_id)).toBe(domain!.id);
    expect((await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.source === 'notice')!.trusted).toBe(true);
    expect((await admin.get(PAGE)).body).toContain(`data-notices="1"`);

    // An address outside every entry is an ordinary notice.
    expect((await notice('someone@elsewhere.example.org')).statusCode).toBe(200);
    const [plain] = await t.ctx.database.query<{ trusted_flagger_id: number | null }>('select trusted_flagger_id from notices where email = $1', ['someone@elsewhere.example.org']);
    expect(plain!.trusted_flagger_id).toBeNull();
  });

  it('removes one only with the box ticked, with an audit entry', async () => {
    const [row] = (await entries()).filter((r) => r.kind === 'email');
    const unticked = await admin.post(`${PAGE}/${row!.id}/remove`, {}, PAGE);
    expect(unticked.statusCode).toBe(400);
    expect(unticked.body).toContain('Tick the box to confirm the removal.');
    expect((await entries()).some((r) => r.id === row!.id)).toBe(true);

    const res = await admin.post(`${PAGE}/${row!.id}/remove`, { confirm: 'yes' }, PAGE);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=removed`);
    expect((await entries()).some((r) => r.id === row!.id)).toBe(false);
    expect((await audit(row!.id)).at(-1)).toMatchObject({ action: 'trusted_flagger.removed', actor: `user:${admin.id}`, details: { kind: 'email', value: 'reports@watchdog.example.org', organisation: 'Watchdog' } });
    expect((await admin.get(`${PAGE}?done=removed`)).body).not.toContain('reports@watchdog.example.org');

    const again = await admin.post(`${PAGE}/${row!.id}/remove`, { confirm: 'yes' }, PAGE);
    expect(again.statusCode).toBe(404);
  });
});
