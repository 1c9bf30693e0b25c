/**
 * SQL for trusted flaggers (DSA Art. 22): organisations known by an account, an exact address or a
 * whole address domain, whose notices and flags go to the front of the queue.
 */
import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { flags, notices, trustedFlaggers, users } from '../db/schema.ts';

export type TrustedFlaggerRow = typeof trustedFlaggers.$inferSelect;

export class TrustedFlaggerRepository {
  constructor(readonly db: Db) {}

  async add(kind: 'account' | 'email' | 'domain', value: string, organisation: string): Promise<void> {
    await this.db.insert(trustedFlaggers).values({ kind, value: value.toLowerCase(), organisation }).onConflictDoNothing();
  }

  /**
   * Every trusted flagger for the admin page, newest first: an account entry with the account's
   * current address, and how many notices matched it and (account entries only: flags check just
   * the account) how many flags its account has made.
   */
  async list(): Promise<(TrustedFlaggerRow & { accountEmail: string | null; notices: number; flags: number })[]> {
    return this.db
      .select({
        id: trustedFlaggers.id,
        kind: trustedFlaggers.kind,
        value: trustedFlaggers.value,
        organisation: trustedFlaggers.organisation,
        createdAt: trustedFlaggers.createdAt,
        accountEmail: users.email,
        notices: sql<number>`(select count(*) from ${notices} where ${notices.trustedFlaggerId} = ${trustedFlaggers.id})::int`,
        flags: sql<number>`(select count(*) from ${flags} where ${trustedFlaggers.kind} = 'account' and ${flags.userId} = ${users.id})::int`,
      })
      .from(trustedFlaggers)
      .leftJoin(users, and(eq(trustedFlaggers.kind, 'account'), sql`${users.id}::text = ${trustedFlaggers.value}`))
      .orderBy(desc(trustedFlaggers.createdAt), desc(trustedFlaggers.id));
  }

  async findEntry(kind: TrustedFlaggerRow['kind'], value: string): Promise<TrustedFlaggerRow | undefined> {
    const [row] = await this.db.select().from(trustedFlaggers).where(and(eq(trustedFlaggers.kind, kind), eq(trustedFlaggers.value, value)));
    return row;
  }

  /** The new entry, or undefined if the same kind and value is already there. */
  async insert(kind: TrustedFlaggerRow['kind'], value: string, organisation: string, createdAt: Date): Promise<TrustedFlaggerRow | undefined> {
    const [row] = await this.db.insert(trustedFlaggers).values({ kind, value, organisation, createdAt }).onConflictDoNothing().returning();
    return row;
  }

  /** The removed entry, or undefined if there was none. Notices keep its id (no foreign key) as history. */
  async delete(id: number): Promise<TrustedFlaggerRow | undefined> {
    const [row] = await this.db.delete(trustedFlaggers).where(eq(trustedFlaggers.id, id)).returning();
    return row;
  }

  /** The trusted-flagger entry matching this account, exact address or address domain, if any. */
  async findMatching(userId: number | null, email: string | null): Promise<TrustedFlaggerRow | undefined> {
    const conditions = [];
    if (userId !== null) conditions.push(and(eq(trustedFlaggers.kind, 'account'), eq(trustedFlaggers.value, String(userId))));
    if (email) {
      const address = email.toLowerCase();
      conditions.push(and(eq(trustedFlaggers.kind, 'email'), eq(trustedFlaggers.value, address)));
      const domain = address.split('@')[1];
      if (domain) conditions.push(and(eq(trustedFlaggers.kind, 'domain'), eq(trustedFlaggers.value, domain)));
    }
    if (conditions.length === 0) return undefined;
    const [row] = await this.db.select().from(trustedFlaggers).where(or(...conditions)).limit(1);
    return row;
  }
}
