/**
 * All SQL for moderation: flags and flagger records, notices, the review queue, statements of
 * reasons and blocked contacts (trusted flaggers: trusted-flagger.repository.ts). Construct it over a transaction (`new
 * ModerationRepository(tx)`) to run several of these in one.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';
import {
  ads,
  appeals,
  blockedContacts,
  flaggerStats,
  flags,
  notices,
  reviewItems,
  statementsOfReasons,
  users,
  type ReviewSource,
} from '../db/schema.ts';
import { CLAIM_MINUTES, rolesOutOfReach, slaDue, type Decider, type PosterAccount, type WeightedFlag } from './policy.ts';
import type { StatementRow } from './statements.ts';

export type FlagRow = typeof flags.$inferSelect;

/** Queue order, matching the index review_items_queue exactly (drizzle writes DESC as DESC NULLS LAST). */
const QUEUE_ORDER = [asc(reviewItems.priority), sql`${reviewItems.trusted} desc nulls last`, asc(reviewItems.createdAt), asc(reviewItems.id)];
export type NoticeRow = typeof notices.$inferSelect;
export type ReviewItemRow = typeof reviewItems.$inferSelect;

export interface QueueEntry {
  item: ReviewItemRow;
  ad: { id: number; title: string; state: string; cityId: number; categoryId: number; thumbKey: string | null; createdAt: Date };
}

export class ModerationRepository {
  constructor(readonly db: Db) {}

  // --- flags ---------------------------------------------------------------------------------

  /** Inserts the flag unless this flagger already flagged this ad; returns undefined for a repeat. */
  async insertFlag(row: typeof flags.$inferInsert): Promise<FlagRow | undefined> {
    const [inserted] = await this.db.insert(flags).values(row).onConflictDoNothing().returning();
    return inserted;
  }

  async ipAlreadyFlagged(adId: number, ipHash: string): Promise<boolean> {
    const rows = await this.db.select({ id: flags.id }).from(flags).where(and(eq(flags.adId, adId), eq(flags.ipHash, ipHash))).limit(1);
    return rows.length > 0;
  }

  async flaggerHistory(key: string): Promise<{ upheld: number; rejected: number } | undefined> {
    const [row] = await this.db.select({ upheld: flaggerStats.upheld, rejected: flaggerStats.rejected }).from(flaggerStats).where(eq(flaggerStats.flaggerKey, key));
    return row;
  }

  /** The ad's undecided flags with their flaggers' current records, for the hold decision. */
  async openFlagWeights(adId: number): Promise<WeightedFlag[]> {
    const rows = await this.db
      .select({ reason: flags.reason, weight: flags.weight, upheld: flaggerStats.upheld, rejected: flaggerStats.rejected })
      .from(flags)
      .leftJoin(flaggerStats, eq(flaggerStats.flaggerKey, flags.flaggerKey))
      .where(and(eq(flags.adId, adId), isNull(flags.outcome)));
    return rows.map((r) => ({ reason: r.reason, weight: r.weight, decided: (r.upheld ?? 0) + (r.rejected ?? 0), trusted: r.weight >= 1 }));
  }

  async flagsOf(adId: number): Promise<FlagRow[]> {
    return this.db.select().from(flags).where(eq(flags.adId, adId)).orderBy(asc(flags.id));
  }

  /** Closes the ad's undecided flags: upheld ones in `upheldReasons` (all when null), the rest rejected; updates each flagger's record. */
  async resolveFlags(adId: number, upheldReasons: readonly string[] | null, now: Date): Promise<void> {
    const open = await this.db.select().from(flags).where(and(eq(flags.adId, adId), isNull(flags.outcome))).for('update');
    for (const f of open) {
      const upheld = upheldReasons === null || upheldReasons.includes(f.reason);
      await this.db.update(flags).set({ outcome: upheld ? 'upheld' : 'rejected' }).where(eq(flags.id, f.id));
      await this.db
        .insert(flaggerStats)
        .values({ flaggerKey: f.flaggerKey, upheld: upheld ? 1 : 0, rejected: upheld ? 0 : 1, updatedAt: now })
        .onConflictDoUpdate({
          target: flaggerStats.flaggerKey,
          set: upheld ? { upheld: sql`${flaggerStats.upheld} + 1`, updatedAt: now } : { rejected: sql`${flaggerStats.rejected} + 1`, updatedAt: now },
        });
    }
  }

  // --- notices -------------------------------------------------------------------------------

  async insertNotice(row: typeof notices.$inferInsert): Promise<NoticeRow> {
    const [inserted] = await this.db.insert(notices).values(row).returning();
    return inserted!;
  }

  /** Records the outcome on the ad's undecided notices and returns them (for the outcome mails). */
  async decideNotices(adId: number, outcome: string, now: Date): Promise<NoticeRow[]> {
    return this.db
      .update(notices)
      .set({ outcome, decidedAt: now })
      .where(and(eq(notices.adId, adId), isNull(notices.decidedAt)))
      .returning();
  }

  async noticesOf(adId: number): Promise<NoticeRow[]> {
    return this.db.select().from(notices).where(eq(notices.adId, adId)).orderBy(asc(notices.id));
  }

  // --- review queue --------------------------------------------------------------------------

  /**
   * Adds the ad to the queue from `source`, or raises the open item it already has from that source
   * (more urgent priority, trusted) without losing its place: one open item per ad and source.
   */
  async enqueue(e: { adId: number; source: ReviewSource; priority: number; trusted: boolean; label: string | null; now: Date }): Promise<ReviewItemRow> {
    const [row] = await this.db
      .insert(reviewItems)
      .values({ adId: e.adId, source: e.source, priority: e.priority, trusted: e.trusted, label: e.label, createdAt: e.now, slaDueAt: slaDue(e.priority, e.now) })
      .onConflictDoUpdate({
        target: [reviewItems.adId, reviewItems.source],
        targetWhere: sql`state = 'open'`,
        set: {
          label: sql`case when excluded.priority < ${reviewItems.priority} then excluded.label else ${reviewItems.label} end`,
          priority: sql`least(${reviewItems.priority}, excluded.priority)`,
          trusted: sql`${reviewItems.trusted} or excluded.trusted`,
          slaDueAt: sql`least(${reviewItems.slaDueAt}, excluded.sla_due_at)`,
        },
      })
      .returning();
    return row!;
  }

  /** Open items in queue order: priority, then trusted flaggers, then oldest. */
  async queue(limit: number, priority?: number): Promise<QueueEntry[]> {
    const rows = await this.db
      .select({
        item: reviewItems,
        ad: { id: ads.id, title: ads.title, state: ads.state, cityId: ads.cityId, categoryId: ads.categoryId, thumbKey: ads.thumbKey, createdAt: ads.createdAt },
      })
      .from(reviewItems)
      .innerJoin(ads, eq(ads.id, reviewItems.adId))
      .where(and(eq(reviewItems.state, 'open'), priority === undefined ? undefined : eq(reviewItems.priority, priority)))
      .orderBy(...QUEUE_ORDER)
      .limit(limit);
    return rows;
  }

  /**
   * One page of open items in queue order, keyset-paged by an item id: `after` gives the items that
   * follow that item, `before` the ones that precede it (returned in queue order). The key is read
   * from the item's row, so the cursor stays exact even if that item was decided meanwhile.
   * Each branch of the UNION is one range scan of `review_items_queue` (the order mixes an ascending
   * priority with a descending `trusted`, which a single row comparison cannot express).
   * Returns `limit` entries and whether more exist beyond them in the paging direction.
   */
  async queuePage(opts: { limit: number; priority?: number; after?: number; before?: number }): Promise<{ entries: QueueEntry[]; more: boolean }> {
    const { limit } = opts;
    const cursor = opts.after ?? opts.before;
    const backward = opts.before !== undefined && opts.after === undefined;
    if (cursor === undefined) {
      const entries = await this.queue(limit + 1, opts.priority);
      return { entries: entries.slice(0, limit), more: entries.length > limit };
    }
    const p = opts.priority === undefined ? sql`true` : sql`priority = ${opts.priority}`;
    const k = (col: string) => sql`(select ${sql.raw(col)} from review_items where id = ${cursor})`;
    const [cmp, dir, revTrusted, prio] = backward ? ['<', 'desc', 'asc nulls first', '<'] : ['>', 'asc', 'desc nulls last', '>'];
    const segment = (where: ReturnType<typeof sql>, order: string) =>
      sql`(select id, priority, trusted, created_at from review_items where state = 'open' and ${p} and ${where} order by ${sql.raw(order)} limit ${limit + 1})`;
    const rows = await this.db.execute<{ id: number }>(sql`
      select id from (
        ${segment(sql`priority = ${k('priority')} and trusted = ${k('trusted')} and (created_at, id) ${sql.raw(cmp)} (${k('created_at')}, ${k('id')})`, `created_at ${dir}, id ${dir}`)}
        union all
        ${segment(sql`priority = ${k('priority')} and trusted = ${backward ? sql`true` : sql`false`} and ${k('trusted')} = ${backward ? sql`false` : sql`true`}`, `created_at ${dir}, id ${dir}`)}
        union all
        ${segment(sql`priority ${sql.raw(prio)} ${k('priority')}`, `priority ${dir}, trusted ${revTrusted}, created_at ${dir}, id ${dir}`)}
      ) s order by priority ${sql.raw(dir)}, trusted ${sql.raw(revTrusted)}, created_at ${sql.raw(dir)}, id ${sql.raw(dir)} limit ${limit + 1}`);
    const ids = rowsOf<{ id: number }>(rows).map((r) => Number(r.id));
    const more = ids.length > limit;
    const page = ids.slice(0, limit);
    if (backward) page.reverse();
    if (page.length === 0) return { entries: [], more };
    const found = await this.db
      .select({
        item: reviewItems,
        ad: { id: ads.id, title: ads.title, state: ads.state, cityId: ads.cityId, categoryId: ads.categoryId, thumbKey: ads.thumbKey, createdAt: ads.createdAt },
      })
      .from(reviewItems)
      .innerJoin(ads, eq(ads.id, reviewItems.adId))
      .where(inArray(reviewItems.id, page));
    const byId = new Map(found.map((r) => [r.item.id, r]));
    return { entries: page.flatMap((id) => byId.get(id) ?? []), more };
  }

  /** Open items and overdue ones per priority. */
  async queueCounts(now: Date): Promise<{ priority: number; open: number; overdue: number }[]> {
    const rows = await this.db
      .select({
        priority: reviewItems.priority,
        open: sql<number>`count(*)::int`,
        overdue: sql<number>`(count(*) filter (where ${reviewItems.slaDueAt} < ${now}))::int`,
      })
      .from(reviewItems)
      .where(eq(reviewItems.state, 'open'))
      .groupBy(reviewItems.priority)
      .orderBy(asc(reviewItems.priority));
    return rows.map((r) => ({ priority: r.priority, open: Number(r.open), overdue: Number(r.overdue) }));
  }

  async item(id: number): Promise<ReviewItemRow | undefined> {
    if (!Number.isSafeInteger(id) || id <= 0) return undefined;
    const [row] = await this.db.select().from(reviewItems).where(eq(reviewItems.id, id));
    return row;
  }

  async itemsOf(adId: number): Promise<ReviewItemRow[]> {
    return this.db.select().from(reviewItems).where(eq(reviewItems.adId, adId)).orderBy(asc(reviewItems.id));
  }

  /**
   * Claims an open item for CLAIM_MINUTES: succeeds only if nobody holds an unexpired claim (or the
   * claimant renews their own). One UPDATE … RETURNING, so two moderators can never both win.
   */
  async claim(id: number, moderatorId: number, now: Date): Promise<ReviewItemRow | undefined> {
    const [row] = await this.db
      .update(reviewItems)
      .set({ claimedBy: moderatorId, claimedUntil: new Date(now.getTime() + CLAIM_MINUTES * 60_000) })
      .where(
        and(
          eq(reviewItems.id, id),
          eq(reviewItems.state, 'open'),
          or(isNull(reviewItems.claimedUntil), lt(reviewItems.claimedUntil, now), eq(reviewItems.claimedBy, moderatorId)),
          notOwnAppeal(moderatorId),
        ),
      )
      .returning();
    return row;
  }

  /**
   * Claims the first unclaimed item in queue order (SKIP LOCKED: concurrent moderators get different
   * items), skipping items this moderator may not decide: appeals against their own decisions, their
   * own ads, and ads of staff of their rank or above (policy.ts `decisionConflict`).
   */
  async claimNext(moderatorId: number, now: Date): Promise<ReviewItemRow | undefined> {
    const decider = await this.decider(moderatorId);
    const next = this.db
      .select({ id: reviewItems.id })
      .from(reviewItems)
      .where(and(eq(reviewItems.state, 'open'), or(isNull(reviewItems.claimedUntil), lt(reviewItems.claimedUntil, now)), notOwnAppeal(moderatorId), notOutOfReach(decider)))
      .orderBy(...QUEUE_ORDER)
      .limit(1)
      .for('update', { skipLocked: true });
    const [row] = await this.db
      .update(reviewItems)
      .set({ claimedBy: moderatorId, claimedUntil: new Date(now.getTime() + CLAIM_MINUTES * 60_000) })
      .where(and(inArray(reviewItems.id, next), or(isNull(reviewItems.claimedUntil), lt(reviewItems.claimedUntil, now))))
      .returning();
    return row;
  }

  /** The staff member about to claim or decide (an id without an account counts as a moderator without an address). */
  async decider(id: number): Promise<Decider> {
    const [row] = Number.isSafeInteger(id) ? await this.db.select({ id: users.id, email: users.email, role: users.role }).from(users).where(eq(users.id, id)) : [];
    return row ?? { id, email: null, role: 'moderator' };
  }

  /** The accounts behind an ad: the one it was posted from and any account with the ad's address. */
  async posterAccounts(ad: { userId: number | null; email: string }): Promise<PosterAccount[]> {
    const sameEmail = sql`lower(${users.email}) = ${ad.email.trim().toLowerCase()}`;
    return this.db
      .select({ id: users.id, email: users.email, role: users.role })
      .from(users)
      .where(and(isNull(users.deletedAt), ad.userId !== null ? or(eq(users.id, ad.userId), sameEmail) : sameEmail));
  }

  async release(id: number, moderatorId: number): Promise<void> {
    await this.db.update(reviewItems).set({ claimedBy: null, claimedUntil: null }).where(and(eq(reviewItems.id, id), eq(reviewItems.claimedBy, moderatorId)));
  }

  async lockItem(id: number): Promise<ReviewItemRow | undefined> {
    const [row] = await this.db.select().from(reviewItems).where(eq(reviewItems.id, id)).for('update');
    return row;
  }

  /** Closes every open item of the ad with the decision, except appeals (they are decided on their own, by another moderator). */
  async closeItems(adId: number, state: 'decided' | 'escalated', decision: string, moderatorId: number | null, now: Date): Promise<number[]> {
    const rows = await this.db
      .update(reviewItems)
      .set({ state, decision, decidedBy: moderatorId, decidedAt: now, claimedUntil: null })
      .where(and(eq(reviewItems.adId, adId), eq(reviewItems.state, 'open'), ne(reviewItems.source, 'appeal')))
      .returning({ id: reviewItems.id });
    return rows.map((r) => r.id);
  }

  /** Closes one item (the other open items of its ad stay open); false if it was not open. */
  async closeItem(id: number, decision: string, moderatorId: number, now: Date): Promise<boolean> {
    const rows = await this.db
      .update(reviewItems)
      .set({ state: 'decided', decision, decidedBy: moderatorId, decidedAt: now, claimedUntil: null })
      .where(and(eq(reviewItems.id, id), eq(reviewItems.state, 'open')))
      .returning({ id: reviewItems.id });
    return rows.length > 0;
  }

  // --- statements of reasons -----------------------------------------------------------------

  async insertStatement(row: StatementRow): Promise<void> {
    await this.db.insert(statementsOfReasons).values(row);
  }

  /** Statements of reasons newest first, keyset-paged by id (`before`: the last id of the previous page). */
  async statementsPage(limit: number, before?: number) {
    return this.db
      .select()
      .from(statementsOfReasons)
      .where(before === undefined ? undefined : lt(statementsOfReasons.id, before))
      .orderBy(desc(statementsOfReasons.id))
      .limit(limit);
  }

  async statementsOf(adId: number) {
    return this.db.select().from(statementsOfReasons).where(eq(statementsOfReasons.adId, adId)).orderBy(asc(statementsOfReasons.id));
  }

  // --- blocked contacts ----------------------------------------------------------------------

  /** Blocks (or extends the block on) a contact; `until` null is for ever. */
  async block(kind: 'email' | 'phone', value: string, reason: string, until: Date | null, now: Date): Promise<void> {
    await this.db
      .insert(blockedContacts)
      .values({ kind, value, reason, until, createdAt: now })
      .onConflictDoUpdate({
        target: [blockedContacts.kind, blockedContacts.value],
        // A ban outlasts a suspension; a longer suspension outlasts a shorter one.
        set: { reason, until: sql`case when ${blockedContacts.until} is null or excluded.until is null then null else greatest(${blockedContacts.until}, excluded.until) end` },
      });
  }

  /**
   * Blocks an address from sending through the relay, to anyone, for ever: a `blocked_contacts` row
   * of kind 'relay' (src/messaging/relay.repository.ts `relayBlocked` checks it). Posting with the
   * address is not affected (that is kind 'email').
   */
  async blockRelay(email: string, reason: string, now: Date): Promise<void> {
    await this.db.execute(sql`insert into ${blockedContacts} (kind, value, reason, until, created_at) values ('relay', ${normaliseEmail(email)}, ${reason}, null, ${now})
      on conflict (kind, value) do update set reason = excluded.reason, until = null`);
  }

  async blockedContact(email: string, phone: string | null, now: Date): Promise<{ kind: string; until: Date | null } | undefined> {
    const contacts = [and(eq(blockedContacts.kind, 'email'), eq(blockedContacts.value, normaliseEmail(email)))];
    if (phone) contacts.push(and(eq(blockedContacts.kind, 'phone'), eq(blockedContacts.value, normalisePhone(phone))));
    const [row] = await this.db
      .select({ kind: blockedContacts.kind, until: blockedContacts.until })
      .from(blockedContacts)
      .where(and(or(...contacts), or(isNull(blockedContacts.until), gt(blockedContacts.until, now))))
      .limit(1);
    return row;
  }
}

/** Not an appeal against a decision this moderator took: they may neither claim nor decide it (DSA Art. 20(6)). */
function notOwnAppeal(moderatorId: number) {
  return sql`not exists (select 1 from ${appeals} where ${appeals.reviewItemId} = ${reviewItems.id} and ${appeals.originalDeciderId} = ${moderatorId})`;
}

/** Not an item about this moderator's own ad, nor about an ad of staff they may not decide on (the SQL twin of policy.ts `decisionConflict`). */
function notOutOfReach(decider: Decider) {
  const roles = rolesOutOfReach(decider.role);
  const ownEmail = decider.email ? sql` or lower(a.email) = ${decider.email.trim().toLowerCase()}` : sql``;
  const staff = roles.length > 0 ? sql` or u.role in (${sql.join(roles.map((r) => sql`${r}`), sql`, `)})` : sql``;
  return sql`not exists (select 1 from ${ads} a left join ${users} u on u.deleted_at is null and (u.id = a.user_id or lower(u.email) = lower(a.email))
    where a.id = ${reviewItems.adId} and (a.user_id = ${decider.id} or u.id = ${decider.id}${ownEmail}${staff}))`;
}

export const normaliseEmail = (e: string) => e.trim().toLowerCase();
/** Digits and a leading +: the same number typed with spaces or dashes blocks alike. */
export const normalisePhone = (p: string) => p.replace(/[^\d+]/g, '');
