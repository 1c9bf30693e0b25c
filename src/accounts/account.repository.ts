/** All database access for accounts: users, sessions, one-time tokens, API tokens, and the account's ads. */
import { and, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accountTokens, ads, apiTokens, sessions, users, type AccountTokenPurpose } from '../db/schema.ts';

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type AccountTokenRow = typeof accountTokens.$inferSelect;

/** What the rest of the app knows about the person behind a request: `request.user`. */
export interface AccountUser {
  id: number;
  email: string;
  emailVerified: boolean;
  phoneVerified: boolean;
  createdAt: Date;
  role: string;
}

const userColumns = {
  id: users.id,
  email: users.email,
  emailVerifiedAt: users.emailVerifiedAt,
  phoneVerifiedAt: users.phoneVerifiedAt,
  createdAt: users.createdAt,
  role: users.role,
};

function toAccountUser(u: { id: number; email: string | null; emailVerifiedAt: Date | null; phoneVerifiedAt: Date | null; createdAt: Date; role: string }): AccountUser {
  return { id: u.id, email: u.email ?? '', emailVerified: u.emailVerifiedAt !== null, phoneVerified: u.phoneVerifiedAt !== null, createdAt: u.createdAt, role: u.role };
}

/** The account is not banned and not suspended at `now` (the SQL twin of accountRestriction in restriction.ts). */
function notRestricted(now: Date) {
  return and(isNull(users.bannedAt), or(isNull(users.suspendedUntil), lte(users.suspendedUntil, now)));
}

export class AccountRepository {
  constructor(private db: Db) {}

  // --- users ---------------------------------------------------------------------------------

  async findUserByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.email, email));
    return row;
  }

  async findUserById(id: number): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row;
  }

  /** Returns undefined when the address is taken (a concurrent sign-up won the unique index). */
  async insertUser(values: { email: string; passwordHash: string | null; createdAt: Date }): Promise<number | undefined> {
    const rows = await this.db.insert(users).values(values).onConflictDoNothing().returning({ id: users.id });
    return rows[0]?.id;
  }

  async updateUser(id: number, patch: Partial<typeof users.$inferInsert>): Promise<void> {
    await this.db.update(users).set(patch).where(eq(users.id, id));
  }

  /** Counts one failed password sign-in and returns the new count (atomic, so parallel guesses all count). */
  async countFailedSignIn(id: number): Promise<number> {
    const [row] = await this.db
      .update(users)
      .set({ failedSignIns: sql`${users.failedSignIns} + 1` })
      .where(eq(users.id, id))
      .returning({ failures: users.failedSignIns });
    return row?.failures ?? 0;
  }

  /** Clears personal data and every credential in one transaction; the row stays as a tombstone. */
  async erasePersonalData(id: number, at: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.userId, id));
      await tx.delete(accountTokens).where(eq(accountTokens.userId, id));
      await tx.delete(apiTokens).where(eq(apiTokens.userId, id));
      await tx
        .update(users)
        .set({ email: null, passwordHash: null, phone: null, phoneVerifiedAt: null, failedSignIns: 0, signInBlockedUntil: null, deletedAt: at })
        .where(eq(users.id, id));
    });
  }

  // --- sessions ------------------------------------------------------------------------------

  async insertSession(values: { userId: number; tokenHash: string; userAgent: string | null; createdAt: Date; expiresAt: Date }): Promise<number> {
    const [row] = await this.db
      .insert(sessions)
      .values({ ...values, lastSeenAt: values.createdAt })
      .returning({ id: sessions.id });
    return row!.id;
  }

  /** The one query behind `request.user`: session and account by the token's hash (unique index). */
  async sessionByTokenHash(tokenHash: string, now: Date) {
    const [row] = await this.db
      .select({ sessionId: sessions.id, lastSeenAt: sessions.lastSeenAt, secondFactorAt: sessions.secondFactorAt, ...userColumns })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), isNull(users.deletedAt), notRestricted(now)));
    return row ? { sessionId: row.sessionId, lastSeenAt: row.lastSeenAt, secondFactorAt: row.secondFactorAt, user: toAccountUser(row) } : undefined;
  }

  /** Records that this session passed the two-factor step. */
  async markSecondFactor(userId: number, sessionId: number, at: Date): Promise<void> {
    await this.db.update(sessions).set({ secondFactorAt: at }).where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)));
  }

  async touchSession(id: number, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    await this.db.update(sessions).set({ lastSeenAt, expiresAt }).where(eq(sessions.id, id));
  }

  async sessionsOf(userId: number, now: Date): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
      .orderBy(desc(sessions.lastSeenAt));
  }

  async deleteSession(userId: number, sessionId: number): Promise<boolean> {
    const rows = await this.db
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
      .returning({ id: sessions.id });
    return rows.length > 0;
  }

  async deleteSessionByTokenHash(tokenHash: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  }

  async deleteSessionsOf(userId: number, exceptId?: number): Promise<void> {
    await this.db.delete(sessions).where(and(eq(sessions.userId, userId), exceptId ? ne(sessions.id, exceptId) : undefined));
  }

  async deleteExpiredSessions(now: Date): Promise<number> {
    const rows = await this.db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
    return rows.length;
  }

  /** One-time links and codes are worthless once used or expired; keeping them only keeps hashes around. */
  async deleteSpentTokens(now: Date): Promise<number> {
    const rows = await this.db
      .delete(accountTokens)
      .where(sql`${accountTokens.expiresAt} < ${now} or ${accountTokens.usedAt} is not null`)
      .returning({ id: accountTokens.id });
    return rows.length;
  }

  // --- one-time links and codes ----------------------------------------------------------------

  async insertAccountToken(values: { userId: number; purpose: AccountTokenPurpose; tokenHash: string; detail?: string | null; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.db.insert(accountTokens).values(values);
  }

  /** Marks the token used and returns its owner, in one statement: a link works once, even when clicked twice at once. */
  async consumeAccountToken(tokenHash: string, purpose: AccountTokenPurpose, now: Date): Promise<number | undefined> {
    const rows = await this.db
      .update(accountTokens)
      .set({ usedAt: now })
      .where(and(eq(accountTokens.tokenHash, tokenHash), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)))
      .returning({ userId: accountTokens.userId });
    return rows[0]?.userId;
  }

  async peekAccountToken(tokenHash: string, purpose: AccountTokenPurpose, now: Date): Promise<number | undefined> {
    const [row] = await this.db
      .select({ userId: accountTokens.userId })
      .from(accountTokens)
      .where(and(eq(accountTokens.tokenHash, tokenHash), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)));
    return row?.userId;
  }

  /** Revokes every unused token of a purpose: a new code replaces the old one, a new password ends old reset links. */
  async expireAccountTokens(userId: number, purpose: AccountTokenPurpose, now: Date): Promise<void> {
    await this.db
      .update(accountTokens)
      .set({ usedAt: now })
      .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
  }

  async latestPhoneCode(userId: number, now: Date): Promise<AccountTokenRow | undefined> {
    const [row] = await this.db
      .select()
      .from(accountTokens)
      .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'verify_phone'), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)))
      .orderBy(desc(accountTokens.id))
      .limit(1);
    return row;
  }

  async countCodeAttempt(id: number): Promise<number> {
    const [row] = await this.db
      .update(accountTokens)
      .set({ attempts: sql`${accountTokens.attempts} + 1` })
      .where(eq(accountTokens.id, id))
      .returning({ attempts: accountTokens.attempts });
    return row?.attempts ?? 0;
  }

  async markAccountTokenUsed(id: number, now: Date): Promise<boolean> {
    const rows = await this.db
      .update(accountTokens)
      .set({ usedAt: now })
      .where(and(eq(accountTokens.id, id), isNull(accountTokens.usedAt)))
      .returning({ id: accountTokens.id });
    return rows.length > 0;
  }

  // --- moderators' account decisions ---------------------------------------------------------

  /** The account behind an ad: its owner, else the account with that confirmed address. */
  async accountOfAd(ad: { userId: number | null; email: string }): Promise<UserRow | undefined> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(and(isNull(users.deletedAt), ad.userId !== null ? eq(users.id, ad.userId) : and(eq(users.email, ad.email.toLowerCase()), isNotNull(users.emailVerifiedAt))))
      .limit(1);
    return row;
  }

  /**
   * Suspends the account until `suspendedUntil` (a longer suspension already in force stays) or bans
   * it (`bannedAt`, kept if already banned), and ends every session and API token it has. Run it in
   * the moderator's decision transaction.
   */
  async restrictAccount(userId: number, restriction: { suspendedUntil: Date } | { bannedAt: Date }, now: Date): Promise<void> {
    if ('bannedAt' in restriction) {
      await this.db.update(users).set({ bannedAt: sql`coalesce(${users.bannedAt}, ${restriction.bannedAt})` }).where(eq(users.id, userId));
    } else {
      await this.db
        .update(users)
        .set({ suspendedUntil: sql`greatest(coalesce(${users.suspendedUntil}, ${restriction.suspendedUntil}), ${restriction.suspendedUntil})` })
        .where(eq(users.id, userId));
    }
    await this.db.delete(sessions).where(eq(sessions.userId, userId));
    await this.db.update(apiTokens).set({ revokedAt: now }).where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
  }

  // --- staff ---------------------------------------------------------------------------------

  /** Staff accounts with their two-factor state and latest sign-in (newest live session). */
  async staffMembers(roles: readonly string[]) {
    return this.db
      .select({
        id: users.id,
        email: users.email,
        role: users.role,
        totpEnabledAt: users.totpEnabledAt,
        lastSignInAt: sql<Date | null>`max(${sessions.createdAt})`.mapWith((v: Date | string | null) => (v == null ? null : new Date(v))),
      })
      .from(users)
      .leftJoin(sessions, eq(sessions.userId, users.id))
      .where(and(inArray(users.role, [...roles]), isNull(users.deletedAt)))
      .groupBy(users.id)
      .orderBy(users.email);
  }

  /** Locks the admin rows and counts them: run in the transaction that demotes one, so two demotions cannot leave none. */
  async lockAdmins(): Promise<number[]> {
    const rows = await this.db.select({ id: users.id }).from(users).where(and(eq(users.role, 'admin'), isNull(users.deletedAt))).for('update');
    return rows.map((r) => r.id);
  }

  // --- API tokens ----------------------------------------------------------------------------

  async insertApiToken(values: { userId: number; name: string; tokenHash: string; scope: 'ads' | 'staff'; createdAt: Date }): Promise<number> {
    const [row] = await this.db.insert(apiTokens).values(values).returning({ id: apiTokens.id });
    return row!.id;
  }

  async apiTokensOf(userId: number): Promise<ApiTokenRow[]> {
    return this.db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  }

  async revokeApiToken(userId: number, id: number, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(apiTokens)
      .set({ revokedAt: at })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return rows.length > 0;
  }

  /** The account behind a live API token (one indexed query), for `Authorization: Bearer`. */
  async userByApiTokenHash(tokenHash: string, now: Date) {
    const [row] = await this.db
      .select({ tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt, scope: apiTokens.scope, ...userColumns })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), isNull(users.deletedAt), notRestricted(now)));
    return row ? { tokenId: row.tokenId, lastUsedAt: row.lastUsedAt, scope: row.scope, user: toAccountUser(row) } : undefined;
  }

  async touchApiToken(id: number, at: Date): Promise<void> {
    await this.db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
  }

  // --- the account's ads ---------------------------------------------------------------------

  /** Ads posted without an account under this (confirmed) address become the account's. */
  async claimAds(userId: number, email: string): Promise<number> {
    const rows = await this.db
      .update(ads)
      .set({ userId })
      .where(and(eq(ads.email, email), isNull(ads.userId)))
      .returning({ id: ads.id });
    return rows.length;
  }

  /** Every ad of the account that is not deleted, newest first (index ads_user). */
  async adsOf(userId: number) {
    return this.db
      .select()
      .from(ads)
      .where(and(eq(ads.userId, userId), ne(ads.state, 'deleted')))
      .orderBy(desc(ads.createdAt), desc(ads.id));
  }

  async liveAdIdsOf(userId: number): Promise<number[]> {
    const rows = await this.db
      .select({ id: ads.id })
      .from(ads)
      .where(and(eq(ads.userId, userId), ne(ads.state, 'deleted')));
    return rows.map((r) => r.id);
  }

  /**
   * Replies received per ad. The anonymous reply relay (next) fills this in; until it exists every
   * ad has none. Ads with no replies may be missing from the map.
   */
}
