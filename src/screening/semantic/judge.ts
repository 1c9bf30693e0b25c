/**
 * Applies the semantic model inside a screening: calibrated probabilities per label replace the
 * rules' noisy-or scores (the rules are among the model's inputs, so exact codes still count), the
 * model's measured thresholds replace the policy's, and each label the model raises gets a reason
 * whose evidence is the word of the ad that pushed that label up most, for the moderator.
 */
import { evidenceFor, type TextAnalysis } from '../analyse.ts';
import { LABELS, type Evidence, type Label, type Reason } from '../types.ts';
import { bucketOf, type AdFeatures } from './features.ts';
import { headProbability, probabilities, strongestWords, type SemanticModel } from './model.ts';

export interface SemanticJudgement {
  scores: Record<Label, number>;
  reasons: Reason[];
  thresholds: (label: Label) => { review: number; reject: number };
}

/**
 * Which labels the model raises from its probabilities (labels and `harm`), and the label scores the
 * decision reads. Shared by screening and by the training report, so both judge alike.
 */
export function raiseLabels(model: SemanticModel, p: Record<Label | 'harm', number>): { scores: Record<Label, number>; raised: Label[] } {
  const scores = Object.fromEntries(LABELS.map((l) => [l, p[l]])) as Record<Label, number>;
  const t = (l: Label) => model.labels[l].thresholds;
  const raised = LABELS.filter((l) => scores[l] >= t(l).review);
  if (raised.length === 0 && p.harm >= model.harm.thresholds.review) {
    // Harmful as a whole, no label sure: the likeliest label relative to its own threshold.
    const likeliest = [...LABELS].sort((a, b) => scores[b] / t(b).review - scores[a] / t(a).review)[0]!;
    const sure = p.harm >= model.harm.thresholds.reject;
    scores[likeliest] = Math.max(scores[likeliest], sure ? t(likeliest).reject : t(likeliest).review);
    raised.push(likeliest);
  }
  return { scores, raised };
}

export function judge(model: SemanticModel, features: AdFeatures, analysis: TextAnalysis): SemanticJudgement {
  const p = { ...probabilities(model, features), harm: headProbability(model.harm, features) };
  const { scores, raised } = raiseLabels(model, p);
  const reasons: Reason[] = raised.map((l) => ({ rule: `model.${l}`, label: l, weight: Math.round(scores[l] * 1000) / 1000, evidence: strongestEvidence(model, l, features, analysis) }));
  return { scores, reasons, thresholds: (l) => model.labels[l].thresholds };
}

function strongestEvidence(model: SemanticModel, l: Label, features: AdFeatures, analysis: TextAnalysis): Evidence {
  const top = strongestWords(model, l, features, 3);
  for (const bucket of top) {
    const i = analysis.tokens.findIndex((t) => !t.numeric && bucketOf(t.forms[0]!) === bucket);
    if (i >= 0) return evidenceFor(analysis, i, i + 1);
  }
  // The embedding carried the decision rather than any single word: point at the whole ad.
  const body = analysis.fields[1]!.norm.original;
  return { field: 'body', text: body.slice(0, 80), start: 0, end: Math.min(80, body.length) };
}
