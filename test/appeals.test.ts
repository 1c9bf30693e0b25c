/**
 * Appeals (DSA Art. 20) through the real app, on PGlite and (with TEST_DATABASE_URL) PostgreSQL:
 * appealing from the statement mail's signed link, the manage page and My ads; one appeal per
 * statement; the six-month window; only the poster (the link holder) can appeal; the original
 * moderator can neither claim nor decide; reversing republishes with the offline time added to the
 * expiry and lifts a suspension; upholding changes nothing; mails, audit entries and metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moderationMetrics, toPrometheus } from '../src/moderation/metrics.ts';
import { appealDeadline, reinstatedExpiry, REVERSAL_MIN_DAYS } from '../src/moderation/policy.ts';
import type { Flagger } from '../src/moderation/flagger-identity.ts';
import { formClient, signUpThroughPages, type StaffClient } from './helpers/staff-sign-in.ts';
import { linkFrom, type TestApp } from './helpers/test-app.ts';
import { claimAndDecide, moderationTestApp, publicPathOf, twoModerators } from './moderation-helpers.ts';
import { bookcase, distinctNames, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let n = 0;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await moderationTestApp();
});
afterAll(async () => t?.close());

/** A browser-like client: keeps cookies, reads CSRF tokens from pages, posts forms. */
const client = () => formClient(t);

/** An ordinary account, signed in by signing up and confirming (staff sign in through signInAsStaff). */
const account = (email: string) => signUpThroughPages(t, email, client());

const base = bookcase;

async function postAd(fields: Record<string, string> = {}): Promise<{ id: number; email: string; managePath: string }> {
  n++;
  const ad = { ...base, title: `${base.title} ${n}`, body: `${base.body} ${distinctNames(n)}`, ...fields, email: fields.email ?? `appeal-poster${n}@example.com` };
  const { id, email, managePath } = await postAdDirect(t, ad, { ip: `192.0.2.${n % 250}` });
  return { id, email, managePath };
}

const adRow = async (id: number) =>
  (await t.ctx.database.query<{ state: string; expires_at: Date; published_at: Date | null }>('select state, expires_at, published_at from ads where id = $1', [id]))[0]!;
const openItem = async (adId: number, source: string) => (await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.state === 'open' && i.source === source);

/** Moderator `modId` claims the ad's open item of `source` and decides it (the service, as the review page does). */
const decideAs = (modId: number, adId: number, decision: Parameters<typeof claimAndDecide>[3], source = 'flag') => claimAndDecide(t, modId, adId, decision, { reuseOpen: source });

const appealLinkOf = (email: string) => linkFrom(t.mailer.lastTo(email)!.text, '/appeal/');
const EXPLANATION = 'This is an ordinary second-hand bookcase. Nothing about it is prohibited; please look again.';

let modA: StaffClient;
let modB: StaffClient;

beforeAll(async () => {
  ({ modA, modB } = await twoModerators(t, 'appeal'));
});

describe('appealing from the link in the statement mail', () => {
  it('shows the decision, keeps the input on a bad explanation, files once, queues, audits and mails a receipt', async () => {
    const ad = await postAd();
    const [puid] = (await decideAs(modA.id, ad.id, { kind: 'remove', reason: 'prohibited_goods' })).statements;
    const mail = t.mailer.lastTo(ad.email)!;
    expect(mail.text).toContain('Appeal this decision');
    const link = appealLinkOf(ad.email);
    expect(link).toContain(encodeURIComponent(puid!));

    const poster = client();
    const page = await poster.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain(puid);
    expect(page.body).toContain('Your ad was removed.');
    expect(page.body).toContain('Prohibited or unsafe goods');
    expect(page.body).toContain(t.clock.now.toISOString().slice(0, 10));
    expect(page.body).toContain('name="explanation"');

    const short = await poster.post(link, { explanation: 'It is fine.' }, link);
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('id="explanation-error"');
    expect(short.body).toContain('at least 20 characters');
    expect(short.body).toContain('>It is fine.</textarea>');
    const long = await poster.post(link, { explanation: 'x'.repeat(5001) }, link);
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('under 5,000 characters');

    const sent = await poster.post(link, { explanation: EXPLANATION }, link);
    expect(sent.statusCode).toBe(303);
    const after = await poster.get(sent.headers.location as string);
    expect(after.body).toContain('Your appeal is sent');
    expect(after.body).toContain('data-state="open"');
    expect(after.body).not.toContain('name="explanation"');
    expect(t.mailer.lastTo(ad.email)!.subject).toMatch(/We received your appeal \(reference A-\d+\)/);

    const [appeal] = await t.ctx.database.query<{ id: number; state: string; original_decider_id: number; review_item_id: number; explanation: string }>(
      'select * from appeals where ad_id = $1',
      [ad.id],
    );
    expect(appeal).toMatchObject({ state: 'open', explanation: EXPLANATION });
    expect(Number(appeal!.original_decider_id)).toBe(modA.id);
    const item = await openItem(ad.id, 'appeal');
    expect(item).toMatchObject({ id: Number(appeal!.review_item_id), priority: 2, label: 'prohibited_goods' });
    expect(item!.slaDueAt.getTime() - item!.createdAt.getTime()).toBe(24 * 3600_000);
    const audit = await t.ctx.moderation.audit.entriesFor('ad', ad.id);
    expect(audit.map((e) => e.action)).toContain('appeal.received');

    // A second attempt shows the existing appeal and its state; no second row.
    const again = await poster.post(link, { explanation: EXPLANATION }, '/signup'); // a second tab's form
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already appealed');
    expect(again.body).toContain('data-state="open"');
    expect((await t.ctx.database.query('select id from appeals where ad_id = $1', [ad.id])).length).toBe(1);
  });

  it('answers 404 to an altered link, and to one ad\'s token on another decision', async () => {
    const one = await postAd();
    await decideAs(modA.id, one.id, { kind: 'remove', reason: 'spam' });
    const linkOne = appealLinkOf(one.email);
    const two = await postAd();
    await decideAs(modA.id, two.id, { kind: 'remove', reason: 'spam' });
    const linkTwo = appealLinkOf(two.email);
    const stranger = client();
    const tokenOne = linkOne.split('/').pop()!;
    const puidTwo = linkTwo.split('/')[2]!;
    expect((await stranger.get(`/appeal/${puidTwo}/${tokenOne}`)).statusCode).toBe(404);
    expect((await stranger.get(`${linkOne.slice(0, -2)}xx`)).statusCode).toBe(404);
    expect((await stranger.get(`/appeal/corkboard-ad1-nope/${tokenOne}`)).statusCode).toBe(404);
    // Posting to a wrong link files nothing, even with a valid CSRF token from a real form.
    const res = await stranger.post(`/appeal/${puidTwo}/${tokenOne}`, { explanation: EXPLANATION }, linkOne);
    expect(res.statusCode).toBe(404);
    expect((await t.ctx.database.query('select id from appeals where ad_id = $1', [two.id])).length).toBe(0);
  });

  it('refuses clearly after six months', async () => {
    const ad = await postAd();
    await decideAs(modA.id, ad.id, { kind: 'remove', reason: 'spam' });
    const link = appealLinkOf(ad.email);
    const saved = t.clock.now;
    try {
      t.clock.now = new Date(appealDeadline(saved).getTime() + 60_000);
      const poster = client();
      const page = await poster.get(link);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('id="appeal-closed"');
      expect(page.body).not.toContain('name="explanation"');
      // A form kept open from before the deadline is refused too.
      const late = await poster.post(link, { explanation: EXPLANATION }, '/signup');
      expect(late.statusCode).toBe(410);
      expect(late.body).toContain('six months to appeal this decision ended');
      expect((await t.ctx.database.query('select id from appeals where ad_id = $1', [ad.id])).length).toBe(0);
    } finally {
      t.clock.now = saved;
    }
  });
});

describe('appealing from the manage page and from My ads', () => {
  it('lists the decision with its appeal link on the private manage page, and its outcome after', async () => {
    const ad = await postAd();
    await decideAs(modA.id, ad.id, { kind: 'remove', reason: 'spam' });
    const poster = client();
    const manage = await poster.get(ad.managePath);
    expect(manage.body).toContain('Decisions about this ad');
    const link = /href="(\/appeal\/[^"]+)" class="appeal-link"/.exec(manage.body)?.[1];
    expect(link).toBeTruthy();
    expect((await poster.post(link!, { explanation: EXPLANATION }, link!)).statusCode).toBe(303);
    const item = (await openItem(ad.id, 'appeal'))!;
    await t.ctx.moderation.repo.claim(item.id, modB.id, t.clock.now);
    const [appeal] = await t.ctx.moderation.appeals.forItem(item.id);
    await t.ctx.moderation.appeals.decide(appeal!.appeal.id, modB.id, { outcome: 'uphold', reason: 'The listing repeats the same item several times a day.' });
    const after = await poster.get(ad.managePath);
    expect(after.body).toContain('the decision stands: The listing repeats the same item several times a day.');
    expect((await adRow(ad.id)).state).toBe('removed');
    const outcome = t.mailer.lastTo(ad.email)!;
    expect(outcome.subject).toContain('Outcome of your appeal');
    expect(outcome.text).toContain('upheld the decision');
    expect(outcome.text).toContain('several times a day');
    expect(await openItem(ad.id, 'appeal')).toBeUndefined();
    expect((await t.ctx.moderation.audit.entriesFor('ad', ad.id)).map((e) => e.action)).toContain('appeal.upheld');
  });

  it('shows the appeal link under My ads to the poster only', async () => {
    const poster = await account('appeal-account@example.com');
    const { id } = await t.ctx.adService.post({ ...base, title: 'Oak side table, two drawers' }, [], '192.0.2.200', { userId: poster.id, email: poster.email });
    expect((await adRow(id)).state).toBe('published');
    await decideAs(modA.id, id, { kind: 'remove', reason: 'spam' });
    const mine = await poster.get('/account/ads');
    const link = /href="(\/appeal\/[^"]+)" class="appeal-link"/.exec(mine.body)?.[1];
    expect(link).toBeTruthy();
    const other = await account('appeal-other@example.com');
    expect((await other.get('/account/ads')).body).not.toContain('/appeal/');
    expect((await poster.post(link!, { explanation: EXPLANATION }, link!)).statusCode).toBe(303);
    const [row] = await t.ctx.database.query<{ user_id: number }>('select user_id from appeals where ad_id = $1', [id]);
    expect(Number(row!.user_id)).toBe(poster.id);
    expect((await poster.get('/account/ads')).body).toContain('Appealed: waiting for a moderator');
    const audit = await t.ctx.moderation.audit.entriesFor('ad', id);
    expect(audit.find((e) => e.action === 'appeal.received')!.actor).toBe(`user:${poster.id}`);
  });
});

describe('deciding an appeal', () => {
  it('keeps the original moderator out: no claim, skipped by claim next, refused decision, clear message', async () => {
    const ad = await postAd();
    await decideAs(modA.id, ad.id, { kind: 'remove', reason: 'prohibited_goods' });
    const link = appealLinkOf(ad.email);
    await client().post(link, { explanation: EXPLANATION }, link);
    const item = (await openItem(ad.id, 'appeal'))!;
    expect(await t.ctx.moderation.repo.claim(item.id, modA.id, t.clock.now)).toBeUndefined();
    // Claim next skips it for A (drain whatever else is open first, as A would).
    for (let next = await t.ctx.moderation.repo.claimNext(modA.id, t.clock.now); next; next = await t.ctx.moderation.repo.claimNext(modA.id, t.clock.now)) {
      expect(next.id).not.toBe(item.id);
    }
    const page = await modA.get(`/staff/items/${item.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="own-appeal"');
    expect(page.body).not.toContain('action="/staff/items/' + item.id + '/appeal"');
    const [appeal] = await t.ctx.moderation.appeals.forItem(item.id);
    await expect(t.ctx.moderation.appeals.decide(appeal!.appeal.id, modA.id, { outcome: 'reverse', reason: 'I made a mistake here.' })).rejects.toMatchObject({ code: 'forbidden' });
    // The regular decision form cannot close an appeal item either.
    await t.ctx.moderation.repo.claim(item.id, modB.id, t.clock.now);
    await expect(t.ctx.moderation.decisions.decide(item.id, modB.id, { kind: 'approve' })).rejects.toMatchObject({ code: 'conflict' });
    // Release B's claim so the queue is left as other tests expect.
    await t.ctx.moderation.repo.release(item.id, modB.id);
  });

  it('reverses through the review page: the ad is live again with the offline time added, the poster is told', async () => {
    const ad = await postAd();
    const before = await adRow(ad.id);
    await decideAs(modA.id, ad.id, { kind: 'remove', reason: 'prohibited_goods' });
    const removedAt = t.clock.now;
    const link = appealLinkOf(ad.email);
    t.clock.advanceHours(24 * 10);
    await client().post(link, { explanation: EXPLANATION }, link);
    const item = (await openItem(ad.id, 'appeal'))!;

    const review = await modB.get(`/staff/items/${item.id}`);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('class="original-decider">appeal-mod-a@example.com');
    expect(review.body).toContain(EXPLANATION);
    expect(review.body).toContain('Prohibited or unsafe goods');
    expect(review.body).toContain(`action="/staff/items/${item.id}/appeal"`);
    const appealId = /name="appeal" value="(\d+)"/.exec(review.body)![1]!;

    // An appeal is decided only by upholding or reversing it, not by a bulk removal posted at its item.
    const bulk = await modB.post(`/staff/items/${item.id}/bulk`, { link: 'template', reason: 'spam', expected: '1' }, `/staff/items/${item.id}`);
    expect(bulk.body).toContain('This item is an appeal');
    expect((await openItem(ad.id, 'appeal'))?.id).toBe(item.id);

    const missing = await modB.post(`/staff/items/${item.id}/appeal`, { appeal: appealId, outcome: 'reverse', reason: 'ok' }, `/staff/items/${item.id}`);
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain(`id="appeal-reason-${appealId}-error"`);
    expect(missing.body).toContain('>ok</textarea>');

    const reason = 'A bookcase is an ordinary household item; the removal was a mistake.';
    const done = await modB.post(`/staff/items/${item.id}/appeal`, { appeal: appealId, outcome: 'reverse', reason }, `/staff/items/${item.id}`);
    expect(done.statusCode).toBe(303);
    const after = await adRow(ad.id);
    expect(after.state).toBe('published');
    const offline = t.clock.now.getTime() - removedAt.getTime();
    expect(after.expires_at.getTime()).toBe(before.expires_at.getTime() + offline);
    expect(after.published_at!.getTime()).toBe(before.published_at!.getTime());
    const mail = t.mailer.lastTo(ad.email)!;
    expect(mail.subject).toContain('Outcome of your appeal');
    expect(mail.text).toContain('reversed the decision');
    expect(mail.text).toContain(reason);
    expect(mail.text).toContain(`online again until ${after.expires_at.toISOString().slice(0, 10)}`);
    const [appeal] = await t.ctx.database.query<{ state: string; decided_by: number; outcome_reason: string }>('select * from appeals where id = $1', [appealId]);
    expect(appeal).toMatchObject({ state: 'reversed', outcome_reason: reason });
    expect(Number(appeal!.decided_by)).toBe(modB.id);
    expect((await t.ctx.moderation.audit.entriesFor('ad', ad.id)).map((e) => e.action)).toContain('appeal.reversed');
    expect((await modB.get(`/staff/items/${item.id}`)).body).toContain('This item is closed');
    // The public page is back.
    expect((await t.app.inject({ url: await publicPathOf(t, ad.id) })).statusCode).toBe(200);
  });

  it('lifts a suspension and its blocked contacts, and counts the flags behind it as rejected', async () => {
    const poster = await account('appeal-suspended@example.com');
    const { id } = await t.ctx.adService.post({ ...base, title: 'Pine wardrobe, two doors', phone: '+1 312 555 0199' }, [], '192.0.2.201', { userId: poster.id, email: poster.email });
    const flagger: Flagger = { key: 'user:88001', userId: 88001, ipHash: 'appeal-net', establishedAccount: true };
    await t.ctx.moderation.flags.submit(id, 'prohibited', flagger);
    await decideAs(modA.id, id, { kind: 'suspend', reason: 'prohibited_goods', days: 30 });
    await t.ctx.database.query('update users set suspended_until = $1 where id = $2', [new Date(t.clock.now.getTime() + 30 * DAY), poster.id]);
    expect((await t.ctx.database.query(`select outcome from flags where ad_id = $1`, [id]))[0]).toMatchObject({ outcome: 'upheld' });
    const statsBefore = (await t.ctx.database.query<{ upheld: number; rejected: number }>(`select upheld, rejected from flagger_stats where flagger_key = 'user:88001'`))[0]!;
    expect(await t.ctx.moderation.repo.blockedContact(poster.email, null, t.clock.now)).toBeTruthy();

    const link = appealLinkOf(poster.email);
    expect((await poster.post(link, { explanation: EXPLANATION }, link)).statusCode).toBe(303);
    const item = (await openItem(id, 'appeal'))!;
    await t.ctx.moderation.repo.claim(item.id, modB.id, t.clock.now);
    const [appeal] = await t.ctx.moderation.appeals.forItem(item.id);
    const result = await t.ctx.moderation.appeals.decide(appeal!.appeal.id, modB.id, { outcome: 'reverse', reason: 'A wardrobe is fine to sell; the suspension was a mistake.' });
    expect(result.republished).toBe(true);
    expect((await adRow(id)).state).toBe('published');
    expect(await t.ctx.moderation.repo.blockedContact(poster.email, '+1 312 555 0199', t.clock.now)).toBeUndefined();
    const [user] = await t.ctx.database.query<{ suspended_until: Date | null; banned_at: Date | null }>('select suspended_until, banned_at from users where id = $1', [poster.id]);
    expect(user).toMatchObject({ suspended_until: null, banned_at: null });
    expect((await t.ctx.database.query(`select outcome from flags where ad_id = $1`, [id]))[0]).toMatchObject({ outcome: 'rejected' });
    const statsAfter = (await t.ctx.database.query<{ upheld: number; rejected: number }>(`select upheld, rejected from flagger_stats where flagger_key = 'user:88001'`))[0]!;
    expect(Number(statsAfter.upheld)).toBe(Number(statsBefore.upheld) - 1);
    expect(Number(statsAfter.rejected)).toBe(Number(statsBefore.rejected) + 1);
    expect(t.mailer.lastTo(poster.email)!.text).toContain('you can post again');
    // And posting with the address works again.
    const again = await t.ctx.adService.post({ ...base, title: 'Pine chest of drawers' }, [], '192.0.2.202', { userId: poster.id, email: poster.email });
    expect((await adRow(again.id)).state).toBe('published');
  });

  it('lets any moderator decide an appeal of an automated decision, and republishes a never-published rejection for a full period', async () => {
    const ad = await postAd({ category: 'beauty-wellness', title: 'Incall and outcall', body: 'Full service, GFE. Text only please.', price: '' });
    expect((await adRow(ad.id)).state).toBe('rejected');
    const mail = t.mailer.lastTo(ad.email)!;
    expect(mail.subject).toContain('not published');
    const link = linkFrom(mail.text, '/appeal/');
    const page = await client().get(link);
    expect(page.body).toContain('This decision was taken automatically');
    await client().post(link, { explanation: 'I offer massage therapy at a licensed clinic; nothing else.' }, link);
    const item = (await openItem(ad.id, 'appeal'))!;
    expect(item.priority).toBe(2);
    expect(item.label).toBe('sexual_services');
    const [row] = await t.ctx.database.query<{ original_decider_id: number | null }>('select original_decider_id from appeals where ad_id = $1', [ad.id]);
    expect(row!.original_decider_id).toBeNull();
    expect((await modA.get(`/staff/items/${item.id}`)).body).toContain('class="original-decider">automated');
    const [appeal] = await t.ctx.moderation.appeals.forItem(item.id);
    await t.ctx.moderation.appeals.decide(appeal!.appeal.id, modA.id, { outcome: 'reverse', reason: 'Checked: a licensed clinic, the wording was ambiguous.' });
    const after = await adRow(ad.id);
    expect(after.state).toBe('published');
    const [cat] = await t.ctx.database.query<{ expiry_days: number }>('select c.expiry_days from ads a join categories c on c.id = a.category_id where a.id = $1', [ad.id]);
    expect(after.expires_at.getTime()).toBe(t.clock.now.getTime() + Number(cat!.expiry_days) * DAY);
    expect((await t.app.inject({ url: await publicPathOf(t, ad.id) })).statusCode).toBe(200);
  });

  it('reverses an automatic hold by flags: published again, its open flag item settled, the flags rejected', async () => {
    const ad = await postAd();
    for (const [id, upheld] of [[88101, 12], [88102, 10]] as const) {
      await t.ctx.database.query('insert into flagger_stats (flagger_key, upheld, rejected) values ($1, $2, 0) on conflict (flagger_key) do update set upheld = $2', [`user:${id}`, upheld]);
      await t.ctx.moderation.flags.submit(ad.id, 'scam', { key: `user:${id}`, userId: id, ipHash: `hold${id}`, establishedAccount: true });
    }
    expect((await adRow(ad.id)).state).toBe('held');
    const link = appealLinkOf(ad.email);
    expect((await client().post(link, { explanation: EXPLANATION }, link)).statusCode).toBe(303);
    const item = (await openItem(ad.id, 'appeal'))!;
    expect(item.priority).toBe(2);
    await t.ctx.moderation.repo.claim(item.id, modA.id, t.clock.now);
    const [appeal] = await t.ctx.moderation.appeals.forItem(item.id);
    expect(appeal!.appeal.originalDeciderId).toBeNull();
    await t.ctx.moderation.appeals.decide(appeal!.appeal.id, modA.id, { outcome: 'reverse', reason: 'An ordinary bookcase; the reports were mistaken.' });
    expect((await adRow(ad.id)).state).toBe('published');
    expect(await openItem(ad.id, 'flag')).toBeUndefined();
    const outcomes = await t.ctx.database.query<{ outcome: string }>('select outcome from flags where ad_id = $1', [ad.id]);
    expect(outcomes.map((f) => f.outcome)).toEqual(['rejected', 'rejected']);
  });

  it('computes the reinstated expiry: the offline time added, and at least a week from now', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(reinstatedExpiry(new Date('2026-06-20T00:00:00Z'), new Date('2026-05-25T00:00:00Z'), now).toISOString()).toBe('2026-06-27T00:00:00.000Z');
    expect(reinstatedExpiry(new Date('2026-05-01T00:00:00Z'), new Date('2026-05-31T00:00:00Z'), now).getTime()).toBe(now.getTime() + REVERSAL_MIN_DAYS * DAY);
    expect(appealDeadline(new Date('2026-08-31T12:00:00Z')).toISOString()).toBe('2027-02-28T12:00:00.000Z');
    expect(appealDeadline(new Date('2026-01-15T08:00:00Z')).toISOString()).toBe('2026-07-15T08:00:00.000Z');
  });
});

describe('metrics', () => {
  it('reports the appeal reversal rate from the appeals table', async () => {
    const m = await moderationMetrics(t.ctx.database, t.clock.now);
    const [counts] = await t.ctx.database.query<{ upheld: number; reversed: number; open: number }>(
      `select (count(*) filter (where state = 'upheld'))::int as upheld, (count(*) filter (where state = 'reversed'))::int as reversed, (count(*) filter (where state = 'open'))::int as open from appeals`,
    );
    expect(m.appeals).toMatchObject({ upheld: Number(counts!.upheld), reversed: Number(counts!.reversed), open: Number(counts!.open) });
    expect(m.appeals.reversed).toBeGreaterThan(0);
    expect(m.appeals.upheld).toBeGreaterThan(0);
    expect(m.appeals.reversalRate).toBeCloseTo(m.appeals.reversed / (m.appeals.reversed + m.appeals.upheld));
    const prom = toPrometheus(m);
    expect(prom).toContain(`corkboard_appeals_total{state="reversed"} ${m.appeals.reversed}`);
    expect(prom).toContain(`corkboard_appeal_reversal_ratio ${m.appeals.reversalRate}`);
    const page = await modB.get('/staff/metrics');
    expect(page.body).toContain(`${Math.round(m.appeals.reversalRate! * 100)} %`);
  });
});
