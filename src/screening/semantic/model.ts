/**
 * The semantic model: one logistic classifier per label over an ad's features (embedding, rule
 * and contact facts, hashed words), a Platt calibration per label that turns its output into a
 * probability, and per-label thresholds chosen from measured precision and recall on ads the
 * classifier had not been trained on (see train.ts). Stored as one JSON file (weights as base64
 * float32) written by `corkboard screening train`; loading it is pure.
 */
import { LABELS, type Label } from '../types.ts';
import { EMBEDDING_DIMENSIONS } from './embedder.ts';
import { WORD_BUCKETS, type AdFeatures } from './features.ts';

export interface LabelWeights {
  bias: number;
  embedding: Float32Array;
  meta: Float32Array;
  words: Float32Array;
}

export interface LabelModel {
  weights: LabelWeights;
  /** Platt scaling: probability = sigmoid(a * raw + b). */
  calibration: { a: number; b: number };
  /** A probability at or above `review` labels the ad; at or above `reject` it is not published. */
  thresholds: { review: number; reject: number };
}

export interface SemanticModel {
  version: string;
  /** Names of the dense features the weights were trained on (`metaNames(families)`). */
  metaNames: string[];
  trainedAt: string;
  /** What the model was trained on and how it measured, for the admin's comparison. */
  summary: Record<string, unknown>;
  labels: Record<Label, LabelModel>;
  /**
   * "Harmful at all", trained on every label together: a wording no label's classifier is sure of
   * can still look harmful as a whole. When it fires alone, the ad takes its likeliest label.
   */
  harm: LabelModel;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function rawScore(w: LabelWeights, f: AdFeatures): number {
  let z = w.bias;
  if (f.embedding) for (let i = 0; i < EMBEDDING_DIMENSIONS; i++) z += w.embedding[i]! * f.embedding[i]!;
  for (let i = 0; i < f.meta.length; i++) z += w.meta[i]! * f.meta[i]!;
  for (const b of f.words) z += w.words[b]! * f.wordValue;
  return z;
}

export function headProbability(m: LabelModel, f: AdFeatures): number {
  return sigmoid(m.calibration.a * rawScore(m.weights, f) + m.calibration.b);
}

export function probabilities(model: SemanticModel, f: AdFeatures): Record<Label, number> {
  const out = {} as Record<Label, number>;
  for (const l of LABELS) out[l] = headProbability(model.labels[l], f);
  return out;
}

/** The hashed words of this ad that pushed label `l` up most: shown to moderators as evidence. */
export function strongestWords(model: SemanticModel, l: Label, f: AdFeatures, limit = 3): number[] {
  const w = model.labels[l].weights.words;
  return [...f.words].filter((b) => w[b]! > 0).sort((x, y) => w[y]! - w[x]!).slice(0, limit);
}

// --- storage -------------------------------------------------------------------------------

const toBase64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function fromBase64(s: string, length: number, what: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength !== length * 4) throw new Error(`semantic model: ${what} has ${buf.byteLength / 4} weights, expected ${length}`);
  const out = new Float32Array(length);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function serialiseModel(m: SemanticModel): string {
  const stored = (x: LabelModel) => ({ bias: x.weights.bias, embedding: toBase64(x.weights.embedding), meta: toBase64(x.weights.meta), words: toBase64(x.weights.words), calibration: x.calibration, thresholds: x.thresholds });
  const labels = Object.fromEntries([...LABELS.map((l) => [l, stored(m.labels[l])]), ['harm', stored(m.harm)]]);
  return JSON.stringify({ version: m.version, trainedAt: m.trainedAt, metaNames: m.metaNames, wordBuckets: WORD_BUCKETS, summary: m.summary, labels }, null, 1) + '\n';
}

interface StoredLabel {
  bias: number;
  embedding: string;
  meta: string;
  words: string;
  calibration: { a: number; b: number };
  thresholds: { review: number; reject: number };
}

/** `expectedMeta`: the dense feature names this engine computes; a model trained on others is refused. */
export function parseModel(json: string, expectedMeta: readonly string[]): SemanticModel {
  const raw = JSON.parse(json) as { version: string; trainedAt: string; metaNames: string[]; wordBuckets: number; summary?: Record<string, unknown>; labels: Record<string, StoredLabel> };
  if (raw.wordBuckets !== WORD_BUCKETS || JSON.stringify(raw.metaNames) !== JSON.stringify(expectedMeta)) {
    throw new Error('semantic model: its features do not match this version of the engine; run `corkboard screening train`');
  }
  const head = (name: string): LabelModel => {
    const x = raw.labels[name];
    if (!x) throw new Error(`semantic model: no weights for ${name}`);
    return {
      weights: {
        bias: x.bias,
        embedding: fromBase64(x.embedding, EMBEDDING_DIMENSIONS, `${name}.embedding`),
        meta: fromBase64(x.meta, expectedMeta.length, `${name}.meta`),
        words: fromBase64(x.words, WORD_BUCKETS, `${name}.words`),
      },
      calibration: x.calibration,
      thresholds: x.thresholds,
    };
  };
  const labels = Object.fromEntries(LABELS.map((l) => [l, head(l)])) as Record<Label, LabelModel>;
  return { version: raw.version, trainedAt: raw.trainedAt, metaNames: [...expectedMeta], summary: raw.summary ?? {}, labels, harm: head('harm') };
}
