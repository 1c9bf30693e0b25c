import { bigint, bigserial, index, integer, pgTable, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';

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
