/**
 * The moderation API (/api/v1/staff) through the real app, on PGlite and (with TEST_DATABASE_URL)
 * PostgreSQL: staff-scope tokens made on the tokens page only by staff, 401/404 without data for
 * everyone else, a demoted owner's token refused at once, keyset paging, claim and decide through
 * the same DecisionService as the pages, statements of reasons in Transparency Database fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { staffAccount, type Browser } from './helpers/staff-client.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let moderator: Browser;
let other: Browser;
let user: Browser;
let staffToken: string;
let otherToken: string;
let userToken: string;
let heldAd: number;
let n = 0;

async function tokenFor(b: Browser, fields: Record<string, string>) {
  const res = await b.post('/account/tokens', fields, '/account/tokens');
  return { res, token: /id="token-value" readonly value="(cb_[^"]+)"/.exec(res.body)?.[1] };
}
/** The JSON bodies these tests read (the API's shapes, loosely: error responses and pages). */
interface Body {
  error: { code: string; message: string; fields: Record<string, string> };
  items: ({ id: number; priority: number; ad_id: number } & Record<string, unknown>)[];
  next: string | null;
  ad: Record<string, unknown>;
  item: { claimed_by: number | null };
  screening: { reasons: { rule: string }[] };
  claimed_by: number | null;
  statements: string[];
}
const api = async (method: 'GET' | 'POST', url: string, token: string | null, payload?: object) => {
  const res = await t.app.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.statusCode, body: res.json() as Body, raw: res };
};
async function postAd(title: string, body: string) {
  n++;
  return (await postAdDirect(t, { ...bookcase, title, body, price: '60', email: `api-poster${n}@example.com` }, { ip: `198.51.100.${n}` })).id;
}

beforeAll(async () => {
  // The queue is filled with ads the policy's rules hold (pinned evidence), so the semantic model is off.
  t = await createTestApp({ env: { SCREENING_MODEL: 'off' } });
  moderator = await staffAccount(t, 'api-mod@example.com', 'moderator');
  other = await staffAccount(t, 'api-mod2@example.com', 'moderator');
  user = await staffAccount(t, 'api-user@example.com');
  heldAd = await postAd('Velvet armchair', 'Payment with gift cards only, thanks.');
  for (let i = 0; i < 4; i++) {
    const id = await postAd(`Pine shelf number ${i}`, 'Pine shelf, 80 cm wide, wall brackets included.');
    await t.ctx.moderation.flags.submit(id, 'spam', { key: `visitor:api${i}`, userId: null, ipHash: `apinet${i}`, establishedAccount: false });
  }
}, 180_000); // the machine is shared: setup (app, sign-ups, two-factor) can take a while under load
afterAll(async () => t?.close());

describe('staff-scope tokens', () => {
  it('are offered to staff only; an ordinary account cannot make one', async () => {
    expect((await moderator.get('/account/tokens')).body).toContain('name="scope" value="staff"');
    expect((await user.get('/account/tokens')).body).not.toContain('name="scope"');
    const refused = await tokenFor(user, { name: 'sneaky', scope: 'staff' });
    expect(refused.res.statusCode).toBe(400);
    expect(refused.res.body).toContain('Only staff accounts can create tokens for the moderation API.');
    expect(refused.token).toBeUndefined();
    userToken = (await tokenFor(user, { name: 'my ads' })).token!;
    expect(userToken).toBeTruthy();
    const made = await tokenFor(moderator, { name: 'triage script', scope: 'staff' });
    expect(made.res.statusCode).toBe(201);
    expect(made.res.body).toContain('ads and moderation');
    staffToken = made.token!;
    otherToken = (await tokenFor(other, { name: 'other', scope: 'staff' })).token!;
  });

  it('no token or a bad one: 401; an ads token: 404 in the API error format, never data', async () => {
    for (const url of ['/api/v1/staff/queue', '/api/v1/staff/statements', '/api/v1/staff/items/1']) {
      const none = await api('GET', url, null);
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      expect((await api('GET', url, 'cb_nonsense')).status).toBe(401);
      const ads = await api('GET', url, userToken);
      expect(ads.status).toBe(404);
      expect(Object.keys(ads.body)).toEqual(['error']);
      expect(ads.body.error).toMatchObject({ code: 'not_found' });
    }
    expect((await api('POST', '/api/v1/staff/items/1/decide', userToken, { action: 'approve' })).status).toBe(404);
  });
});

describe('the queue, an item, claim and decide', () => {
  it('pages through the queue in order with a cursor, and filters by priority', async () => {
    const all = (await t.ctx.moderation.repo.queue(100)).map((e) => e.item.id);
    expect(all.length).toBeGreaterThanOrEqual(5);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await api('GET', `/api/v1/staff/queue?limit=2${cursor ? `&cursor=${cursor}` : ''}`, staffToken);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i: { id: number }) => i.id));
      cursor = page.body.next;
    } while (cursor);
    expect(seen).toEqual(all);
    const p3 = await api('GET', '/api/v1/staff/queue?priority=3', staffToken);
    expect(p3.body.items.every((i: { priority: number }) => i.priority === 3)).toBe(true);
    expect(p3.body.items.length).toBe(4);
    const bad = await api('GET', '/api/v1/staff/queue?limit=500&priority=9&cursor=x', staffToken);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['cursor', 'limit', 'priority']);
  });

  it('shows an item with its ad and the screening reasons, claims it, refuses another claim, decides it', async () => {
    const item = (await t.ctx.moderation.repo.itemsOf(heldAd)).find((i) => i.state === 'open')!;
    const got = await api('GET', `/api/v1/staff/items/${item.id}`, staffToken);
    expect(got.status).toBe(200);
    expect(got.body.ad).toMatchObject({ id: heldAd, state: 'held', title: 'Velvet armchair', category: 'furniture', city: 'chicago' });
    expect(got.body.screening.reasons.map((r: { rule: string }) => r.rule)).toContain('sc.gift-cards');
    expect(got.body.item.claimed_by).toBeNull(); // reading does not claim

    const early = await api('POST', `/api/v1/staff/items/${item.id}/decide`, staffToken, { action: 'remove', reason: 'scam' });
    expect(early.status).toBe(409);
    const claim = await api('POST', `/api/v1/staff/items/${item.id}/claim`, staffToken);
    expect(claim.status).toBe(200);
    expect(claim.body.claimed_by).toBe(moderator.id);
    expect((await api('POST', `/api/v1/staff/items/${item.id}/claim`, otherToken)).status).toBe(409);

    const invalid = await api('POST', `/api/v1/staff/items/${item.id}/decide`, staffToken, { action: 'remove', reason: 'no-such-reason' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields.reason).toBeTruthy();
    const decided = await api('POST', `/api/v1/staff/items/${item.id}/decide`, staffToken, { action: 'remove', reason: 'scam', note: 'payment by gift cards' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ item_id: item.id, ad_id: heldAd, decision: 'remove' });
    expect(decided.body.statements).toHaveLength(1);
    expect((await t.ctx.ads.findById(heldAd))!.state).toBe('removed');
    const audit = await t.ctx.moderation.audit.entriesFor('ad', heldAd);
    expect(audit.at(-1)).toMatchObject({ action: 'decision.remove', actor: `user:${moderator.id}` });
    expect((await api('POST', `/api/v1/staff/items/${item.id}/decide`, staffToken, { action: 'approve' })).status).toBe(409);
    expect((await api('GET', '/api/v1/staff/items/99999999', staffToken)).status).toBe(404);
  });

  it('lists statements of reasons newest first in Transparency Database fields, paged', async () => {
    const spam = (await t.ctx.moderation.repo.queue(100, 3))[0]!;
    await t.ctx.moderation.repo.claim(spam.item.id, moderator.id, t.clock.now);
    await api('POST', `/api/v1/staff/items/${spam.item.id}/decide`, staffToken, { action: 'remove', reason: 'spam' });
    const first = await api('GET', '/api/v1/staff/statements?limit=1', staffToken);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({ ad_id: spam.ad.id, decision_ground: expect.stringMatching(/^DECISION_GROUND_/), automated_detection: expect.stringMatching(/^(Yes|No)$/), puid: expect.stringContaining(`corkboard-ad${spam.ad.id}-`) });
    expect(first.body.items[0]).not.toHaveProperty('decisionGround');
    // Addressed to the poster (not a replier): no recipient recorded; no restriction of the service itself.
    expect(first.body.items[0]).toMatchObject({ recipient_email: null, recipient_user_id: null });
    expect(first.body.items[0]).not.toHaveProperty('decision_provision');
    const second = await api('GET', `/api/v1/staff/statements?limit=1&cursor=${first.body.next}`, staffToken);
    expect(second.body.items[0].ad_id).toBe(heldAd);
    expect(second.body.items[0].id).toBeLessThan(first.body.items[0].id);
  });

  it('a token stops working when its owner stops being staff', async () => {
    await t.ctx.database.query(`update users set role = 'user' where id = $1`, [other.id]);
    const res = await api('GET', '/api/v1/staff/queue', otherToken);
    expect(res.status).toBe(404);
    expect(Object.keys(res.body)).toEqual(['error']);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { security?: unknown }>>; components: { schemas: Record<string, unknown> } };
    for (const p of ['/api/v1/staff/queue', '/api/v1/staff/items/{id}', '/api/v1/staff/items/{id}/claim', '/api/v1/staff/items/{id}/decide', '/api/v1/staff/statements']) expect(doc.paths[p], p).toBeTruthy();
    expect(doc.paths['/api/v1/staff/queue']!.get!.security).toEqual([{ bearerAuth: [] }]);
    for (const s of ['StaffQueueItem', 'StaffQueuePage', 'StaffItem', 'StaffDecision', 'StaffDecisionResult', 'Statement', 'StatementPage']) expect(doc.components.schemas[s], s).toBeTruthy();
  });
});
