/**
 * The alert runner's crash window: a runner that dies after a mail went out and before it was
 * recorded sends that mail again once its lease ends. This proves the bound: at most one repeated
 * mail per delivery lane (DELIVERY_LANES with a PostgreSQL pool, 1 on PGlite), not a whole commit group.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertService, DELIVERY_LANES } from '../src/alerts/alert.service.ts';
import type { AlertsRepository } from '../src/alerts/alerts.repository.ts';
import { compileSearch } from '../src/alerts/saved-search.ts';
import type { MailMessage } from '../src/mail/mailer.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const SEARCHES = 120;
const CRASH_AT = 30;

describe('a runner that dies between sending and recording', () => {
  it('repeats at most one mail per lane, and every search still gets its alert', async () => {
    const savedAt = new Date(t.clock.now.getTime() - 3600_000);
    const compiled = compileSearch({ city: 'chicago', category: 'furniture' }, t.ctx.places);
    await t.ctx.database.query(
      `insert into saved_searches (email, params, city_ids, category_ids, filters, frequency, link_nonce, confirmed_at, created_at)
       select 'crash' || i || '@example.com', $1::jsonb, $2::int[], $3::int[], $4::jsonb, 'instant', 'n', $5, $5 from generate_series(1, ${SEARCHES}) i`,
      [JSON.stringify(compiled.params), compiled.cityIds, compiled.categoryIds, JSON.stringify(compiled.filters), savedAt],
    );
    const email = 'crash-poster@example.com';
    await postAdDirect(t, { ...bookcase, title: 'Oak dining table for six', body: 'Solid oak, seats six, a few marks on one leg. Pick up only.', price: '300', email }, { ip: '203.0.113.9' });
    t.clock.advanceHours(1 / 60);
    expect((await t.ctx.alerts.runOnce({ maxDeliveries: 0 })).deliveriesQueued).toBe(SEARCHES);

    // The first runner: its CRASH_AT-th mail goes out, then the process is gone: nothing it starts
    // afterwards happens (no send, no query), so whatever it had sent and not recorded stays so.
    let crashed = false;
    const never = new Promise<never>(() => {});
    const firstRun: MailMessage[] = [];
    const deps = t.ctx.alerts.deps;
    const deadAfterCrash = new Proxy(deps.repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (crashed ? never : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    }) as AlertsRepository;
    const dying = new AlertService({
      ...deps,
      repo: deadAfterCrash,
      mailer: {
        send: async (m) => {
          if (crashed) return never;
          firstRun.push(m);
          if (firstRun.length === CRASH_AT) {
            crashed = true;
            return never;
          }
        },
      },
    });
    void dying.runOnce();
    await vi.waitFor(() => expect(crashed).toBe(true), { timeout: 20_000 });

    // Another runner once the dead one's leases have ended.
    t.clock.advanceHours(6 / 60);
    const secondRun: MailMessage[] = [];
    const report = await new AlertService({ ...deps, mailer: { send: async (m) => void secondRun.push(m) } }).runOnce();
    expect(report.failures).toBe(0);

    const perRecipient = new Map<string, number>();
    for (const m of [...firstRun, ...secondRun]) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    expect(perRecipient.size).toBe(SEARCHES);
    const repeated = [...perRecipient.values()].reduce((n, c) => n + c - 1, 0);
    const lanes = deps.concurrency > 1 ? DELIVERY_LANES : 1;
    expect(repeated).toBeGreaterThanOrEqual(1); // the mail in flight at the crash
    expect(repeated).toBeLessThanOrEqual(lanes);
    // And afterwards every (search, ad) pair is recorded: a further run sends nothing.
    t.clock.advanceHours(1);
    expect((await t.ctx.alerts.runOnce()).mails).toBe(0);
  });
});
