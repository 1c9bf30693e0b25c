/**
 * Wraps the listings' screening step (src/listings/screening-hook.ts) at the composition root, so
 * posting code needs no change: refuses ads whose e-mail or phone is blocked after a suspension or
 * ban, and puts ads that screening holds (or rejects and escalates) into the review queue.
 */
import type { AdForScreening, AdScreener, ScreeningVerdict } from '../listings/screening-hook.ts';
import type { ModerationContext } from './moderation.context.ts';
import { priorityForLabels } from './policy.ts';

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
        reasons: [{ rule: 'moderation.blocked_contact', label: 'blocked_contact', evidence: blocked.kind }],
        statement: BLOCKED_STATEMENT,
        group: null,
        details: { blockedContact: blocked.kind, blockedUntil: blocked.until?.toISOString() ?? null },
      };
    }
    const verdict = await this.inner.screen(ad);
    const escalate = verdict.details?.escalate === true || verdict.labels.includes('child_safety');
    if (verdict.decision === 'review' || (verdict.decision === 'reject' && escalate)) {
      const enginePriority = verdict.details?.priority;
      const priority = typeof enginePriority === 'number' && enginePriority >= 0 && enginePriority <= 3 ? enginePriority : priorityForLabels(verdict.labels);
      const hashMatch = verdict.reasons.some((r) => r.rule.startsWith('image.'));
      await this.ctx.repo.enqueue({ adId: ad.id, source: hashMatch ? 'hash_match' : 'screening', priority: escalate ? 0 : priority, trusted: false, label: verdict.labels[0] ?? null, now: this.ctx.now() });
    }
    return verdict;
  }
}
