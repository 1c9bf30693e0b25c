import { bigint, bigserial, customType, index, integer, pgTable, serial, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';
import { ads } from './marketplace.ts';

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
