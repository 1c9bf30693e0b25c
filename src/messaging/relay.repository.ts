/** All database access for the anonymous reply relay: threads, messages, blocks and message reports. */
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { ads, blockedContacts, messageReports, relayBlocks, relayMessages, relayThreads, users, type AdState, type RelaySide } from '../db/schema.ts';

export type ThreadRow = typeof relayThreads.$inferSelect;
export type NewThreadRow = typeof relayThreads.$inferInsert;
export type MessageRow = typeof relayMessages.$inferSelect;
export type MessageReportRow = typeof messageReports.$inferSelect;

/** A thread found by one of its relay identities, with the ad fields that decide whether it is open. */
export interface AliasTarget {
  thread: ThreadRow;
  /** The side that owns the identity: mail to it is read by this side. */
  owner: RelaySide;
  ad: { id: number; title: string; state: AdState; expiresAt: Date; userId: number | null; email: string };
}

/** What a poster sees about a replier before answering. */
export interface ReplierScreening {
  accountCreatedAt: Date | null;
  emailConfirmedAt: Date | null;
  emailVerified: boolean;
  phoneVerified: boolean;
  adsRepliedLastDay: number;
  blockedByOtherPosters: number;
  /** This replier's sent messages (any ad) that carried a scam warning, and the kinds seen (message-risk.ts). */
  riskyMessages: number;
  riskKinds: string[];
}

/** The screening facts and whether this poster blocked this replier, from one statement. */
export interface ReplierFacts {
  screening: ReplierScreening;
  blocked: boolean;
  /** A moderator blocked the replier's address from the relay (`blocked_contacts` kind 'relay'): dropped, whoever the poster. */
  relayBlocked: boolean;
  /** The replier's account's moderation state (src/accounts/restriction.ts); all null without an account. */
  account: { suspendedUntil: Date | null; bannedAt: Date | null };
}

/**
 * Screening facts and the poster's block for one poster-bound message, in one statement. The account
 * is found by id when the thread knows it, else by verified address (two variants, so each uses its
 * index). Blocks match by address or account on both sides, as `isBlocked`.
 */
function replierFactsQuery(db: Db, byUser: boolean) {
  const p = (name: string) => sql.placeholder(name);
  const accountWhere = byUser ? sql`u.id = ${p('replierUserId')}` : sql`u.email = ${p('replierEmail')} and u.email_verified_at is not null`;
  return db
    .select({
      accountId: sql<number | null>`acc.id`,
      accountCreatedAt: sql<string | null>`acc.created_at`,
      emailVerifiedAt: sql<string | null>`acc.email_verified_at`,
      phoneVerifiedAt: sql<string | null>`acc.phone_verified_at`,
      suspendedUntil: sql<string | null>`acc.suspended_until`,
      bannedAt: sql<string | null>`acc.banned_at`,
      firstConfirmed: sql<string | null>`(select min(t.confirmed_at) from relay_threads t where t.replier_email = ${p('replierEmail')})`,
      day: sql<number>`(select count(distinct t.ad_id)::int from relay_threads t where (t.replier_email = ${p('replierEmail')} or t.replier_user_id = acc.id) and t.created_at > ${p('since')} and t.confirmed_at is not null)`,
      blockedByOthers: sql<number>`(select count(distinct b.poster_email)::int from relay_blocks b where (b.replier_email = ${p('replierEmail')} or b.replier_user_id = acc.id) and b.poster_email <> ${p('posterEmail')})`,
      blockedHere: sql<boolean>`exists (select 1 from relay_blocks b where (b.poster_email = ${p('posterEmail')} or b.poster_user_id = ${p('posterUserId')}::bigint) and (b.replier_email = ${p('replierEmail')} or b.replier_user_id = ${p('threadReplierUserId')}::bigint))`,
      // Sent messages only: a pending one may come from someone typing another person's address.
      risky: sql<number>`(select count(*)::int from relay_messages m join relay_threads t on t.id = m.thread_id where (t.replier_email = ${p('replierEmail')} or t.replier_user_id = acc.id) and m.from_side = 'replier' and m.state <> 'pending' and cardinality(m.risk_kinds) > 0)`,
      riskKinds: sql<string | null>`(select string_agg(distinct k, ',') from relay_messages m join relay_threads t on t.id = m.thread_id cross join unnest(m.risk_kinds) k where (t.replier_email = ${p('replierEmail')} or t.replier_user_id = acc.id) and m.from_side = 'replier' and m.state <> 'pending')`,
      relayBlocked: sql<boolean>`exists (select 1 from blocked_contacts c where c.kind = 'relay' and c.value = ${p('replierEmail')} and (c.until is null or c.until > ${p('now')}::timestamptz))`,
    })
    .from(sql`(select 1) as one left join lateral (select u.id, u.created_at, u.email_verified_at, u.phone_verified_at, u.suspended_until, u.banned_at from users u where u.deleted_at is null and ${accountWhere} limit 1) acc on true`)
    .prepare(byUser ? 'relay_replier_facts_by_user' : 'relay_replier_facts_by_email');
}

export class RelayRepository {
  // Prepared once: these run for every relayed message, and building their SQL text each time was
  // a tenth of the relay's CPU (bench/relay.bench.ts profile, docs/relay.md).
  private byAliasQuery;
  private insertMessageQuery;
  private touchThreadQuery;
  private factsByUser;
  private factsByEmail;

  constructor(private db: Db) {
    const alias = sql.placeholder('alias');
    this.byAliasQuery = db
      .select({ thread: relayThreads, ad: { id: ads.id, title: ads.title, state: ads.state, expiresAt: ads.expiresAt, userId: ads.userId, email: ads.email } })
      .from(relayThreads)
      .innerJoin(ads, eq(ads.id, relayThreads.adId))
      .where(or(eq(relayThreads.posterAlias, alias), eq(relayThreads.replierAlias, alias)))
      .limit(1)
      .prepare('relay_by_alias');
    this.insertMessageQuery = db
      .insert(relayMessages)
      .values({
        threadId: sql.placeholder('threadId'),
        fromSide: sql.placeholder('fromSide'),
        via: sql.placeholder('via'),
        body: sql.placeholder('body'),
        attachmentsDropped: sql.placeholder('attachmentsDropped'),
        state: sql.placeholder('state'),
        riskKinds: sql.placeholder('riskKinds'),
        // Raw placeholders: the column encoder would call toISOString() on a null delivery time.
        createdAt: sql`${sql.placeholder('createdAt')}::timestamptz`,
        deliveredAt: sql`${sql.placeholder('deliveredAt')}::timestamptz`,
      })
      .returning()
      .prepare('relay_insert_message');
    this.touchThreadQuery = db
      .update(relayThreads)
      .set({ lastMessageAt: sql`${sql.placeholder('at')}::timestamptz` })
      .where(eq(relayThreads.id, sql.placeholder('id')))
      .prepare('relay_touch_thread');
    this.factsByUser = replierFactsQuery(db, true);
    this.factsByEmail = replierFactsQuery(db, false);
  }

  // --- threads -------------------------------------------------------------------------------

  async findThread(id: number): Promise<ThreadRow | undefined> {
    if (!Number.isSafeInteger(id) || id <= 0) return undefined;
    const [row] = await this.db.select().from(relayThreads).where(eq(relayThreads.id, id));
    return row;
  }

  async findThreadFor(adId: number, replierEmail: string): Promise<ThreadRow | undefined> {
    const [row] = await this.db
      .select()
      .from(relayThreads)
      .where(and(eq(relayThreads.adId, adId), eq(relayThreads.replierEmail, replierEmail)));
    return row;
  }

  /** Inserts a thread, or returns the existing one for (ad, replier) when two first replies race. */
  async insertThread(values: NewThreadRow): Promise<ThreadRow> {
    const [row] = await this.db.insert(relayThreads).values(values).onConflictDoNothing({ target: [relayThreads.adId, relayThreads.replierEmail] }).returning();
    return row ?? (await this.findThreadFor(values.adId, values.replierEmail))!;
  }

  async updateThread(id: number, patch: Partial<NewThreadRow>): Promise<void> {
    await this.db.update(relayThreads).set(patch).where(eq(relayThreads.id, id));
  }

  /** Resolves a relay identity's local part in one indexed query. */
  async byAlias(alias: string): Promise<AliasTarget | undefined> {
    const [row] = await this.byAliasQuery.execute({ alias });
    if (!row) return undefined;
    return { thread: row.thread, ad: row.ad, owner: row.thread.posterAlias === alias ? 'poster' : 'replier' };
  }

  // --- messages ------------------------------------------------------------------------------

  /** Stores a message and moves the thread's last-message time; the two statements run side by side. */
  async insertMessage(values: typeof relayMessages.$inferInsert): Promise<MessageRow> {
    const createdAt = values.createdAt;
    const [[row]] = await Promise.all([
      this.insertMessageQuery.execute({
        threadId: values.threadId,
        fromSide: values.fromSide,
        via: values.via,
        body: values.body,
        attachmentsDropped: values.attachmentsDropped ?? 0,
        state: values.state,
        riskKinds: values.riskKinds ?? [],
        createdAt,
        deliveredAt: values.deliveredAt ?? null,
      }),
      this.touchThreadQuery.execute({ id: values.threadId, at: createdAt }),
    ]);
    return row!;
  }

  async findMessage(id: number): Promise<MessageRow | undefined> {
    if (!Number.isSafeInteger(id) || id <= 0) return undefined;
    const [row] = await this.db.select().from(relayMessages).where(eq(relayMessages.id, id));
    return row;
  }

  async messagesOf(threadId: number): Promise<MessageRow[]> {
    return this.db.select().from(relayMessages).where(eq(relayMessages.threadId, threadId)).orderBy(asc(relayMessages.id));
  }

  /** Moves a message out of 'pending'; false if another request already did. */
  async settleMessage(id: number, state: 'delivered' | 'dropped', at: Date): Promise<boolean> {
    const rows = await this.db
      .update(relayMessages)
      .set({ state, deliveredAt: state === 'delivered' ? at : null })
      .where(and(eq(relayMessages.id, id), eq(relayMessages.state, 'pending')))
      .returning({ id: relayMessages.id });
    return rows.length > 0;
  }

  /** Replies received per ad: confirmed threads (people who wrote), for the poster's "My ads". */
  async replyCountsByAd(adIds: number[]): Promise<Map<number, number>> {
    const counts = new Map<number, number>(adIds.map((id) => [id, 0]));
    if (adIds.length === 0) return counts;
    const rows = await this.db
      .select({ adId: relayThreads.adId, n: sql<number>`count(*)::int` })
      .from(relayThreads)
      .where(and(inArray(relayThreads.adId, adIds), isNotNull(relayThreads.confirmedAt)))
      .groupBy(relayThreads.adId);
    for (const r of rows) counts.set(r.adId, Number(r.n));
    return counts;
  }

  // --- screening, blocks, reports -----------------------------------------------------------

  /** The account behind a replier: the one the thread records, else a verified account with that address. */
  async accountOf(email: string, userId: number | null) {
    const [row] = await this.db
      .select({ id: users.id, createdAt: users.createdAt, emailVerifiedAt: users.emailVerifiedAt, phoneVerifiedAt: users.phoneVerifiedAt, suspendedUntil: users.suspendedUntil, bannedAt: users.bannedAt })
      .from(users)
      .where(and(isNull(users.deletedAt), userId !== null ? eq(users.id, userId) : and(eq(users.email, email), isNotNull(users.emailVerifiedAt))))
      .limit(1);
    return row;
  }

  /** What a poster sees about a replier (the thread page). */
  async screening(thread: ThreadRow, now: Date): Promise<ReplierScreening> {
    return (await this.replierFacts(thread, thread.posterUserId, now)).screening;
  }

  /** Screening facts and the poster's block in one statement: it runs for every message a poster receives. */
  async replierFacts(thread: ThreadRow, posterUserId: number | null, now: Date): Promise<ReplierFacts> {
    const params = {
      replierUserId: thread.replierUserId,
      replierEmail: thread.replierEmail,
      posterEmail: thread.posterEmail,
      posterUserId,
      threadReplierUserId: thread.replierUserId,
      since: new Date(now.getTime() - 24 * 3600_000),
      now,
    };
    const [row] = await (thread.replierUserId !== null ? this.factsByUser : this.factsByEmail).execute(params);
    const date = (v: string | Date | null | undefined) => (v ? new Date(v) : null);
    return {
      screening: {
        accountCreatedAt: row?.accountId != null ? date(row.accountCreatedAt) : null,
        emailConfirmedAt: date(row?.firstConfirmed),
        emailVerified: row?.accountId != null ? row.emailVerifiedAt !== null : thread.confirmedAt !== null,
        phoneVerified: row?.accountId != null ? row.phoneVerifiedAt !== null : false,
        adsRepliedLastDay: Number(row?.day ?? 0),
        blockedByOtherPosters: Number(row?.blockedByOthers ?? 0),
        riskyMessages: Number(row?.risky ?? 0),
        riskKinds: row?.riskKinds ? row.riskKinds.split(',') : [],
      },
      blocked: row?.blockedHere === true || (row?.blockedHere as unknown) === 't',
      relayBlocked: row?.relayBlocked === true || (row?.relayBlocked as unknown) === 't',
      account: { suspendedUntil: date(row?.suspendedUntil), bannedAt: date(row?.bannedAt) },
    };
  }

  async insertBlock(values: typeof relayBlocks.$inferInsert): Promise<void> {
    await this.db.insert(relayBlocks).values(values).onConflictDoNothing();
  }

  async removeBlock(posterEmail: string, replierEmail: string): Promise<void> {
    await this.db.delete(relayBlocks).where(and(eq(relayBlocks.posterEmail, posterEmail), eq(relayBlocks.replierEmail, replierEmail)));
  }

  /** Whether this poster (by address or account) blocked this replier (by address or account). */
  async isBlocked(poster: { email: string; userId: number | null }, replier: { email: string; userId: number | null }): Promise<boolean> {
    const rows = await this.db
      .select({ id: relayBlocks.id })
      .from(relayBlocks)
      .where(
        and(
          poster.userId !== null ? or(eq(relayBlocks.posterEmail, poster.email), eq(relayBlocks.posterUserId, poster.userId)) : eq(relayBlocks.posterEmail, poster.email),
          replier.userId !== null ? or(eq(relayBlocks.replierEmail, replier.email), eq(relayBlocks.replierUserId, replier.userId)) : eq(relayBlocks.replierEmail, replier.email),
        ),
      )
      .limit(1);
    return rows.length > 0;
  }

  /**
   * Whether a moderator blocked this address from sending through the relay to anyone
   * (`blocked_contacts` of kind 'relay', written by src/moderation/replier-decisions.ts).
   */
  async relayBlocked(email: string, now: Date): Promise<boolean> {
    const rows = await this.db
      .select({ id: blockedContacts.id })
      .from(blockedContacts)
      .where(and(sql`${blockedContacts.kind} = 'relay'`, eq(blockedContacts.value, email.trim().toLowerCase()), or(isNull(blockedContacts.until), gt(blockedContacts.until, now))))
      .limit(1);
    return rows.length > 0;
  }

  async insertReport(values: typeof messageReports.$inferInsert): Promise<number> {
    const [row] = await this.db.insert(messageReports).values(values).returning({ id: messageReports.id });
    return row!.id;
  }

  /** Open message reports, oldest first, with their thread: the moderation queue reads this. */
  async listOpenMessageReports(limit = 100): Promise<{ report: MessageReportRow; thread: ThreadRow }[]> {
    return this.db
      .select({ report: messageReports, thread: relayThreads })
      .from(messageReports)
      .innerJoin(relayThreads, eq(relayThreads.id, messageReports.threadId))
      .where(eq(messageReports.state, 'open'))
      .orderBy(asc(messageReports.createdAt), asc(messageReports.id))
      .limit(limit);
  }

  async resolveMessageReport(id: number, at: Date): Promise<void> {
    await this.db.update(messageReports).set({ state: 'closed', resolvedAt: at }).where(eq(messageReports.id, id));
  }

  /** Every report about the ad's threads, newest first, each with its whole thread: the staff review page shows them. */
  async reportsForAd(adId: number): Promise<{ report: MessageReportRow; thread: ThreadRow; messages: MessageRow[] }[]> {
    const rows = await this.db
      .select({ report: messageReports, thread: relayThreads })
      .from(messageReports)
      .innerJoin(relayThreads, eq(relayThreads.id, messageReports.threadId))
      .where(eq(relayThreads.adId, adId))
      .orderBy(desc(messageReports.createdAt), desc(messageReports.id))
      .limit(20);
    const threadIds = [...new Set(rows.map((r) => r.thread.id))];
    const messages = threadIds.length === 0 ? [] : await this.db.select().from(relayMessages).where(inArray(relayMessages.threadId, threadIds)).orderBy(asc(relayMessages.id));
    return rows.map((r) => ({ ...r, messages: messages.filter((m) => m.threadId === r.thread.id) }));
  }

  /** Closes the open reports about the ad's threads: a moderator decided the ad's review items. */
  async resolveReportsOfAd(adId: number, at: Date): Promise<void> {
    await this.db
      .update(messageReports)
      .set({ state: 'closed', resolvedAt: at })
      .where(and(eq(messageReports.state, 'open'), inArray(messageReports.threadId, this.db.select({ id: relayThreads.id }).from(relayThreads).where(eq(relayThreads.adId, adId)))));
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /**
   * Stamps threads whose ad stopped being live (expired, deleted, removed, held), clears the stamp
   * if the ad is live again, and empties the bodies of threads closed before `purgeBefore`.
   */
  async closeAndPurge(now: Date, purgeBefore: Date): Promise<{ closed: number; purged: number }> {
    const closed = await this.db
      .update(relayThreads)
      .set({ closedAt: now })
      .where(
        and(
          isNull(relayThreads.closedAt),
          sql`exists (select 1 from ${ads} where ${ads.id} = ${relayThreads.adId} and (${ads.state} <> 'published' or ${ads.expiresAt} <= ${now}))`,
        ),
      )
      .returning({ id: relayThreads.id });
    await this.db
      .update(relayThreads)
      .set({ closedAt: null })
      .where(
        and(
          isNotNull(relayThreads.closedAt),
          isNull(relayThreads.purgedAt),
          sql`exists (select 1 from ${ads} where ${ads.id} = ${relayThreads.adId} and ${ads.state} = 'published' and ${ads.expiresAt} > ${now})`,
        ),
      );
    const due = await this.db
      .select({ id: relayThreads.id })
      .from(relayThreads)
      .where(and(isNull(relayThreads.purgedAt), lt(relayThreads.closedAt, purgeBefore)))
      .orderBy(desc(relayThreads.closedAt))
      .limit(1000);
    const ids = due.map((r) => r.id);
    if (ids.length > 0) {
      await this.db.transaction(async (tx) => {
        await tx.update(relayMessages).set({ body: '' }).where(inArray(relayMessages.threadId, ids));
        await tx.update(relayThreads).set({ purgedAt: now }).where(inArray(relayThreads.id, ids));
      });
    }
    return { closed: closed.length, purged: ids.length };
  }
}
