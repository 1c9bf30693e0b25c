/**
 * Who may decide on whose ads, on PGlite and (with TEST_DATABASE_URL) PostgreSQL: a moderator never
 * claims or decides an item about their own ad (same account or same address), and an ad of a staff
 * account only by strictly higher rank (an admin's ad by another admin). Checked on the review page,
 * "claim the next item", the decision service, bulk decisions (such ads skipped and queued again,
 * the rest decided) and the staff JSON API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionConflict, mayDecideOnRole } from '../src/moderation/policy.ts';
import type { Flagger } from '../src/moderation/flagger-identity.ts';
import type { TestApp } from './helpers/test-app.ts';
import { createStaffAccount, signInAsStaff } from './helpers/staff-sign-in.ts';
import { moderationTestApp } from './moderation-helpers.ts';
import { distinctNames, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let n = 0;

beforeAll(async () => {
  t = await moderationTestApp();
});
afterAll(async () => t?.close());

const base = {
  title: 'Oak side table',
  body: 'Solid oak side table, 50 cm square, one drawer. Pick up only.',
  price: '45',
  city: 'chicago',
  category: 'furniture',
  contact_mode: 'relay',
};

async function postAd(email: string, fields: Record<string, string> = {}): Promise<number> {
  n++;
  return (await postAdDirect(t, { ...base, title: `${base.title} ${n}`, body: `${base.body} ${distinctNames(n)}`, ...fields, email }, { ip: `198.51.100.${(n % 200) + 20}` })).id;
}

const visitor = (i: string): Flagger => ({ key: `visitor:dc${i}`, userId: null, ipHash: `dcnet${i}`, establishedAccount: false });
async function flaggedItem(adId: number) {
  await t.ctx.moderation.flags.submit(adId, 'spam', visitor(String(adId)));
  return (await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.state === 'open')!;
}
const state = async (id: number) => (await t.ctx.ads.findById(id))!.state;

describe('the rule (policy.ts)', () => {
  it('ranks: staff ads only by strictly higher rank, admins by another admin', () => {
    expect(mayDecideOnRole('moderator', 'user')).toBe(true);
    expect(mayDecideOnRole('moderator', 'moderator')).toBe(false);
    expect(mayDecideOnRole('senior_moderator', 'moderator')).toBe(true);
    expect(mayDecideOnRole('senior_moderator', 'senior_moderator')).toBe(false);
    expect(mayDecideOnRole('senior_moderator', 'admin')).toBe(false);
    expect(mayDecideOnRole('admin', 'senior_moderator')).toBe(true);
    expect(mayDecideOnRole('admin', 'admin')).toBe(true);
  });

  it('refuses one’s own ad by account or by address, whatever the rank', () => {
    const admin = { id: 7, email: 'Boss@Example.com', role: 'admin' };
    expect(decisionConflict(admin, { userId: 7, email: 'other@example.com' }, [])).toMatch(/your own ad/);
    expect(decisionConflict(admin, { userId: null, email: 'boss@example.com ' }, [])).toMatch(/your own ad/);
    expect(decisionConflict(admin, { userId: null, email: 'x@example.com' }, [{ id: 7, email: 'x@example.com', role: 'admin' }])).toMatch(/your own ad/);
    expect(decisionConflict(admin, { userId: null, email: 'x@example.com' }, [{ id: 8, email: 'x@example.com', role: 'admin' }])).toBeNull();
    expect(decisionConflict({ id: 9, email: null, role: 'senior_moderator' }, { userId: 8, email: 'x@example.com' }, [{ id: 8, email: 'x@example.com', role: 'admin' }])).toMatch(/only another admin/);
  });
});

describe('through the app', () => {
  let mod: Awaited<ReturnType<typeof signInAsStaff>>;
  let modId: number;
  let seniorId: number;
  let adminId: number;
  let otherAdminId: number;

  beforeAll(async () => {
    mod = await signInAsStaff(t, 'dc-mod@example.com', 'moderator');
    modId = mod.id;
    seniorId = await createStaffAccount(t, 'dc-senior@example.com', 'senior_moderator');
    adminId = await createStaffAccount(t, 'dc-admin@example.com', 'admin');
    otherAdminId = await createStaffAccount(t, 'dc-admin2@example.com', 'admin');
  });

  it('the review page of one’s own ad says why, claims nothing and shows no decision buttons', async () => {
    const adId = await postAd('DC-Mod@example.com'); // the moderator's address, another case, no account link
    const item = await flaggedItem(adId);
    const page = await mod.get(`/staff/items/${item.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="decision-conflict"');
    expect(page.body).toContain('This is your own ad');
    expect(page.body).not.toContain(`action="/staff/items/${item.id}/decide"`);
    expect((await t.ctx.moderation.repo.item(item.id))!.claimedBy).toBeNull();
    // Even holding a claim (taken behind the page's back), the decision is refused and nothing changes.
    await t.ctx.moderation.repo.claim(item.id, modId, t.clock.now);
    await expect(t.ctx.moderation.decisions.decide(item.id, modId, { kind: 'remove', reason: 'spam' })).rejects.toMatchObject({ status: 403, message: expect.stringContaining('your own ad') });
    expect(await state(adId)).toBe('published');
    expect((await t.ctx.moderation.repo.item(item.id))!.state).toBe('open');
    await t.ctx.moderation.repo.release(item.id, modId);
    // A senior moderator decides it.
    await t.ctx.moderation.repo.claim(item.id, seniorId, t.clock.now);
    await t.ctx.moderation.decisions.decide(item.id, seniorId, { kind: 'remove', reason: 'spam' });
    expect(await state(adId)).toBe('removed');
  });

  it('an ad posted from the moderator’s account (any address) is theirs too, also through the form', async () => {
    const adId = await postAd('dc-elsewhere@example.com');
    await t.ctx.database.query('update ads set user_id = $1 where id = $2', [modId, adId]);
    const item = await flaggedItem(adId);
    await t.ctx.moderation.repo.claim(item.id, modId, t.clock.now);
    const res = await mod.post(`/staff/items/${item.id}/decide`, { action: 'approve' }, '/staff/queue');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('This is your own ad');
    expect((await t.ctx.moderation.repo.item(item.id))!.state).toBe('open');
  });

  it('staff ads: equal rank refused, higher rank decides; admins’ ads by another admin only', async () => {
    const seniorAd = await postAd('dc-senior@example.com');
    const seniorItem = await flaggedItem(seniorAd);
    for (const id of [modId, seniorId]) {
      expect(await t.ctx.moderation.decisions.conflict(seniorAd, id), `user ${id}`).toMatch(id === seniorId ? /your own ad/ : /senior moderator\): only an admin can decide it/);
    }
    await t.ctx.moderation.repo.claim(seniorItem.id, adminId, t.clock.now);
    expect(await t.ctx.moderation.decisions.conflict(seniorAd, adminId)).toBeNull();
    await t.ctx.moderation.decisions.decide(seniorItem.id, adminId, { kind: 'warn', reason: 'spam' });

    const adminAd = await postAd('dc-admin@example.com');
    await flaggedItem(adminAd);
    expect(await t.ctx.moderation.decisions.conflict(adminAd, seniorId)).toMatch(/only another admin/);
    expect(await t.ctx.moderation.decisions.conflict(adminAd, adminId)).toMatch(/your own ad/);
    expect(await t.ctx.moderation.decisions.conflict(adminAd, otherAdminId)).toBeNull();

    const page = await mod.get(`/staff/items/${seniorItem.id}`);
    expect(page.body).not.toContain('id="decision-conflict"'); // closed items just say they are closed
  });

  it('"claim the next item" skips items the moderator may not decide', async () => {
    // Clear the queue of anything else first, so the next item is one of ours.
    for (const e of await t.ctx.moderation.repo.queue(1000)) await t.ctx.database.query(`update review_items set state = 'decided' where id = $1`, [e.item.id]);
    const own = await flaggedItem(await postAd('dc-mod@example.com'));
    const senior = await flaggedItem(await postAd('dc-senior@example.com'));
    expect(await t.ctx.moderation.repo.claimNext(modId, t.clock.now)).toBeUndefined();
    const res = await mod.post('/staff/queue/claim-next', {}, '/staff/queue');
    expect(res.headers.location).toBe('/staff/queue?empty=1');
    const ordinary = await flaggedItem(await postAd('dc-someone@example.com'));
    expect((await t.ctx.moderation.repo.claimNext(modId, t.clock.now))?.id).toBe(ordinary.id);
    // An admin takes the others, in queue order.
    expect((await t.ctx.moderation.repo.claimNext(adminId, t.clock.now))?.id).toBe(own.id);
    expect((await t.ctx.moderation.repo.claimNext(adminId, t.clock.now))?.id).toBe(senior.id);
  });

  it('bulk decisions decide the rest of the group and skip (and queue again) what the moderator may not decide', async () => {
    const phone = '+1 312 555 0187';
    const stranger1 = await postAd('dc-bulk1@example.com', { phone, contact_mode: 'phone' });
    const stranger2 = await postAd('dc-bulk2@example.com', { phone, contact_mode: 'phone' });
    const ownAd = await postAd('dc-mod@example.com', { phone, contact_mode: 'phone' });
    const seedItem = await flaggedItem(stranger1);
    const result = await t.ctx.moderation.decisions.decideLinked(stranger1, 'phone', modId, { kind: 'remove', reason: 'spam' }, seedItem);
    expect(result.decided).toEqual([stranger1, stranger2]);
    expect(result.skipped).toEqual([{ adId: ownAd, reason: expect.stringContaining('your own ad') }]);
    expect(await state(stranger2)).toBe('removed');
    expect(await state(ownAd)).toBe('published');
    const requeued = (await t.ctx.moderation.repo.itemsOf(ownAd)).find((i) => i.state === 'open');
    expect(requeued).toMatchObject({ source: 'flag', priority: seedItem.priority });
  });

  it('the queue page reports skipped ads of a bulk decision', async () => {
    const page = await mod.get('/staff/queue?decided=5&skipped=12.13');
    expect(page.body).toContain('Item 5 decided. 2 ads of the group (ad 12, ad 13) were not decided: posted by you or by staff of your rank or above.');
  });

  it('the staff API refuses claim and decide with the reason', async () => {
    const adId = await postAd('dc-mod@example.com');
    const item = await flaggedItem(adId);
    const made = await mod.post('/account/tokens', { name: 'dc', scope: 'staff' }, '/account/tokens');
    const token = /id="token-value" readonly value="(cb_[^"]+)"/.exec(made.body)![1]!;
    const api = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });
    const claim = await api(`/api/v1/staff/items/${item.id}/claim`, {});
    expect(claim.statusCode).toBe(403);
    expect(claim.json().error.message).toContain('your own ad');
    await t.ctx.moderation.repo.claim(item.id, modId, t.clock.now);
    const decide = await api(`/api/v1/staff/items/${item.id}/decide`, { action: 'remove', reason: 'spam' });
    expect(decide.statusCode).toBe(403);
    expect(await state(adId)).toBe('published');
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, { post: { responses: Record<string, unknown> } }> };
    for (const p of ['/api/v1/staff/items/{id}/claim', '/api/v1/staff/items/{id}/decide']) expect(doc.paths[p]!.post.responses['403'], p).toBeTruthy();
  });
});
