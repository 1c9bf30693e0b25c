/**
 * Wraps the listings' screening step (src/listings/screening-hook.ts) at the composition root, so
 * posting code needs no moderation knowledge: refuses ads whose e-mail or phone is blocked after a
 * suspension or ban; then, in the transaction in which AdService applies the verdict
 * (`recordDecision`), puts ads that screening holds (or rejects and escalates) into the review queue
 * and stores a statement of reasons for each rejection, with its appeal link added to what the poster
 * reads. It also keeps removed content removed (removed-content.ts): an ad that matches the bank of
 * removed and rejected ads is held for review instead of published, and every rejection goes into
 * that bank.
 */
import type { Db } from '../db/client.ts';
import type { AdForScreening, AdScreener, ScreeningVerdict } from '../listings/screening-hook.ts';
import { appealUrl } from './appeal-links.ts';
import type { ModerationContext } from './moderation.context.ts';
import { ModerationRepository } from './moderation.repository.ts';
import { POLICY_REASONS, priorityForLabels, type PolicyReasonKey } from './policy.ts';
import { fingerprintOf, RemovedContentBank, REPOST_RULE, type RepostMatch } from './removed-content.ts';
import { buildStatement } from './statements.ts';

const BLOCKED_RULE = 'moderation.blocked_contact';

export const BLOCKED_STATEMENT =
  'Your ad was not published: the e-mail address or phone number on it may not be used to post on Corkboard after an earlier moderation decision. If you think this is a mistake, reply to the decision we sent you at the time.';

export class ModeratedScreener implements AdScreener {
  constructor(
    private readonly inner: AdScreener,
    private readonly ctx: ModerationContext,
  ) {}

  async screen(ad: AdForScreening): Promise<ScreeningVerdict> {
    const blocked = await this.ctx.repo.blockedContact(ad.email, ad.phone, this.ctx.now());
    if (blocked) {
      return {
        decision: 'reject',
        score: 1,
        labels: ['blocked_contact'],
        reasons: [{ rule: BLOCKED_RULE, label: 'blocked_contact', evidence: blocked.kind }],
        statement: BLOCKED_STATEMENT,
        group: null,
        details: { blockedContact: blocked.kind, blockedUntil: blocked.until?.toISOString() ?? null },
      };
    }
    const fingerprint = fingerprintOf(ad.title, ad.body, ad.imageHashes);
    const [verdict, reposts] = await Promise.all([this.inner.screen(ad), new RemovedContentBank(this.ctx.database.db).match(ad.id, fingerprint)]);
    return withReposts(verdict, reposts);
  }

  /** Runs in AdService's transaction that applies the verdict: the queue item and statement commit with the ad's new state and its mail. */
  async recordDecision(tx: Db, ad: AdForScreening, verdict: ScreeningVerdict): Promise<ScreeningVerdict> {
    if (verdict.reasons.some((r) => r.rule === BLOCKED_RULE)) return verdict;
    const repo = new ModerationRepository(tx);
    const escalate = verdict.details?.escalate === true || verdict.labels.includes('child_safety');
    if (verdict.decision === 'review' || (verdict.decision === 'reject' && escalate)) {
      const enginePriority = verdict.details?.priority;
      const priority = typeof enginePriority === 'number' && enginePriority >= 0 && enginePriority <= 3 ? enginePriority : priorityForLabels(verdict.labels);
      const hashMatch = verdict.reasons.some((r) => r.rule.startsWith('image.'));
      const repost = verdict.reasons.some((r) => r.rule === REPOST_RULE);
      const source = hashMatch ? 'hash_match' : repost ? 'repost' : 'screening';
      await repo.enqueue({ adId: ad.id, source, priority: escalate ? 0 : priority, trusted: false, label: verdict.labels[0] ?? null, now: this.ctx.now() });
    }
    if (verdict.decision === 'reject') return this.withStatement(tx, repo, ad, verdict);
    return verdict;
  }

  /**
   * An edit of an ad under review stays under review: the moderator decides on what the poster has
   * now written. A verdict that would hold or reject the edited text is queued like any screening
   * hold (raising an open screening item rather than adding a second one), so the queue shows the
   * edit's labels and priority; a clean verdict changes nothing in the queue.
   */
  async attachEditUnderReview(tx: Db, ad: AdForScreening, verdict: ScreeningVerdict): Promise<boolean> {
    const repo = new ModerationRepository(tx);
    const pending = (await repo.itemsOf(ad.id)).filter((i) => i.state === 'open' || i.state === 'escalated');
    if (pending.length === 0) return false;
    if (verdict.decision !== 'publish') {
      const escalate = verdict.details?.escalate === true || verdict.labels.includes('child_safety');
      await repo.enqueue({ adId: ad.id, source: 'screening', priority: escalate ? 0 : priorityForLabels(verdict.labels), trusted: false, label: verdict.labels[0] ?? null, now: this.ctx.now() });
    }
    return true;
  }

  /**
   * A rejection is a restriction (DSA Art. 17): store its statement of reasons (fully automated) and
   * give the poster its reference and appeal link. Stored in the transaction that records the
   * rejected state and writes the poster's mail, so there is never a rejection without its statement
   * nor a statement the poster is not sent. (Refusals for a blocked contact carry no statement of
   * their own: the suspension or ban that caused them has one, and that is what to appeal.)
   */
  private async withStatement(tx: Db, repo: ModerationRepository, ad: AdForScreening, verdict: ScreeningVerdict): Promise<ScreeningVerdict> {
    const now = this.ctx.now();
    const reason = (verdict.labels.find((l) => l in POLICY_REASONS) ?? 'spam') as PolicyReasonKey;
    const statement = buildStatement({
      adId: ad.id,
      reason,
      visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED',
      source: 'SOURCE_VOLUNTARY',
      automatedDetection: true,
      automatedDecision: 'AUTOMATED_DECISION_FULLY',
      contentDate: ad.postedAt,
      applicationDate: now,
      facts: 'Our automated checks found the ad breaks the rule above when it was submitted, so it was not published.',
    });
    await repo.insertStatement(statement);
    // What screening rejected stays out: a re-post of it, by anyone, is held for a moderator. Not a
    // rejection citing an image hash bank: that bank already keeps the photos out, under the label
    // and action its admins set, and deleting it or turning it to review must take effect.
    if (!verdict.reasons.some((r) => r.rule.startsWith('image.'))) {
      const item = (await repo.itemsOf(ad.id)).find((i) => i.state === 'open');
      const fingerprint = fingerprintOf(ad.title, ad.body, ad.imageHashes);
      await new RemovedContentBank(tx).record({ adId: ad.id, label: reason, decidedBy: 'screening', statementPuid: statement.puid, reviewItemId: item?.id ?? null, decidedAt: now, fingerprint });
    }
    const url = appealUrl(this.ctx.links, this.ctx.config.publicUrl, { adId: ad.id, puid: statement.puid });
    return { ...verdict, statement: `${verdict.statement}\n\nIf you think this is wrong, you can appeal free of charge within six months (reference ${statement.puid}): ${url}` };
  }
}

export const REPOST_STATEMENT = 'Your ad will be checked by a moderator before it goes live, usually within a day.';

/**
 * An ad that matches removed or rejected content is never published on screening alone: a 'publish'
 * verdict becomes 'review' (queued with source 'repost' at the earlier decision's priority); a
 * 'review' verdict keeps its own labels and gains the repost reasons. The matches go into the
 * verdict's details (`repost`), which the review page turns into links to the earlier decisions.
 * A rejection stays a rejection. The poster reads the ordinary "under review" text: naming the
 * match would tell them what to change to get past it.
 */
export function withReposts(verdict: ScreeningVerdict, reposts: RepostMatch[]): ScreeningVerdict {
  if (reposts.length === 0) return verdict;
  const reasons = [...verdict.reasons, ...reposts.map((m) => ({ rule: REPOST_RULE, label: m.label, evidence: `ad ${m.adId}` }))];
  const details = { ...verdict.details, repost: reposts };
  if (verdict.decision === 'reject') return { ...verdict, reasons, details };
  const labels = [...new Set([...verdict.labels, ...reposts.map((m) => m.label)])];
  const enginePriority = verdict.decision === 'review' && typeof verdict.details?.priority === 'number' ? verdict.details.priority : 3;
  const priority = Math.min(enginePriority, priorityForLabels(reposts.map((m) => m.label)));
  const statement = verdict.decision === 'review' ? verdict.statement : REPOST_STATEMENT;
  return { ...verdict, decision: 'review', labels, reasons, statement, details: { ...details, priority } };
}
