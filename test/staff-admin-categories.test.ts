/**
 * /staff/admin/categories through the real app (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * who may use it, rename/expiry/subcategory/order/archive with the audit log, per-field errors
 * with the input kept, and what an archived category means for posting, menus and search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { browser, staffAccount, type Browser } from './helpers/staff-client.ts';
import { postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let admin: Browser;
let moderator: Browser;
let user: Browser;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = await staffAccount(t, 'cat-admin@example.com', 'admin');
  moderator = await staffAccount(t, 'cat-mod@example.com', 'moderator');
  user = await staffAccount(t, 'cat-user@example.com');
}, 180_000); // the machine is shared: setup (app, sign-ups, two-factor) can take a while under load
afterAll(async () => t?.close());

const base = { body: 'Solid walnut bookcase, 180 cm tall, five adjustable shelves. Pick up only.', price: '120', city: 'chicago', contact_mode: 'relay' };
async function postAd(category: string, title: string) {
  n++;
  return (await postAdDirect(t, { ...base, title, category, email: `cat-poster${n}@example.com` }, { ip: `198.51.100.${n}` })).id;
}
const categoryId = (slug: string) => t.ctx.places.categoryBySlug.get(slug)!.id;
const audit = async (id: number) => t.ctx.moderation.audit.entriesFor('category', id);

describe('who may use the category admin', () => {
  const urls = () => [
    { method: 'GET', url: '/staff/admin' },
    { method: 'GET', url: '/staff/admin/categories' },
    { method: 'POST', url: `/staff/admin/categories/${categoryId('furniture')}` },
    { method: 'POST', url: `/staff/admin/categories/${categoryId('furniture')}/archive` },
  ];
  const unrouted = (url: string) => url.replace('/staff/', '/staffx/');

  it('answers the staff 404 to anonymous visitors and ordinary users, the same page as an address with no route', async () => {
    for (const [who, formPage] of [[browser(t), '/signup'], [user, '/account']] as const) {
      for (const r of urls()) {
        const send = (url: string) => (r.method === 'GET' ? who.get(url) : who.post(url, { name: 'Hacked', expiry_days: '5', archived: '1' }, formPage));
        const res = await send(r.url);
        expect(res.statusCode, r.url).toBe(404);
        expect(res.body, r.url).toBe((await send(unrouted(r.url))).body);
      }
    }
    expect(t.ctx.places.categoryBySlug.get('furniture')!.name).toBe('Furniture');
  });

  it('tells a moderator the pages are for admins only, and changes nothing', async () => {
    const page = await moderator.get('/staff/admin/categories');
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Admins only');
    const post = await moderator.post(`/staff/admin/categories/${categoryId('furniture')}`, { name: 'Hacked', expiry_days: '5' }, '/staff/queue');
    expect(post.statusCode).toBe(403);
    expect(t.ctx.places.categoryBySlug.get('furniture')!.name).toBe('Furniture');
  });

  it('refuses an admin POST without a CSRF token', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/staff/admin/categories/${categoryId('furniture')}/archive`, payload: { archived: '1' } });
    expect(res.statusCode).toBe(404); // no session at all: the staff 404
    const page = await admin.get('/staff/admin/categories');
    expect(page.statusCode).toBe(200);
  });
});

describe('an admin edits the tree', () => {
  it('shows the tree with live ad counts', async () => {
    await postAd('furniture', 'Walnut bookcase with shelves');
    const page = await admin.get('/staff/admin/categories');
    expect(page.body).toMatch(/data-category="furniture">[\s\S]*?data-live="1"/);
    expect(page.body).toContain('Add a subcategory to For sale');
  });

  it('renames and sets the expiry days; the site and new ads use them at once; the audit log has it', async () => {
    const id = categoryId('boats');
    const res = await admin.post(`/staff/admin/categories/${id}`, { name: 'Boats and kayaks', expiry_days: '14' }, '/staff/admin/categories');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/admin/categories?done=edit');
    expect(t.ctx.places.categoryById.get(id)).toMatchObject({ name: 'Boats and kayaks', expiryDays: 14 });
    expect((await t.app.inject({ url: '/chicago' })).body).toContain('Boats and kayaks');
    const adId = await postAd('boats', 'Touring kayak, 4 m, with paddle');
    const ad = (await t.ctx.ads.findById(adId))!;
    expect(Math.round((ad.expiresAt.getTime() - t.clock.now.getTime()) / 86_400_000)).toBe(14);
    expect((await audit(id)).at(-1)).toMatchObject({ action: 'category.edit', actor: `user:${admin.id}`, details: { changes: { name: { from: 'Boats', to: 'Boats and kayaks' }, expiryDays: { to: 14 } } } });
  });

  it('refuses bad input per field and keeps what was typed', async () => {
    const id = categoryId('furniture');
    const res = await admin.post(`/staff/admin/categories/${id}`, { name: ' ', expiry_days: '400' }, '/staff/admin/categories');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter a name');
    expect(res.body).toContain('Enter a number of days from 1 to 365.');
    expect(res.body).toContain(`id="expiry-${id}" name="expiry_days" value="400"`);
    expect(t.ctx.places.categoryById.get(id)!.expiryDays).not.toBe(400);
    const zero = await admin.post(`/staff/admin/categories/${id}`, { name: 'Furniture', expiry_days: 'ten' }, '/staff/admin/categories');
    expect(zero.statusCode).toBe(400);
    expect(zero.body).toContain(`value="ten"`);
  });

  it('adds a subcategory that can be posted in, with its parent\'s fields; refuses a taken address', async () => {
    const parent = categoryId('for-sale');
    const res = await admin.post(`/staff/admin/categories/${parent}/children`, { name: 'Garden tools', slug: '', expiry_days: '21' }, '/staff/admin/categories');
    expect(res.statusCode).toBe(303);
    const created = t.ctx.places.categoryBySlug.get('garden-tools')!;
    expect(created).toMatchObject({ name: 'Garden tools', parentId: parent, expiryDays: 21 });
    expect((await t.app.inject({ url: '/post?category=garden-tools&city=chicago' })).body).toContain('value="garden-tools"');
    const adId = await postAd('garden-tools', 'Steel garden rake and spade');
    expect((await t.ctx.ads.findById(adId))!.state).toBe('published');
    expect((await audit(created.id)).at(-1)).toMatchObject({ action: 'category.add', details: { slug: 'garden-tools', parent: 'for-sale' } });

    const taken = await admin.post(`/staff/admin/categories/${parent}/children`, { name: 'Garden tools', slug: 'furniture', expiry_days: '21' }, '/staff/admin/categories');
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('The address part &quot;furniture&quot; is taken');
    expect(taken.body).toContain(`id="add-${parent}-slug" name="slug" value="furniture"`);
    const nested = await admin.post(`/staff/admin/categories/${created.id}/children`, { name: 'Rakes', expiry_days: '21' }, '/staff/admin/categories');
    expect(nested.statusCode).toBe(400);
    expect(nested.body).toContain('Add subcategories to a top-level category.');
  });

  it('reorders siblings', async () => {
    const parent = categoryId('for-sale');
    const order = () => t.ctx.places.childCategories(parent).map((c) => c.slug);
    const before = order();
    const second = before[1]!;
    expect((await admin.post(`/staff/admin/categories/${categoryId(second)}/move`, { direction: 'up' }, '/staff/admin/categories')).statusCode).toBe(303);
    expect(order()).toEqual([second, before[0], ...before.slice(2)]);
    expect((await audit(categoryId(second))).at(-1)).toMatchObject({ action: 'category.move', details: { direction: 'up' } });
    const bad = await admin.post(`/staff/admin/categories/${categoryId(second)}/move`, { direction: 'sideways' }, '/staff/admin/categories');
    expect(bad.statusCode).toBe(400);
  });

  it('archives: not offered when posting or in menus, posting refused (form and API), old ads still visible and searchable; unarchive restores', async () => {
    const adId = await postAd('furniture', 'Oak dining table, seats six');
    const id = categoryId('furniture');
    expect((await admin.post(`/staff/admin/categories/${id}/archive`, { archived: '1' }, '/staff/admin/categories')).statusCode).toBe(303);
    expect(t.ctx.places.categoryById.get(id)!.archivedAt).toBeTruthy();
    expect((await audit(id)).at(-1)).toMatchObject({ action: 'category.archive' });

    expect((await t.app.inject({ url: '/post' })).body).not.toContain('value="furniture"');
    expect((await t.app.inject({ url: '/chicago' })).body).not.toContain('/chicago/furniture');
    const refused = await t.ctx.adService.post({ ...base, title: 'Pine wardrobe, two doors', category: 'furniture', email: 'late@example.com' }, [], '198.51.100.250').catch((e: unknown) => e);
    expect(refused).toMatchObject({ fields: { category: expect.stringContaining('no longer takes new ads') } });
    const api = await t.app.inject({ url: '/api/v1/categories' });
    expect(api.body).not.toContain('"slug":"furniture"');

    const search = await t.app.inject({ url: '/search?q=oak+dining&city=chicago' });
    expect(search.body).toContain('Oak dining table');
    const ad = (await t.ctx.ads.findById(adId))!;
    expect(ad.state).toBe('published');
    expect((await t.app.inject({ url: '/chicago/furniture' })).statusCode).toBe(200);

    expect((await admin.post(`/staff/admin/categories/${id}/archive`, { archived: '0' }, '/staff/admin/categories')).statusCode).toBe(303);
    expect((await t.app.inject({ url: '/post' })).body).toContain('value="furniture"');
    expect((await audit(id)).at(-1)).toMatchObject({ action: 'category.unarchive' });
  });

  it('another node picks up the change through the fingerprint check', async () => {
    expect(await t.ctx.refreshPlacesIfChanged()).toBe(false);
    await t.ctx.database.query(`update categories set name = 'Furnishings' where slug = 'furniture'`);
    expect(await t.ctx.refreshPlacesIfChanged()).toBe(true);
    expect(t.ctx.places.categoryBySlug.get('furniture')!.name).toBe('Furnishings');
  });
});
