/**
 * Turns weighted reasons into a decision. Scores per label combine as a noisy-or (independent
 * evidence accumulates, nothing exceeds 1); child safety always outranks everything else.
 */
import type { Policy } from './policy/compile.ts';
import { LABELS, type Decision, type Label, type PosterReputation, type Reason } from './types.ts';

const PRIORITY: Record<Label, number> = {
  child_safety: 0,
  trafficking: 1,
  sexual_services: 2,
  prohibited_goods: 2,
  scam: 2,
  spam: 3,
};

/** Review-queue priority of a set of labels: the most urgent label wins; null when no label. */
export function reviewPriority(labels: readonly Label[]): number | null {
  let best: number | null = null;
  for (const l of labels) best = best === null ? PRIORITY[l] : Math.min(best, PRIORITY[l]);
  return best;
}

export function labelScores(reasons: readonly Reason[]): Partial<Record<Label, number>> {
  const keep: Partial<Record<Label, number>> = {};
  const seen = new Set<string>();
  for (const r of reasons) {
    const key = `${r.rule}\u0000${r.label}`;
    if (seen.has(key)) continue; // a rule counts once however often it matched
    seen.add(key);
    keep[r.label] = 1 - (1 - (keep[r.label] ?? 0)) * (1 - r.weight);
  }
  return keep;
}

/** Earlier removals and unverified new accounts make the same evidence count for more. */
export function applyReputation(scores: Partial<Record<Label, number>>, rep: PosterReputation | undefined, policy: Policy): void {
  if (!rep) return;
  const r = policy.spec.signals.reputation;
  let boost = (rep.priorRemovals ?? 0) * r.per_prior_removal;
  const unverified = !rep.emailVerified && !rep.phoneVerified;
  if (unverified && rep.accountAgeDays !== undefined && rep.accountAgeDays < r.new_account_days) boost += r.unverified_new_account;
  boost = Math.min(0.5, boost);
  if (boost <= 0) return;
  for (const l of LABELS) {
    const s = scores[l];
    if (s !== undefined && s > 0) scores[l] = 1 - (1 - s) * (1 - boost * s); // scaled by s: no evidence, no boost
  }
}

export interface Verdict {
  decision: Decision;
  score: number;
  labels: Label[];
  escalate: boolean;
  priority: number | null;
  dsaCategory: string | null;
  statement: string | null;
}

export type Thresholds = (label: Label) => { review: number; reject: number };

export function decide(
  scores: Partial<Record<Label, number>>,
  reasons: readonly Reason[],
  policy: Policy,
  forced: { reject: boolean; review: boolean; escalate: boolean },
  thresholds: Thresholds = (l) => policy.threshold(l),
): Verdict {
  const labels: Label[] = [];
  let reject = forced.reject;
  let score = 0;
  for (const l of LABELS) {
    const s = scores[l] ?? 0;
    score = Math.max(score, s);
    const t = thresholds(l);
    if (s >= t.review) labels.push(l);
    if (s >= t.reject) reject = true;
  }
  // Child safety is never left to a score: any child-safety label removes the ad and escalates.
  const escalate = forced.escalate || labels.includes('child_safety') || (reject && labels.includes('trafficking'));
  if (labels.includes('child_safety')) reject = true;
  const decision: Decision = reject ? 'reject' : labels.length > 0 || forced.review ? 'review' : 'publish';
  if (decision !== 'publish') score = Math.max(score, thresholds(labels[0] ?? 'spam').review);
  const priority = reviewPriority(labels) ?? (decision === 'publish' ? null : 3);
  const top = [...labels].sort((a, b) => PRIORITY[a] - PRIORITY[b] || (scores[b] ?? 0) - (scores[a] ?? 0))[0];
  const dsaCategory = top ? policy.spec.labels[top]?.dsa_category ?? null : decision === 'publish' ? null : 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC';
  return { decision, score: Math.round(score * 1000) / 1000, labels, escalate, priority, dsaCategory, statement: decision === 'publish' ? null : statement(decision, labels, reasons, policy) };
}

/** What the poster reads. States the grounds and the remedy; never quotes the words that matched. */
function statement(decision: Decision, labels: readonly Label[], reasons: readonly Reason[], policy: Policy): string {
  const head =
    decision === 'reject'
      ? 'Your ad was not published because it breaks the Corkboard posting rules.'
      : 'Your ad is held for a check by our moderators before it is published.';
  const lines = new Set<string>();
  for (const l of labels) {
    const s = policy.spec.labels[l]?.statement;
    if (s) lines.add(s);
  }
  const ruleText = new Map(policy.rules.map((r) => [r.id, r.reason]));
  for (const r of reasons) {
    const text = ruleText.get(r.rule);
    if (text && labels.includes(r.label) && lines.size < 4) lines.add(text);
  }
  const tail = 'This decision was made with automated tools. You can appeal it free of charge from your account within six months.';
  return [head, ...lines, tail].join(' ');
}
