import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';

// ---------------------------------------------------------------------------------------------
// Cross-cutting infrastructure.
// ---------------------------------------------------------------------------------------------

/**
 * Mail that must not be lost (statements of reasons, notice receipts and outcomes, appeal outcomes):
 * written in the same transaction as the decision it reports, then delivered and marked sent. A
 * crash between the commit and the SMTP hand-off leaves the row pending, and the delivery job sends
 * it later: at least once, never silently dropped.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The message as the Mailer takes it: to, from?, subject, text, headers?. */
    message: jsonb('message').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When the next delivery may be tried (backs off after failures). */
    nextAttemptAt: timestamptz('next_attempt_at').notNull(),
    /** While one node delivers the row, others leave it alone until this passes. */
    lockedUntil: timestamptz('locked_until'),
    sentAt: timestamptz('sent_at'),
    lastError: text('last_error'),
  },
  (t) => [index('mail_outbox_pending').on(t.nextAttemptAt).where(sql`sent_at is null`)],
);
