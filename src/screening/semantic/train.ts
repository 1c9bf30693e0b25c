/**
 * Training of the semantic model: per label, an L2-regularised logistic regression fitted by
 * full-batch Adam; then, from leave-one-batch-out predictions (each batch scored by a model that
 * never saw it, so the figures estimate what an unseen writer's ads get), a Platt calibration and
 * thresholds set from measured false positives on ordinary ads. Deterministic for the same input.
 */
import { LABELS, type Label } from '../types.ts';
import { EMBEDDING_DIMENSIONS } from './embedder.ts';
import { WORD_BUCKETS, type AdFeatures } from './features.ts';
import { rawScore, type LabelModel, type LabelWeights, type SemanticModel } from './model.ts';

export interface Sample {
  features: AdFeatures;
  labels: readonly Label[];
  /** Which independent batch the ad came from: cross-validation holds out one batch at a time. */
  fold: string;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: { embedding: number; meta: number; words: number };
  /** Share of ordinary ads a label (or `harm`, the any-label head) may flag on held-out batches; sets its review threshold. */
  falsePositiveBudget: Record<Label | 'harm', number>;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 250,
  learningRate: 0.02,
  l2: { embedding: 1e-4, meta: 1e-4, words: 3e-5 },
  falsePositiveBudget: { child_safety: 0.003, trafficking: 0.001, sexual_services: 0.001, prohibited_goods: 0.001, scam: 0.001, spam: 0.001, harm: 0.012 },
};

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function zeros(metaLength: number): LabelWeights {
  return { bias: 0, embedding: new Float32Array(EMBEDDING_DIMENSIONS), meta: new Float32Array(metaLength), words: new Float32Array(WORD_BUCKETS) };
}

/** Fits one label's classifier. Positives are up-weighted so both classes weigh the same in the loss. */
export function fitLabel(samples: readonly Sample[], y: Uint8Array, o: TrainOptions): LabelWeights {
  const w = zeros(samples[0]?.features.meta.length ?? 0);
  const pos = y.reduce((s, v) => s + v, 0);
  if (pos === 0) {
    w.bias = -8;
    return w;
  }
  const posWeight = Math.min(20, (samples.length - pos) / pos);
  const total = samples.reduce((s, _x, i) => s + (y[i] ? posWeight : 1), 0);
  const params = [w.embedding, w.meta, w.words];
  const lambdas = [o.l2.embedding, o.l2.meta, o.l2.words];
  const m = params.map((p) => new Float32Array(p.length));
  const v = params.map((p) => new Float32Array(p.length));
  const grads = params.map((p) => new Float32Array(p.length));
  let mb = 0;
  let vb = 0;
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    for (const g of grads) g.fill(0);
    let gb = 0;
    for (let i = 0; i < samples.length; i++) {
      const f = samples[i]!.features;
      const weight = (y[i] ? posWeight : 1) / total;
      const err = (sigmoid(rawScore(w, f)) - y[i]!) * weight;
      gb += err;
      if (f.embedding) for (let k = 0; k < EMBEDDING_DIMENSIONS; k++) grads[0]![k]! += err * f.embedding[k]!;
      for (let k = 0; k < f.meta.length; k++) grads[1]![k]! += err * f.meta[k]!;
      for (const bucket of f.words) grads[2]![bucket]! += err * f.wordValue;
    }
    const c1 = 1 - b1 ** epoch;
    const c2 = 1 - b2 ** epoch;
    for (let p = 0; p < params.length; p++) {
      const theta = params[p]!;
      const g = grads[p]!;
      for (let k = 0; k < theta.length; k++) {
        const gk = g[k]! + lambdas[p]! * theta[k]!;
        m[p]![k] = b1 * m[p]![k]! + (1 - b1) * gk;
        v[p]![k] = b2 * v[p]![k]! + (1 - b2) * gk * gk;
        theta[k]! -= (o.learningRate * (m[p]![k]! / c1)) / (Math.sqrt(v[p]![k]! / c2) + eps);
      }
    }
    mb = b1 * mb + (1 - b1) * gb;
    vb = b2 * vb + (1 - b2) * gb * gb;
    w.bias -= (o.learningRate * (mb / c1)) / (Math.sqrt(vb / c2) + eps);
  }
  return w;
}

/** Platt scaling on held-out raw scores, with Platt's smoothed targets against overconfidence. */
export function fitPlatt(raw: readonly number[], y: Uint8Array): { a: number; b: number } {
  const pos = y.reduce((s, v) => s + v, 0);
  const neg = y.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  let a = 1;
  let b = 0;
  for (let it = 0; it < 2000; it++) {
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < raw.length; i++) {
      const err = sigmoid(a * raw[i]! + b) - (y[i] ? hi : lo);
      ga += err * raw[i]!;
      gb += err;
    }
    a -= (0.5 * ga) / raw.length;
    b -= (0.5 * gb) / raw.length;
  }
  return { a, b };
}

/** The smallest threshold at which at most `budget` of the ordinary ads score at or above it. */
export function thresholdForBudget(benignProbabilities: readonly number[], budget: number): number {
  const sorted = [...benignProbabilities].sort((x, y) => y - x);
  const allowed = Math.floor(budget * sorted.length);
  const above = sorted[allowed] ?? 0; // the first ordinary ad that must stay below the threshold
  return Math.min(0.9, Math.max(0.05, above + 1e-6));
}

export interface CrossValidation {
  /** Held-out calibrated probabilities per sample (leave one batch out), per label and for `harm`. */
  probabilities: Record<Label | 'harm', number>[];
  model: SemanticModel;
}

/**
 * Trains the model: leave-one-batch-out raw scores for calibration and thresholds, then the final
 * weights on every sample. Returns the model and the held-out probabilities (for reporting).
 */
export function trainModel(samples: readonly Sample[], metaNames: string[], o: TrainOptions = DEFAULT_TRAIN_OPTIONS, progress?: (step: string) => void): CrossValidation {
  const heads = [...LABELS, 'harm'] as const;
  const folds = [...new Set(samples.map((s) => s.fold))];
  const oof = heads.map(() => new Array<number>(samples.length).fill(0));
  const ys = heads.map((h) => Uint8Array.from(samples.map((s) => (h === 'harm' ? s.labels.length > 0 : s.labels.includes(h)) ? 1 : 0)));
  for (const fold of folds) {
    progress?.(`held-out batch ${fold}`);
    const trainIdx = samples.flatMap((s, i) => (s.fold === fold ? [] : [i]));
    const train = trainIdx.map((i) => samples[i]!);
    heads.forEach((_h, hi) => {
      const w = fitLabel(train, Uint8Array.from(trainIdx.map((i) => ys[hi]![i]!)), o);
      samples.forEach((s, i) => {
        if (s.fold === fold) oof[hi]![i] = rawScore(w, s.features);
      });
    });
  }
  const benign = samples.map((s) => s.labels.length === 0);
  const probabilities = samples.map(() => ({}) as Record<Label | 'harm', number>);
  const models = {} as Record<Label | 'harm', LabelModel>;
  heads.forEach((h, hi) => {
    progress?.(`final ${h}`);
    const calibration = fitPlatt(oof[hi]!, ys[hi]!);
    const p = oof[hi]!.map((z) => sigmoid(calibration.a * z + calibration.b));
    p.forEach((x, i) => (probabilities[i]![h] = x));
    const benignP = p.filter((_x, i) => benign[i]);
    const review = thresholdForBudget(benignP, o.falsePositiveBudget[h]);
    const reject = Math.max(review, thresholdForBudget(benignP, o.falsePositiveBudget[h] / 10));
    models[h] = { weights: fitLabel(samples, ys[hi]!, o), calibration, thresholds: { review, reject } };
  });
  const { harm, ...labels } = models;
  const model: SemanticModel = { version: '', trainedAt: new Date().toISOString(), metaNames, summary: {}, labels, harm };
  return { probabilities, model };
}
