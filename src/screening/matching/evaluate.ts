/**
 * Applies the policy's rules to an ad's tokens: one trie pass finds patterns and context phrases,
 * then context conditions decide which pattern hits count. Rules that depend on other labels
 * (`near_labels`) are evaluated in a second pass against the first pass's results.
 */
import type { Policy } from '../policy/compile.ts';
import type { RuleSpec } from '../policy/schema.ts';
import type { Token } from '../normalise/tokens.ts';
import type { PhraseHit } from './phrase-trie.ts';

export interface RuleMatch {
  rule: RuleSpec;
  hits: PhraseHit[];
  /** Transformations needed by every counted hit's reading (the cheapest evidence). */
  flags: number;
}

const MAX_HITS_PER_RULE = 20;

/** Hits sorted by position, with a window query that only scans nearby candidates. */
class HitList {
  readonly hits: PhraseHit[] = [];
  near(first: number, last: number, within: number): boolean {
    const lo = first - within - 8;
    let a = 0;
    let b = this.hits.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (this.hits[m].first < lo) a = m + 1;
      else b = m;
    }
    for (let k = a; k < this.hits.length && this.hits[k].first < last + within; k++) {
      if (this.hits[k].last > first - within) return true;
    }
    return false;
  }
}

export function evaluateRules(policy: Policy, tokens: readonly Token[], category: string | undefined): RuleMatch[] {
  const n = policy.rules.length;
  const patterns: PhraseHit[][] = Array.from({ length: n }, () => []);
  const near = Array.from({ length: n }, () => new HitList());
  const unless = Array.from({ length: n }, () => new HitList());
  policy.trie.match(tokens, (hit) => {
    const entry = policy.entries[hit.payload];
    if (entry.role === 'pattern') patterns[entry.rule].push(hit);
    else (entry.role === 'near' ? near : unless)[entry.rule].hits.push(hit);
  });

  const byLabel = new Map<string, HitList>();
  const matches: RuleMatch[] = [];
  const run = (dependent: boolean): void => {
    const found: RuleMatch[] = [];
    policy.rules.forEach((rule, r) => {
      if (Boolean(rule.near_labels) !== dependent || patterns[r].length === 0) return;
      if (category && rule.unless_categories?.includes(category)) return;
      const kept: PhraseHit[] = [];
      const distinct = new Set<number>();
      for (const hit of patterns[r]) {
        if (rule.near && !near[r].near(hit.first, hit.last, rule.near.within)) continue;
        if (rule.unless_near && unless[r].near(hit.first, hit.last, rule.unless_near.within)) continue;
        if (rule.near_labels) {
          const w = rule.near_labels.within ?? Number.MAX_SAFE_INTEGER / 4;
          if (!rule.near_labels.labels.some((l) => byLabel.get(l)?.near(hit.first, hit.last, w))) continue;
        }
        distinct.add(policy.entries[hit.payload].phrase);
        if (kept.length < MAX_HITS_PER_RULE) kept.push(hit);
      }
      if (distinct.size < rule.min_distinct || kept.length === 0) return;
      found.push({ rule, hits: kept, flags: kept.reduce((f, h) => f & h.flags, ~0) });
    });
    for (const m of found) {
      let list = byLabel.get(m.rule.label);
      if (!list) byLabel.set(m.rule.label, (list = new HitList()));
      list.hits.push(...m.hits);
      list.hits.sort((x, y) => x.first - y.first);
      matches.push(m);
    }
  };
  run(false);
  run(true);
  return matches;
}
