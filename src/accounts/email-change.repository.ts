/**
 * The SQL of changing an account's e-mail address. Several tables key on the address (ads, saved
 * searches, relay threads and blocks, open appeals, blocked contacts), so the change moves all of
 * them in one transaction: either the account and everything that mails it use the new address, or
 * nothing changed.
 */
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accountTokens, users } from '../db/schema.ts';

export type EmailChangeOutcome =
  | { outcome: 'expired' }
  | { outcome: 'taken'; newEmail: string }
  | { outcome: 'changed'; userId: number; oldEmail: string; newEmail: string; adsMoved: number };

/** PostgreSQL's unique_violation: two accounts confirmed the same new address at the same moment. */
function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '23505') return true;
  return false;
}

export class EmailChangeRepository {
  constructor(private db: Db) {}

  /** The address a still-valid change link points to, if any (the newest one). */
  async pendingChange(userId: number, now: Date): Promise<{ email: string; expiresAt: Date } | undefined> {
    const [row] = await this.db
      .select({ email: accountTokens.detail, expiresAt: accountTokens.expiresAt })
      .from(accountTokens)
      .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'change_email'), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)))
      .orderBy(desc(accountTokens.id))
      .limit(1);
    return row?.email ? { email: row.email, expiresAt: row.expiresAt } : undefined;
  }

  /**
   * Uses a change link: marks it used, re-checks that no other account took the address meanwhile,
   * and moves the account and everything keyed on its address to the new one. Other sessions end
   * (`keepSession` survives when it is this account's), and one-time links mailed to the old address
   * stop working.
   */
  async applyChange(tokenHash: string, now: Date, keepSession: { userId: number; sessionId: number } | null): Promise<EmailChangeOutcome> {
    try {
      return await this.db.transaction(async (tx) => {
        const [token] = await tx
          .update(accountTokens)
          .set({ usedAt: now })
          .where(and(eq(accountTokens.tokenHash, tokenHash), eq(accountTokens.purpose, 'change_email'), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)))
          .returning({ userId: accountTokens.userId, detail: accountTokens.detail });
        if (!token?.detail) return { outcome: 'expired' } as const;
        const [user] = await tx.select({ id: users.id, email: users.email, deletedAt: users.deletedAt }).from(users).where(eq(users.id, token.userId)).for('update');
        if (!user || user.deletedAt || !user.email) return { outcome: 'expired' } as const;
        const oldEmail = user.email;
        const newEmail = token.detail;
        const [other] = await tx.select({ id: users.id }).from(users).where(and(eq(users.email, newEmail), sql`${users.id} <> ${user.id}`));
        if (other) return { outcome: 'taken', newEmail } as const;
        const id = user.id;

        await tx.update(users).set({ email: newEmail, emailVerifiedAt: now }).where(eq(users.id, id));
        // Ads posted without signing in under the old address become the account's first, then every
        // ad of the account follows the address, so mails about them (reminders, decisions, replies)
        // reach the owner and the poster's record (removals, blocks) stays with the person. The old
        // address stays in each ad's history for the retention period.
        await tx.execute(sql`update ads set user_id = ${id} where email = ${oldEmail} and user_id is null`);
        await tx.execute(sql`insert into ad_events (ad_id, kind, reason, automated, at)
          select id, 'email_changed', ${`Poster address changed from ${oldEmail} to ${newEmail}`}, false, ${now} from ads where user_id = ${id}`);
        const moved = await tx.execute(sql`update ads set email = ${newEmail} where user_id = ${id} returning id`);
        // Saved searches: the account's, and those confirmed from the old mailbox without signing in.
        await tx.execute(sql`update saved_searches set email = ${newEmail}, user_id = ${id} where user_id = ${id} or (user_id is null and email = ${oldEmail})`);
        // Relay: answers to the account's ads and to its replies go to the new address; the SMTP
        // listener accepts mail from it (the envelope sender is checked against these columns).
        await tx.execute(sql`update relay_threads set poster_email = ${newEmail}, poster_user_id = ${id}
          where poster_user_id = ${id} or ad_id in (select a.id from ads a where a.user_id = ${id})`);
        await tx.execute(sql`update relay_threads t set replier_email = ${newEmail}, replier_user_id = ${id}
          where (t.replier_user_id = ${id} or (t.replier_user_id is null and t.replier_email = ${oldEmail}))
            and not exists (select 1 from relay_threads o where o.ad_id = t.ad_id and o.replier_email = ${newEmail})`);
        await tx.execute(sql`update relay_blocks b set poster_email = ${newEmail}, poster_user_id = ${id}
          where (b.poster_user_id = ${id} or b.poster_email = ${oldEmail})
            and not exists (select 1 from relay_blocks o where o.poster_email = ${newEmail} and o.replier_email = b.replier_email)`);
        // Posters who blocked the old address keep blocking the person: the blocks match by account too.
        await tx.execute(sql`update relay_blocks set replier_user_id = ${id} where replier_email = ${oldEmail} and replier_user_id is null`);
        // A posting block on the old address (suspension, ban) follows the person to the new one.
        await tx.execute(sql`insert into blocked_contacts (kind, value, reason, until, created_at)
          select 'email', ${newEmail}, reason, until, ${now} from blocked_contacts
           where kind = 'email' and value = ${oldEmail} and (until is null or until > ${now})
          on conflict (kind, value) do nothing`);
        await tx.execute(sql`update appeals set email = ${newEmail} where user_id = ${id} and state = 'open'`);
        // Links mailed to the old address (sign-in, reset, other change links) stop working.
        await tx.execute(sql`update account_tokens set used_at = ${now}
          where user_id = ${id} and used_at is null and purpose in ('sign_in', 'reset_password', 'confirm_email', 'change_email')`);
        const keep = keepSession && keepSession.userId === id ? keepSession.sessionId : 0;
        await tx.execute(sql`delete from sessions where user_id = ${id} and id <> ${keep}`);
        return { outcome: 'changed', userId: id, oldEmail, newEmail, adsMoved: rowsOf(moved).length } as const;
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const [token] = await this.db.select({ detail: accountTokens.detail }).from(accountTokens).where(eq(accountTokens.tokenHash, tokenHash));
      return { outcome: 'taken', newEmail: token?.detail ?? '' };
    }
  }
}

/** node-postgres and PGlite both return `{ rows }` from `execute`. */
function rowsOf(result: unknown): unknown[] {
  return (result as { rows?: unknown[] }).rows ?? [];
}
