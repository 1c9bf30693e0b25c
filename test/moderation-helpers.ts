/**
 * test/helpers/test-database.ts drops the test database `with (force)` right after `pool.end()`
 * resolves, which can be before the pool's sockets have closed: with several pooled connections
 * (the concurrency tests here) a connection then receives FATAL 57P01 and emits an unhandled
 * 'error'. Listening for it on every pooled client keeps the run clean; nothing else is silenced.
 */
import type pg from 'pg';
import { expect } from 'vitest';
import type { Database } from '../src/db/client.ts';
import { adPath } from '../src/listings/ad-slug.ts';
import { signInAsStaff, type StaffClient } from './helpers/staff-sign-in.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

export function quietPoolShutdown(database: Database): void {
  const pool = database.pool;
  if (!pool) return;
  const quiet = (client: pg.PoolClient) => {
    client.on('error', (err: Error & { code?: string }) => {
      if (err.code !== '57P01') throw err;
    });
  };
  pool.on('connect', quiet);
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') throw err;
  });
  for (const client of (pool as unknown as { _clients?: pg.PoolClient[] })._clients ?? []) quiet(client);
}

/** The test app for tests that run moderation concurrency on a pool: createTestApp with quietPoolShutdown applied. */
export async function moderationTestApp(env?: Record<string, string>): Promise<TestApp> {
  const t = await createTestApp({ env });
  quietPoolShutdown(t.ctx.database);
  return t;
}

type Decision = Parameters<TestApp['ctx']['moderation']['decisions']['decide']>[2];

/**
 * Moderator `modId` claims a review item about the ad — a new flag item, or with `reuseOpen` the
 * ad's open item of that source if there is one — (the claim must succeed) and decides it through
 * the decision service, as the review page does.
 */
export async function claimAndDecide(t: TestApp, modId: number, adId: number, decision: Decision, opts: { reuseOpen?: string } = {}) {
  const open = opts.reuseOpen === undefined ? undefined : (await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.state === 'open' && i.source === opts.reuseOpen);
  const item = open ?? (await t.ctx.moderation.repo.enqueue({ adId, source: 'flag', priority: 2, trusted: false, label: 'prohibited', now: t.clock.now }));
  expect(await t.ctx.moderation.repo.claim(item.id, modId, t.clock.now)).toBeTruthy();
  return t.ctx.moderation.decisions.decide(item.id, modId, decision);
}

/** Two moderators signed in past two-factor: one decides, the other decides the appeal against it. */
export async function twoModerators(t: TestApp, prefix: string): Promise<{ modA: StaffClient; modB: StaffClient }> {
  return {
    modA: await signInAsStaff(t, `${prefix}-mod-a@example.com`, 'moderator'),
    modB: await signInAsStaff(t, `${prefix}-mod-b@example.com`, 'moderator'),
  };
}

/** The ad's public page, at its canonical path. */
export async function publicPathOf(t: TestApp, id: number): Promise<string> {
  const ad = (await t.ctx.ads.findById(id))!;
  return adPath(ad, t.ctx.places.cityById.get(ad.cityId)!.slug, t.ctx.places.categoryById.get(ad.categoryId)!.slug);
}
