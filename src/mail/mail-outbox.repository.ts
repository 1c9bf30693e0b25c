/** All SQL for the mail outbox (`mail_outbox`): mail written in a decision's transaction, then delivered. */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { mailOutbox } from '../db/schema.ts';
import type { MailMessage } from './mailer.ts';

/**
 * `next_attempt_at` of a row the outbox gave up on (MailOutbox, `shouldGiveUp`): never due, so the
 * job leaves it alone, and the pending index (`next_attempt_at where sent_at is null`) finds given-up
 * rows as one range. No schema change: "given up" is this date on a row not sent.
 */
export const GAVE_UP_AT = new Date('9999-12-31T00:00:00Z');

/** A row claimed for delivery: this node may send it until the claim's `locked_until` passes. */
export interface ClaimedMail {
  id: number;
  message: MailMessage;
  attempts: number;
  createdAt: Date;
}

/** How many rows wait: to be sent (`pending`, of which `failing` failed at least once) or for an admin (`givenUp`). */
export interface OutboxCounts {
  pending: number;
  failing: number;
  givenUp: number;
}

export interface OutboxRow {
  id: number;
  message: MailMessage;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  sentAt: Date | null;
  lastError: string | null;
}

const claimed = { id: mailOutbox.id, message: mailOutbox.message, attempts: mailOutbox.attempts, createdAt: mailOutbox.createdAt };

/** Pending, and not claimed by anyone (or the claim ran out: its node crashed or stalled). */
const claimable = (now: Date) => and(isNull(mailOutbox.sentAt), or(isNull(mailOutbox.lockedUntil), lte(mailOutbox.lockedUntil, now)));

export class MailOutboxRepository {
  /** `db` is the root handle or a transaction: inserts join the caller's transaction. */
  constructor(private db: Db) {}

  async insert(message: MailMessage, now: Date): Promise<number> {
    const [row] = await this.db.insert(mailOutbox).values({ message, createdAt: now, nextAttemptAt: now }).returning({ id: mailOutbox.id });
    return row!.id;
  }

  /**
   * Claims the given rows that are still pending and unclaimed. A conditional update: when two nodes
   * race for a row, the second one's update waits for the first, sees the claim and skips it.
   */
  async claim(ids: number[], now: Date, lockUntil: Date): Promise<ClaimedMail[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .update(mailOutbox)
      .set({ lockedUntil: lockUntil })
      .where(and(inArray(mailOutbox.id, ids), claimable(now)))
      .returning(claimed);
    return rows.map(toClaimed);
  }

  /** Claims up to `limit` pending rows whose next attempt is due, oldest due first. */
  async claimDue(now: Date, lockUntil: Date, limit: number): Promise<ClaimedMail[]> {
    const due = this.db
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(and(claimable(now), lte(mailOutbox.nextAttemptAt, now)))
      .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    const rows = await this.db
      .update(mailOutbox)
      .set({ lockedUntil: lockUntil })
      .where(and(inArray(mailOutbox.id, due), claimable(now)))
      .returning(claimed);
    return rows.map(toClaimed).sort((a, b) => a.id - b.id);
  }

  async markSent(id: number, now: Date): Promise<void> {
    await this.db
      .update(mailOutbox)
      .set({ sentAt: now, lockedUntil: null, attempts: sql`${mailOutbox.attempts} + 1`, lastError: null })
      .where(eq(mailOutbox.id, id));
  }

  async markFailed(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    await this.db
      .update(mailOutbox)
      .set({ lockedUntil: null, attempts: sql`${mailOutbox.attempts} + 1`, lastError: error.slice(0, 2000), nextAttemptAt })
      .where(and(eq(mailOutbox.id, id), isNull(mailOutbox.sentAt)));
  }

  /** Deletes up to `limit` rows sent before `before`; returns how many went. */
  async purgeSent(before: Date, limit: number): Promise<number> {
    const old = this.db.select({ id: mailOutbox.id }).from(mailOutbox).where(and(isNotNull(mailOutbox.sentAt), lt(mailOutbox.sentAt, before))).limit(limit);
    const rows = await this.db.delete(mailOutbox).where(inArray(mailOutbox.id, old)).returning({ id: mailOutbox.id });
    return rows.length;
  }

  async byId(id: number): Promise<OutboxRow | undefined> {
    const [row] = await this.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    return row ? { ...row, message: row.message as MailMessage } : undefined;
  }

  /** Unsent rows by what they wait for (for the CLI and the admins' mail page). */
  async counts(): Promise<OutboxCounts> {
    const givenUp = gte(mailOutbox.nextAttemptAt, GAVE_UP_AT);
    const [row] = await this.db
      .select({
        pending: sql<number>`count(*) filter (where not (${givenUp}))::int`,
        failing: sql<number>`count(*) filter (where not (${givenUp}) and ${mailOutbox.lastError} is not null)::int`,
        givenUp: sql<number>`count(*) filter (where ${givenUp})::int`,
      })
      .from(mailOutbox)
      .where(isNull(mailOutbox.sentAt));
    return { pending: Number(row?.pending ?? 0), failing: Number(row?.failing ?? 0), givenUp: Number(row?.givenUp ?? 0) };
  }

  /** Unsent rows that failed, newest first: the ones given up, or the ones still being retried. */
  async failedRows(which: 'given_up' | 'retrying', limit: number): Promise<OutboxRow[]> {
    const rows = await this.db
      .select()
      .from(mailOutbox)
      .where(
        and(
          isNull(mailOutbox.sentAt),
          isNotNull(mailOutbox.lastError),
          which === 'given_up' ? gte(mailOutbox.nextAttemptAt, GAVE_UP_AT) : lt(mailOutbox.nextAttemptAt, GAVE_UP_AT),
        ),
      )
      .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
      .limit(limit);
    return rows.map((row) => ({ ...row, message: row.message as MailMessage }));
  }

  /** Makes every given-up row due at `now` again; returns their ids. */
  async requeueAllGivenUp(now: Date): Promise<number[]> {
    const rows = await this.db
      .update(mailOutbox)
      .set({ nextAttemptAt: now })
      .where(and(isNull(mailOutbox.sentAt), gte(mailOutbox.nextAttemptAt, GAVE_UP_AT)))
      .returning({ id: mailOutbox.id });
    return rows.map((r) => r.id).sort((a, b) => a - b);
  }

  /** Makes a given-up row due at `now` again; returns it, or undefined if it was not given up (sent, retried already, unknown). */
  async requeue(id: number, now: Date): Promise<OutboxRow | undefined> {
    const [row] = await this.db
      .update(mailOutbox)
      .set({ nextAttemptAt: now })
      .where(and(eq(mailOutbox.id, id), isNull(mailOutbox.sentAt), gte(mailOutbox.nextAttemptAt, GAVE_UP_AT)))
      .returning();
    return row ? { ...row, message: row.message as MailMessage } : undefined;
  }
}

function toClaimed(row: { id: number; message: unknown; attempts: number; createdAt: Date }): ClaimedMail {
  return { id: row.id, message: row.message as MailMessage, attempts: row.attempts, createdAt: row.createdAt };
}
