/**
 * Reversing a ban on appeal brings back the poster's other ads that the ban took down, on PGlite and
 * (with TEST_DATABASE_URL) PostgreSQL: each the way the appealed ad comes back (its expiry moved on
 * by the time offline, at least a week from now), with its own ad event, on its public page and in
 * its listing again. Ads the poster deleted since, ads removed by a later decision and ads removed
 * for their own reasons before the ban stay down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdRepository } from '../src/listings/ad.repository.ts';
import { reinstatedExpiry } from '../src/moderation/policy.ts';
import { formClient, type StaffClient } from './helpers/staff-sign-in.ts';
import { linkFrom, type TestApp } from './helpers/test-app.ts';
import { claimAndDecide, moderationTestApp, publicPathOf, twoModerators } from './moderation-helpers.ts';
import { postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let n = 0;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await moderationTestApp();
});
afterAll(async () => t?.close());

const base = {
  body: 'Solid cherry wood, good condition, a few light marks. Pick up only.',
  price: '80',
  city: 'chicago',
  category: 'furniture',
  contact_mode: 'relay',
};

async function postAd(email: string, title: string): Promise<number> {
  n++;
  return (await postAdDirect(t, { ...base, title, email }, { ip: `192.0.2.${(n % 200) + 30}` })).id;
}

/** Moderator `modId` claims a new flag item about the ad and decides it. */
const decideAs = (modId: number, adId: number, decision: Parameters<typeof claimAndDecide>[3]) => claimAndDecide(t, modId, adId, decision);

const adRow = async (id: number) => (await t.ctx.ads.findById(id))!;
/** The appeal link in the statement mail carrying this puid. */
const appealLinkFor = (puid: string) => linkFrom(t.mailer.sent.find((m) => m.text.includes(puid) && m.text.includes('/appeal/'))!.text, '/appeal/');
const EXPLANATION = 'These are ordinary pieces of cherry furniture from my flat. Please look at them again.';

let modA: StaffClient;
let modB: StaffClient;

beforeAll(async () => {
  ({ modA, modB } = await twoModerators(t, 'ban-rev'));
});

describe('reversing a ban on appeal', () => {
  it('restores the other ads the ban took down, each with its own event and expiry; the rest stay down', async () => {
    const email = 'ban-rev-poster@example.com';
    const appealed = await postAd(email, 'Cherry dining table');
    const withBan = await postAd(email, 'Cherry sideboard with two drawers');
    const deletedSince = await postAd(email, 'Cherry coat stand');
    const laterDecision = await postAd(email, 'Cherry bedside cabinet');
    const ownReason = await postAd(email, 'Cherry bookshelf, narrow');
    // Removed for its own reason before the ban.
    await decideAs(modA.id, ownReason, { kind: 'remove', reason: 'spam' });
    t.clock.advanceHours(24);

    const expiryBefore = (await adRow(withBan)).expiresAt;
    const bannedAt = t.clock.now;
    const { statements } = await decideAs(modA.id, appealed, { kind: 'ban', reason: 'prohibited_goods' });
    expect(statements).toHaveLength(4); // the appealed ad and the three live others
    for (const id of [appealed, withBan, deletedSince, laterDecision]) expect((await adRow(id)).state).toBe('removed');

    t.clock.advanceHours(24);
    await new AdRepository(t.ctx.database.db).transition(deletedSince, ['removed'], 'deleted', { kind: 'deleted', automated: false });
    await decideAs(modB.id, laterDecision, { kind: 'remove', reason: 'scam' }); // a later decision of its own
    t.clock.advanceHours(8 * 24);

    const poster = formClient(t);
    const link = appealLinkFor(statements[0]!);
    expect((await poster.post(link, { explanation: EXPLANATION }, link)).statusCode).toBe(303);
    const item = (await t.ctx.moderation.repo.itemsOf(appealed)).find((i) => i.state === 'open' && i.source === 'appeal')!;
    await t.ctx.moderation.repo.claim(item.id, modB.id, t.clock.now);
    const [appeal] = await t.ctx.moderation.appeals.forItem(item.id);
    const reversed = await t.ctx.moderation.appeals.decide(appeal!.appeal.id, modB.id, { outcome: 'reverse', reason: 'The furniture is fine to sell; the ban was a mistake.' });
    expect(reversed.republished).toBe(true);

    const restored = await adRow(withBan);
    expect(restored.state).toBe('published');
    expect(restored.expiresAt.toISOString()).toBe(reinstatedExpiry(expiryBefore, bannedAt, t.clock.now).toISOString());
    expect(restored.expiresAt.getTime()).toBe(expiryBefore.getTime() + 9 * DAY); // the nine days offline added
    const events = await t.ctx.database.query<{ kind: string; from_state: string; to_state: string; reason: string }>(
      'select kind, from_state, to_state, reason from ad_events where ad_id = $1 order by id desc limit 1',
      [withBan],
    );
    expect(events[0]).toMatchObject({ kind: 'moderator_appeal_reversed', from_state: 'removed', to_state: 'published', reason: expect.stringContaining(`appeal A-${appeal!.appeal.id}`) });

    expect((await adRow(deletedSince)).state).toBe('deleted');
    expect((await adRow(laterDecision)).state).toBe('removed');
    expect((await adRow(ownReason)).state).toBe('removed');

    // Visible again: its page and its city's category listing.
    expect((await t.app.inject({ url: await publicPathOf(t, withBan) })).statusCode).toBe(200);
    const listing = await t.app.inject({ url: '/chicago/furniture' });
    expect(listing.body).toContain('Cherry sideboard with two drawers');
    expect(listing.body).not.toContain('Cherry bedside cabinet');

    const audit = (await t.ctx.moderation.audit.entriesFor('ad', appealed)).at(-1)!;
    expect(audit).toMatchObject({ action: 'appeal.reversed', details: { restoredAds: [withBan] } });
    const mail = t.mailer.lastTo(email)!.text;
    expect(mail).toContain('Your other ads removed with this decision are online again');
    expect(mail).toContain('Cherry sideboard with two drawers');
    expect(mail).not.toContain('Cherry bedside cabinet');
    expect(mail).toContain('you can post again');
  });

  it('an appeal against a statement of an ad the ban swept along: the banning moderator cannot decide it, and reversing it restores the other swept ads only', async () => {
    const email = 'ban-rev-sibling@example.com';
    const seed = await postAd(email, 'Cherry writing desk');
    const swept1 = await postAd(email, 'Cherry rocking chair');
    const swept2 = await postAd(email, 'Cherry footstool');
    await decideAs(modA.id, seed, { kind: 'ban', reason: 'prohibited_goods' });
    const [statement] = await t.ctx.moderation.repo.statementsOf(swept1);
    t.clock.advanceHours(48);

    const poster = formClient(t);
    const link = appealLinkFor(statement!.puid);
    expect((await poster.post(link, { explanation: EXPLANATION }, link)).statusCode).toBe(303);
    const item = (await t.ctx.moderation.repo.itemsOf(swept1)).find((i) => i.state === 'open' && i.source === 'appeal')!;
    const [appeal] = await t.ctx.moderation.appeals.forItem(item.id);
    expect(appeal!.appeal.originalDeciderId).toBe(modA.id);
    expect(await t.ctx.moderation.repo.claim(item.id, modA.id, t.clock.now)).toBeUndefined();

    await t.ctx.moderation.repo.claim(item.id, modB.id, t.clock.now);
    await t.ctx.moderation.appeals.decide(appeal!.appeal.id, modB.id, { outcome: 'reverse', reason: 'These were never a problem; the ban is lifted.' });
    expect((await adRow(swept1)).state).toBe('published');
    expect((await adRow(swept2)).state).toBe('published');
    expect((await adRow(seed)).state).toBe('removed'); // removed for its own reasons: appealed on its own statement
  });

  it('reversing a removal that was not a ban restores nothing else', async () => {
    const email = 'ban-rev-plain@example.com';
    const a = await postAd(email, 'Cherry plant stand');
    const b = await postAd(email, 'Cherry magazine rack');
    await decideAs(modA.id, b, { kind: 'remove', reason: 'spam' });
    const { statements } = await decideAs(modA.id, a, { kind: 'remove', reason: 'spam' });
    const poster = formClient(t);
    const link = appealLinkFor(statements[0]!);
    expect((await poster.post(link, { explanation: EXPLANATION }, link)).statusCode).toBe(303);
    const item = (await t.ctx.moderation.repo.itemsOf(a)).find((i) => i.state === 'open' && i.source === 'appeal')!;
    await t.ctx.moderation.repo.claim(item.id, modB.id, t.clock.now);
    const [appeal] = await t.ctx.moderation.appeals.forItem(item.id);
    await t.ctx.moderation.appeals.decide(appeal!.appeal.id, modB.id, { outcome: 'reverse', reason: 'A plant stand is fine.' });
    expect((await adRow(a)).state).toBe('published');
    expect((await adRow(b)).state).toBe('removed');
  });
});
