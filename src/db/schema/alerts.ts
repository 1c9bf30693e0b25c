import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';

// ---------------------------------------------------------------------------------------------
// Favourites and saved-search alerts (src/favourites/, src/alerts/; design in docs/alerts.md).
// ---------------------------------------------------------------------------------------------

/** Signed-in users' favourites (visitors keep theirs in a signed cookie). No FK to ads: purged ads show as gone. */
export const favourites = pgTable(
  'favourites',
  {
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    adId: bigint('ad_id', { mode: 'number' }).notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.adId] })],
);

export const ALERT_FREQUENCIES = ['instant', 'daily', 'weekly'] as const;
export type AlertFrequency = (typeof ALERT_FREQUENCIES)[number];

/** A saved search: the normalised URL parameters, plus the compiled scope and filters the matcher reads. */
export const savedSearches = pgTable(
  'saved_searches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    userId: bigint('user_id', { mode: 'number' }),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    /** Cities in scope; NULL means everywhere. */
    cityIds: integer('city_ids').array(),
    /** Categories in scope (a top category lists its children); NULL means all. */
    categoryIds: integer('category_ids').array(),
    /** The rest of the compiled SearchQuery: q, price bounds, has photos, field filters. */
    filters: jsonb('filters').$type<Record<string, unknown>>().notNull(),
    frequency: text('frequency').$type<AlertFrequency>().notNull(),
    linkNonce: text('link_nonce').notNull(),
    confirmedAt: timestamptz('confirmed_at'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    index('saved_searches_email').on(t.email),
    index('saved_searches_city_ids').using('gin', t.cityIds).where(sql`confirmed_at is not null`),
    index('saved_searches_everywhere').on(t.frequency).where(sql`confirmed_at is not null and city_ids is null`),
  ],
);

/**
 * Durable alert jobs, claimed with FOR UPDATE SKIP LOCKED and a lease: 'match' jobs cover a window of
 * bumped_at for one frequency; 'deliver' jobs hold the ad ids one saved search's next mail lists.
 */
export const alertJobs = pgTable(
  'alert_jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').$type<'match' | 'deliver'>().notNull(),
    frequency: text('frequency').$type<AlertFrequency>().notNull(),
    savedSearchId: bigint('saved_search_id', { mode: 'number' }).references(() => savedSearches.id, { onDelete: 'cascade' }),
    windowStart: timestamptz('window_start'),
    windowEnd: timestamptz('window_end'),
    adIds: bigint('ad_ids', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
    state: text('state').$type<'pending' | 'done'>().notNull().default('pending'),
    runAfter: timestamptz('run_after').notNull(),
    leaseUntil: timestamptz('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamptz('created_at').notNull(),
    doneAt: timestamptz('done_at'),
  },
  (t) => [
    index('alert_jobs_runnable').on(t.kind, t.runAfter, t.id).where(sql`state = 'pending'`),
    uniqueIndex('alert_jobs_one_pending_delivery').on(t.savedSearchId).where(sql`kind = 'deliver' and state = 'pending'`),
    uniqueIndex('alert_jobs_match_window').on(t.frequency, t.windowStart).where(sql`kind = 'match'`),
    index('alert_jobs_done').on(t.doneAt).where(sql`state = 'done'`),
  ],
);

/** Each ad goes to a saved search at most once, ever: written in the transaction that completes the delivery. */
export const sentAlerts = pgTable(
  'sent_alerts',
  {
    savedSearchId: bigint('saved_search_id', { mode: 'number' })
      .notNull()
      .references(() => savedSearches.id, { onDelete: 'cascade' }),
    adId: bigint('ad_id', { mode: 'number' }).notNull(),
    sentAt: timestamptz('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.savedSearchId, t.adId] })],
);
