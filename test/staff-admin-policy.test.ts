/**
 * /staff/admin/policy through the real app (PGlite, or PostgreSQL with TEST_DATABASE_URL): who may
 * use it, the loader's errors shown with the text kept, the preview's counts on a small clinical
 * fixture set, nothing saved unseen, a saved version in force for new posts, and other nodes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_PATH } from '../src/screening/index.ts';
import { PolicyStore } from '../src/screening-store/policy-store.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { browser, staffAccount, type Browser } from './helpers/staff-client.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let admin: Browser;
let moderator: Browser;
let user: Browser;
let n = 0;
const bundled = readFileSync(DEFAULT_POLICY_PATH, 'utf8');

/** The bundled policy with a new version and one more rule: bookcases become prohibited goods (a clinical stand-in). */
const withBookcaseRule = (version: string) =>
  bundled.replace('version: "2025.1"', `version: "${version}"`) +
  `
  - id: test.bookcase
    label: prohibited_goods
    weight: 0.9
    patterns: [walnut bookcase]
    reason: Bookcases cannot be sold under this test policy.
    dsa_category: STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS
`;

async function postAd(title: string, body = 'Solid wood, 180 cm tall, five adjustable shelves. Pick up only.') {
  n++;
  const { id } = await postAdDirect(t, { ...bookcase, title, body, email: `policy-poster${n}@example.com` }, { ip: `198.51.100.${n}` });
  return (await t.ctx.ads.findById(id))!;
}
const previewedOn = (body: string) => /name="previewed" value="([0-9a-f]{64})"/.exec(body)?.[1];
const textareaOf = (body: string) => /<textarea id="source"[^>]*>([\s\S]*?)<\/textarea>/.exec(body)?.[1];

beforeAll(async () => {
  // The policy editor changes the rules; without the semantic model the rules decide alone, so an edit shows at once.
  t = await createTestApp({ env: { SCREENING_MODEL: 'off' } });
  admin = await staffAccount(t, 'policy-admin@example.com', 'admin');
  moderator = await staffAccount(t, 'policy-mod@example.com', 'moderator');
  user = await staffAccount(t, 'policy-user@example.com');
  for (const title of ['Walnut bookcase, five shelves', 'Tall walnut bookcase', 'Walnut bookcase with glass doors']) expect((await postAd(title)).state).toBe('published');
  expect((await postAd('Oak writing desk', 'Oak writing desk with two drawers, 120 cm wide.')).state).toBe('published');
}, 180_000); // the machine is shared: setup (app, sign-ups, two-factor) can take a while under load
afterAll(async () => t?.close());

describe('who may use the policy and hash-bank pages', () => {
  const routes = [
    { method: 'GET', url: '/staff/admin/policy' },
    { method: 'POST', url: '/staff/admin/policy/preview' },
    { method: 'POST', url: '/staff/admin/policy' },
    { method: 'GET', url: '/staff/admin/hash-banks' },
    { method: 'POST', url: '/staff/admin/hash-banks/action' },
    { method: 'POST', url: '/staff/admin/hash-banks/delete' },
  ];
  const unrouted = (url: string) => url.replace('/staff/', '/staffx/');

  it('strangers and ordinary users get the staff 404; moderators "admins only"; nothing changes', async () => {
    for (const [who, formPage] of [[browser(t), '/signup'], [user, '/account']] as const) {
      for (const r of routes) {
        const send = (url: string) => (r.method === 'GET' ? who.get(url) : who.post(url, { source: withBookcaseRule('x.1'), name: 'b', action: 'reject', confirm: 'yes' }, formPage));
        const res = await send(r.url);
        expect(res.statusCode, r.url).toBe(404);
        expect(res.body, r.url).toBe((await send(unrouted(r.url))).body);
      }
    }
    for (const r of routes) {
      const res = r.method === 'GET' ? await moderator.get(r.url) : await moderator.post(r.url, { source: withBookcaseRule('x.1') }, '/staff/queue');
      expect(res.statusCode, r.url).toBe(403);
      expect(res.body).toContain('Admins only');
    }
    expect((await t.ctx.policies.current()).info.origin).toBe('bundled');
  });
});

describe('an admin edits the policy', () => {
  it('shows the policy in force: the bundled file', async () => {
    const page = await admin.get('/staff/admin/policy');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('version <strong>2025.1</strong>');
    expect(page.body).toContain('the bundled file');
    expect(textareaOf(page.body)).toContain('id: sp.marketing');
  });

  it('shows the loader\'s errors with their paths, keeps the text, saves nothing', async () => {
    const broken = bundled.replace(/weight: 0\.6\n {4}min_distinct: 2/, 'weight: 6\n    min_distinct: 2');
    const res = await admin.post('/staff/admin/policy/preview', { source: broken, note: 'oops' }, '/staff/admin/policy');
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<li>rules\[20\] \(id: cs\.youth-commercial-weak\)\.weight: Too big/);
    expect(textareaOf(res.body)).toContain('weight: 6');
    expect(res.body).toContain('value="oops"');
    const yaml = await admin.post('/staff/admin/policy/preview', { source: 'version: "x"\nrules: [unclosed', note: '' }, '/staff/admin/policy');
    expect(yaml.statusCode).toBe(400);
    expect(yaml.body).toContain('at line 2, column 17');
    const empty = await admin.post('/staff/admin/policy', { source: '  ', note: '' }, '/staff/admin/policy');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Paste or write the policy here.');
    expect(await t.ctx.policies.history()).toHaveLength(0);
  });

  it('previews how many live ads the edited rule would now hit, with example titles linking to the ads', async () => {
    const res = await admin.post('/staff/admin/policy/preview', { source: withBookcaseRule('2026.test-1'), note: 'bookcases' }, '/staff/admin/policy');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Screened all');
    expect(res.body).toMatch(/<tr data-row="hit"><th scope="row">Would be hit \(held or rejected\)<\/th><td>0<\/td><td>3<\/td>/);
    expect(res.body).toMatch(/<tr data-row="reject">.*?<td>0<\/td><td>3<\/td>/);
    expect(res.body).toMatch(/id="newly-hit"><strong>3<\/strong> live ads that the current policy publishes would now be hit/);
    const rule = /<tr data-key="test\.bookcase">([\s\S]*?)<\/tr>/.exec(res.body)?.[1] ?? '';
    expect(rule).toMatch(/<td>0<\/td><td>3<\/td>/);
    expect(rule).toContain('Tall walnut bookcase');
    expect(rule).not.toContain('Oak writing desk');
    expect(rule).toMatch(/href="\/chicago\/furniture\/tall-walnut-bookcase-\d+"/);
    expect(res.body).toMatch(/<tr data-key="prohibited_goods">/);
    expect(previewedOn(res.body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says when it screened only the newest ads', async () => {
    const { previewPolicy } = await import('../src/screening-store/policy-preview.ts');
    const { parsePolicy } = await import('../src/screening/index.ts');
    const current = (await t.ctx.policies.current()).policy;
    const p = await previewPolicy(t.ctx.database, current, parsePolicy(withBookcaseRule('sample'), 'x'), { limit: 2, adUrl: () => '/x' });
    expect(p).toMatchObject({ liveAds: 4, screened: 2, sampled: true });
  });

  it('does not save a text that was not previewed as it stands: it shows the preview first', async () => {
    const res = await admin.post('/staff/admin/policy', { source: withBookcaseRule('2026.test-1'), note: 'bookcases', previewed: 'f'.repeat(64) }, '/staff/admin/policy');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check what this policy would do before saving it');
    expect(res.body).toContain('id="preview"');
    expect(await t.ctx.policies.history()).toHaveLength(0);
  });

  it('saves the previewed version: in force for new posts at once, with an audit entry; a used version is refused', async () => {
    const source = withBookcaseRule('2026.test-1');
    const preview = await admin.post('/staff/admin/policy/preview', { source, note: 'bookcases' }, '/staff/admin/policy');
    const saved = await admin.post('/staff/admin/policy', { source, note: 'bookcases', previewed: previewedOn(preview.body)! }, '/staff/admin/policy');
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/staff/admin/policy?done=saved');
    const page = await admin.get('/staff/admin/policy?done=saved');
    expect(page.body).toContain('version <strong>2026.test-1</strong>');
    expect(page.body).toContain('saved by policy-admin@example.com');
    expect(page.body).toContain('corkboard rescan');
    const [row] = await t.ctx.policies.history();
    expect(row).toMatchObject({ version: '2026.test-1', by: 'policy-admin@example.com', note: 'bookcases' });
    const audit = await t.ctx.moderation.audit.entriesFor('screening_policy', row!.id);
    expect(audit[0]).toMatchObject({ action: 'policy.save', actor: `user:${admin.id}`, details: { version: '2026.test-1', previousVersion: '2025.1' } });

    const after = await postAd('Walnut bookcase, three shelves');
    expect(after.state).toBe('rejected');
    expect((after.screening as { reasons: { rule: string }[] }).reasons.map((r) => r.rule)).toContain('test.bookcase');
    expect((after.screening as { details: { policyVersion: string } }).details.policyVersion).toBe('2026.test-1');
    expect((await postAd('Oak writing desk, small')).state).toBe('published');

    const again = await admin.post('/staff/admin/policy/preview', { source, note: '' }, '/staff/admin/policy');
    const refused = await admin.post('/staff/admin/policy', { source, note: '', previewed: previewedOn(again.body)! }, '/staff/admin/policy');
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Version 2026.test-1 was used before');
    expect(textareaOf(refused.body)).toContain('test.bookcase');
    expect(await t.ctx.policies.history()).toHaveLength(1);
  });

  it('another node notices a newer saved version at its next check', async () => {
    const other = new PolicyStore(t.ctx.database, { checkEveryMs: 0 });
    expect((await other.current()).info.version).toBe('2026.test-1');
    await t.ctx.database.query(`insert into screening_policies (version, source, created_by) values ($1, $2, $3)`, ['2026.test-2', withBookcaseRule('2026.test-2'), admin.id]);
    expect((await other.current()).info.version).toBe('2026.test-2');
  });
});
