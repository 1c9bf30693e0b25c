/**
 * Removed content stays removed (issue 11, item 5; src/moderation/removed-content.ts), on PGlite and
 * (with TEST_DATABASE_URL) PostgreSQL: an ad a moderator removed, re-posted word for word with the
 * same photo and e-mail, or nearly the same from another address, or only its photo, is held with a
 * 'repost' review item whose page links the earlier decision; an unrelated ad is published; a
 * screening rejection is banked too; after an appeal reverses the removal, a re-post publishes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appealUrl } from '../src/moderation/appeal-links.ts';
import type { TestApp } from './helpers/test-app.ts';
import { patternImage, postAdDirect } from './helpers/post-ad.ts';
import { signInAsStaff } from './helpers/staff-sign-in.ts';
import { claimAndDecide, moderationTestApp } from './moderation-helpers.ts';

let t: TestApp;
let n = 0;
const modA = 9101;
const modB = 9102;

beforeAll(async () => {
  // Pinned to the policy's rules: the ordinary ads here must be published by screening itself.
  t = await moderationTestApp({ SCREENING_MODEL: 'off' });
});
afterAll(async () => t?.close());

const desk = {
  title: 'Oak writing desk with three drawers',
  body: 'Solid oak writing desk from a home office, three deep drawers with brass handles, a few light scratches on the top. Collection from the north side, cash on pick up, call 312 555 0147.',
  price: '150',
  city: 'chicago',
  category: 'furniture',
  contact_mode: 'relay',
};

async function post(fields: Record<string, string>, photoSeeds: number[] = [], format: 'png' | 'jpeg' = 'png') {
  n++;
  const photos = await Promise.all(photoSeeds.map(async (seed) => ({ filename: `p${seed}.${format}`, data: await patternImage(seed, format) })));
  const { id } = await postAdDirect(t, { ...fields, email: fields.email ?? `poster${n}@example.com` }, { ip: `203.0.113.${n}`, photos });
  return (await t.ctx.ads.findById(id))!;
}

const items = async (adId: number) => t.ctx.moderation.repo.itemsOf(adId);
type Screening = { reasons: { rule: string; label: string; evidence: string }[]; details?: { repost?: { adId: number; reviewItemId: number | null; textSimilarity: number | null; photosMatched: number }[] } };

describe('the removed-content bank', () => {
  let first: Awaited<ReturnType<typeof post>>;
  let firstItemId: number;
  let repostItemId: number;

  it('holds a word-for-word re-post (same photo, same address) of an ad a moderator removed, with a repost item linking it', async () => {
    first = await post({ ...desk, email: 'desk-seller@example.com' }, [501]);
    expect(first.state).toBe('published');
    await claimAndDecide(t, modA, first.id, { kind: 'remove', reason: 'scam' });
    firstItemId = (await items(first.id)).find((i) => i.state === 'decided')!.id;

    const again = await post({ ...desk, email: 'desk-seller@example.com' }, [501]);
    expect(again.state).toBe('held');
    const open = (await items(again.id)).filter((i) => i.state === 'open');
    expect(open.map((i) => i.source)).toEqual(['repost']);
    expect(open[0]!.label).toBe('scam');
    expect(open[0]!.priority).toBe(2);
    repostItemId = open[0]!.id;
    const screening = again.screening as Screening;
    expect(screening.reasons).toContainEqual({ rule: 'moderation.repost', label: 'scam', evidence: `ad ${first.id}` });
    expect(screening.details?.repost?.[0]).toMatchObject({ adId: first.id, reviewItemId: firstItemId, photosMatched: 1 });
    expect(screening.details?.repost?.[0]?.textSimilarity).toBe(1);
  });

  it('shows the earlier decision on the review page, linked to its review item', async () => {
    const staff = await signInAsStaff(t, 'repost-reviewer@example.com', 'moderator');
    const page = await staff.get(`/staff/items/${repostItemId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Re-post of removed content');
    expect(page.body).toContain(`data-earlier-ad="${first.id}"`);
    expect(page.body).toContain(`<a href="/staff/items/${firstItemId}">Ad ${first.id}</a>`);
    expect(page.body).toContain('removed by a moderator');
  });

  it('holds a slightly edited copy from another address, without the photo', async () => {
    const copy = await post({
      ...desk,
      title: 'Oak writing desk with three drawers!',
      body: desk.body.replace('a few light scratches', 'some light scratches').replace('312 555 0147', '773 555 0199'),
      email: 'someone-else@example.com',
    });
    expect(copy.state).toBe('held');
    expect((await items(copy.id)).filter((i) => i.state === 'open').map((i) => i.source)).toEqual(['repost']);
    const match = (copy.screening as Screening).details?.repost?.[0];
    expect(match?.adId).toBe(first.id);
    expect(match?.textSimilarity).toBeGreaterThanOrEqual(0.8);
  });

  it('holds an ad that only re-uses the removed photo, re-encoded (PDQ, not SHA-256)', async () => {
    const photoOnly = await post({ ...desk, title: 'Pine bookshelf', body: 'Tall pine bookshelf with five shelves, good condition, pick up only near the lake.' }, [501], 'jpeg');
    expect(photoOnly.state).toBe('held');
    const [pdq] = await t.ctx.database.query<{ sha256: string }>('select sha256 from ad_photos where ad_id = $1', [photoOnly.id]);
    expect((await t.ctx.ads.photosOf(first.id))[0]!.sha256).not.toBe(pdq!.sha256);
    expect((photoOnly.screening as Screening).details?.repost?.[0]).toMatchObject({ adId: first.id, textSimilarity: null, photosMatched: 1 });
  });

  it('publishes an unrelated ad, with no queue item', async () => {
    const other = await post({ ...desk, title: 'Childrens bicycle, blue', body: 'Small blue bicycle for a child of five or six, stabilisers included, tyres pumped and ready to ride.' }, [502]);
    expect(other.state).toBe('published');
    expect(await items(other.id)).toEqual([]);
  });

  it('banks what screening rejects', async () => {
    const rejected = await post({ ...desk, category: 'beauty-wellness', title: 'Incall and outcall', body: 'Full service, GFE. Text only please, new girls every week in town.', price: '' });
    expect(rejected.state).toBe('rejected');
    const rows = await t.ctx.database.query<{ decided_by: string; statement_puid: string | null }>('select decided_by, statement_puid from removed_content where ad_id = $1', [rejected.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.decided_by).toBe('screening');
    expect(rows[0]!.statement_puid).toMatch(/^corkboard-/);
  });

  it('lets a re-post through once an appeal reversed the removal', async () => {
    const [statement] = await t.ctx.database.query<{ puid: string }>('select puid from statements_of_reasons where ad_id = $1', [first.id]);
    const token = appealUrl(t.ctx.links, t.ctx.config.publicUrl, { adId: first.id, puid: statement!.puid }).split('/').pop()!;
    await t.ctx.moderation.appeals.submit(statement!.puid, token, { explanation: 'The desk is mine and the price is real; nothing about it was a scam.' }, null);
    const item = (await items(first.id)).find((i) => i.state === 'open' && i.source === 'appeal')!;
    expect(await t.ctx.moderation.repo.claim(item.id, modB, t.clock.now)).toBeTruthy();
    const [appeal] = await t.ctx.moderation.appeals.forItem(item.id);
    const outcome = await t.ctx.moderation.appeals.decide(appeal!.appeal.id, modB, { outcome: 'reverse', reason: 'The ad was an ordinary desk sale.' });
    expect(outcome.republished).toBe(true);
    const lifted = await t.ctx.database.query<{ lifted_at: Date | null }>('select lifted_at from removed_content where ad_id = $1', [first.id]);
    expect(lifted.every((r) => r.lifted_at !== null)).toBe(true);

    const later = await post({ ...desk, email: 'third-seller@example.com' }, [501]);
    expect(later.state).toBe('published');
    expect(await items(later.id)).toEqual([]);
  });
});
