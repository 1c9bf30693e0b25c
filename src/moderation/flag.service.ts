/**
 * Quick flags from the ad page. One per person per ad; each weighs what its flagger's record says
 * (src/moderation/policy.ts), and enough weight from distinct, proven flaggers holds the ad at once
 * with a statement of reasons to the poster. Every flag puts the ad in the review queue.
 */
import type { Db } from '../db/client.ts';
import { AdRepository } from '../listings/ad.repository.ts';
import { AppError, validationError } from '../platform/errors.ts';
import type { Flagger } from './flagger-identity.ts';
import { appealUrl } from './appeal-links.ts';
import { statementMail } from './moderation-mails.ts';
import type { ModerationContext } from './moderation.context.ts';
import { FlagIntakeRepository } from './flag-intake.repository.ts';
import { ModerationRepository } from './moderation.repository.ts';
import { FLAG_PRIORITY, FLAG_REASONS, FLAG_TO_POLICY, flagWeight, holdScore, shouldHold, type FlagReason } from './policy.ts';
import { buildStatement, statementText } from './statements.ts';

export interface FlagResult {
  flagId: number;
  weight: number;
  held: boolean;
}

const ALREADY_FLAGGED = 'You have already reported this ad. Thank you: moderators will look at it.';

export class FlagService {
  constructor(private ctx: ModerationContext) {}

  async submit(adId: number, reasonRaw: string, flagger: Flagger): Promise<FlagResult> {
    if (!(FLAG_REASONS as readonly string[]).includes(reasonRaw)) throw validationError({ reason: 'Choose what is wrong with this ad.' });
    const reason = reasonRaw as FlagReason;
    const now = this.ctx.now();
    let mailIds: number[] = [];
    const result = await this.ctx.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const repo = new ModerationRepository(tx);
      const intake = new FlagIntakeRepository(tx);
      const facts = await intake.lockAndRead(adId, flagger);
      if (!facts || facts.ad.state !== 'published') throw new AppError('not_found', 'This ad is not on the site any more, so there is nothing to report.');
      if (facts.alreadyFlagged) throw new AppError('conflict', ALREADY_FLAGGED);
      const { ad } = facts;
      const trusted = flagger.userId !== null && facts.trusted;
      // A second visitor on the same network is recorded for moderators but adds no weight.
      const sameNetwork = flagger.userId === null && facts.sameNetwork;
      const weight = sameNetwork ? 0 : flagWeight(facts.history, { trusted, establishedAccount: flagger.establishedAccount });
      const flagId = await intake.insertFlagAndEnqueue({
        adId,
        reason,
        flaggerKey: flagger.key,
        userId: flagger.userId,
        ipHash: flagger.ipHash,
        weight,
        now,
        queue: { source: 'flag', priority: FLAG_PRIORITY[reason], trusted },
      });
      if (flagId === undefined) throw new AppError('conflict', ALREADY_FLAGGED);
      const flag = { id: flagId };
      const decided = (facts.history?.upheld ?? 0) + (facts.history?.rejected ?? 0);
      const score = holdScore([...facts.openFlags, { reason, weight, decided, trusted: weight >= 1 }]);
      if (!shouldHold(score)) return { flagId: flag.id, weight, held: false };
      const policyReason = score.childSafety >= 0.5 ? 'child_safety' : FLAG_TO_POLICY[await this.topReason(repo, adId)];
      const statement = buildStatement({
        adId,
        reason: policyReason,
        visibility: 'DECISION_VISIBILITY_CONTENT_DISABLED',
        source: trusted ? 'SOURCE_TRUSTED_FLAGGER' : 'SOURCE_TYPE_OTHER_NOTIFICATION',
        automatedDetection: false,
        automatedDecision: 'AUTOMATED_DECISION_FULLY',
        contentDate: ad.createdAt,
        applicationDate: now,
        facts: 'Several visitors with a good reporting record flagged the ad, so it was hidden automatically until a moderator checks it.',
      });
      const moved = await new AdRepository(tx).transition(adId, ['published'], 'held', { kind: 'flag_hold', reason: statementText(statement, ad.title), automated: true });
      if (!moved) return { flagId: flag.id, weight, held: false };
      await repo.insertStatement(statement);
      await this.ctx.audit.append(
        { actor: 'system', action: 'ad.held_by_flags', subjectType: 'ad', subjectId: adId, details: { score: score.total, childSafetyScore: score.childSafety, statement: statement.puid, lastFlag: flag.id } },
        tx,
      );
      // The statement of reasons is mailed through the outbox: written with the hold, sent after the commit.
      mailIds = [await this.ctx.outbox.enqueue(tx, statementMail(ad.email, ad.title, statement, appealUrl(this.ctx.links, this.ctx.config.publicUrl, { adId, puid: statement.puid })))];
      return { flagId: flag.id, weight, held: true };
    });
    await this.ctx.outbox.deliver(mailIds);
    return result;
  }

  /** The reason carrying the most weight among the ad's open flags. */
  private async topReason(repo: ModerationRepository, adId: number): Promise<FlagReason> {
    const byReason = new Map<string, number>();
    for (const f of await repo.openFlagWeights(adId)) byReason.set(f.reason, (byReason.get(f.reason) ?? 0) + f.weight);
    const [top] = [...byReason.entries()].sort((a, b) => b[1] - a[1]);
    return (top?.[0] ?? 'prohibited') as FlagReason;
  }
}
