/** Places, categories, ads with their photos and history, and site-wide settings (src/places/, src/listings/). */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, serial, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz, tsvector } from './columns.ts';

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
    // Ads stuck between confirmation and screening (a crash mid-request): upkeep screens them again.
    index('ads_pending').on(t.updatedAt).where(sql`state = 'pending'`),
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
