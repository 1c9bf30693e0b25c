/**
 * The review queue pages 50 at a time with keyset "next"/"previous" links in queue order
 * (priority, trusted first, oldest, id), with and without a priority filter, on PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { staffAccount, type Browser } from './helpers/staff-client.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let moderator: Browser;
const SOURCES = ['screening', 'hash_match', 'flag', 'notice', 'appeal'];

beforeAll(async () => {
  t = await createTestApp();
  moderator = await staffAccount(t, 'paging-mod@example.com', 'moderator');
  const ip = '198.51.100.7';
  // 25 ads × 5 sources = 125 open items with mixed priorities, trusted flags and equal timestamps (ties broken by id).
  for (let i = 0; i < 25; i++) {
    const email = `paging${i}@example.com`;
    const { id } = await postAdDirect(t, { ...bookcase, title: `Oak side table number ${i}`, body: 'Small oak side table with one drawer, good condition.', price: '40', email }, { ip });
    for (const [s, source] of SOURCES.entries()) {
      const created = new Date(Date.UTC(2026, 0, 1, 0, (i * 7 + s * 3) % 40));
      await t.ctx.database.query(
        `insert into review_items (ad_id, source, priority, trusted, label, created_at, sla_due_at) values ($1, $2, $3, $4, 'spam', $5, $5)`,
        [id, source, (i + s) % 4, (i * s) % 3 === 0, created],
      );
    }
  }
}, 180_000); // the machine is shared: setup (app, sign-ups, two-factor) can take a while under load
afterAll(async () => t?.close());

const idsOn = (body: string) => [...body.matchAll(/data-item="(\d+)"/g)].map((m) => Number(m[1]));
const link = (body: string, rel: 'next' | 'prev') => [...body.matchAll(/<a rel="(next|prev)" href="([^"]+)"/g)].find((m) => m[1] === rel)?.[2]?.replaceAll('&amp;', '&');

async function walk(start: string) {
  const pages: number[][] = [];
  let url: string | undefined = start;
  const urls: string[] = [];
  while (url) {
    urls.push(url);
    const res = await moderator.get(url);
    expect(res.statusCode).toBe(200);
    pages.push(idsOn(res.body));
    url = link(res.body, 'next') ?? undefined;
  }
  return { pages, urls };
}

describe('queue paging', () => {
  it('walks every open item once, in queue order, 50 per page, and back again', async () => {
    const all = (await t.ctx.moderation.repo.queue(1000)).map((e) => e.item.id);
    expect(all).toHaveLength(125);
    const { pages, urls } = await walk('/staff/queue');
    expect(pages.map((p) => p.length)).toEqual([50, 50, 25]);
    expect(pages.flat()).toEqual(all);

    // Back from the last page with "previous" links.
    const last = await moderator.get(urls.at(-1)!);
    expect(link(last.body, 'next')).toBeUndefined();
    const prev = link(last.body, 'prev')!;
    expect(prev).toMatch(/^\/staff\/queue\?before=\d+$/);
    const middle = await moderator.get(prev);
    expect(idsOn(middle.body)).toEqual(all.slice(50, 100));
    const first = await moderator.get(link(middle.body, 'prev')!);
    expect(idsOn(first.body)).toEqual(all.slice(0, 50));
    expect(link(first.body, 'prev')).toBeUndefined();
    expect(link(first.body, 'next')).toBe(`/staff/queue?after=${all[49]}`);
  });

  it('pages within one priority', async () => {
    const p2 = (await t.ctx.moderation.repo.queue(1000, 2)).map((e) => e.item.id);
    const { pages, urls } = await walk('/staff/queue?priority=2');
    expect(pages.flat()).toEqual(p2);
    if (urls.length > 1) expect(urls[1]).toMatch(/^\/staff\/queue\?priority=2&after=\d+$/);
  });

  it('a decided item still works as a cursor, and nonsense cursors show the first page', async () => {
    const all = (await t.ctx.moderation.repo.queue(1000)).map((e) => e.item.id);
    await t.ctx.database.query(`update review_items set state = 'decided' where id = $1`, [all[49]]);
    const next = await moderator.get(`/staff/queue?after=${all[49]}`);
    expect(idsOn(next.body)).toEqual(all.slice(50, 100));
    const odd = await moderator.get('/staff/queue?after=abc');
    expect(idsOn(odd.body)).toEqual(all.filter((id) => id !== all[49]).slice(0, 50));
  });
});
