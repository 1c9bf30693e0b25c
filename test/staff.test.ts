/**
 * The staff pages through the real app, on PGlite and (with TEST_DATABASE_URL) PostgreSQL:
 * 404 for everyone but moderators on every staff route, a moderator clearing an urgent child-safety
 * item through the pages, escaped evidence highlighting, bulk removal of a template group, metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flagger } from '../src/moderation/flagger-identity.ts';
import { promLabel } from '../src/moderation/metrics.ts';
import { highlight } from '../src/http/views/staff-views.ts';
import type { TestApp } from './helpers/test-app.ts';
import { moderationTestApp } from './moderation-helpers.ts';
import type { StaffRole } from '../src/http/routes/staff-policy.ts';
import { formClient, signInAsStaff, signUpThroughPages } from './helpers/staff-sign-in.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let n = 0;

beforeAll(async () => {
  // Review pages are tested on ads the policy's rules hold (their evidence is pinned); the model's holds: test/screening-model.test.ts.
  t = await moderationTestApp({ SCREENING_MODEL: 'off' });
});
afterAll(async () => t?.close());


const client = () => formClient(t);

/** A signed-in account: staff roles through signInAsStaff (past the two-factor step), ordinary users by signing up. */
async function account(email: string, role: 'user' | StaffRole = 'user') {
  if (role !== 'user') return signInAsStaff(t, email, role);
  return signUpThroughPages(t, email, client());
}

const base = bookcase;

async function postAd(fields: Record<string, string> = {}): Promise<{ id: number; email: string }> {
  n++;
  const ad = { ...base, title: `${base.title} ${n}`, ...fields, email: fields.email ?? `staff-poster${n}@example.com` };
  return postAdDirect(t, ad, { ip: `203.0.113.${n % 250}` });
}

const visitor = (i: string): Flagger => ({ key: `visitor:s${i}`, userId: null, ipHash: `snet${i}`, establishedAccount: false });
const openItemOf = async (adId: number) => (await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.state === 'open')!;

describe('who may see the staff pages', () => {
  let moderator: Awaited<ReturnType<typeof account>>;
  let ordinary: Awaited<ReturnType<typeof account>>;
  let itemId: number;

  beforeAll(async () => {
    moderator = await account('perm-mod@example.com', 'moderator');
    ordinary = await account('perm-user@example.com');
    const ad = await postAd();
    await t.ctx.moderation.flags.submit(ad.id, 'spam', visitor('perm'));
    itemId = (await openItemOf(ad.id)).id;
  });

  const routes = () => [
    { method: 'GET', url: '/staff/queue' },
    { method: 'GET', url: `/staff/items/${itemId}` },
    { method: 'GET', url: '/staff/metrics' },
    { method: 'GET', url: '/staff/metrics.prom' },
    { method: 'POST', url: '/staff/queue/claim-next' },
    { method: 'POST', url: `/staff/items/${itemId}/decide` },
    { method: 'POST', url: `/staff/items/${itemId}/bulk` },
  ];

  /** The same request to a same-shaped address with no route: what the staff route must be indistinguishable from. */
  const unrouted = (url: string) => url.replace('/staff/', '/staffx/').replace(/\/items\/\d+/, '/items/999999');

  it('answers 404, the same page as an address with no route, to anonymous visitors on every staff route', async () => {
    for (const r of routes()) {
      const c = client();
      const send = (url: string) => (r.method === 'GET' ? c.get(url) : c.post(url, { action: 'approve' }, '/signup'));
      const res = await send(r.url);
      const twin = await send(unrouted(r.url));
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
      expect(twin.statusCode, `${r.method} ${unrouted(r.url)}`).toBe(404);
      expect(res.body, `${r.method} ${r.url}`).toBe(twin.body);
    }
  });

  it('answers 404 to a signed-in ordinary user on every staff route, even with a valid CSRF token', async () => {
    for (const r of routes()) {
      const send = (url: string) => (r.method === 'GET' ? ordinary.get(url) : ordinary.post(url, { action: 'approve' }, '/account'));
      const res = await send(r.url);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
      expect(res.body, `${r.method} ${r.url}`).toBe((await send(unrouted(r.url))).body);
    }
  });

  it('serves every staff route to a moderator', async () => {
    for (const r of routes().filter((x) => x.method === 'GET')) {
      expect((await moderator.get(r.url)).statusCode, r.url).toBe(200);
    }
    const next = await moderator.post('/staff/queue/claim-next', {}, '/staff/queue');
    expect(next.statusCode).toBe(303);
    expect(next.headers.location).toMatch(/^\/staff\/(items\/\d+|queue\?empty=1)$/);
    const bulk = await moderator.post(`/staff/items/${itemId}/bulk`, { link: 'template', reason: 'spam', expected: '99' }, `/staff/items/${itemId}`);
    expect(bulk.statusCode).toBe(409); // reached the route: the (absent) group does not match
    const decide = await moderator.post(`/staff/items/${itemId}/decide`, { action: 'approve' }, `/staff/items/${itemId}`);
    expect(decide.statusCode).toBe(303);
    expect(decide.headers.location).toBe(`/staff/queue?decided=${itemId}`);
  });

  it('serves senior moderators and admins too, and refuses a staff POST without a CSRF token', async () => {
    for (const role of ['senior_moderator', 'admin'] as const) {
      const c = await account(`perm-${role}@example.com`, role);
      expect((await c.get('/staff/queue')).statusCode).toBe(200);
    }
    const noToken = await t.app.inject({ method: 'POST', url: '/staff/queue/claim-next', payload: {}, headers: { cookie: `session=x` } });
    expect(noToken.statusCode).toBe(404);
  });
});

describe('a moderator clears an urgent child-safety item through the pages', () => {
  it('claims it first, decides, the item leaves the queue, the poster gets the statement, the audit log has it', async () => {
    const mod = await account('cs-mod@example.com', 'moderator');
    const other = await account('cs-other@example.com', 'moderator');
    const spam = await postAd({ title: 'Pine dresser' });
    await t.ctx.moderation.flags.submit(spam.id, 'spam', visitor('cs-spam'));
    const ad = await postAd({ title: 'Oak rocking chair' });
    await t.ctx.moderation.flags.submit(ad.id, 'child_safety', visitor('cs'));
    const item = await openItemOf(ad.id);
    expect(item.priority).toBe(0);

    const queue = await mod.get('/staff/queue');
    expect(queue.statusCode).toBe(200);
    expect(queue.headers['content-security-policy']).toContain("script-src 'self'");
    const rows = [...queue.body.matchAll(/<tr class="p(\d)[^"]*" data-item="(\d+)">/g)].map((m) => ({ priority: Number(m[1]), id: Number(m[2]) }));
    expect(rows[0]).toEqual({ priority: 0, id: item.id }); // child safety first
    expect(queue.body).toMatch(/<tr class="p0" data-priority="0"><th scope="row"><a href="\/staff\/queue\?priority=0">Child safety<\/a><\/th><td>1 h<\/td><td class="open">1<\/td>/);
    const only3 = await mod.get('/staff/queue?priority=3');
    expect(only3.body).toContain('Showing Terms of service only.');
    expect(only3.body).not.toContain(`data-item="${item.id}"`);
    expect(only3.body).toContain('Pine dresser');
    expect(queue.body).toContain('Oak rocking chair');
    expect(queue.body).toContain('action="/staff/queue/claim-next"');

    const claimed = await mod.post('/staff/queue/claim-next', {}, '/staff/queue');
    expect(claimed.headers.location).toBe(`/staff/items/${item.id}`);
    const review = await mod.get(`/staff/items/${item.id}`);
    expect(review.body).toContain('You hold the claim');
    expect(review.body).toContain('data-key="r"');
    expect(review.body).toContain('src="/assets/staff.js"');

    // Another moderator sees who holds it, gets no form, and cannot decide it.
    const theirs = await other.get(`/staff/items/${item.id}`);
    expect(theirs.body).toContain('Claimed by cs-mod@example.com');
    expect(theirs.body).not.toContain('action="/staff/items/');
    const refused = await other.post(`/staff/items/${item.id}/decide`, { action: 'approve' }, '/staff/queue');
    expect(refused.statusCode).toBe(409);
    expect(await t.ctx.ads.findById(ad.id)).toMatchObject({ state: 'published' });

    const decided = await mod.post(`/staff/items/${item.id}/decide`, { action: 'remove', reason: 'child_safety', note: 'clear case' }, `/staff/items/${item.id}`);
    expect(decided.statusCode).toBe(303);
    expect(decided.headers.location).toBe(`/staff/queue?decided=${item.id}`);

    const after = await mod.get(decided.headers.location as string);
    expect(after.body).not.toContain(`data-item="${item.id}"`);
    expect(after.body).toContain(`Item ${item.id} decided.`);
    expect(await t.ctx.ads.findById(ad.id)).toMatchObject({ state: 'removed' });
    const [sor] = await t.ctx.moderation.repo.statementsOf(ad.id);
    expect(sor).toMatchObject({ category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', automatedDecision: 'AUTOMATED_DECISION_NOT_AUTOMATED' });
    const mail = t.mailer.lastTo(ad.email)!;
    expect(mail.text).toContain(sor!.puid);
    expect(mail.text).toContain('appeal');
    const audit = await t.ctx.moderation.audit.entriesFor('ad', ad.id);
    expect(audit.at(-1)).toMatchObject({ action: 'decision.remove', actor: `user:${mod.id}` });
    expect(audit.at(-1)!.details).toMatchObject({ reason: 'child_safety', note: 'clear case', statements: [sor!.puid] });

    const page = await mod.get(`/staff/items/${item.id}`);
    expect(page.body).toContain('This item is closed (decided: remove)');
    expect((await mod.post('/staff/items/abc/decide', { action: 'approve' }, '/staff/queue')).statusCode).toBe(404);
    expect((await mod.get('/staff/items/999999')).statusCode).toBe(404);
  });

  it('marks items past their SLA target as overdue', async () => {
    const mod = await account('sla-mod@example.com', 'moderator');
    const ad = await postAd({ title: 'Cherry wardrobe' });
    await t.ctx.moderation.flags.submit(ad.id, 'child_safety', visitor('sla'));
    const item = await openItemOf(ad.id);
    expect((await mod.get('/staff/queue')).body).not.toMatch(new RegExp(`data-item="${item.id}">[\\s\\S]*?overdue by`));
    t.clock.advanceHours(1.5);
    const queue = await mod.get('/staff/queue');
    const row = new RegExp(`<tr class="p0 is-overdue" data-item="${item.id}">[\\s\\S]*?</tr>`).exec(queue.body)?.[0];
    expect(row).toContain('overdue by 30 min');
    expect(queue.body).toMatch(/<tr class="p0" data-priority="0"><th scope="row"><a href="\/staff\/queue\?priority=0">Child safety<\/a><\/th><td>1 h<\/td><td class="open">\d+<\/td><td class="overdue">[1-9]/);
    const m = await mod.get('/staff/metrics.prom');
    expect(m.body).toMatch(/^corkboard_review_queue_overdue\{priority="0",queue="child_safety"\} [1-9]\d*$/m);
  });

  it('keeps the form with the error when a decision is incomplete', async () => {
    const mod = await account('cs-mod2@example.com', 'moderator');
    const ad = await postAd();
    await t.ctx.moderation.flags.submit(ad.id, 'spam', visitor('incomplete'));
    const item = await openItemOf(ad.id);
    const res = await mod.post(`/staff/items/${item.id}/decide`, { action: 'suspend', reason: 'spam', days: '0' }, `/staff/items/${item.id}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('A suspension lasts 1 to 365 days.');
    expect(res.body).toContain(`action="/staff/items/${item.id}/decide"`);
    expect(await t.ctx.ads.findById(ad.id)).toMatchObject({ state: 'published' });
  });
});

describe('the review page', () => {
  it('highlights the evidence from escaped substrings: ad text cannot inject markup', async () => {
    const mod = await account('ev-mod@example.com', 'moderator');
    const email = 'ev-poster@example.com';
    const older = await postAd({ email, title: 'Teak sideboard' });
    const ad = await postAd({ email, title: 'Leather sofa for sale', body: 'Good leather sofa <img src=x onerror=alert(1)> & "cushions". Western union only, I am currently abroad.' });
    expect((await t.ctx.ads.findById(ad.id))!.state).toBe('held');
    const item = await openItemOf(ad.id);
    const page = await mod.get(`/staff/items/${item.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<mark>[^<]*<\/mark>/);
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;cushions&quot;');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('Teak sideboard'); // poster history
    expect(page.body).toContain(`ad ${older.id} · Chicago`);

    // Evidence that itself contains markup is escaped inside the <mark> as well.
    await t.ctx.database.query('update ads set body = $1, screening = $2 where id = $3', [
      'Before <b>"bold" & co</b> after',
      JSON.stringify({ decision: 'review', score: 0.7, labels: ['scam'], reasons: [{ rule: 'test.rule', label: 'scam', evidence: '<b>"bold" & co</b>' }], statement: '', group: null }),
      ad.id,
    ]);
    const crafted = await mod.get(`/staff/items/${item.id}`);
    expect(crafted.body).toContain('Before <mark>&lt;b&gt;&quot;bold&quot; &amp; co&lt;/b&gt;</mark> after');
    expect(crafted.body).not.toContain('<b>"bold"');
  });

  it('highlight() merges overlapping spans, matches case-insensitively and escapes everything', () => {
    expect(highlight('Pay by Western Union <now>', ['western union', 'union <now>']).value).toBe('Pay by <mark>Western Union &lt;now&gt;</mark>');
    expect(highlight('a<b>a', ['']).value).toBe('a&lt;b&gt;a');
    expect(highlight('x & y & z', ['&']).value).toBe('x <mark>&amp;</mark> y <mark>&amp;</mark> z');
  });

  it('shows photos blurred and greyscale until revealed, without JavaScript', async () => {
    const css = await client().get('/assets/staff.css');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.body).toMatch(/filter: blur\(\d+px\) grayscale\(1\)/);
    expect(css.body).toMatch(/img:focus, \.sensitive-photo \.reveal:checked ~ img \{ filter: none; \}/);
    const js = await client().get('/assets/staff.js');
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('button[data-key=');
  });
});

describe('bulk decision on a template group', () => {
  it('removes every live ad of the group from the review page, one audit entry each', async () => {
    const mod = await account('bulk-mod@example.com', 'moderator');
    const body =
      'Brand new iPhone 15 Pro Max 256GB sealed in box with receipt and warranty, unwanted gift. Price is firm, shipping available to any city, contact me for more photos and details today.';
    const group = [];
    for (const i of [1, 2, 3]) group.push(await postAd({ email: `bulk${i}@example.com`, title: `Sealed phone, unwanted gift ${i}`, body, category: 'furniture' }));
    const ids = await t.ctx.moderation.decisions.linkedAdIds(group[0]!.id, 'template');
    expect(ids.length).toBeGreaterThanOrEqual(3);
    await t.ctx.moderation.flags.submit(group[0]!.id, 'scam', visitor('bulk'));
    const item = await openItemOf(group[0]!.id);
    const page = await mod.get(`/staff/items/${item.id}`);
    expect(page.body).toContain(`Remove all ${ids.length} ads of this group`);
    expect(page.body).toContain('Same template');
    const stale = await mod.post(`/staff/items/${item.id}/bulk`, { link: 'template', reason: 'scam', expected: String(ids.length + 1) }, `/staff/items/${item.id}`);
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('The group has changed');
    const res = await mod.post(`/staff/items/${item.id}/bulk`, { link: 'template', reason: 'scam', expected: String(ids.length) }, `/staff/items/${item.id}`);
    expect(res.statusCode).toBe(303);
    for (const id of ids) {
      expect((await t.ctx.ads.findById(id))!.state).toBe('removed');
      expect((await t.ctx.moderation.audit.entriesFor('ad', id)).at(-1)!.details).toMatchObject({ bulk: { seed: group[0]!.id, link: 'template', size: ids.length } });
    }
    expect((await t.ctx.moderation.repo.item(item.id))!.state).toBe('decided');
    expect(t.mailer.lastTo('bulk2@example.com')!.text).toMatch(/appeal/);
  });
});

describe('metrics', () => {
  it('serves the page and Prometheus text format to staff', async () => {
    const mod = await account('metrics-mod@example.com', 'moderator');
    const page = await mod.get('/staff/metrics');
    expect(page.body).toContain('Median time to decision');
    const res = await mod.get('/staff/metrics.prom');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = res.body.trimEnd().split('\n');
    for (const line of lines) {
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="(?:[^"\\]|\\.)*"(,[a-z_]+="(?:[^"\\]|\\.)*")*\})? (-?\d+(\.\d+)?(e[+-]?\d+)?|NaN))$/);
    }
    expect(res.body).toContain('# TYPE corkboard_review_queue_open gauge');
    expect(res.body).toMatch(/^corkboard_review_queue_open\{priority="0",queue="child_safety"\} \d+$/m);
    expect(res.body).toMatch(/^corkboard_review_decided_total\{priority="0",queue="child_safety"\} [1-9]\d*$/m);
    expect(res.body).toMatch(/^corkboard_review_time_to_decision_median_seconds\{priority="0",queue="child_safety"\} [\d.]+$/m);
    expect(res.body).toMatch(/^corkboard_moderation_actions_total\{by="human"\} [1-9]\d*$/m);
    expect(res.body).toMatch(/^corkboard_moderation_actions_total\{by="automated"\} [1-9]\d*$/m);
    expect(res.body).toMatch(/^corkboard_flag_accuracy_ratio\{reason="child_safety"\} 1$/m);
    expect(promLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});
