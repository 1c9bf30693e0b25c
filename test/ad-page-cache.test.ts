/**
 * Ad pages are answered from each node's memory, yet a takedown, a deletion or an edit made on any
 * node shows everywhere at once: PostgreSQL announces every committed ad change (migration 0008)
 * and every node drops its copy. Two app nodes here share one database, as in production.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../src/composition.ts';
import { loadConfig } from '../src/config.ts';
import { buildApp } from '../src/http/app.ts';
import type { FastifyInstance } from 'fastify';
import { csrfOf, postAndConfirmAd } from './helpers/post-ad.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let a: TestApp;
let b: { app: FastifyInstance; ctx: AppContext };
beforeAll(async () => {
  a = await createTestApp();
  const ctx = await createAppContext(loadConfig({ DATA_DIR: a.dataDir, PUBLIC_URL: 'http://localhost:3000', LOG_LEVEL: 'silent' }), {
    database: a.ctx.database,
    mailer: a.mailer,
    now: () => a.clock.now,
  });
  const app = await buildApp(ctx);
  await app.ready();
  b = { app, ctx };
});
afterAll(async () => {
  await b?.app.close();
  await b?.ctx.changeFeed.close();
  await a?.close();
});

const view = async (node: { app: FastifyInstance }, path: string) => {
  const res = await node.app.inject({ url: path });
  return { status: res.statusCode, body: res.body };
};

describe('the ad page on two app nodes', () => {
  it('is kept in memory after the first view', async () => {
    const { id, adPath } = await postAndConfirmAd(a, { title: 'Oak dining table, seats six', email: 'two-nodes@example.com' });
    expect((await view(a, adPath)).body).toContain('Oak dining table');
    expect((await view(b, adPath)).body).toContain('Oak dining table');
    expect(a.ctx.adPages.size).toBeGreaterThan(0);
    expect(b.ctx.adPages.size).toBeGreaterThan(0);
    // Both nodes answer from memory now: a change no node announces (the trigger switched off)
    // stays invisible, which shows that the database is not read.
    await a.ctx.database.query('alter table ads disable trigger ads_announce_change');
    await a.ctx.database.query(`update ads set body = 'Unannounced description.' where id = $1`, [id]);
    await a.ctx.database.query('alter table ads enable trigger ads_announce_change');
    expect((await view(a, adPath)).body).not.toContain('Unannounced description.');
    expect((await view(b, adPath)).body).not.toContain('Unannounced description.');
  });

  it('shows an edit made with plain SQL on every node moments later', async () => {
    const { id, adPath } = await postAndConfirmAd(a, { title: 'Pine wardrobe, two doors', email: 'sql-edit@example.com' });
    await view(a, adPath);
    await view(b, adPath);
    await a.ctx.database.query(`update ads set body = 'Repainted white last spring.' where id = $1`, [id]);
    for (const node of [a, b]) {
      await expect.poll(async () => (await view(node, adPath)).body, { timeout: 3000, interval: 20 }).toContain('Repainted white last spring.');
    }
  });

  it('answers 404 on the other node as soon as the poster deletes the ad on one', async () => {
    const { adPath, managePath } = await postAndConfirmAd(a, { title: 'Teak coffee table', email: 'delete-two-nodes@example.com' });
    expect((await view(b, adPath)).status).toBe(200);
    expect((await view(a, adPath)).status).toBe(200);
    const { token, cookie } = await csrfOf(b, managePath);
    const del = await b.app.inject({ method: 'POST', url: `${managePath}/delete`, payload: { _csrf: token, confirm: 'yes' }, headers: { cookie } });
    expect(del.statusCode).toBe(200);
    // The node that made the change knows at once. (Both nodes share this test's process, so the
    // other one hears it directly too; the plain-SQL tests show the path through PostgreSQL that
    // nodes in other processes rely on.)
    expect((await view(b, adPath)).status).toBe(404);
    await expect.poll(async () => (await view(a, adPath)).status, { timeout: 3000, interval: 20 }).toBe(404);
  });

  // Only a server connection can drop; PGlite listens in-process.
  it.runIf(process.env.TEST_DATABASE_URL)('stops serving from memory while the change notifications cannot be heard, and resumes when they can', async () => {
    const { id, adPath } = await postAndConfirmAd(a, { title: 'Cherry bedside table', email: 'feed-down@example.com' });
    await view(a, adPath);
    await a.ctx.database.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%'`);
    await expect.poll(() => a.ctx.changeFeed.listening, { timeout: 3000, interval: 20 }).toBe(false);
    expect(a.ctx.adPages.size).toBe(0);
    // A change nobody announces is still seen: the database is read while the feed is down.
    await a.ctx.database.query('alter table ads disable trigger ads_announce_change');
    await a.ctx.database.query(`update ads set body = 'Read from the database.' where id = $1`, [id]);
    await a.ctx.database.query('alter table ads enable trigger ads_announce_change');
    expect((await view(a, adPath)).body).toContain('Read from the database.');
    // The feed reconnects by itself and the cache fills again.
    await expect.poll(() => a.ctx.changeFeed.listening, { timeout: 10_000, interval: 100 }).toBe(true);
    await view(a, adPath);
    expect(a.ctx.adPages.size).toBeGreaterThan(0);
  });
});
