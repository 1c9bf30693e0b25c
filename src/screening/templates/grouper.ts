/**
 * InfoShield-style template grouping: an ad joins the group of its most similar earlier ad when the
 * estimated Jaccard similarity of their shingles clears the threshold, else it starts a new group.
 * Work per ad is bounded by the bucket limit, not by the size of the corpus.
 */
import { bandKeys, signature, similarity } from './minhash.ts';
import type { TemplateStore } from './template-store.ts';

export const SIMILARITY_THRESHOLD = 0.5;
const BUCKET_LIMIT = 64;
const MAX_CANDIDATES = 256;

export interface TemplateMatch {
  signature: Uint32Array | null;
  keys: string[];
  /** Group the ad belongs to (existing group or a new one named after the ad). */
  groupId: string | null;
  /** Whether an earlier ad shares the template. */
  joined: boolean;
  similarity: number;
}

export function findTemplate(store: TemplateStore, adId: string, words: readonly string[]): TemplateMatch {
  const sig = signature(words);
  if (!sig) return { signature: null, keys: [], groupId: null, joined: false, similarity: 0 };
  const keys = bandKeys(sig);
  const seen = new Set<string>();
  let best: string | null = null;
  let bestSim = 0;
  for (const key of keys) {
    for (const other of store.getBucket(key, BUCKET_LIMIT)) {
      if (other === adId || seen.has(other) || seen.size >= MAX_CANDIDATES) continue;
      seen.add(other);
      const otherSig = store.getSignature(other);
      const sim = otherSig ? similarity(sig, otherSig) : 0;
      if (sim > bestSim) {
        bestSim = sim;
        best = other;
      }
    }
  }
  if (best && bestSim >= SIMILARITY_THRESHOLD) {
    return { signature: sig, keys, groupId: store.getGroup(best) ?? `tpl-${best}`, joined: true, similarity: bestSim };
  }
  return { signature: sig, keys, groupId: `tpl-${adId}`, joined: false, similarity: bestSim };
}

export function recordTemplate(store: TemplateStore, adId: string, match: TemplateMatch): void {
  if (!match.signature || !match.groupId) return;
  if (store.getSignature(adId)) return; // already recorded (re-screening an edited ad keeps its first group)
  store.setSignature(adId, match.signature);
  for (const key of match.keys) store.addToBucket(key, adId);
  store.setGroup(adId, match.groupId);
}
