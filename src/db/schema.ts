/**
 * The database schema, one dialect (PostgreSQL) for both PGlite and a PostgreSQL server.
 * Migrations in src/db/migrations are generated from this file by `npm run db:generate`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const countries = pgTable('countries', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  currency: text('currency').notNull(),
});

export const regions = pgTable(
  'regions',
  {
    id: serial('id').primaryKey(),
    countryCode: text('country_code').notNull().references(() => countries.code),
    code: text('code').notNull(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
  },
  (t) => [uniqueIndex('regions_country_slug').on(t.countryCode, t.slug)],
);

export const cities = pgTable(
  'cities',
  {
    id: integer('id').primaryKey(), // GeoNames id: stable across re-seeding
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    regionId: integer('region_id').notNull().references(() => regions.id),
    countryCode: text('country_code').notNull().references(() => countries.code),
    population: integer('population').notNull(),
    lat: doublePrecision('lat').notNull(),
    lon: doublePrecision('lon').notNull(),
    currency: text('currency').notNull(),
  },
  (t) => [index('cities_region').on(t.regionId)],
);

export const categories = pgTable('categories', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  parentId: integer('parent_id'),
  position: smallint('position').notNull().default(0),
  expiryDays: smallint('expiry_days').notNull().default(30),
  /** An archived category takes no new ads and leaves the menus; its ads keep their category. */
  archivedAt: timestamptz('archived_at'),
});

/** Ad states: pending → published | held | rejected, then expired, removed, deleted. */
export const AD_STATES = ['unconfirmed', 'pending', 'published', 'held', 'rejected', 'expired', 'removed', 'deleted'] as const;
export type AdState = (typeof AD_STATES)[number];

export const ads = pgTable(
  'ads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    state: text('state').$type<AdState>().notNull(),
    stateReason: text('state_reason'),
    // Seam for accounts: ads posted without an account carry only the confirmed e-mail.
    userId: bigint('user_id', { mode: 'number' }),
    email: text('email').notNull(),
    cityId: integer('city_id').notNull().references(() => cities.id),
    categoryId: integer('category_id').notNull().references(() => categories.id),
    neighbourhood: text('neighbourhood'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    price: bigint('price', { mode: 'number' }),
    currency: text('currency'),
    fields: jsonb('fields').$type<Record<string, string | number | boolean>>().notNull().default({}),
    contactMode: text('contact_mode').$type<'relay' | 'phone'>().notNull().default('relay'),
    phone: text('phone'),
    photoCount: smallint('photo_count').notNull().default(0),
    thumbKey: text('thumb_key'),
    screening: jsonb('screening').$type<unknown>(),
    // The private confirm and manage links are HMACs of the id and this nonce under the site key:
    // reminders can re-create the link, and changing the nonce revokes every old link.
    linkNonce: text('link_nonce').notNull(),
    itemFingerprint: text('item_fingerprint').notNull(),
    posterIp: text('poster_ip'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    confirmedAt: timestamptz('confirmed_at'),
    publishedAt: timestamptz('published_at'),
    // The listing order: set on first publication and again on each renewal.
    bumpedAt: timestamptz('bumped_at').notNull().defaultNow(),
    renewedAt: timestamptz('renewed_at'),
    expiresAt: timestamptz('expires_at').notNull(),
    reminderSentAt: timestamptz('reminder_sent_at'),
    deletedAt: timestamptz('deleted_at'),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        // Place and category lexemes ('city_<id>', 'cat_<id>') let one GIN scan intersect a common
        // word with a city: user text can never produce them, as the parser splits on '_'.
        sql`setweight(to_tsvector('english', coalesce("title", '')), 'A') || setweight(to_tsvector('english', coalesce("body", '')), 'B') || array_to_tsvector(array['city_' || "city_id"::text, 'cat_' || "category_id"::text])`,
      ),
  },
  (t) => [
    index('ads_search').using('gin', t.search),
    index('ads_published_city_category_bumped')
      .on(t.cityId, t.categoryId, t.bumpedAt.desc(), t.id.desc())
      .where(sql`state = 'published'`),
    index('ads_published_city_bumped').on(t.cityId, t.bumpedAt.desc(), t.id.desc()).where(sql`state = 'published'`),
    index('ads_published_bumped').on(t.bumpedAt.desc(), t.id.desc()).where(sql`state = 'published'`),
    index('ads_published_category_bumped')
      .on(t.categoryId, t.bumpedAt.desc(), t.id.desc())
      .where(sql`state = 'published'`),
    index('ads_fingerprint').on(t.itemFingerprint, t.createdAt),
    index('ads_email').on(t.email),
    index('ads_user').on(t.userId, t.createdAt.desc()).where(sql`user_id is not null`), // My ads (src/accounts)
    index('ads_expiry').on(t.expiresAt).where(sql`state = 'published'`),
  ],
);

export const adPhotos = pgTable(
  'ad_photos',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    adId: bigint('ad_id', { mode: 'number' })
      .notNull()
      .references(() => ads.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    storageKey: text('storage_key').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    sha256: text('sha256').notNull(),
    pdq: text('pdq'),
    pdqQuality: smallint('pdq_quality'),
  },
  (t) => [
    uniqueIndex('ad_photos_ad_position').on(t.adId, t.position),
    index('ad_photos_sha256').on(t.sha256),
    index('ad_photos_storage_key').on(t.storageKey),
  ],
);

/** Site-wide settings the app creates on first start and every node shares, such as the link-signing key. */
export const appSettings = pgTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Every state change of an ad, with who or what made it: the poster-facing history and the moderation trail. */
export const adEvents = pgTable(
  'ad_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    adId: bigint('ad_id', { mode: 'number' })
      .notNull()
      .references(() => ads.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    reason: text('reason'),
    automated: boolean('automated').notNull().default(true),
    at: timestamptz('at').notNull().defaultNow(),
  },
  (t) => [index('ad_events_ad').on(t.adId, t.at)],
);

// ---------------------------------------------------------------------------------------------
// Screening stores (src/screening-store/): the engine's entity index, template store and image
// hash banks, persisted so every node and every restart screens against the same history.
// ---------------------------------------------------------------------------------------------

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/** One row per (entity, ad): phones, e-mails, handles, URLs, image hashes, IPs linked to ads. */
export const screeningEntityLinks = pgTable(
  'screening_entity_links',
  {
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    adId: bigint('ad_id', { mode: 'number' })
      .notNull()
      .references(() => ads.id, { onDelete: 'cascade' }),
    /** The engine's city key (the city slug, unique in `cities`). */
    city: text('city'),
    seenAt: timestamptz('seen_at').notNull(),
  },
  (t) => [
    uniqueIndex('screening_entity_links_entity_ad').on(t.kind, t.value, t.adId),
    // Covers the windowed count: (kind, value) equality, seen_at range, city read from the index.
    index('screening_entity_links_entity_seen').on(t.kind, t.value, t.seenAt, t.city),
    index('screening_entity_links_ad').on(t.adId),
  ],
);

/** MinHash signature (64 x u32, little-endian bytes) and template group of each recorded ad. */
export const screeningTemplates = pgTable(
  'screening_templates',
  {
    adId: bigint('ad_id', { mode: 'number' })
      .primaryKey()
      .references(() => ads.id, { onDelete: 'cascade' }),
    signature: bytea('signature').notNull(),
    groupId: text('group_id').notNull(),
    city: text('city'),
    recordedAt: timestamptz('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('screening_templates_group').on(t.groupId, t.adId)],
);

/** LSH buckets: band key → ad ids (read newest first, at most the engine's bucket limit). */
export const screeningTemplateBuckets = pgTable(
  'screening_template_buckets',
  {
    bandKey: text('band_key').notNull(),
    adId: bigint('ad_id', { mode: 'number' })
      .notNull()
      .references(() => ads.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('screening_template_buckets_key_ad').on(t.bandKey, t.adId), index('screening_template_buckets_ad').on(t.adId)],
);

/** Image hash banks (PDQ): name, label (engine label, e.g. child_safety) and action. */
export const screeningHashBanks = pgTable('screening_hash_banks', {
  name: text('name').primaryKey(),
  label: text('label').notNull(),
  action: text('action').$type<'reject' | 'review'>().notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const screeningBankHashes = pgTable(
  'screening_bank_hashes',
  {
    bank: text('bank')
      .notNull()
      .references(() => screeningHashBanks.name, { onDelete: 'cascade' }),
    hash: text('hash').notNull(),
    quality: smallint('quality'),
  },
  (t) => [uniqueIndex('screening_bank_hashes_bank_hash').on(t.bank, t.hash)],
);

/**
 * Screening policies edited by admins, newest wins; with no row the engine uses the bundled
 * src/screening/policy/default.yaml. Rows are never updated: each save is a new version.
 */
export const screeningPolicies = pgTable(
  'screening_policies',
  {
    id: serial('id').primaryKey(),
    version: text('version').notNull(),
    source: text('source').notNull(),
    note: text('note'),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('screening_policies_version').on(t.version)],
);

/** Resumable `corkboard rescan` runs: one per policy/bank fingerprint, with the last ad id done. */
export const screeningRescans = pgTable('screening_rescans', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  fingerprint: text('fingerprint').notNull(),
  cursor: bigint('cursor', { mode: 'number' }).notNull().default(0),
  /** Highest ad id when the run started: ads posted later were screened under the new rules already. */
  upTo: bigint('up_to', { mode: 'number' }).notNull(),
  scanned: integer('scanned').notNull().default(0),
  held: integer('held').notNull().default(0),
  startedAt: timestamptz('started_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  finishedAt: timestamptz('finished_at'),
});

// ---------------------------------------------------------------------------------------------
// Accounts (src/accounts/): users, server-side sessions, one-time links and codes, API tokens.
// Every secret is stored as a SHA-256 hash only; passwords as argon2id PHC strings.
// ---------------------------------------------------------------------------------------------

/** One account. Deleting an account clears its personal data (e-mail, password, phone) and keeps the row as a tombstone. */
export const users = pgTable(
  'users',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email'),
    passwordHash: text('password_hash'),
    emailVerifiedAt: timestamptz('email_verified_at'),
    phone: text('phone'),
    phoneVerifiedAt: timestamptz('phone_verified_at'),
    role: text('role').notNull().default('user'),
    /** Failed password sign-ins since the last success: drives the exponential delay. */
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    signInBlockedUntil: timestamptz('sign_in_blocked_until'),
    /** TOTP (RFC 6238) secret for staff two-factor sign-in, encrypted under the site key. */
    totpSecret: text('totp_secret'),
    totpEnabledAt: timestamptz('totp_enabled_at'),
    /** The last TOTP time step accepted: a code is never accepted twice (replay). */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** Set by a moderator's suspend decision: no sign-in, posting or replying until then. */
    suspendedUntil: timestamptz('suspended_until'),
    /** Set by a moderator's ban decision: the account is closed for good. */
    bannedAt: timestamptz('banned_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    deletedAt: timestamptz('deleted_at'),
  },
  (t) => [uniqueIndex('users_email').on(t.email)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    userAgent: text('user_agent'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    /** When this session passed the TOTP step; staff pages need it. */
    secondFactorAt: timestamptz('second_factor_at'),
  },
  (t) => [uniqueIndex('sessions_token_hash').on(t.tokenHash), index('sessions_user').on(t.userId)],
);

/**
 * 'totp_recovery': a staff member's single-use two-factor recovery code (hash only);
 * 'totp_failure': one wrong two-factor code, counted for a day to slow guessing (src/accounts/two-factor.service.ts).
 */
export const ACCOUNT_TOKEN_PURPOSES = ['confirm_email', 'sign_in', 'reset_password', 'verify_phone', 'change_email', 'totp_recovery', 'totp_failure'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/** Single-use, expiring links and codes sent by mail or SMS. */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<AccountTokenPurpose>().notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The phone number a verify_phone code was sent to; the new address of a change_email link. */
    detail: text('detail'),
    attempts: smallint('attempts').notNull().default(0),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
  },
  (t) => [index('account_tokens_hash').on(t.tokenHash), index('account_tokens_user').on(t.userId, t.purpose)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** 'ads': the poster's own ads; 'staff': the moderation API too (only staff accounts may hold one). */
    scope: text('scope').$type<'ads' | 'staff'>().notNull().default('ads'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_token_hash').on(t.tokenHash), index('api_tokens_user').on(t.userId)],
);

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

// ---------------------------------------------------------------------------------------------
// Moderation (src/moderation/, src/audit/; design in docs/moderation.md): the tamper-evident
// audit log, flags and notices, the review queue, decisions with DSA statements of reasons.
// ---------------------------------------------------------------------------------------------

/** Append-only, hash-chained record of every moderation action. The application never updates or deletes rows. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Position in the chain: 1, 2, 3, … without gaps (a gap means a deleted entry). */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: timestamptz('at').notNull(),
    /** 'user:<id>' or 'system'. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    /** SHA-256 (hex) over the canonical serialisation of every field above, prev_hash included. */
    hash: text('hash').notNull(),
  },
  (t) => [uniqueIndex('audit_log_seq').on(t.seq), index('audit_log_subject').on(t.subjectType, t.subjectId, t.seq)],
);

/** One row (id 1): the chain head, locked FOR UPDATE by each append so the chain stays linear. */
export const auditChainHead = pgTable('audit_chain_head', {
  id: smallint('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

/** DSA Art. 22 trusted flaggers: an account, an exact e-mail address or a whole e-mail domain. */
export const trustedFlaggers = pgTable(
  'trusted_flaggers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').$type<'account' | 'email' | 'domain'>().notNull(),
    value: text('value').notNull(),
    organisation: text('organisation').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('trusted_flaggers_kind_value').on(t.kind, t.value)],
);

/** A flagger's track record: flags upheld or rejected by moderators. Keyed like flags.flagger_key. */
export const flaggerStats = pgTable('flagger_stats', {
  flaggerKey: text('flagger_key').primaryKey(),
  upheld: integer('upheld').notNull().default(0),
  rejected: integer('rejected').notNull().default(0),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

/** Quick flags from the ad page: one per person per ad. */
export const flags = pgTable(
  'flags',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    adId: bigint('ad_id', { mode: 'number' })
      .notNull()
      .references(() => ads.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    /** 'user:<id>' for accounts, 'visitor:<cookie id>' otherwise. */
    flaggerKey: text('flagger_key').notNull(),
    userId: bigint('user_id', { mode: 'number' }),
    /** HMAC of the client's address (IPv6: its /64) under the site key; never the address itself. */
    ipHash: text('ip_hash').notNull(),
    /** The weight this flag carried towards an automatic hold, fixed when it was made. */
    weight: doublePrecision('weight').notNull(),
    outcome: text('outcome').$type<'upheld' | 'rejected'>(),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [uniqueIndex('flags_ad_flagger').on(t.adId, t.flaggerKey), index('flags_ad_ip').on(t.adId, t.ipHash)],
);

/** DSA Art. 16 notices: substantiated reports with the notifier's contact (optional for child-abuse reports). */
export const notices = pgTable(
  'notices',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    adId: bigint('ad_id', { mode: 'number' })
      .notNull()
      .references(() => ads.id, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    explanation: text('explanation').notNull(),
    url: text('url').notNull(),
    name: text('name'),
    email: text('email'),
    goodFaith: boolean('good_faith').notNull(),
    userId: bigint('user_id', { mode: 'number' }),
    trustedFlaggerId: bigint('trusted_flagger_id', { mode: 'number' }),
    outcome: text('outcome'),
    decidedAt: timestamptz('decided_at'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [index('notices_ad').on(t.adId)],
);

export const REVIEW_SOURCES = ['screening', 'hash_match', 'flag', 'notice', 'appeal', 'message_report'] as const;
export type ReviewSource = (typeof REVIEW_SOURCES)[number];

/** The review queue: one open item per (ad, source); priority 0 child safety … 3 terms of service. */
export const reviewItems = pgTable(
  'review_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    adId: bigint('ad_id', { mode: 'number' })
      .notNull()
      .references(() => ads.id, { onDelete: 'cascade' }),
    source: text('source').$type<ReviewSource>().notNull(),
    priority: smallint('priority').notNull(),
    /** Raised by a trusted flagger (DSA Art. 22): ahead of others of the same priority. */
    trusted: boolean('trusted').notNull().default(false),
    label: text('label'),
    state: text('state').$type<'open' | 'decided' | 'escalated'>().notNull().default('open'),
    createdAt: timestamptz('created_at').notNull(),
    slaDueAt: timestamptz('sla_due_at').notNull(),
    claimedBy: bigint('claimed_by', { mode: 'number' }),
    claimedUntil: timestamptz('claimed_until'),
    decision: text('decision'),
    decidedBy: bigint('decided_by', { mode: 'number' }),
    decidedAt: timestamptz('decided_at'),
  },
  (t) => [
    uniqueIndex('review_items_open_ad_source').on(t.adId, t.source).where(sql`state = 'open'`),
    index('review_items_queue').on(t.priority, t.trusted.desc(), t.createdAt, t.id).where(sql`state = 'open'`),
    index('review_items_ad').on(t.adId),
  ],
);

/** Statements of reasons (DSA Art. 17), one row per restriction, in the Transparency Database's fields. */
export const statementsOfReasons = pgTable(
  'statements_of_reasons',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    puid: text('puid').notNull(),
    adId: bigint('ad_id', { mode: 'number' }).notNull(),
    reviewItemId: bigint('review_item_id', { mode: 'number' }),
    decisionGround: text('decision_ground').notNull(),
    illegalContentLegalGround: text('illegal_content_legal_ground'),
    illegalContentExplanation: text('illegal_content_explanation'),
    incompatibleContentGround: text('incompatible_content_ground'),
    incompatibleContentExplanation: text('incompatible_content_explanation'),
    contentType: text('content_type').array().notNull(),
    category: text('category').notNull(),
    categorySpecification: text('category_specification').array(),
    decisionVisibility: text('decision_visibility'),
    decisionAccount: text('decision_account'),
    sourceType: text('source_type').notNull(),
    automatedDetection: boolean('automated_detection').notNull(),
    automatedDecision: text('automated_decision').notNull(),
    /** Y-m-d, as the Transparency Database wants them. */
    contentDate: text('content_date').notNull(),
    applicationDate: text('application_date').notNull(),
    decisionFacts: text('decision_facts').notNull(),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [uniqueIndex('statements_of_reasons_puid').on(t.puid), index('statements_of_reasons_ad').on(t.adId)],
);

export const APPEAL_STATES = ['open', 'upheld', 'reversed'] as const;
export type AppealState = (typeof APPEAL_STATES)[number];

/**
 * Appeals against a statement of reasons (DSA Art. 20): one per statement, open for six months
 * after it; decided through the review queue (source 'appeal') by a moderator other than the one
 * who made the original decision.
 */
export const appeals = pgTable(
  'appeals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    statementId: bigint('statement_id', { mode: 'number' })
      .notNull()
      .references(() => statementsOfReasons.id),
    adId: bigint('ad_id', { mode: 'number' }).notNull(),
    userId: bigint('user_id', { mode: 'number' }),
    /** Where the outcome is mailed (the poster's address at the time of the appeal). */
    email: text('email'),
    explanation: text('explanation').notNull(),
    state: text('state').$type<AppealState>().notNull().default('open'),
    reviewItemId: bigint('review_item_id', { mode: 'number' }),
    /** The moderator who made the appealed decision (null when it was automated): may not decide the appeal. */
    originalDeciderId: bigint('original_decider_id', { mode: 'number' }),
    decidedBy: bigint('decided_by', { mode: 'number' }),
    decidedAt: timestamptz('decided_at'),
    outcomeReason: text('outcome_reason'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [uniqueIndex('appeals_statement').on(t.statementId), index('appeals_ad').on(t.adId), index('appeals_user').on(t.userId)],
);

/** Contacts of suspended or banned posters: posting with them is refused (until `until`, or for ever). */
export const blockedContacts = pgTable(
  'blocked_contacts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').$type<'email' | 'phone'>().notNull(),
    value: text('value').notNull(),
    reason: text('reason').notNull(),
    until: timestamptz('until'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [uniqueIndex('blocked_contacts_kind_value').on(t.kind, t.value)],
);

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
