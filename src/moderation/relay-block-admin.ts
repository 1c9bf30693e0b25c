/**
 * Admins see every relay block (a reported replier's address barred from the relay,
 * `blocked_contacts` kind 'relay', made by src/moderation/replier-decisions.ts) with who made it,
 * when and why, and lift one by hand: the row is deleted and the audit entry `relay_block.lifted`
 * (`via: 'admin'`, with the admin's reason) commits with it, and so does a mail telling the replier
 * (through the mail outbox), since they were told of the block. Lifting on appeal is
 * src/moderation/appeal.service.ts.
 */
import { and, desc, eq, inArray, like, sql } from 'drizzle-orm';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Database, Db } from '../db/client.ts';
import type { MailOutbox } from '../mail/mail-outbox.ts';
import { relayBlockLiftedMail } from './moderation-mails.ts';
import { auditLog, blockedContacts, users } from '../db/schema.ts';
import { AppError, validationError } from '../platform/errors.ts';

export interface RelayBlockListing {
  id: number;
  email: string;
  reason: string;
  createdAt: Date;
  /** The relay thread and report the block was decided on (parsed from the row's reason), when known. */
  threadId: number | null;
  reportId: number | null;
  /** Who blocked the address: the moderator's e-mail (or `user N`), from the decision's audit entry; null if unknown. */
  blockedBy: string | null;
  /** The policy reason and the moderator's note from that audit entry. */
  policyReason: string | null;
  note: string | null;
  statement: string | null;
}

/** "relay block after report 12 (thread 34): spam" (replier-decisions.ts). */
const REASON = /^relay block after report (\d+) \(thread (\d+)\)/;
export const LIFT_REASON_MIN = 5;

export class RelayBlockAdmin {
  constructor(private deps: { database: Database; audit: AuditLog; outbox: MailOutbox; publicUrl: string; now: () => Date }) {}

  /** Every relay block, newest first, with who made it and why. */
  async list(): Promise<RelayBlockListing[]> {
    const db = this.deps.database.db;
    const rows = await db.select().from(blockedContacts).where(sql`${blockedContacts.kind} = 'relay'`).orderBy(desc(blockedContacts.createdAt), desc(blockedContacts.id));
    const parsed = rows.map((r) => {
      const m = REASON.exec(r.reason);
      return { row: r, reportId: m ? Number(m[1]) : null, threadId: m ? Number(m[2]) : null };
    });
    const threads = [...new Set(parsed.flatMap((p) => (p.threadId !== null ? [String(p.threadId)] : [])))];
    const entries =
      threads.length === 0
        ? []
        : await db
            .select({ subjectId: auditLog.subjectId, actor: auditLog.actor, details: auditLog.details })
            .from(auditLog)
            .where(and(eq(auditLog.subjectType, 'relay_thread'), inArray(auditLog.subjectId, threads), like(auditLog.action, 'replier.relay_block')))
            .orderBy(desc(auditLog.seq));
    const actorIds = [...new Set(entries.flatMap((e) => /^user:(\d+)$/.exec(e.actor)?.[1] ?? []).map(Number))];
    const emails = new Map<number, string>();
    if (actorIds.length > 0) for (const u of await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, actorIds))) if (u.email) emails.set(Number(u.id), u.email);
    return parsed.map(({ row, reportId, threadId }) => {
      const entry = entries.find((e) => e.subjectId === String(threadId) && (reportId === null || e.details.report === reportId));
      const actor = entry ? /^user:(\d+)$/.exec(entry.actor)?.[1] : undefined;
      const statements = entry?.details.statements;
      return {
        id: Number(row.id),
        email: row.value,
        reason: row.reason,
        createdAt: row.createdAt,
        threadId,
        reportId,
        blockedBy: actor ? (emails.get(Number(actor)) ?? `user ${actor}`) : (entry?.actor ?? null),
        policyReason: typeof entry?.details.reason === 'string' ? entry.details.reason : null,
        note: typeof entry?.details.note === 'string' ? entry.details.note : null,
        statement: Array.isArray(statements) && typeof statements[0] === 'string' ? statements[0] : null,
      };
    });
  }

  /** Lifts relay block `id` (not_found if there is none); `reason` (why) is required and goes into the audit entry. */
  async lift(actorId: number, id: number, raw: Record<string, unknown>): Promise<{ email: string }> {
    const why = typeof raw.reason === 'string' ? raw.reason.trim() : '';
    if (why.length < LIFT_REASON_MIN) throw validationError({ reason: `Say why the block is lifted (at least ${LIFT_REASON_MIN} characters); it is kept in the audit log.` });
    const lifted = await this.deps.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const [row] = Number.isSafeInteger(id)
        ? await tx
            .delete(blockedContacts)
            .where(and(eq(blockedContacts.id, id), sql`${blockedContacts.kind} = 'relay'`))
            .returning()
        : [];
      if (!row) throw new AppError('not_found', 'There is no such relay block (it may have been lifted already).');
      await this.deps.audit.append(
        {
          actor: `user:${actorId}`,
          action: 'relay_block.lifted',
          subjectType: 'blocked_contact',
          subjectId: row.id,
          details: { email: row.value, reason: row.reason, blockedAt: row.createdAt.toISOString(), via: 'admin', why: why.slice(0, 1000) },
        },
        tx,
      );
      const mailId = await this.deps.outbox.enqueue(tx, relayBlockLiftedMail(row.value, this.deps.publicUrl));
      return { email: row.value, mailId };
    });
    await this.deps.outbox.deliver([lifted.mailId]);
    return { email: lifted.email };
  }
}
