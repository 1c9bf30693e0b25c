/**
 * All SQL for appeals (DSA Art. 20): the appeals table, the statements they contest, who took the
 * appealed decision, and what a reversal undoes (account restrictions, blocked contacts, flag
 * outcomes). Construct it over a transaction to run several of these in one.
 */
import { and, asc, desc, eq, gt, inArray, like, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { REPLIER_PUID_PREFIX } from './statements.ts';
import { appeals, auditLog, blockedContacts, flaggerStats, flags, reviewItems, statementsOfReasons, users, type AppealState } from '../db/schema.ts';

/** The relay thread a statement to a replier is about (its puid: corkboard-msg<thread>-<uuid>); null for any other statement. */
export function replierThreadOf(puid: string): number | null {
  const m = new RegExp(`^${REPLIER_PUID_PREFIX}(\\d+)-`).exec(puid);
  return m ? Number(m[1]) : null;
}

export type AppealRow = typeof appeals.$inferSelect;

/** Statements to repliers (statements.ts REPLIER_PUID_PREFIX) are about a message, not the ad: never the poster's to see or appeal, never keeping the ad down. */
const notAboutAReplier = sql`${statementsOfReasons.puid} not like ${REPLIER_PUID_PREFIX + '%'}`;
export type StatementRecord = typeof statementsOfReasons.$inferSelect;

export class AppealRepository {
  constructor(readonly db: Db) {}

  async statementByPuid(puid: string): Promise<StatementRecord | undefined> {
    if (puid.length > 200) return undefined;
    const [row] = await this.db.select().from(statementsOfReasons).where(and(eq(statementsOfReasons.puid, puid), notAboutAReplier));
    return row;
  }

  /**
   * Any statement by puid, including those addressed to a reported replier, for the appeal link
   * (which only the statement's recipient received). Everything the poster sees goes through the
   * methods that leave replier statements out.
   */
  async statementForLink(puid: string): Promise<StatementRecord | undefined> {
    if (puid.length > 200) return undefined;
    const [row] = await this.db.select().from(statementsOfReasons).where(eq(statementsOfReasons.puid, puid));
    return row;
  }

  async statement(id: number): Promise<StatementRecord | undefined> {
    const [row] = await this.db.select().from(statementsOfReasons).where(eq(statementsOfReasons.id, id));
    return row;
  }

  /** The ads' statements, oldest first, each with its appeal if there is one. */
  async statementsWithAppeals(adIds: number[]): Promise<{ statement: StatementRecord; appeal: AppealRow | null }[]> {
    if (adIds.length === 0) return [];
    return this.db
      .select({ statement: statementsOfReasons, appeal: appeals })
      .from(statementsOfReasons)
      .leftJoin(appeals, eq(appeals.statementId, statementsOfReasons.id))
      .where(and(inArray(statementsOfReasons.adId, adIds), notAboutAReplier))
      .orderBy(asc(statementsOfReasons.id));
  }

  /** Whether a later statement restricted the ad again: then reversing this one must not republish it. */
  async hasLaterStatement(statement: StatementRecord): Promise<boolean> {
    const rows = await this.db
      .select({ id: statementsOfReasons.id })
      .from(statementsOfReasons)
      .where(and(eq(statementsOfReasons.adId, statement.adId), gt(statementsOfReasons.id, statement.id), notAboutAReplier))
      .limit(1);
    return rows.length > 0;
  }

  /**
   * The moderator who took the decision the statement records: the actor of the audit entry that
   * lists its puid (every moderator decision writes one), else whoever decided its review item.
   * Null when nobody did (automated decisions).
   */
  async deciderOf(statement: StatementRecord): Promise<number | null> {
    const entry = await this.decisionEntryOf(statement);
    const fromAudit = /^user:(\d+)$/.exec(entry?.actor ?? '');
    if (fromAudit) return Number(fromAudit[1]);
    if (statement.reviewItemId !== null) {
      const [item] = await this.db.select({ decidedBy: reviewItems.decidedBy }).from(reviewItems).where(eq(reviewItems.id, statement.reviewItemId));
      if (item?.decidedBy != null) return Number(item.decidedBy);
    }
    return null;
  }

  /**
   * The audit entry of the moderator decision that made this statement: every decision lists the
   * puids of all its statements. It is filed under the decided ad, which is the statement's own ad,
   * or, for the poster's other ads that a ban took down with it, the ad named in the statement's
   * facts ("The poster was banned after ad N; …", decision.service.ts).
   */
  async decisionEntryOf(statement: StatementRecord): Promise<{ actor: string; subjectId: string; details: Record<string, unknown> } | undefined> {
    const thread = replierThreadOf(statement.puid);
    if (thread !== null) {
      // A decision about a replier (replier-decisions.ts) is filed under the relay thread.
      const [entry] = await this.db
        .select({ actor: auditLog.actor, subjectId: auditLog.subjectId, details: auditLog.details })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.subjectType, 'relay_thread'),
            eq(auditLog.subjectId, String(thread)),
            like(auditLog.action, 'replier.%'),
            sql`${auditLog.details}->'statements' @> jsonb_build_array(${statement.puid}::text)`,
          ),
        )
        .orderBy(desc(auditLog.seq))
        .limit(1);
      return entry;
    }
    const subjects = [String(statement.adId)];
    const seed = /^The poster was banned after ad (\d+);/.exec(statement.decisionFacts)?.[1];
    if (seed) subjects.push(seed);
    const [entry] = await this.db
      .select({ actor: auditLog.actor, subjectId: auditLog.subjectId, details: auditLog.details })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.subjectType, 'ad'),
          inArray(auditLog.subjectId, subjects),
          like(auditLog.action, 'decision.%'),
          sql`${auditLog.details}->'statements' @> jsonb_build_array(${statement.puid}::text)`,
        ),
      )
      .orderBy(desc(auditLog.seq))
      .limit(1);
    return entry;
  }

  /**
   * The poster's other ads that the same ban or suspension took down with the appealed decision:
   * the other statements its audit entry lists, minus the decided ad's own (that ad was removed
   * for its own reasons, and is appealed on its own statement).
   */
  async takenDownWith(statement: StatementRecord): Promise<StatementRecord[]> {
    const entry = await this.decisionEntryOf(statement);
    const listed = entry?.details.statements;
    if (!entry || !Array.isArray(listed)) return [];
    const puids = listed.filter((p): p is string => typeof p === 'string' && p !== statement.puid);
    if (puids.length === 0) return [];
    const rows = await this.db.select().from(statementsOfReasons).where(inArray(statementsOfReasons.puid, puids)).orderBy(asc(statementsOfReasons.adId));
    return rows.filter((r) => String(r.adId) !== entry.subjectId && r.adId !== statement.adId && r.decisionVisibility !== null);
  }

  /** Inserts the appeal unless the statement already has one; undefined for a repeat. */
  async insert(row: typeof appeals.$inferInsert): Promise<AppealRow | undefined> {
    const [inserted] = await this.db.insert(appeals).values(row).onConflictDoNothing().returning();
    return inserted;
  }

  async byStatement(statementId: number): Promise<AppealRow | undefined> {
    const [row] = await this.db.select().from(appeals).where(eq(appeals.statementId, statementId));
    return row;
  }

  async byId(id: number): Promise<AppealRow | undefined> {
    if (!Number.isSafeInteger(id) || id <= 0) return undefined;
    const [row] = await this.db.select().from(appeals).where(eq(appeals.id, id));
    return row;
  }

  async lock(id: number): Promise<AppealRow | undefined> {
    const [row] = await this.db.select().from(appeals).where(eq(appeals.id, id)).for('update');
    return row;
  }

  /** The appeals a review item carries (usually one; two statements on one ad share the ad's open appeal item). */
  async ofItem(reviewItemId: number): Promise<AppealRow[]> {
    return this.db.select().from(appeals).where(eq(appeals.reviewItemId, reviewItemId)).orderBy(asc(appeals.id));
  }

  async decide(id: number, state: Exclude<AppealState, 'open'>, moderatorId: number, reason: string, now: Date): Promise<void> {
    await this.db.update(appeals).set({ state, decidedBy: moderatorId, decidedAt: now, outcomeReason: reason }).where(eq(appeals.id, id));
  }

  /** Closes the appeal item once none of its appeals is open any more. */
  async closeItemIfDone(reviewItemId: number, decision: string, moderatorId: number, now: Date): Promise<boolean> {
    const rows = await this.db
      .update(reviewItems)
      .set({ state: 'decided', decision, decidedBy: moderatorId, decidedAt: now, claimedUntil: null })
      .where(
        and(
          eq(reviewItems.id, reviewItemId),
          eq(reviewItems.state, 'open'),
          sql`not exists (select 1 from ${appeals} where ${appeals.reviewItemId} = ${reviewItemId} and ${appeals.state} = 'open')`,
        ),
      )
      .returning({ id: reviewItems.id });
    return rows.length > 0;
  }

  /** Lifts the account restriction a reversed suspension or ban put on the poster's account. */
  async liftAccount(userId: number): Promise<void> {
    await this.db.update(users).set({ suspendedUntil: null, bannedAt: null }).where(eq(users.id, userId));
  }

  /**
   * Deletes the blocks on these contacts that the decision on `adId` created (their reason names it:
   * "suspend after ad N: …" / "ban after ad N: …"). A block a later decision took over names that
   * decision instead and stays.
   */
  async liftBlocks(adId: number, contacts: { kind: 'email' | 'phone'; value: string }[]): Promise<number> {
    if (contacts.length === 0) return 0;
    const rows = await this.db
      .delete(blockedContacts)
      .where(
        and(
          or(...contacts.map((c) => and(eq(blockedContacts.kind, c.kind), eq(blockedContacts.value, c.value)))),
          or(like(blockedContacts.reason, `suspend after ad ${adId}: %`), like(blockedContacts.reason, `ban after ad ${adId}: %`)),
        ),
      )
      .returning({ id: blockedContacts.id });
    return rows.length;
  }

  /**
   * Lifts the relay block a reversed decision put on a replier's address (`blocked_contacts` kind
   * 'relay'), unless another relay block addressed to them still stands (a statement with
   * decision_provision whose appeal was not reversed): that one keeps the address blocked.
   * Returns the lifted row (none if there was none, e.g. an admin lifted it already), or
   * `standing` when another block keeps it.
   */
  async liftRelayBlock(email: string, statementId: number): Promise<{ lifted?: { id: number; reason: string }; standing: boolean }> {
    const value = email.trim().toLowerCase();
    const standing = await this.db
      .select({ id: statementsOfReasons.id })
      .from(statementsOfReasons)
      .leftJoin(appeals, eq(appeals.statementId, statementsOfReasons.id))
      .where(
        and(
          eq(statementsOfReasons.recipientEmail, value),
          sql`${statementsOfReasons.decisionProvision} is not null`,
          sql`${statementsOfReasons.id} <> ${statementId}`,
          sql`(${appeals.state} is null or ${appeals.state} <> 'reversed')`,
        ),
      )
      .limit(1);
    if (standing.length > 0) return { standing: true };
    const [row] = await this.db
      .delete(blockedContacts)
      .where(and(sql`${blockedContacts.kind} = 'relay'`, eq(blockedContacts.value, value)))
      .returning({ id: blockedContacts.id, reason: blockedContacts.reason });
    return { lifted: row, standing: false };
  }

  /**
   * The flags behind a reversed decision count as rejected: upheld flags made before the decision are
   * turned into rejected ones (and their flaggers' records moved with them); open flags are rejected.
   */
  async rejectFlagsBehind(adId: number, decidedAt: Date, now: Date): Promise<number> {
    const rows = await this.db
      .select()
      .from(flags)
      .where(and(eq(flags.adId, adId), sql`${flags.createdAt} <= ${decidedAt}`, or(eq(flags.outcome, 'upheld'), sql`${flags.outcome} is null`)))
      .for('update');
    for (const f of rows) {
      await this.db.update(flags).set({ outcome: 'rejected' }).where(eq(flags.id, f.id));
      const wasUpheld = f.outcome === 'upheld';
      await this.db
        .insert(flaggerStats)
        .values({ flaggerKey: f.flaggerKey, upheld: 0, rejected: 1, updatedAt: now })
        .onConflictDoUpdate({
          target: flaggerStats.flaggerKey,
          set: {
            upheld: wasUpheld ? sql`greatest(${flaggerStats.upheld} - 1, 0)` : sql`${flaggerStats.upheld}`,
            rejected: sql`${flaggerStats.rejected} + 1`,
            updatedAt: now,
          },
        });
    }
    return rows.length;
  }
}
