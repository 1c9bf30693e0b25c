/**
 * Holding a live ad that `corkboard rescan` found matching new screening rules or hash banks. It is
 * treated like any other automated hold of a live ad (src/moderation/flag.service.ts): in one
 * transaction the ad is held, queued for review (as ModeratedScreener queues posting-time holds), a
 * statement of reasons (DSA Art. 17) is stored, the audit log records it and the mail to the poster
 * is written to the outbox; after the commit the statement is mailed.
 */
import type { Db } from '../db/client.ts';
import { AdRepository } from '../listings/ad.repository.ts';
import type { ScreeningVerdict } from '../listings/screening-hook.ts';
import { appealUrl } from './appeal-links.ts';
import { statementMail } from './moderation-mails.ts';
import type { ModerationContext } from './moderation.context.ts';
import { ModerationRepository } from './moderation.repository.ts';
import { POLICY_REASONS, priorityForLabels, type PolicyReasonKey } from './policy.ts';
import { buildStatement, statementText, type StatementRow } from './statements.ts';

export interface RescannedAd {
  id: number;
  title: string;
  email: string;
  createdAt: Date;
}

export const RESCAN_FACTS =
  'Our automated checks were run again on live ads after the screening rules or the lists of known images changed. The ad now matches them, so it is hidden until a moderator checks it.';

/** Holds the ad if it is still published; returns whether it did. */
export async function holdAfterRescan(ctx: ModerationContext, ad: RescannedAd, verdict: ScreeningVerdict): Promise<boolean> {
  const now = ctx.now();
  const reason: PolicyReasonKey = (verdict.labels.find((l) => l in POLICY_REASONS) as PolicyReasonKey | undefined) ?? 'prohibited_goods';
  const escalate = verdict.details?.escalate === true || verdict.labels.includes('child_safety');
  const enginePriority = verdict.details?.priority;
  const priority = escalate ? 0 : typeof enginePriority === 'number' && enginePriority >= 0 && enginePriority <= 3 ? enginePriority : priorityForLabels(verdict.labels);
  const hashMatch = verdict.reasons.some((r) => r.rule.startsWith('image.'));
  const statement = buildStatement({
    adId: ad.id,
    reason,
    visibility: 'DECISION_VISIBILITY_CONTENT_DISABLED',
    source: 'SOURCE_VOLUNTARY',
    automatedDetection: true,
    automatedDecision: 'AUTOMATED_DECISION_FULLY',
    contentDate: ad.createdAt,
    applicationDate: now,
    facts: RESCAN_FACTS,
  });
  const mailIds: number[] = [];
  const held = await ctx.database.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const moved = await new AdRepository(tx).transition(ad.id, ['published'], 'held', { kind: 'rescan_held', reason: statementText(statement, ad.title), automated: true }, { screening: verdict });
    if (!moved) return false;
    const repo = new ModerationRepository(tx);
    const item = await repo.enqueue({ adId: ad.id, source: hashMatch ? 'hash_match' : 'screening', priority, trusted: false, label: verdict.labels[0] ?? null, now });
    await repo.insertStatement({ ...statement, reviewItemId: item.id } satisfies StatementRow);
    await ctx.audit.append(
      { actor: 'system', action: 'ad.held_by_rescan', subjectType: 'ad', subjectId: ad.id, details: { statement: statement.puid, labels: verdict.labels, rules: verdict.reasons.map((r) => r.rule), reviewItem: item.id } },
      tx,
    );
    mailIds.push(await ctx.outbox.enqueue(tx, statementMail(ad.email, ad.title, statement, appealUrl(ctx.links, ctx.config.publicUrl, { adId: ad.id, puid: statement.puid }))));
    return true;
  });
  await ctx.outbox.deliver(mailIds);
  return held;
}
