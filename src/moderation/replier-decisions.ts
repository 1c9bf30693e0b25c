/**
 * Decisions aimed at the replier who sent a reported relay message (src/messaging/): warn them,
 * block their address from the relay (it can no longer send messages through the relay to anyone),
 * or suspend or ban their account if they have one. Each runs in one transaction with the statement
 * of reasons (about the message, `corkboard-msg…` puid), the restriction, the report closed, the
 * message-report item closed once none of the ad's reports is open, and the audit entry
 * (`replier.<action>`, subject the relay thread), and the statement mailed to the replier through
 * the mail outbox (written in the same transaction, delivered after the commit) with its signed
 * appeal link (src/moderation/appeal.service.ts takes the replier's appeal). The ad itself is not decided here: a moderator approves, removes… it as for any item.
 */
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { AccountRepository } from '../accounts/account.repository.ts';
import type { Db } from '../db/client.ts';
import { ads, messageReports, relayMessages, relayThreads, users } from '../db/schema.ts';
import { AppError, validationError } from '../platform/errors.ts';
import { appealUrl } from './appeal-links.ts';
import { replierStatementMail } from './moderation-mails.ts';
import type { ModerationContext } from './moderation.context.ts';
import { ModerationRepository, normaliseEmail } from './moderation.repository.ts';
import { decisionConflict, POLICY_REASONS, type PolicyReasonKey } from './policy.ts';
import { buildReplierStatement, type ReplierAction } from './statements.ts';

export { REPLIER_ACTIONS, type ReplierAction } from './statements.ts';

export interface ReplierDecision {
  kind: ReplierAction;
  reason: PolicyReasonKey;
  /** Suspension length, 1 to 365 days. */
  days?: number;
  note?: string;
}

const DAY = 86_400_000;

export class ReplierDecisionService {
  constructor(private ctx: ModerationContext) {}

  /**
   * Acts on the replier of report `reportId`, which must be about the ad of message-report item
   * `itemId`; the moderator must hold the claim on the item, and may not act on themselves or on
   * staff of their rank or above (policy.ts `decisionConflict`).
   */
  async decide(itemId: number, reportId: number, moderatorId: number, decision: ReplierDecision): Promise<{ statement: string; itemClosed: boolean }> {
    if (!(decision.reason in POLICY_REASONS)) throw validationError({ reason: 'Choose the rule the message breaks.' });
    if (decision.kind === 'suspend' && (!Number.isInteger(decision.days) || decision.days! < 1 || decision.days! > 365)) {
      throw validationError({ days: 'A suspension lasts 1 to 365 days.' });
    }
    const now = this.ctx.now();
    const note = decision.note?.trim() ? decision.note.trim().slice(0, 1000) : null;
    const sent = await this.ctx.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const repo = new ModerationRepository(tx);
      const item = await repo.lockItem(itemId);
      if (!item || item.source !== 'message_report') throw new AppError('not_found', 'There is no such reported message.');
      if (item.state !== 'open') throw new AppError('conflict', 'This item has already been decided.');
      if (item.claimedBy !== moderatorId || !item.claimedUntil || item.claimedUntil <= now) {
        throw new AppError('conflict', 'Claim this item before deciding it: another moderator may be working on it, or your claim expired.');
      }
      const [found] = await tx
        .select({ report: messageReports, thread: relayThreads, adTitle: ads.title })
        .from(messageReports)
        .innerJoin(relayThreads, eq(relayThreads.id, messageReports.threadId))
        .innerJoin(ads, eq(ads.id, relayThreads.adId))
        .where(and(eq(messageReports.id, reportId), eq(relayThreads.adId, item.adId)));
      if (!found) throw new AppError('not_found', 'There is no such report about this ad.');
      const { report, thread, adTitle } = found;
      const replierEmail = normaliseEmail(thread.replierEmail);
      const [account] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(isNull(users.deletedAt), thread.replierUserId !== null ? eq(users.id, thread.replierUserId) : and(eq(users.email, replierEmail), isNotNull(users.emailVerifiedAt))))
        .limit(1);
      const refused = decisionConflict(await repo.decider(moderatorId), { userId: account?.id ?? thread.replierUserId, email: replierEmail }, await repo.posterAccounts({ userId: account?.id ?? null, email: replierEmail }), 'message');
      if (refused) throw new AppError('forbidden', refused);
      if ((decision.kind === 'suspend' || decision.kind === 'ban') && !account) {
        throw new AppError('conflict', 'The replier has no account to suspend or ban: block their address from the relay instead.');
      }
      const [message] = report.messageId !== null ? await tx.select({ createdAt: relayMessages.createdAt }).from(relayMessages).where(eq(relayMessages.id, report.messageId)) : [];
      const until = decision.kind === 'suspend' ? new Date(now.getTime() + decision.days! * DAY) : null;
      const statement = buildReplierStatement({
        adId: thread.adId,
        threadId: thread.id,
        reviewItemId: item.id,
        action: decision.kind,
        reason: decision.reason,
        until,
        contentDate: message?.createdAt ?? thread.createdAt,
        applicationDate: now,
        recipient: { email: replierEmail, userId: account?.id ?? null },
        facts: `A moderator reviewed a message you sent through Corkboard's relay, which the person you wrote to reported.${note ? ` Moderator's note: ${note}` : ''}`,
      });

      if (decision.kind === 'relay_block') {
        await repo.blockRelay(replierEmail, `relay block after report ${report.id} (thread ${thread.id}): ${decision.reason}`, now);
      } else if (decision.kind === 'suspend' || decision.kind === 'ban') {
        // No sign-in, posting or replying until then (ban: for good); sessions and API tokens end now.
        await new AccountRepository(tx).restrictAccount(account!.id, decision.kind === 'ban' ? { bannedAt: now } : { suspendedUntil: until! }, now);
      }
      await repo.insertStatement(statement);
      await tx.update(messageReports).set({ state: 'closed', resolvedAt: now }).where(eq(messageReports.id, report.id));
      const stillOpen = await tx
        .select({ id: messageReports.id })
        .from(messageReports)
        .where(and(eq(messageReports.state, 'open'), inArray(messageReports.threadId, tx.select({ id: relayThreads.id }).from(relayThreads).where(eq(relayThreads.adId, item.adId)))))
        .limit(1);
      const itemClosed = stillOpen.length === 0 && (await repo.closeItem(item.id, `replier_${decision.kind}`, moderatorId, now));
      await this.ctx.audit.append(
        {
          actor: `user:${moderatorId}`,
          action: `replier.${decision.kind}`,
          subjectType: 'relay_thread',
          subjectId: thread.id,
          details: {
            item: item.id,
            itemClosed,
            report: report.id,
            message: report.messageId,
            ad: thread.adId,
            reason: decision.reason,
            days: decision.kind === 'suspend' ? decision.days : null,
            until: until?.toISOString() ?? null,
            account: account?.id ?? null,
            note,
            statements: [statement.puid],
          },
        },
        tx,
      );
      const mailId = await this.ctx.outbox.enqueue(tx, replierStatementMail(thread.replierEmail, adTitle, statement, appealUrl(this.ctx.links, this.ctx.config.publicUrl, { adId: thread.adId, puid: statement.puid })));
      return { mailId, statement: statement.puid, itemClosed };
    });
    await this.ctx.outbox.deliver([sent.mailId]);
    return { statement: sent.statement, itemClosed: sent.itemClosed };
  }
}
