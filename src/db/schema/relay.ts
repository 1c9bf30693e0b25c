import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, pgTable, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';
import { ads } from './marketplace.ts';

// ---------------------------------------------------------------------------------------------
// Anonymous reply relay (src/messaging/; design in docs/relay.md): one thread per (ad, replier),
// each side with its own relay identity; blocks by poster, reports for moderation.
// ---------------------------------------------------------------------------------------------

/** A conversation between an ad's poster and one replier. Addresses are stored lower-case. */
export const relayThreads = pgTable(
  'relay_threads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    adId: bigint('ad_id', { mode: 'number' })
      .notNull()
      .references(() => ads.id, { onDelete: 'cascade' }),
    posterEmail: text('poster_email').notNull(),
    posterUserId: bigint('poster_user_id', { mode: 'number' }),
    replierEmail: text('replier_email').notNull(),
    replierUserId: bigint('replier_user_id', { mode: 'number' }),
    /** Local parts of the relay identities: the replier writes to posterAlias, the poster to replierAlias. */
    posterAlias: text('poster_alias').notNull(),
    replierAlias: text('replier_alias').notNull(),
    /** Signs the thread page links; changing it revokes them. */
    linkNonce: text('link_nonce').notNull(),
    /** When the replier confirmed their address (null: the first message waits for the mailed link). */
    confirmedAt: timestamptz('confirmed_at'),
    createdAt: timestamptz('created_at').notNull(),
    lastMessageAt: timestamptz('last_message_at').notNull(),
    /** When the relay was first seen closed (ad expired, deleted, removed); bodies are purged 30 days on. */
    closedAt: timestamptz('closed_at'),
    purgedAt: timestamptz('purged_at'),
  },
  (t) => [
    uniqueIndex('relay_threads_ad_replier').on(t.adId, t.replierEmail),
    uniqueIndex('relay_threads_poster_alias').on(t.posterAlias),
    uniqueIndex('relay_threads_replier_alias').on(t.replierAlias),
    index('relay_threads_replier_created').on(t.replierEmail, t.createdAt),
    index('relay_threads_replier_user').on(t.replierUserId, t.createdAt).where(sql`replier_user_id is not null`),
    index('relay_threads_closed').on(t.closedAt).where(sql`purged_at is null`),
  ],
);

export const RELAY_SIDES = ['poster', 'replier'] as const;
export type RelaySide = (typeof RELAY_SIDES)[number];

/** One message. 'pending': waits for the replier's confirmation; 'dropped': from a blocked replier, never delivered. */
export const relayMessages = pgTable(
  'relay_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    threadId: bigint('thread_id', { mode: 'number' })
      .notNull()
      .references(() => relayThreads.id, { onDelete: 'cascade' }),
    fromSide: text('from_side').$type<RelaySide>().notNull(),
    via: text('via').$type<'web' | 'mail'>().notNull(),
    body: text('body').notNull(),
    attachmentsDropped: smallint('attachments_dropped').notNull().default(0),
    state: text('state').$type<'pending' | 'delivered' | 'dropped'>().notNull(),
    createdAt: timestamptz('created_at').notNull(),
    deliveredAt: timestamptz('delivered_at'),
    /** Scam risk kinds found when the message was accepted (src/messaging/message-risk.ts); its reader saw a warning. */
    riskKinds: text('risk_kinds').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [index('relay_messages_thread').on(t.threadId, t.id)],
);

/** A poster's block of a replier, for all of the poster's ads: matched by address or by account. */
export const relayBlocks = pgTable(
  'relay_blocks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    posterEmail: text('poster_email').notNull(),
    posterUserId: bigint('poster_user_id', { mode: 'number' }),
    replierEmail: text('replier_email').notNull(),
    replierUserId: bigint('replier_user_id', { mode: 'number' }),
    threadId: bigint('thread_id', { mode: 'number' }),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('relay_blocks_poster_replier').on(t.posterEmail, t.replierEmail),
    index('relay_blocks_replier').on(t.replierEmail),
    index('relay_blocks_replier_user').on(t.replierUserId).where(sql`replier_user_id is not null`),
  ],
);

/** A reported message or thread, for the moderation queue (src/moderation/). */
export const messageReports = pgTable(
  'message_reports',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    threadId: bigint('thread_id', { mode: 'number' })
      .notNull()
      .references(() => relayThreads.id, { onDelete: 'cascade' }),
    messageId: bigint('message_id', { mode: 'number' }),
    reporterSide: text('reporter_side').$type<RelaySide>().notNull(),
    reason: text('reason').notNull(),
    details: text('details'),
    state: text('state').$type<'open' | 'closed'>().notNull().default('open'),
    createdAt: timestamptz('created_at').notNull(),
    resolvedAt: timestamptz('resolved_at'),
  },
  (t) => [index('message_reports_open').on(t.createdAt).where(sql`state = 'open'`), index('message_reports_thread').on(t.threadId)],
);
