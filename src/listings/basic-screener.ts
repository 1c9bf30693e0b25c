/**
 * A small built-in rule set, used where the full screening engine is not configured (and in tests
 * of the posting flow). It covers the clearest prohibited-content cues only.
 */
import type { AdForScreening, AdScreener, ScreeningVerdict } from './screening-hook.ts';

const RULES: { id: string; label: string; pattern: RegExp; decision: 'review' | 'reject' }[] = [
  { id: 'basic.sexual_services', label: 'sexual_services', pattern: /\b(full service|gfe|happy ending|incall|outcall)\b/i, decision: 'reject' },
  { id: 'basic.scam_payment', label: 'scam', pattern: /\b(gift cards? only|western union only|pay with gift card)\b/i, decision: 'review' },
  { id: 'basic.fake_ids', label: 'prohibited_goods', pattern: /\b(fake (id|ids|passport)s?|novelty id)\b/i, decision: 'reject' },
];

export class BasicScreener implements AdScreener {
  async screen(ad: AdForScreening): Promise<ScreeningVerdict> {
    const text = `${ad.title}\n${ad.body}`;
    const hits = RULES.flatMap((r) => {
      const m = r.pattern.exec(text);
      return m ? [{ rule: r, evidence: m[0] }] : [];
    });
    if (hits.length === 0) {
      return { decision: 'publish', score: 0, labels: [], reasons: [], statement: 'Your ad met our posting rules and is published.', group: null };
    }
    const reject = hits.some((h) => h.rule.decision === 'reject');
    return {
      decision: reject ? 'reject' : 'review',
      score: reject ? 1 : 0.6,
      labels: [...new Set(hits.map((h) => h.rule.label))],
      reasons: hits.map((h) => ({ rule: h.rule.id, label: h.rule.label, evidence: h.evidence })),
      statement: reject
        ? 'Your ad was not published because it appears to offer something our rules prohibit. If you think this is a mistake, you can appeal.'
        : 'Your ad will be checked by a moderator before it goes live, usually within a day.',
      group: null,
    };
  }
}
