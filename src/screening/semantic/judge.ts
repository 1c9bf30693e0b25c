/**
 * Applies the semantic model inside a screening: calibrated probabilities per label replace the
 * rules' noisy-or scores (the rules are among the model's inputs, so exact codes still count), the
 * model's measured thresholds replace the policy's, and each label the model raises gets a reason
 * whose evidence is the word of the ad that pushed that label up most, for the moderator.
 */
import { evidenceFor, type TextAnalysis } from '../analyse.ts';
import { LABELS, type Evidence, type Label, type Reason } from '../types.ts';
import { bucketOf, type AdFeatures } from './features.ts';
import { probabilities, strongestWords, type SemanticModel } from './model.ts';

export interface SemanticJudgement {
  scores: Record<Label, number>;
  reasons: Reason[];
  thresholds: (label: Label) => { review: number; reject: number };
}

export function judge(model: SemanticModel, features: AdFeatures, analysis: TextAnalysis): SemanticJudgement {
  const scores = probabilities(model, features);
  const reasons: Reason[] = [];
  for (const l of LABELS) {
    const p = scores[l];
    if (p < model.labels[l].thresholds.review) continue;
    reasons.push({ rule: `model.${l}`, label: l, weight: Math.round(p * 1000) / 1000, evidence: strongestEvidence(model, l, features, analysis) });
  }
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
