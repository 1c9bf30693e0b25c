/**
 * Finds indicator families in an ad's tokens (title and body as one sequence, so a cue split across
 * them still counts) and turns the combinations found into reasons. Every family of a combination
 * is named in the evidence with the span where it was found; only the combination carries weight,
 * once, so a moderator sees which families met and where.
 */
import { evidenceFor, type TextAnalysis } from '../analyse.ts';
import type { Reason } from '../types.ts';
import type { Families } from './families.ts';

export interface FamilyHits {
  /** Per family (in `families.names` order): the first span found, or null. */
  first: ({ first: number; last: number } | null)[];
  /** Per family: how many distinct phrases of it were found. */
  distinct: number[];
}

export function findFamilies(families: Families, a: TextAnalysis): FamilyHits {
  const first: FamilyHits['first'] = families.names.map(() => null);
  const phrases = families.names.map(() => new Set<number>());
  families.trie.match(a.tokens, (hit) => {
    const f = families.phraseFamily[hit.payload]!;
    phrases[f]!.add(hit.payload);
    const seen = first[f];
    if (!seen || hit.first < seen.first) first[f] = { first: hit.first, last: hit.last };
  });
  return { first, distinct: phrases.map((p) => p.size) };
}

export function familyReasons(families: Families, hits: FamilyHits, a: TextAnalysis): Reason[] {
  const out: Reason[] = [];
  for (const c of families.combinations) {
    if (!c.all.every((f) => hits.first[f] !== null)) continue;
    c.all.forEach((f, i) => {
      const span = hits.first[f]!;
      out.push({
        rule: i === 0 ? `family.${c.id}` : `family.${c.id}.${families.names[f]}`,
        label: c.label,
        weight: i === 0 ? c.weight : 0,
        evidence: evidenceFor(a, span.first, span.last),
      });
    });
  }
  return out;
}
