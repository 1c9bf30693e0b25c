/**
 * Who sees an ad's photos, through the real app on PGlite and (with TEST_DATABASE_URL) PostgreSQL:
 * the public /photos addresses answer only while the ad is published (unconfirmed, pending, held and
 * rejected ads' photos answer exactly like a photo that never existed); the poster sees theirs in
 * every state on the manage page and through the API (/ad-photos, a view-only signed link); staff
 * on the review page, /staff/photos and the staff API. A hash-bank rejection deletes the photo's
 * files after the commit and keeps its rows and hashes; every page then says "removed", every
 * address answers 404, never 500.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineScreener } from '../src/listings/engine-screener.ts';
import type { Db } from '../src/db/client.ts';
import { deletingHashRejectedPhotos } from '../src/listings/hash-rejected-photos.ts';
import type { AdForScreening, AdScreener } from '../src/listings/screening-hook.ts';
import { parseHashBankFile, pdqHash } from '../src/screening/images/index.ts';
import { bookcase, multipart, patternImage, postAdDirect } from './helpers/post-ad.ts';
import { formClient, signInAsStaff, signUpThroughPages, type StaffClient } from './helpers/staff-sign-in.ts';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';
import { quietPoolShutdown } from './moderation-helpers.ts';

/** The real screening engine, except that it can be made to fail: an ad confirmed meanwhile stays pending. */
let screeningDown = false;
let engine: EngineScreener;
const screener: AdScreener = {
  async screen(ad) {
    if (screeningDown) throw new Error('screening unavailable');
    return engine.screen(ad);
  },
};

let t: TestApp;
let moderator: StaffClient;
let n = 0;
/** A pattern in a bank whose matches are held for review, and one in a bank whose matches are rejected. */
let reviewImage: Buffer;
let rejectImage: Buffer;

type Posted = { id: number; managePath: string; keys: string[] };
const ads: Record<'published' | 'unconfirmed' | 'pending' | 'held' | 'rejected', Posted> = {} as never;

const keysOf = async (adId: number) => (await t.ctx.ads.photosOf(adId)).map((p) => p.storageKey);
const publicUrl = (key: string, size = 'medium') => `/photos/${key}-${size}.webp`;
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });
const imageSources = (body: string) => [...body.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
const fileOf = (key: string, size = 'medium') => path.join(t.dataDir, 'photos', `${key}-${size}.webp`);
/** A photo address that never existed: what every hidden photo must be indistinguishable from. */
const NEVER = '2001/01/01/00000000000000000000';

async function postWithPhotos(fields: Record<string, string>, images: Buffer[], opts: { confirm?: boolean } = {}): Promise<Posted & { mail: { text: string } }> {
  n++;
  const posted = await postAdDirect(t, { ...bookcase, title: `${bookcase.title} ${n}`, email: `photo-poster${n}@example.com`, ...fields }, {
    ip: `198.51.100.${n}`,
    photos: images.map((data, i) => ({ filename: `p${i}.png`, data })),
    confirm: opts.confirm,
  });
  return { id: posted.id, managePath: posted.managePath, mail: posted.mail, keys: await keysOf(posted.id) };
}

async function stateOf(id: number) {
  return (await t.ctx.ads.findById(id))!.state;
}

/** Expects the answer of a photo that does not exist: 404, the same page as an address that never had a photo. */
async function expectNotAvailable(url: string, headers: Record<string, string> = {}) {
  const res = await get(url, headers);
  expect(res.statusCode, url).toBe(404);
  expect(res.body).toContain('This photo is not available.');
  expect(res.body).toBe((await get(url.replace(/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{20}/, NEVER), headers)).body);
}

function expectPrivatePhoto(res: Awaited<ReturnType<typeof get>>, what: string) {
  expect(res.statusCode, what).toBe(200);
  expect(res.headers['content-type'], what).toBe('image/webp');
  expect(res.headers['cache-control'], what).toBe('private, no-store');
}

beforeAll(async () => {
  t = await createTestApp({ screener });
  quietPoolShutdown(t.ctx.database);
  engine = new EngineScreener({ database: t.ctx.database, banks: t.ctx.hashBanks });
  reviewImage = await patternImage(5101);
  rejectImage = await patternImage(5102);
  const bank = async (image: Buffer, name: string, action: 'review' | 'reject') =>
    t.ctx.hashBanks.importBank(parseHashBankFile(`${(await pdqHash(image)).hash}\n`, { name, label: 'prohibited_goods', action }));
  await bank(reviewImage, 'test-photos-review', 'review');
  await bank(rejectImage, 'test-photos-reject', 'reject');
  moderator = await signInAsStaff(t, 'photos-mod@example.com', 'moderator');

  ads.published = await postWithPhotos({}, [await patternImage(1)]);
  ads.unconfirmed = await postWithPhotos({}, [await patternImage(2)], { confirm: false });
  const pending = await postWithPhotos({}, [await patternImage(3)], { confirm: false });
  screeningDown = true;
  await expect(t.ctx.adService.confirm(pending.id, linkFrom(pending.mail.text, '/confirm/').split('/').pop()!, '198.51.100.250')).rejects.toThrow();
  screeningDown = false;
  ads.pending = pending;
  ads.held = await postWithPhotos({}, [reviewImage]);
  // Rejected for its words (policy/default.yaml's sexual-services indicators), not its photo: nothing is deleted.
  ads.rejected = await postWithPhotos({ category: 'beauty-wellness', title: 'Incall and outcall', body: 'Full service, GFE. Text only please.', price: '' }, [await patternImage(4)]);
  for (const [state, ad] of Object.entries(ads)) expect(await stateOf(ad.id), state).toBe(state);
}, 180_000);
afterAll(async () => t?.close());

describe('public photo addresses', () => {
  it('serve a published ad\'s photos to anyone, cacheable', async () => {
    const res = await get(publicUrl(ads.published.keys[0]!));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it.each(['unconfirmed', 'pending', 'held', 'rejected'] as const)('answer 404 for the photos of a %s ad, like a photo that never existed', async (state) => {
    for (const size of ['thumb', 'medium', 'large']) await expectNotAvailable(publicUrl(ads[state].keys[0]!, size));
    expect(existsSync(fileOf(ads[state].keys[0]!))).toBe(true); // hidden, not deleted
  });

  it('stop answering the moment a live ad is held, and answer again once it is published', async () => {
    const ad = await postWithPhotos({}, [await patternImage(6)]);
    expect((await get(publicUrl(ad.keys[0]!))).statusCode).toBe(200);
    const verdict = { decision: 'review' as const, score: 1, labels: ['prohibited_goods'], reasons: [], statement: '', group: null };
    expect(await t.ctx.moderation.holdAfterRescan({ id: ad.id, title: 'x', email: 'x@example.com', createdAt: new Date() }, verdict)).toBe(true);
    await expectNotAvailable(publicUrl(ad.keys[0]!));
    const item = (await t.ctx.moderation.repo.itemsOf(ad.id)).find((i) => i.state === 'open')!;
    expect(await t.ctx.moderation.repo.claim(item.id, moderator.id, t.clock.now)).toBeTruthy();
    await t.ctx.moderation.decisions.decide(item.id, moderator.id, { kind: 'approve' });
    expect((await get(publicUrl(ad.keys[0]!))).statusCode).toBe(200);
  });

  it('refuse malformed addresses with the same 404, before any lookup', async () => {
    for (const url of ['/photos/..%2F..%2Fetc%2Fpasswd', '/photos/a%00b-medium.webp', '/photos/x-huge.webp', `/photos/${ads.published.keys[0]}`]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('This photo is not available.');
    }
  });
});

describe('the poster', () => {
  it.each(['published', 'unconfirmed', 'pending', 'held', 'rejected'] as const)('sees the photos of a %s ad on the manage page, privately', async (state) => {
    const page = await get(ads[state].managePath);
    expect(page.statusCode).toBe(200);
    const sources = imageSources(page.body);
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatch(new RegExp(`^/ad-photos/${ads[state].id}/[A-Za-z0-9_-]+/${ads[state].keys[0]}-thumb\\.webp$`));
    expectPrivatePhoto(await get(sources[0]!), `${state} ad's photo on its manage page`);
  });

  it('cannot open another ad\'s photo with one ad\'s link, nor with a wrong token', async () => {
    const mine = imageSources((await get(ads.held.managePath)).body)[0]!;
    await expectNotAvailable(mine.replace(ads.held.keys[0]!, ads.rejected.keys[0]!));
    await expectNotAvailable(mine.replace(/\/ad-photos\/(\d+)\/[^/]+\//, '/ad-photos/$1/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/'));
    await expectNotAvailable(mine.replace(`/ad-photos/${ads.held.id}/`, `/ad-photos/${ads.rejected.id}/`));
  });

  it('gets working private photo addresses for their own held ad through the API', async () => {
    const owner = await signUpThroughPages(t, 'photo-api-owner@example.com', formClient(t, { remoteAddress: '10.88.0.1' }));
    const { token } = await t.ctx.accountService.createApiToken(owner.id, { name: 'script' });
    const auth = { authorization: `Bearer ${token}` };
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/ads', headers: auth, payload: { title: 'Teak sideboard, three doors', body: 'Teak sideboard, 150 cm wide, three doors. Pick up only.', price: 200, category: 'furniture', city: 'chicago' } });
    expect(created.statusCode).toBe(201);
    const body = multipart({}, [{ name: 'photos', filename: 'item.png', data: reviewImage, type: 'image/png' }]);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/ads/${created.json().id}/photos`, payload: body.payload, headers: { ...body.headers, ...auth } });
    expect(res.statusCode).toBe(201);
    const ad = res.json();
    expect(ad.state).toBe('held');
    const [key] = await keysOf(ad.id);
    expect(ad.photos[0].medium).toMatch(new RegExp(`^/ad-photos/${ad.id}/[A-Za-z0-9_-]+/${key}-medium\\.webp$`));
    expectPrivatePhoto(await get(ad.photos[0].medium), 'API medium');
    expectPrivatePhoto(await get(ad.photos[0].large), 'API large');
    await expectNotAvailable(publicUrl(key!));
  });
});

describe('staff', () => {
  it('see the photos of ads in every state at /staff/photos, privately', async () => {
    for (const [state, ad] of Object.entries(ads)) expectPrivatePhoto(await moderator.get(`/staff/photos/${ad.keys[0]}-medium.webp`), state);
  });

  it('are the only ones: anyone else gets the 404 of an address with no route', async () => {
    const ordinary = await signUpThroughPages(t, 'photo-nosy@example.com', formClient(t, { remoteAddress: '10.88.0.2' }));
    const url = `/staff/photos/${ads.held.keys[0]}-medium.webp`;
    for (const c of [formClient(t), ordinary]) {
      const res = await c.get(url);
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe((await c.get(url.replace('/staff/', '/staffx/'))).body);
    }
  });

  it('see the photos on the review page, through the staff addresses', async () => {
    const item = (await t.ctx.moderation.repo.itemsOf(ads.held.id)).find((i) => i.state === 'open')!;
    const page = await moderator.get(`/staff/items/${item.id}`);
    expect(page.statusCode).toBe(200);
    const sources = imageSources(page.body);
    expect(sources).toEqual([`/staff/photos/${ads.held.keys[0]}-medium.webp`]);
    expectPrivatePhoto(await moderator.get(sources[0]!), 'review page photo');
    const queue = await moderator.get('/staff/queue');
    expect(queue.body).toContain(`/staff/photos/${ads.held.keys[0]}-thumb.webp`);
    expect(queue.body).not.toContain(`"/photos/`);
  });

  it('get staff API photo addresses that answer to the staff token only', async () => {
    const { token } = await t.ctx.accountService.createApiToken(moderator.id, { name: 'triage', scope: 'staff' });
    const item = (await t.ctx.moderation.repo.itemsOf(ads.held.id)).find((i) => i.state === 'open')!;
    const res = await get(`/api/v1/staff/items/${item.id}`, { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(200);
    const [photo] = res.json().ad.photos as string[];
    expect(photo).toBe(`/api/v1/staff/photos/${ads.held.keys[0]}-medium.webp`);
    expectPrivatePhoto(await get(photo!, { authorization: `Bearer ${token}` }), 'staff API photo');
    expect((await get(photo!)).statusCode).toBe(401);
  });
});

describe('a hash-bank rejection', () => {
  let ad: Posted;
  let bad: string;
  let clean: string;

  beforeAll(async () => {
    ad = await postWithPhotos({ title: 'Garden statue, stone' }, [rejectImage, await patternImage(7)]);
    [bad, clean] = ad.keys as [string, string];
  });

  it('rejects the ad and deletes the matching photo\'s files after the commit, keeping its row and hashes', async () => {
    expect(await stateOf(ad.id)).toBe('rejected');
    await vi.waitFor(() => expect(['thumb', 'medium', 'large'].map((s) => existsSync(fileOf(bad, s)))).toEqual([false, false, false]));
    expect(['thumb', 'medium', 'large'].map((s) => existsSync(fileOf(clean, s)))).toEqual([true, true, true]);
    const rows = await t.ctx.database.query<{ storage_key: string; pdq: string | null; sha256: string }>('select storage_key, pdq, sha256 from ad_photos where ad_id = $1 order by position', [ad.id]);
    expect(rows.map((r) => r.storage_key)).toEqual([bad, clean]);
    expect(rows[0]!.pdq).toBe((await pdqHash(rejectImage)).hash);
  });

  it('leaves a 404 at every address of the deleted photo, never a 500', async () => {
    await expectNotAvailable(publicUrl(bad));
    const res = await moderator.get(`/staff/photos/${bad}-medium.webp`);
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('This photo is not available.');
    const page = await get(ad.managePath);
    const own = `${/\/ad-photos\/\d+\/[^/]+\//.exec(imageSources(page.body)[0]!)![0]}${bad}-medium.webp`;
    expect((await get(own)).statusCode).toBe(404);
  });

  it('shows the poster and staff that the photo was removed, and the other photo as it is', async () => {
    const manage = await get(ad.managePath);
    expect(manage.body).toContain('<span class="photo-removed">Photo 1 removed</span>');
    expect(imageSources(manage.body)).toEqual([expect.stringContaining(`${clean}-thumb.webp`)]);
    const item = await t.ctx.moderation.repo.enqueue({ adId: ad.id, source: 'flag', priority: 2, trusted: false, label: 'prohibited_goods', now: t.clock.now });
    const review = await moderator.get(`/staff/items/${item.id}`);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('Photo 1 of 2 removed: it matched a hash bank that rejects');
    expect(imageSources(review.body)).toEqual([`/staff/photos/${clean}-medium.webp`]);
  });

  it('deletes nothing when the decision\'s transaction rolls back, and only after it commits', async () => {
    const waiting = await postWithPhotos({ title: 'Stone garden statue' }, [rejectImage], { confirm: false });
    const key = waiting.keys[0]!;
    const wrapped = deletingHashRejectedPhotos({ screen: screener.screen }, { photos: t.ctx.photos, banks: t.ctx.hashBanks });
    const photos = await t.ctx.ads.photosOf(waiting.id);
    const screened = { id: waiting.id, imageHashes: photos.map((p) => ({ sha256: p.sha256, pdq: p.pdq, pdqQuality: p.pdqQuality })) } as AdForScreening;
    const reject = { decision: 'reject' as const, score: 1, labels: ['prohibited_goods'], reasons: [], statement: '', group: null };
    const decide = (fail: boolean) =>
      t.ctx.database.db.transaction(async (tx) => {
        await wrapped.recordDecision!(tx as unknown as Db, screened, reject);
        expect(existsSync(fileOf(key))).toBe(true); // not before the commit
        if (fail) throw new Error('the decision failed');
      });
    await expect(decide(true)).rejects.toThrow('the decision failed');
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(fileOf(key))).toBe(true);
    await decide(false);
    await vi.waitFor(() => expect(existsSync(fileOf(key))).toBe(false));
  });

  it('is the only verdict that deletes: a hold by a review bank keeps the files', async () => {
    expect(existsSync(fileOf(ads.held.keys[0]!))).toBe(true);
    expect(existsSync(fileOf(ads.rejected.keys[0]!))).toBe(true);
  });
});
