/**
 * Appeals against statements of reasons (DSA Art. 20). A poster appeals any statement (automated or
 * a moderator's) within six months, through the statement's signed link; the appeal goes into the
 * review queue (source 'appeal', the priority of the appealed ground) and is decided by a moderator
 * other than the one who took the decision. Reversing undoes the restriction: the ad is republished
 * with its expiry moved on by the time it was offline, a suspension or ban is lifted with the blocks
 * it created and the poster's other ads it took down come back the same way, and the flags behind
 * it count as rejected. Nobody decides an appeal about their own ad or a staff ad of their rank or
 * above (policy.ts `decisionConflict`). Each step is one transaction with its audit entry and its
 * mail, written to the outbox in the same transaction and delivered after the commit.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { ads } from '../db/schema.ts';
import { adPath } from '../listings/ad-slug.ts';
import { AdRepository, type AdRow } from '../listings/ad.repository.ts';
import { AppError, validationError } from '../platform/errors.ts';
import { appealPath } from './appeal-links.ts';
import { parseAppeal, parseOutcome } from './appeal-input.ts';
import { AppealRepository, type AppealRow, type StatementRecord } from './appeal.repository.ts';
import { appealOutcomeMail, appealReceiptMail } from './moderation-mails.ts';
import type { ModerationContext } from './moderation.context.ts';
import { RemovedContentBank } from './removed-content.ts';
import { ModerationRepository, normaliseEmail, normalisePhone } from './moderation.repository.ts';
import { isReplierStatement } from './statements.ts';
import { appealDeadline, decisionConflict, policyReasonOfStatement, priorityForLabels, reinstatedExpiry } from './policy.ts';

const DAY = 86_400_000;
/** Restrictions a reversal can lift from the ad itself. */
const RESTRICTED = ['removed', 'held', 'rejected'] as const;

/** A statement as its poster sees it on the appeal page, the manage page and My ads. */
export interface PosterDecision {
  statement: StatementRecord;
  appeal: AppealRow | null;
  /** The statement's private appeal link (path). */
  appealPath: string;
  deadline: Date;
  /** Still within the six months and not appealed yet. */
  canAppeal: boolean;
}

export interface AppealPage extends PosterDecision {
  ad: Pick<AdRow, 'id' | 'title' | 'state' | 'email' | 'userId'>;
  /** Whom the statement was addressed to: the ad's poster, or the replier who sent a reported relay message. */
  recipient: 'poster' | 'replier';
}

export class AppealService {
  private readonly repo: AppealRepository;

  constructor(private ctx: ModerationContext) {
    this.repo = new AppealRepository(ctx.database.db);
  }

  /** The statement behind an appeal link, with its ad and appeal; not found for a wrong or altered link. */
  async forLink(puid: string, token: string): Promise<AppealPage> {
    const statement = await this.repo.statementForLink(puid);
    if (!statement || !this.ctx.links.verify('appeal', statement.adId, statement.puid, token)) {
      throw new AppError('not_found', 'This appeal link is not valid. Check that you copied the whole link from our message.');
    }
    const [ad] = await this.ctx.database.db.select({ id: ads.id, title: ads.title, state: ads.state, email: ads.email, userId: ads.userId }).from(ads).where(eq(ads.id, statement.adId));
    if (!ad) throw new AppError('not_found', 'This appeal link is not valid. Check that you copied the whole link from our message.');
    return { ...this.view(statement, (await this.repo.byStatement(statement.id)) ?? null), ad, recipient: isReplierStatement(statement.puid) ? 'replier' : 'poster' };
  }

  /** The ads' statements with their appeals, for the poster's manage page and My ads. */
  async decisionsFor(adIds: number[]): Promise<Map<number, PosterDecision[]>> {
    const out = new Map<number, PosterDecision[]>();
    for (const { statement, appeal } of await this.repo.statementsWithAppeals(adIds)) {
      const list = out.get(statement.adId) ?? [];
      list.push(this.view(statement, appeal));
      out.set(statement.adId, list);
    }
    return out;
  }

  /**
   * Files the appeal: one per statement, within six months. Queues it at the appealed ground's
   * priority, records who took the original decision (null when it was automated), writes the audit
   * entry and mails a receipt.
   */
  async submit(puid: string, token: string, raw: Record<string, unknown>, account: { id: number } | null): Promise<AppealRow> {
    const page = await this.forLink(puid, token);
    const { statement, ad } = page;
    // A replier's statement: the appeal and its mails go to the address it was sent to, not the poster.
    const replier = page.recipient === 'replier';
    const to = replier ? { email: statement.recipientEmail, userId: statement.recipientUserId } : { email: ad.email, userId: ad.userId };
    if (!to.email) throw new AppError('conflict', 'This decision cannot be appealed online: reply to the message we sent you about it.');
    const email = to.email;
    const now = this.ctx.now();
    if (page.appeal) throw new AppError('conflict', 'You have already appealed this decision.');
    if (now > page.deadline) throw new AppError('gone', `The six months to appeal this decision ended on ${page.deadline.toISOString().slice(0, 10)}.`);
    const parsed = parseAppeal(raw);
    if (!parsed.ok) throw validationError(parsed.errors);
    const reason = policyReasonOfStatement(statement);
    const priority = priorityForLabels([reason]);
    const mailIds: number[] = [];
    const appeal = await this.ctx.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const repo = new AppealRepository(tx);
      const originalDeciderId = statement.automatedDecision === 'AUTOMATED_DECISION_FULLY' ? null : await repo.deciderOf(statement);
      const item = await new ModerationRepository(tx).enqueue({ adId: ad.id, source: 'appeal', priority, trusted: false, label: reason, now });
      const row = await repo.insert({
        statementId: statement.id,
        adId: ad.id,
        userId: to.userId,
        email,
        explanation: parsed.input.explanation,
        state: 'open',
        reviewItemId: item.id,
        originalDeciderId,
        createdAt: now,
      });
      if (!row) throw new AppError('conflict', 'You have already appealed this decision.');
      await this.ctx.audit.append(
        {
          actor: account ? `user:${account.id}` : 'system',
          action: 'appeal.received',
          subjectType: 'ad',
          subjectId: ad.id,
          details: { appeal: row.id, statement: statement.puid, item: item.id, priority, originalDecider: originalDeciderId, via: account ? 'account' : 'link', recipient: page.recipient },
        },
        tx,
      );
      mailIds.push(await this.ctx.outbox.enqueue(tx, appealReceiptMail(email, row.id, ad.title, statement.puid, now, replier ? 'message' : 'ad')));
      return row;
    });
    await this.ctx.outbox.deliver(mailIds);
    return appeal;
  }

  /** The appeals an appeal item carries, each with its statement, for the staff review page. */
  async forItem(reviewItemId: number): Promise<{ appeal: AppealRow; statement: StatementRecord }[]> {
    const out: { appeal: AppealRow; statement: StatementRecord }[] = [];
    for (const appeal of await this.repo.ofItem(reviewItemId)) {
      const statement = await this.repo.statement(appeal.statementId);
      if (statement) out.push({ appeal, statement });
    }
    return out;
  }

  /**
   * Upholds or reverses an appeal. The moderator must hold the claim on its review item and must not
   * be the one who took the appealed decision.
   */
  async decide(appealId: number, moderatorId: number, raw: Record<string, unknown>): Promise<{ appeal: AppealRow; republished: boolean }> {
    const parsed = parseOutcome(raw);
    if (!parsed.ok) throw validationError(parsed.errors);
    const { outcome, reason } = parsed.input;
    const now = this.ctx.now();
    let mailIds: number[] = [];
    const result = await this.ctx.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const repo = new AppealRepository(tx);
      const moderation = new ModerationRepository(tx);
      const appeal = await repo.lock(appealId);
      if (!appeal) throw new AppError('not_found', 'There is no such appeal.');
      if (appeal.state !== 'open') throw new AppError('conflict', 'This appeal has already been decided.');
      if (appeal.originalDeciderId !== null && appeal.originalDeciderId === moderatorId) {
        throw new AppError('forbidden', 'You took the decision this appeal contests, so another moderator has to decide it.');
      }
      const item = appeal.reviewItemId !== null ? await moderation.lockItem(appeal.reviewItemId) : undefined;
      if (!item || item.state !== 'open' || item.claimedBy !== moderatorId || !item.claimedUntil || item.claimedUntil <= now) {
        throw new AppError('conflict', 'Claim this appeal before deciding it: another moderator may be working on it, or your claim expired.');
      }
      const statement = (await repo.statement(appeal.statementId))!;
      const replier = isReplierStatement(statement.puid);
      const [posted] = await tx.select({ userId: ads.userId, email: ads.email }).from(ads).where(eq(ads.id, appeal.adId));
      const decider = await moderation.decider(moderatorId);
      let refused = posted ? decisionConflict(decider, posted, await moderation.posterAccounts(posted)) : null;
      if (!refused && replier && appeal.email) {
        // Nobody decides an appeal about their own message, or a staff replier of their rank or above.
        const sender = { userId: appeal.userId, email: appeal.email };
        refused = decisionConflict(decider, sender, await moderation.posterAccounts(sender), 'message');
      }
      if (refused) throw new AppError('forbidden', refused);
      const adRepo = new AdRepository(tx);
      const ad = await adRepo.findById(appeal.adId);
      const details: Record<string, unknown> = { appeal: appeal.id, statement: statement.puid, item: item.id, reason };
      let republished = false;
      const told: string[] = [];

      if (outcome === 'reverse' && replier) {
        told.push(...(await this.reverseForReplier(tx, appeal, statement, moderatorId, now, details)));
      } else if (outcome === 'reverse') {
        if (ad) {
          const restrictedAd = statement.decisionVisibility !== null && (RESTRICTED as readonly string[]).includes(ad.state);
          if (restrictedAd && !(await repo.hasLaterStatement(statement))) {
            const patch = this.reinstatement(ad, statement.createdAt, now);
            republished = await adRepo.transition(ad.id, [ad.state], 'published', { kind: 'moderator_appeal_reversed', reason: `Decision reversed on appeal A-${appeal.id}: ${reason}`, automated: false }, patch);
            if (republished) {
              details.expiresAt = patch.expiresAt.toISOString();
              // The ad was checked again and found fine: its other open reports are settled with it.
              details.itemsClosed = await moderation.closeItems(ad.id, 'decided', 'appeal_reversed', moderatorId, now);
              told.push(`Your ad is online again until ${patch.expiresAt.toISOString().slice(0, 10)} (the time it was offline was added to it): ${this.publicUrl(ad)}`);
            }
          } else if (restrictedAd) {
            told.push('The ad stays offline because of a later decision about it, which this appeal does not cover.');
          } else if (ad.state === 'deleted') {
            told.push('The ad stays offline because it was deleted.');
          }
          details.flagsRejected = await repo.rejectFlagsBehind(ad.id, statement.createdAt, now);
        }
        // The reversed decision no longer keeps re-posts of the ad out (removed-content.ts).
        details.bankLifted = await new RemovedContentBank(tx).liftStatement(statement.puid, `appeal A-${appeal.id} reversed`, now);
        if (statement.decisionAccount) {
          // The poster's other ads that this ban or suspension took down come back the same way,
          // unless the poster deleted them since or a later decision restricted them again.
          const restored: AdRow[] = [];
          for (const other of await repo.takenDownWith(statement)) {
            const row = await adRepo.findById(other.adId);
            if (!row || row.state !== 'removed' || (await repo.hasLaterStatement(other))) continue;
            const patch = this.reinstatement(row, other.createdAt, now);
            const event = { kind: 'moderator_appeal_reversed', reason: `Restored: the ${statement.decisionAccount === 'DECISION_ACCOUNT_TERMINATED' ? 'ban' : 'suspension'} that removed it was reversed on appeal A-${appeal.id}: ${reason}`, automated: false };
            if (await adRepo.transition(row.id, ['removed'], 'published', event, patch)) restored.push({ ...row, ...patch, state: 'published' });
          }
          if (restored.length > 0) {
            details.restoredAds = restored.map((a) => a.id);
            told.push(
              `Your other ads removed with this decision are online again (the time they were offline was added to them):\n${restored.map((a) => `- ${a.title}, until ${a.expiresAt.toISOString().slice(0, 10)}: ${this.publicUrl(a)}`).join('\n')}`,
            );
          }
          if (appeal.userId !== null) await repo.liftAccount(appeal.userId);
          const contacts: { kind: 'email' | 'phone'; value: string }[] = [];
          if (ad) contacts.push({ kind: 'email', value: normaliseEmail(ad.email) });
          if (ad?.phone) contacts.push({ kind: 'phone', value: normalisePhone(ad.phone) });
          details.blocksLifted = await repo.liftBlocks(statement.adId, contacts);
          told.push('The restriction on your account is lifted: you can post again with your e-mail address and phone number.');
        }
      }
      details.republished = republished;
      await repo.decide(appeal.id, outcome === 'reverse' ? 'reversed' : 'upheld', moderatorId, reason, now);
      details.itemClosed = await repo.closeItemIfDone(item.id, outcome === 'reverse' ? 'appeal_reversed' : 'appeal_upheld', moderatorId, now);
      if (replier) details.recipient = 'replier';
      await this.ctx.audit.append({ actor: `user:${moderatorId}`, action: outcome === 'reverse' ? 'appeal.reversed' : 'appeal.upheld', subjectType: 'ad', subjectId: appeal.adId, details }, tx);
      if (appeal.email) {
        const mail = appealOutcomeMail(appeal.email, appeal.id, ad?.title ?? `ad ${appeal.adId}`, outcome === 'reverse' ? 'reversed' : 'upheld', reason, told.join('\n\n'), replier ? 'message' : 'ad');
        mailIds = [await this.ctx.outbox.enqueue(tx, mail)];
      }
      return { appeal: (await repo.byId(appeal.id))!, republished };
    });
    await this.ctx.outbox.deliver(mailIds);
    return result;
  }

  /**
   * Reverses a decision about a reported replier (replier-decisions.ts): a warning is withdrawn, a
   * relay block lifted (its `blocked_contacts` row deleted and audited, unless another relay block
   * addressed to them still stands), a suspension or ban lifted from their account. The ad and the
   * flags on it are not touched: the decision was not about them. Returns what the replier is told.
   */
  private async reverseForReplier(tx: Db, appeal: AppealRow, statement: StatementRecord, moderatorId: number, now: Date, details: Record<string, unknown>): Promise<string[]> {
    const repo = new AppealRepository(tx);
    if (statement.decisionAccount) {
      if (statement.recipientUserId !== null) await repo.liftAccount(statement.recipientUserId);
      details.accountLifted = statement.recipientUserId;
      return ['The restriction on your account is lifted: you can sign in, post and send messages again.'];
    }
    if (statement.decisionProvision) {
      const email = statement.recipientEmail ?? appeal.email;
      const { lifted, standing } = email ? await repo.liftRelayBlock(email, statement.id) : { lifted: undefined, standing: false };
      details.relayBlockLifted = lifted?.id ?? null;
      if (standing) return ['Another decision about your messages still keeps your address from sending through the relay; this appeal does not cover it.'];
      if (lifted) {
        await this.ctx.audit.append(
          {
            actor: `user:${moderatorId}`,
            action: 'relay_block.lifted',
            subjectType: 'blocked_contact',
            subjectId: lifted.id,
            details: { email, reason: lifted.reason, via: 'appeal', appeal: appeal.id, statement: statement.puid, at: now.toISOString() },
          },
          tx,
        );
      }
      return ['Your e-mail address can send messages through the relay again.'];
    }
    return ['The warning is withdrawn.'];
  }

  private view(statement: StatementRecord, appeal: AppealRow | null): PosterDecision {
    const deadline = appealDeadline(statement.createdAt);
    return { statement, appeal, appealPath: appealPath(this.ctx.links, statement), deadline, canAppeal: appeal === null && this.ctx.now() <= deadline };
  }

  /** A republished ad's new expiry: moved on by the time it was offline (at least REVERSAL_MIN_DAYS), or a full period if it was never published. */
  private reinstatement(ad: AdRow, offlineSince: Date, now: Date) {
    return ad.publishedAt
      ? { expiresAt: reinstatedExpiry(ad.expiresAt, offlineSince, now), reminderSentAt: null }
      : { publishedAt: now, bumpedAt: now, expiresAt: new Date(now.getTime() + this.expiryDays(ad) * DAY), reminderSentAt: null };
  }

  private expiryDays(ad: AdRow): number {
    return this.ctx.places().categoryById.get(ad.categoryId)?.expiryDays ?? this.ctx.config.adExpiryDays;
  }

  private publicUrl(ad: AdRow): string {
    const places = this.ctx.places();
    const city = places.cityById.get(ad.cityId);
    const category = places.categoryById.get(ad.categoryId);
    return city && category ? `${this.ctx.config.publicUrl}${adPath(ad, city.slug, category.slug)}` : this.ctx.config.publicUrl;
  }
}
