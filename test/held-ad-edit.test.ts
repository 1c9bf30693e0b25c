/**
 * Issue 10 item 1: an ad that moderation holds (a trusted flagger's flag, a moderator's escalation,
 * a screening hold) does not go live again when its poster "edits" it without changing anything,
 * through the token API (`PATCH /api/v1/ads/{id}` with `{}`), the manage form, or the ad service.
 * The edit is saved and screened, and stays with the open review item; only a moderator's decision
 * publishes the ad. PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flagger } from '../src/moderation/flagger-identity.ts';
import { apiToken, type TestApp } from './helpers/test-app.ts';
import { bookcase, csrfOf, multipart, postAdDirect } from './helpers/post-ad.ts';
import { signInAsStaff } from './helpers/staff-sign-in.ts';
import { claimAndDecide, moderationTestApp } from './moderation-helpers.ts';

let t: TestApp;
let n = 0;
const TRUSTED_ID = 81001;
const trustedFlagger: Flagger = { key: `user:${TRUSTED_ID}`, userId: TRUSTED_ID, ipHash: 'trusted-net', establishedAccount: true };

beforeAll(async () => {
  t = await moderationTestApp();
  await t.ctx.moderation.trustedFlaggers.add('account', String(TRUSTED_ID), 'Example Hotline');
});
afterAll(async () => t?.close());

async function liveAd(email = `held-edit-${++n}@example.com`) {
  const ad = await postAdDirect(t, { ...bookcase, title: `${bookcase.title} ${n}`, email }, { ip: `198.51.100.${n}` });
  expect(ad.confirmed!.state).toBe('published');
  return ad;
}

async function heldByTrustedFlag(email?: string) {
  const ad = await liveAd(email);
  expect(await t.ctx.moderation.flags.submit(ad.id, 'prohibited', trustedFlagger)).toMatchObject({ held: true });
  return ad;
}

const stateOf = async (id: number) => (await t.ctx.ads.findById(id))!.state;
const pendingItems = async (id: number) => (await t.ctx.moderation.repo.itemsOf(id)).filter((i) => i.state === 'open' || i.state === 'escalated');
const tokenOf = (managePath: string) => managePath.split('/').pop()!;


describe('an edit does not release an ad that moderation holds', () => {
  it('PATCH /api/v1/ads/{id} with {} leaves a trusted-flagged ad held, its review item open', async () => {
    const email = `api-held-${++n}@example.com`;
    const token = await apiToken(t, email);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/ads', headers: { authorization: `Bearer ${token}` }, payload: { ...bookcase, title: 'Oak bookcase, four shelves' } });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: number }).id;
    expect(await stateOf(id)).toBe('published');
    expect(await t.ctx.moderation.flags.submit(id, 'prohibited', trustedFlagger)).toMatchObject({ held: true });

    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/ads/${id}`, headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(patched.statusCode).toBe(200);
    expect((patched.json() as { state: string }).state).toBe('held');
    expect(await stateOf(id)).toBe('held');
    expect(await pendingItems(id)).toHaveLength(1);
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/ads/${id}` });
    expect(page.statusCode).toBe(404);
  });

  it('re-submitting the unchanged manage form leaves the ad held', async () => {
    const ad = await heldByTrustedFlag();
    const { token, cookie } = await csrfOf(t, ad.managePath);
    const form = await t.app.inject({ method: 'GET', url: ad.managePath });
    const photoless = multipart({ ...bookcase, country: 'united-states', title: `${bookcase.title} ${n}`, _csrf: token, _action: 'submit' });
    expect(form.statusCode).toBe(200);
    const res = await t.app.inject({ method: 'POST', url: `${ad.managePath}/edit`, payload: photoless.payload, headers: { ...photoless.headers, cookie } });
    expect(res.statusCode).toBeLessThan(400);
    expect(await stateOf(ad.id)).toBe('held');
    expect(await pendingItems(ad.id)).toHaveLength(1);
  });

  it('an escalated ad stays held after an unchanged edit; the escalated item stays', async () => {
    const ad = await liveAd();
    await t.ctx.moderation.flags.submit(ad.id, 'child_safety', { key: 'visitor:esc', userId: null, ipHash: 'esc-net', establishedAccount: false });
    await claimAndDecide(t, 9101, ad.id, { kind: 'escalate' }, { reuseOpen: 'flag' });
    expect(await stateOf(ad.id)).toBe('held');
    const current = (await t.ctx.ads.findById(ad.id))!;
    await t.ctx.adService.edit(ad.id, tokenOf(ad.managePath), { ...bookcase, title: current.title, email: ad.email }, [], []);
    expect(await stateOf(ad.id)).toBe('held');
    expect((await pendingItems(ad.id)).map((i) => i.state)).toContain('escalated');
  });

  it('the edit is screened and attached: a harmful rewrite raises the review, the poster is told nothing new', async () => {
    const ad = await heldByTrustedFlag();
    const mailsBefore = t.mailer.sent.filter((m) => m.to === ad.email).length;
    await t.ctx.adService.edit(ad.id, tokenOf(ad.managePath), { ...bookcase, title: 'Bookcase', body: 'Fresh young girls just arrived, ask for the manager, incall 24/7.', email: ad.email }, [], []);
    const after = (await t.ctx.ads.findById(ad.id))!;
    expect(after.state).toBe('held');
    expect(after.body).toContain('ask for the manager');
    const screening = after.screening as { decision: string; details: { editedUnderReviewAt?: string } };
    expect(screening.decision).not.toBe('publish');
    expect(screening.details.editedUnderReviewAt).toBeTruthy();
    const items = await pendingItems(ad.id);
    expect(items.some((i) => i.source === 'screening' && i.priority <= 1)).toBe(true);
    expect(t.mailer.sent.filter((m) => m.to === ad.email).length).toBe(mailsBefore);
    const moderator = await signInAsStaff(t, 'held-edit-mod@example.com', 'moderator');
    const page = await moderator.get(`/staff/items/${items[0]!.id}`);
    expect(page.body).toContain('while it was under review');
  });

  it("a moderator's approval still publishes the edited ad", async () => {
    const ad = await heldByTrustedFlag();
    await t.ctx.adService.edit(ad.id, tokenOf(ad.managePath), { ...bookcase, title: 'Walnut bookcase, now with doors', email: ad.email }, [], []);
    expect(await stateOf(ad.id)).toBe('held');
    await claimAndDecide(t, 9102, ad.id, { kind: 'approve' }, { reuseOpen: 'flag' });
    const after = (await t.ctx.ads.findById(ad.id))!;
    expect(after.state).toBe('published');
    expect(after.title).toBe('Walnut bookcase, now with doors');
  });

  it('an ad whose review was decided is screened and applied as any edit', async () => {
    const ad = await heldByTrustedFlag();
    await claimAndDecide(t, 9103, ad.id, { kind: 'approve' }, { reuseOpen: 'flag' });
    expect(await stateOf(ad.id)).toBe('published');
    await t.ctx.adService.edit(ad.id, tokenOf(ad.managePath), { ...bookcase, title: 'Walnut bookcase, price drop', email: ad.email }, [], []);
    expect(await stateOf(ad.id)).toBe('published');
  });
});
