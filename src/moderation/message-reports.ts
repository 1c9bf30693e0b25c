/**
 * Reports about relay messages (src/messaging) in the review queue: one open item per ad (source
 * 'message_report'), so several reports about the ad's conversations meet in one place, at the
 * priority of the most serious reason. The review page shows the reported threads.
 */
import { PRIORITY } from './policy.ts';
import type { ModerationRepository } from './moderation.repository.ts';

/** Report reasons (src/messaging/relay-input.ts REPORT_REASONS) to queue priorities. */
export const MESSAGE_REPORT_PRIORITY: Record<string, number> = {
  scam: PRIORITY.illegal,
  prohibited: PRIORITY.illegal,
  harassment: PRIORITY.illegal,
  spam: PRIORITY.terms,
  other: PRIORITY.terms,
};

export async function queueMessageReport(repo: ModerationRepository, report: { adId: number; reason: string }, now: Date): Promise<void> {
  await repo.enqueue({ adId: report.adId, source: 'message_report', priority: MESSAGE_REPORT_PRIORITY[report.reason] ?? PRIORITY.terms, trusted: false, label: report.reason, now });
}
