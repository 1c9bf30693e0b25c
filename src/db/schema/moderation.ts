import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';
import { ads } from './marketplace.ts';

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

export const REVIEW_SOURCES = ['screening', 'hash_match', 'flag', 'notice', 'appeal', 'message_report', 'repost'] as const;
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
    /** DSA Transparency Database `decision_provision` (a restriction of the service itself, e.g. the relay). */
    decisionProvision: text('decision_provision'),
    /**
     * Whom the statement was addressed to when that is not the ad's poster (a reported replier):
     * their address at the time, and their account if they had one. Null: the ad's poster.
     */
    recipientEmail: text('recipient_email'),
    recipientUserId: bigint('recipient_user_id', { mode: 'number' }),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('statements_of_reasons_puid').on(t.puid),
    index('statements_of_reasons_ad').on(t.adId),
    index('statements_of_reasons_recipient').on(t.recipientEmail).where(sql`recipient_email is not null`),
  ],
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

/**
 * The removed-content bank (src/moderation/removed-content.ts): the text fingerprint and photo hashes
 * of every ad a moderator removed or screening rejected, with the decision, so that a re-post of the
 * same or nearly the same ad is held for review whoever posts it. No foreign key to `ads`: like a
 * statement of reasons, the entry outlives the purge of the ad it came from. An appeal reversed (or
 * a moderator's approval of the ad) lifts the entry; lifted rows stay as the record.
 */
export const removedContent = pgTable(
  'removed_content',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    adId: bigint('ad_id', { mode: 'number' }).notNull(),
    /** The policy reason of the decision (POLICY_REASONS key), e.g. 'scam'. */
    label: text('label').notNull(),
    decidedBy: text('decided_by').$type<'moderator' | 'screening'>().notNull(),
    moderatorId: bigint('moderator_id', { mode: 'number' }),
    statementPuid: text('statement_puid'),
    reviewItemId: bigint('review_item_id', { mode: 'number' }),
    decidedAt: timestamptz('decided_at').notNull(),
    /** MinHash signature of the ad's template words (64 x u32 as hex), or null when the text is too short to compare. */
    signature: text('signature'),
    /** The photos' SHA-256 and, when its quality was usable, PDQ (hex). */
    photos: jsonb('photos').$type<{ sha256: string; pdq: string | null }[]>().notNull(),
    /** Database clock (transaction start): compared with ad_events.at to tell approvals made after the entry. */
    recordedAt: timestamptz('recorded_at').notNull().defaultNow(),
    liftedAt: timestamptz('lifted_at'),
    liftedReason: text('lifted_reason'),
  },
  (t) => [index('removed_content_ad').on(t.adId), index('removed_content_statement').on(t.statementPuid)],
);

/** Lookup keys of removed_content entries: LSH band keys ('t:'), photo SHA-256 ('s:') and PDQ 16-bit chunks ('p<i>:'). */
export const removedContentKeys = pgTable(
  'removed_content_keys',
  {
    key: text('key').notNull(),
    entryId: bigint('entry_id', { mode: 'number' })
      .notNull()
      .references(() => removedContent.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('removed_content_keys_key_entry').on(t.key, t.entryId), index('removed_content_keys_entry').on(t.entryId)],
);
