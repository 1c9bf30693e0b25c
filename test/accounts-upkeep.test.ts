/**
 * Upkeep purges expired sessions: `corkboard serve` calls `AccountRepository.deleteExpiredSessions`
 * in its periodic upkeep (src/cli/serve.ts); this drives the same call against a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { AccountRepository } from '../src/accounts/account.repository.ts';
import { accountTokens, sessions } from '../src/db/schema.ts';
import { openTestDatabase } from './helpers/test-database.ts';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let accounts: AccountRepository;
beforeAll(async () => {
  database = await openTestDatabase();
  await database.migrate();
  accounts = new AccountRepository(database.db);
});
afterAll(async () => database?.drop());

const HOUR = 3600_000;

describe('upkeep: expired sessions', () => {
  it('deletes expired sessions and keeps live ones', async () => {
    const now = new Date();
    const userId = (await accounts.insertUser({ email: 'upkeep@example.com', passwordHash: 'x', createdAt: new Date(now.getTime() - 48 * HOUR) }))!;
    const expired = await accounts.insertSession({ userId, tokenHash: 'expired-session', userAgent: null, createdAt: new Date(now.getTime() - 48 * HOUR), expiresAt: new Date(now.getTime() - HOUR) });
    const live = await accounts.insertSession({ userId, tokenHash: 'live-session', userAgent: null, createdAt: now, expiresAt: new Date(now.getTime() + 24 * HOUR) });

    const deleted = await accounts.deleteExpiredSessions(now);

    expect(deleted).toBe(1);
    expect(await database.db.select().from(sessions).where(eq(sessions.id, expired))).toHaveLength(0);
    expect(await database.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).toEqual([{ id: live }]);
    expect(await accounts.deleteExpiredSessions(now), 'a second run finds nothing').toBe(0);
  });

  it('deletes used and expired one-time tokens and keeps live ones', async () => {
    const now = new Date();
    const userId = (await accounts.insertUser({ email: 'upkeep-tokens@example.com', passwordHash: 'x', createdAt: now }))!;
    await accounts.insertAccountToken({ userId, purpose: 'sign_in', tokenHash: 'expired-token', createdAt: new Date(now.getTime() - 2 * HOUR), expiresAt: new Date(now.getTime() - HOUR) });
    await accounts.insertAccountToken({ userId, purpose: 'sign_in', tokenHash: 'live-token', createdAt: now, expiresAt: new Date(now.getTime() + HOUR) });
    expect(await accounts.deleteSpentTokens(now)).toBe(1);
    const left = await database.db.select().from(accountTokens).where(eq(accountTokens.userId, userId));
    expect(left.map((r) => r.tokenHash)).toEqual(['live-token']);
  });
});
