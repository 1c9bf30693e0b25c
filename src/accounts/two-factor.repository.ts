/**
 * Staff two-factor sign-in's SQL: the encrypted TOTP secret and last accepted step on the user row,
 * recovery codes and counted wrong codes as account tokens ('totp_recovery', 'totp_failure').
 * Construct it over a transaction to take part in one (staff changes reset two-factor with the role).
 */
import { and, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accountTokens, apiTokens, sessions, users } from '../db/schema.ts';

export class TwoFactorRepository {
  constructor(private db: Db) {}

  async setTotpSecret(userId: number, encrypted: string): Promise<void> {
    await this.db.update(users).set({ totpSecret: encrypted, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, userId));
  }

  /** Turns two-factor on with the step of the confirming code; false if it already was on (a parallel confirmation won). */
  async enableTotp(userId: number, step: number, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(users)
      .set({ totpEnabledAt: at, totpLastStep: step })
      .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)))
      .returning({ id: users.id });
    return rows.length > 0;
  }

  /** Accepts a code's time step only if it is newer than the last one accepted: one statement, so two requests cannot both use a code. */
  async acceptTotpStep(userId: number, step: number): Promise<boolean> {
    const rows = await this.db
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    return rows.length > 0;
  }

  /**
   * Counts one two-factor attempt before the code is checked, under a lock on the account row so
   * parallel guesses see each other. `blockedFor` gets the unexpired failures (count, newest,
   * earliest expiry) and answers how many seconds to refuse; a refused attempt is not counted.
   * Returns 0 when the attempt was recorded (it stays a failure unless cleared on success).
   */
  async twoFactorAttempt(
    userId: number,
    now: Date,
    windowMs: number,
    blockedFor: (failures: { count: number; newest: Date | null; firstExpiry: Date | null }) => number,
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
      const live = and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'totp_failure'), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now));
      const [row] = await tx
        .select({ count: sql<number>`count(*)::int`, newest: sql<Date | null>`max(${accountTokens.createdAt})`, firstExpiry: sql<Date | null>`min(${accountTokens.expiresAt})` })
        .from(accountTokens)
        .where(live);
      const asDate = (v: Date | string | null | undefined) => (v == null ? null : new Date(v));
      const blocked = blockedFor({ count: Number(row?.count ?? 0), newest: asDate(row?.newest), firstExpiry: asDate(row?.firstExpiry) });
      if (blocked > 0) return blocked;
      await tx.insert(accountTokens).values({ userId, purpose: 'totp_failure', tokenHash: '', createdAt: now, expiresAt: new Date(now.getTime() + windowMs) });
      return 0;
    });
  }

  /** A right code wipes the slate: earlier wrong codes no longer slow the next sign-in. */
  async clearTwoFactorFailures(userId: number, now: Date): Promise<void> {
    await this.db
      .update(accountTokens)
      .set({ usedAt: now })
      .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'totp_failure'), isNull(accountTokens.usedAt)));
  }

  async replaceRecoveryCodes(userId: number, hashes: string[], now: Date, expiresAt: Date): Promise<void> {
    await this.db.delete(accountTokens).where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'totp_recovery')));
    if (hashes.length > 0) await this.db.insert(accountTokens).values(hashes.map((tokenHash) => ({ userId, purpose: 'totp_recovery' as const, tokenHash, createdAt: now, expiresAt })));
  }

  async unusedRecoveryCodes(userId: number, now: Date): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(accountTokens)
      .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'totp_recovery'), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)));
    return Number(row?.n ?? 0);
  }

  /**
   * Lost phone: two-factor off, recovery codes and counted failures gone, every session must pass the
   * step again, and the staff-scope API tokens (made behind that step) revoked. Returns how many were.
   */
  async resetTwoFactor(userId: number, now: Date): Promise<number> {
    await this.db.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, userId));
    await this.db.delete(accountTokens).where(and(eq(accountTokens.userId, userId), inArray(accountTokens.purpose, ['totp_recovery', 'totp_failure'])));
    await this.db.update(sessions).set({ secondFactorAt: null }).where(eq(sessions.userId, userId));
    const revoked = await this.db
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.userId, userId), eq(apiTokens.scope, 'staff'), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return revoked.length;
  }
}
