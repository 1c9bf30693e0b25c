/**
 * Moderation core on PGlite and (with TEST_DATABASE_URL) PostgreSQL: flags and automatic holds,
 * notices, the review queue and claims, decisions with statements of reasons, blocked contacts and
 * bulk decisions. Ad texts are ordinary listings or the clinical indicator phrases of the policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flagger } from '../src/moderation/flagger-identity.ts';
import { flagWeight, holdScore } from '../src/moderation/policy.ts';
import { BLOCKED_STATEMENT } from '../src/moderation/screening-hook.ts';
import { toTransparencyDatabase } from '../src/moderation/statements.ts';
import type { TestApp } from './helpers/test-app.ts';
import { moderationTestApp } from './moderation-helpers.ts';
import { bookcase, distinctNames, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let n = 0;

beforeAll(async () => {
  // The queue tests post ads held by the policy's rules; the model's own holds are tested in test/screening-model.test.ts.
  t = await moderationTestApp({ SCREENING_MODEL: 'off' });
});
afterAll(async () => t?.close());

const base = bookcase;

async function postAd(fields: Record<string, string> = {}): Promise<{ id: number; email: string }> {
  n++;
  const ad = { ...base, title: `${base.title} ${n}`, body: `${base.body} ${distinctNames(n)}`, ...fields, email: fields.email ?? `poster${n}@example.com` };
  return postAdDirect(t, ad, { ip: `198.51.100.${n % 250}` });
}

async function state(id: number) {
  return (await t.ctx.ads.findById(id))!.state;
}

const visitor = (i: number | string): Flagger => ({ key: `visitor:v${i}`, userId: null, ipHash: `net${i}`, establishedAccount: false });
const account = (id: number, established = true): Flagger => ({ key: `user:${id}`, userId: id, ipHash: `acct${id}`, establishedAccount: established });

async function giveRecord(key: string, upheld: number, rejected = 0) {
  await t.ctx.database.query('insert into flagger_stats (flagger_key, upheld, rejected) values ($1, $2, $3) on conflict (flagger_key) do update set upheld = $2, rejected = $3', [key, upheld, rejected]);
}

const mod = moderatorIds();
function moderatorIds() {
  let next = 9000;
  return () => next++;
}

async function claimItemOf(adId: number, moderatorId: number) {
  const items = (await t.ctx.moderation.repo.itemsOf(adId)).filter((i) => i.state === 'open');
  expect(items.length).toBeGreaterThan(0);
  const claimed = await t.ctx.moderation.repo.claim(items[0]!.id, moderatorId, t.clock.now);
  expect(claimed).toBeDefined();
  return claimed!;
}

describe('flag weights', () => {
  it('weighs newcomers little, proven flaggers more, poor flaggers least', () => {
    const newcomer = flagWeight(undefined, { trusted: false, establishedAccount: false });
    const proven = flagWeight({ upheld: 10, rejected: 0 }, { trusted: false, establishedAccount: false });
    const poor = flagWeight({ upheld: 0, rejected: 10 }, { trusted: false, establishedAccount: false });
    expect(newcomer).toBeCloseTo(0.1, 2);
    expect(proven).toBeGreaterThan(0.7);
    expect(poor).toBeLessThan(newcomer);
    expect(flagWeight({ upheld: 100, rejected: 0 }, { trusted: false, establishedAccount: true })).toBe(0.8);
    expect(flagWeight(undefined, { trusted: true, establishedAccount: false })).toBe(1);
  });

  it('caps what newcomers add together below both thresholds', () => {
    const burst = Array.from({ length: 100 }, () => ({ reason: 'child_safety', weight: 0.15, decided: 0, trusted: false }));
    const s = holdScore(burst);
    expect(s.total).toBeCloseTo(0.4);
    expect(s.childSafety).toBeCloseTo(0.4);
  });
});

describe('flags', () => {
  it('takes one flag per person per ad, and queues the ad', async () => {
    const ad = await postAd();
    const r = await t.ctx.moderation.flags.submit(ad.id, 'scam', visitor('once'));
    expect(r.held).toBe(false);
    await expect(t.ctx.moderation.flags.submit(ad.id, 'spam', visitor('once'))).rejects.toMatchObject({ code: 'conflict' });
    const [item] = await t.ctx.moderation.repo.itemsOf(ad.id);
    expect(item).toMatchObject({ source: 'flag', priority: 2, label: 'scam', state: 'open' });
    expect(item!.slaDueAt.getTime() - item!.createdAt.getTime()).toBe(24 * 3600_000);
  });

  it('refuses unknown reasons and ads that are not live', async () => {
    const ad = await postAd();
    await expect(t.ctx.moderation.flags.submit(ad.id, 'boring', visitor('r1'))).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(t.ctx.moderation.flags.submit(987654, 'scam', visitor('r2'))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('does not hold an honest ad on a burst of new visitors and accounts', async () => {
    const ad = await postAd();
    for (let i = 0; i < 30; i++) await t.ctx.moderation.flags.submit(ad.id, i % 2 ? 'scam' : 'child_safety', i % 3 ? visitor(`burst${i}`) : account(50_000 + i, false));
    expect(await state(ad.id)).toBe('published');
    const items = await t.ctx.moderation.repo.itemsOf(ad.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ priority: 0, label: 'child_safety' }); // raised to the most urgent reason
  });

  it('gives a second visitor on the same network no weight', async () => {
    const ad = await postAd();
    await t.ctx.moderation.flags.submit(ad.id, 'spam', { key: 'visitor:netA1', userId: null, ipHash: 'sharedNet', establishedAccount: false });
    const second = await t.ctx.moderation.flags.submit(ad.id, 'spam', { key: 'visitor:netA2', userId: null, ipHash: 'sharedNet', establishedAccount: false });
    expect(second.weight).toBe(0);
  });

  it('holds the ad when proven flaggers agree, with a statement of reasons to the poster', async () => {
    const ad = await postAd();
    await giveRecord('user:70001', 12);
    await giveRecord('user:70002', 9, 1);
    const first = await t.ctx.moderation.flags.submit(ad.id, 'scam', account(70001));
    expect(first.held).toBe(false);
    const second = await t.ctx.moderation.flags.submit(ad.id, 'scam', account(70002));
    expect(second.held).toBe(true);
    expect(await state(ad.id)).toBe('held');
    const [sor] = await t.ctx.moderation.repo.statementsOf(ad.id);
    expect(sor).toMatchObject({
      decisionGround: 'DECISION_GROUND_ILLEGAL_CONTENT',
      category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
      decisionVisibility: 'DECISION_VISIBILITY_CONTENT_DISABLED',
      sourceType: 'SOURCE_TYPE_OTHER_NOTIFICATION',
      automatedDecision: 'AUTOMATED_DECISION_FULLY',
    });
    const mail = t.mailer.lastTo(ad.email)!;
    expect(mail.text).toContain(sor!.puid);
    expect(mail.text).toContain('appeal');
    expect(mail.text).toContain('automatically');
    const audit = await t.ctx.moderation.audit.entriesFor('ad', ad.id);
    expect(audit.map((e) => e.action)).toContain('ad.held_by_flags');
    await expect(t.ctx.moderation.flags.submit(ad.id, 'scam', visitor('late'))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('holds at once on a trusted flagger, who goes to the front of the queue', async () => {
    const ad = await postAd();
    await t.ctx.moderation.trustedFlaggers.add('account', '80001', 'Example Hotline');
    const r = await t.ctx.moderation.flags.submit(ad.id, 'prohibited', account(80001));
    expect(r).toMatchObject({ held: true, weight: 1 });
    const [item] = await t.ctx.moderation.repo.itemsOf(ad.id);
    expect(item!.trusted).toBe(true);
    const [sor] = await t.ctx.moderation.repo.statementsOf(ad.id);
    expect(sor!.sourceType).toBe('SOURCE_TRUSTED_FLAGGER');
  });
});

describe('trusted flaggers by address', () => {
  const user = async (email: string, confirmed: boolean) =>
    Number((await t.ctx.database.query<{ id: number }>(`insert into users (email, email_verified_at) values ($1, $2) returning id`, [email, confirmed ? new Date() : null]))[0]!.id);

  it('counts a signed-in flagger whose confirmed address is in a trusted domain or is a trusted address, not an unconfirmed one', async () => {
    await t.ctx.moderation.trustedFlaggers.add('domain', 'hotline-org.example', 'Hotline Org');
    await t.ctx.moderation.trustedFlaggers.add('email', 'analyst@watchdog.example', 'Watchdog');
    const unconfirmed = await user('new@hotline-org.example', false);
    const adA = await postAd();
    expect(await t.ctx.moderation.flags.submit(adA.id, 'prohibited', account(unconfirmed, false))).toMatchObject({ held: false });
    const staffer = await user('staffer@hotline-org.example', true);
    expect(await t.ctx.moderation.flags.submit(adA.id, 'prohibited', account(staffer, false))).toMatchObject({ held: true, weight: 1 });
    const analyst = await user('analyst@watchdog.example', true);
    const adB = await postAd();
    expect(await t.ctx.moderation.flags.submit(adB.id, 'scam', account(analyst, false))).toMatchObject({ held: true, weight: 1 });
    const [item] = await t.ctx.moderation.repo.itemsOf(adB.id);
    expect(item!.trusted).toBe(true);
  });
});

describe('notices (DSA Art. 16)', () => {
  const valid = (adId: number, extra: Record<string, string> = {}) => ({
    ad: String(adId),
    category: 'illegal',
    explanation: 'The seller asks for payment by wire transfer before any viewing and says they are abroad.',
    url: `http://localhost:3000/chicago/furniture/ad-${adId}`,
    name: 'A. Notifier',
    email: 'notifier@example.org',
    good_faith: 'on',
    ...extra,
  });

  it('explains each missing part, and needs no name or address for a report about a minor', async () => {
    const ad = await postAd();
    await expect(t.ctx.moderation.notices.submit({ ad: String(ad.id), category: 'illegal', explanation: 'short', url: 'nope' }, null)).rejects.toMatchObject({
      code: 'validation_failed',
      fields: { explanation: expect.any(String), url: expect.any(String), name: expect.any(String), email: expect.any(String), good_faith: expect.any(String) },
    });
    const anonymous = await t.ctx.moderation.notices.submit(valid(ad.id, { category: 'child_safety', name: '', email: '' }), null);
    expect(anonymous.email).toBeNull();
    const items = await t.ctx.moderation.repo.itemsOf(ad.id);
    expect(items[0]).toMatchObject({ source: 'notice', priority: 0 });
  });

  it('confirms receipt by mail, queues, audits, and puts trusted flaggers first', async () => {
    const older = await postAd();
    const newer = await postAd();
    await t.ctx.moderation.notices.submit(valid(older.id, { category: 'trafficking', email: 'someone@example.net' }), null);
    t.clock.advanceHours(0.01);
    await t.ctx.moderation.trustedFlaggers.add('domain', 'hotline.example', 'Example Hotline');
    const notice = await t.ctx.moderation.notices.submit(valid(newer.id, { category: 'trafficking', email: 'analyst@hotline.example' }), null);
    expect(notice.trustedFlaggerId).not.toBeNull();
    expect(t.mailer.lastTo('analyst@hotline.example')!.text).toContain(`N-${notice.id}`);
    const queue = (await t.ctx.moderation.repo.queue(50, 1)).map((e) => e.ad.id);
    expect(queue.indexOf(newer.id)).toBeLessThan(queue.indexOf(older.id));
    expect((await t.ctx.moderation.audit.entriesFor('ad', newer.id)).map((e) => e.action)).toEqual(['notice.received']);
  });
});

describe('review queue', () => {
  it('queues ads that screening holds', async () => {
    const ad = await postAd({ title: 'Leather sofa for sale', body: 'Good leather sofa. Western union only, I am currently abroad.' });
    expect(await state(ad.id)).toBe('held');
    const [item] = await t.ctx.moderation.repo.itemsOf(ad.id);
    expect(item).toMatchObject({ source: 'screening', priority: 2, label: 'scam' });
  });

  it('orders by priority, then trusted, then oldest', async () => {
    const entries = await t.ctx.moderation.repo.queue(1000);
    const keys = entries.map((e) => [e.item.priority, e.item.trusted ? 0 : 1, e.item.createdAt.getTime(), e.item.id]);
    const sorted = [...keys].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]! || a[3]! - b[3]!);
    expect(keys).toEqual(sorted);
    const counts = await t.ctx.moderation.repo.queueCounts(t.clock.now);
    expect(counts.reduce((s, c) => s + c.open, 0)).toBe(entries.length);
  });

  it('lets exactly one of two concurrent claims win, until the claim expires', async () => {
    const ad = await postAd();
    await t.ctx.moderation.flags.submit(ad.id, 'spam', visitor('claim'));
    const [item] = await t.ctx.moderation.repo.itemsOf(ad.id);
    const [a, b] = await Promise.all([t.ctx.moderation.repo.claim(item!.id, 1, t.clock.now), t.ctx.moderation.repo.claim(item!.id, 2, t.clock.now)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const winner = (a ?? b)!.claimedBy!;
    const loser = winner === 1 ? 2 : 1;
    expect(await t.ctx.moderation.repo.claim(item!.id, loser, t.clock.now)).toBeUndefined();
    expect(await t.ctx.moderation.repo.claim(item!.id, winner, t.clock.now)).toBeDefined(); // renewing one's own claim
    t.clock.advanceHours(16 / 60);
    expect(await t.ctx.moderation.repo.claim(item!.id, loser, t.clock.now)).toMatchObject({ claimedBy: loser });
  });

  it('gives concurrent "next item" claims different items', async () => {
    for (let i = 0; i < 3; i++) await t.ctx.moderation.flags.submit((await postAd()).id, 'spam', visitor(`next${i}`));
    const claims = await Promise.all([101, 102, 103].map((m) => t.ctx.moderation.repo.claimNext(m, t.clock.now)));
    const ids = claims.map((c) => c?.id);
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(3);
  });
});

describe('decisions', () => {
  it('refuses a decision without a claim', async () => {
    const ad = await postAd();
    await t.ctx.moderation.flags.submit(ad.id, 'scam', visitor('noclaim'));
    const [item] = await t.ctx.moderation.repo.itemsOf(ad.id);
    await expect(t.ctx.moderation.decisions.decide(item!.id, 1, { kind: 'remove', reason: 'scam' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('removes: statement of reasons stored and mailed, flags upheld, notifier told, audited', async () => {
    const ad = await postAd();
    await t.ctx.moderation.flags.submit(ad.id, 'scam', visitor('rm1'));
    await t.ctx.moderation.notices.submit(
      { ad: String(ad.id), category: 'illegal', explanation: 'Asks for a deposit by wire transfer before any viewing.', url: 'http://localhost:3000/x', name: 'N', email: 'n1@example.org', good_faith: 'on' },
      null,
    );
    const moderator = mod();
    const item = await claimItemOf(ad.id, moderator);
    const r = await t.ctx.moderation.decisions.decide(item.id, moderator, { kind: 'remove', reason: 'scam', note: 'deposit before viewing' });
    expect(await state(ad.id)).toBe('removed');
    const [sor] = await t.ctx.moderation.repo.statementsOf(ad.id);
    expect(sor!.puid).toBe(r.statements[0]);
    expect(sor).toMatchObject({ decisionVisibility: 'DECISION_VISIBILITY_CONTENT_REMOVED', automatedDecision: 'AUTOMATED_DECISION_NOT_AUTOMATED', sourceType: 'SOURCE_ARTICLE_16' });
    const api = toTransparencyDatabase(sor!);
    expect(api).toMatchObject({
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      illegal_content_legal_ground: expect.any(String),
      illegal_content_explanation: expect.stringContaining('deposit before viewing'),
      content_type: ['CONTENT_TYPE_PRODUCT', 'CONTENT_TYPE_TEXT'],
      category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      automated_detection: 'No',
      application_date: t.clock.now.toISOString().slice(0, 10),
    });
    expect(api.puid).toMatch(/^[A-Za-z0-9_-]{1,500}$/);
    expect(t.mailer.lastTo(ad.email)!.text).toContain(sor!.puid);
    expect(t.mailer.lastTo('n1@example.org')!.text).toMatch(/Outcome: We removed the ad/);
    const [flag] = await t.ctx.database.query<{ outcome: string }>('select outcome from flags where ad_id = $1', [ad.id]);
    expect(flag!.outcome).toBe('upheld');
    expect(await t.ctx.moderation.repo.flaggerHistory('visitor:vrm1')).toEqual({ upheld: 1, rejected: 0 });
    expect((await t.ctx.moderation.repo.itemsOf(ad.id)).every((i) => i.state === 'decided')).toBe(true);
    const audit = await t.ctx.moderation.audit.entriesFor('ad', ad.id);
    expect(audit.at(-1)).toMatchObject({ action: 'decision.remove', actor: `user:${moderator}` });
    expect(await t.ctx.moderation.audit.verify()).toMatchObject({ ok: true });
    await expect(t.ctx.moderation.decisions.decide(item.id, moderator, { kind: 'approve' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('approves a held ad: published, flags rejected, the flagger loses weight', async () => {
    const ad = await postAd({ title: 'Leather sofa for sale', body: 'Good leather sofa. Western union only, I am currently abroad.' });
    expect(await state(ad.id)).toBe('held');
    const moderator = mod();
    const item = await claimItemOf(ad.id, moderator);
    await t.ctx.moderation.decisions.decide(item.id, moderator, { kind: 'approve' });
    const row = (await t.ctx.ads.findById(ad.id))!;
    expect(row.state).toBe('published');
    expect(row.publishedAt).not.toBeNull();
    expect(row.expiresAt.getTime()).toBeGreaterThan(t.clock.now.getTime());
  });

  it('moves an ad to the right category and warns', async () => {
    const ad = await postAd();
    await t.ctx.moderation.flags.submit(ad.id, 'wrong_category', visitor('mv'));
    const moderator = mod();
    const item = await claimItemOf(ad.id, moderator);
    const other = [...t.ctx.places.categoryById.values()].find((c) => c.slug !== 'furniture' && c.parentId !== null)!;
    await t.ctx.moderation.decisions.decide(item.id, moderator, { kind: 'move_category', categoryId: other.id });
    expect((await t.ctx.ads.findById(ad.id))!.categoryId).toBe(other.id);
    expect(await t.ctx.moderation.repo.flaggerHistory('visitor:vmv')).toEqual({ upheld: 1, rejected: 0 });
    const ad2 = await postAd();
    await t.ctx.moderation.flags.submit(ad2.id, 'spam', visitor('warn'));
    const item2 = await claimItemOf(ad2.id, moderator);
    await t.ctx.moderation.decisions.decide(item2.id, moderator, { kind: 'warn', reason: 'spam' });
    expect(await state(ad2.id)).toBe('published');
    expect(t.mailer.lastTo(ad2.email)!.text).toContain('warning');
  });

  it('bans: removes the poster\'s ads and blocks their e-mail and phone from posting again', async () => {
    const email = 'banned-poster@example.com';
    const phone = '+1 312 555 0142';
    const ad = await postAd({ email, contact_mode: 'phone', phone });
    const other = await postAd({ email, title: 'Oak side table' });
    await t.ctx.moderation.flags.submit(ad.id, 'scam', visitor('ban'));
    const moderator = mod();
    const item = await claimItemOf(ad.id, moderator);
    await t.ctx.moderation.decisions.decide(item.id, moderator, { kind: 'ban', reason: 'scam' });
    expect(await state(ad.id)).toBe('removed');
    expect(await state(other.id)).toBe('removed');
    const sors = await t.ctx.moderation.repo.statementsOf(ad.id);
    expect(sors[0]!.decisionAccount).toBe('DECISION_ACCOUNT_TERMINATED');
    const again = await postAd({ email, title: 'Pine chair' });
    expect(await state(again.id)).toBe('rejected');
    expect((await t.ctx.ads.findById(again.id))!.stateReason).toBe(BLOCKED_STATEMENT);
    const byPhone = await postAd({ email: 'fresh-address@example.com', contact_mode: 'phone', phone: '+13125550142', title: 'Pine stool' });
    expect(await state(byPhone.id)).toBe('rejected');
  });

  it('suspends for a number of days, after which posting works again', async () => {
    const email = 'suspended@example.com';
    const ad = await postAd({ email });
    await t.ctx.moderation.flags.submit(ad.id, 'spam', visitor('susp'));
    const moderator = mod();
    const item = await claimItemOf(ad.id, moderator);
    await t.ctx.moderation.decisions.decide(item.id, moderator, { kind: 'suspend', reason: 'spam', days: 2 });
    expect((await t.ctx.moderation.repo.statementsOf(ad.id))[0]!.decisionAccount).toBe('DECISION_ACCOUNT_SUSPENDED');
    expect(await state((await postAd({ email, title: 'Birch shelf' })).id)).toBe('rejected');
    t.clock.advanceHours(49);
    expect(await state((await postAd({ email, title: 'Maple shelf' })).id)).toBe('published');
  });

  it('escalates: item marked for the cooperation workflow, a live ad hidden', async () => {
    const ad = await postAd();
    await t.ctx.moderation.flags.submit(ad.id, 'child_safety', visitor('esc'));
    const moderator = mod();
    const item = await claimItemOf(ad.id, moderator);
    expect(item.priority).toBe(0);
    await t.ctx.moderation.decisions.decide(item.id, moderator, { kind: 'escalate' });
    expect(await state(ad.id)).toBe('held');
    expect((await t.ctx.moderation.repo.itemsOf(ad.id))[0]!.state).toBe('escalated');
    expect((await t.ctx.moderation.repo.statementsOf(ad.id))[0]!.category).toBe('STATEMENT_CATEGORY_PROTECTION_OF_MINORS');
  });

  it('decides a linked set in one transaction, one audit entry per ad', async () => {
    const email = 'linked-set@example.com';
    const ads = [await postAd({ email, title: 'Teak desk' }), await postAd({ email, title: 'Teak chair' }), await postAd({ email, title: 'Teak lamp' })];
    const moderator = mod();
    const { decided, skipped } = await t.ctx.moderation.decisions.decideLinked(ads[0]!.id, 'email', moderator, { kind: 'remove', reason: 'spam' });
    expect(decided).toEqual(ads.map((a) => a.id));
    expect(skipped).toEqual([]);
    for (const a of ads) {
      expect(await state(a.id)).toBe('removed');
      expect((await t.ctx.moderation.audit.entriesFor('ad', a.id)).at(-1)!.details).toMatchObject({ bulk: { seed: ads[0]!.id, link: 'email', size: 3 } });
    }
    expect(await t.ctx.moderation.audit.verify(10)).toMatchObject({ ok: true });
  });
});
