/**
 * What the per-label classifiers read about one ad, beside its sentence embedding: the rules'
 * scores per label (exact codes stay strong evidence), how much evasion and which contacts the
 * text carries, the template group's size, the category, and hashed words and word pairs of the
 * normalised text (so a strongly indicative word the embedding blurs still counts). Pure and cheap.
 */
import type { TextAnalysis } from '../analyse.ts';
import type { Families } from '../families/families.ts';
import type { FamilyHits } from '../families/match.ts';
import { LABELS, type Label } from '../types.ts';

/** Word and word-pair features are hashed into this many buckets (2^13). */
export const WORD_BUCKETS = 8192;

const CATEGORIES = ['for sale', 'housing', 'jobs', 'gigs', 'services', 'community', 'personals', 'pets', 'vehicles'] as const;

const BASE_META_NAMES: readonly string[] = [
  ...LABELS.map((l) => `rules.${l}`),
  'evasion',
  'obscured_phone',
  'phones',
  'emails',
  'links',
  'handles',
  'template_group',
  'has_price',
  'long_text',
  ...CATEGORIES.map((c) => `category.${c}`),
];

/** The dense features' names: the fixed ones, then one per indicator family of the families file. */
export function metaNames(families: Pick<Families, 'names'>): string[] {
  return [...BASE_META_NAMES, ...families.names.map((n) => `family.${n}`)];
}

export interface AdFeatures {
  embedding: Float32Array | null;
  /** Dense, in `metaNames(families)` order. */
  meta: Float32Array;
  /** Sorted unique word-bucket indices; each present bucket has the value `wordValue`. */
  words: Uint32Array;
  wordValue: number;
}

export interface FeatureFacts {
  analysis: TextAnalysis;
  ruleScores: Partial<Record<Label, number>>;
  evasionUsed: readonly string[];
  category?: string;
  price?: number | null;
  groupSize: number;
  families: FamilyHits;
}

/** FNV-1a, 32-bit: stable across runs and machines, so trained weights stay valid. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The bucket a single word falls into: lets evidence point back at the words the model weighed. */
export function bucketOf(word: string): number {
  return hash(word) % WORD_BUCKETS;
}

export function wordBuckets(tokens: readonly string[]): Uint32Array {
  const set = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    set.add(hash(tokens[i]!) % WORD_BUCKETS);
    if (i + 1 < tokens.length) set.add(hash(`${tokens[i]} ${tokens[i + 1]}`) % WORD_BUCKETS);
  }
  return Uint32Array.from([...set].sort((a, b) => a - b));
}

export function adFeatures(facts: FeatureFacts, embedding: Float32Array | null): AdFeatures {
  const a = facts.analysis;
  const meta = new Float32Array(BASE_META_NAMES.length + facts.families.distinct.length);
  let k = 0;
  for (const l of LABELS) meta[k++] = facts.ruleScores[l] ?? 0;
  const evasive = facts.evasionUsed.filter((f) => f !== 'emoji' && f !== 'obscured_phone').length;
  meta[k++] = evasive > 0 ? 1 : 0;
  meta[k++] = a.contacts.some((c) => c.kind === 'phone' && c.obscured) ? 1 : 0;
  for (const kind of ['phone', 'email', 'url', 'handle'] as const) meta[k++] = Math.log1p(a.contacts.filter((c) => c.kind === kind).length);
  meta[k++] = Math.log(Math.max(1, facts.groupSize));
  meta[k++] = facts.price === null || facts.price === undefined ? 0 : 1;
  meta[k++] = a.tokens.length > 60 ? 1 : 0;
  // Top-level categories, however written: "for-sale" and "For sale" are one.
  const category = facts.category?.toLowerCase().replace(/[-_]+/g, ' ').trim();
  for (const c of CATEGORIES) meta[k++] = category === c ? 1 : 0;
  // Presence, with a little more for a second distinct phrase of the same family.
  for (const n of facts.families.distinct) meta[k++] = n === 0 ? 0 : n === 1 ? 1 : 1.5;
  const tokens = a.tokens.filter((t) => !t.numeric).map((t) => t.forms[0]!);
  const words = wordBuckets(tokens);
  return { embedding, meta, words, wordValue: words.length === 0 ? 0 : 1 / Math.sqrt(words.length) };
}
