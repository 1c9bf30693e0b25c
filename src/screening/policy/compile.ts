/**
 * Compiles a validated policy: every pattern and context phrase is normalised exactly like ad text
 * and added to one phrase trie, so a single pass over an ad finds everything.
 */
import { normaliseText } from '../normalise/index.ts';
import { NUMBER_SLOT, PhraseTrie } from '../matching/phrase-trie.ts';
import type { Label } from '../types.ts';
import type { PolicySpec, RuleSpec } from './schema.ts';

export class PolicyError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

export type PhraseRole = 'pattern' | 'near' | 'unless';

export interface PhraseEntry {
  rule: number;
  role: PhraseRole;
  phrase: number; // index within the rule's list for that role
}

export interface Policy {
  version: string;
  source: string;
  spec: PolicySpec;
  rules: RuleSpec[];
  entries: PhraseEntry[];
  trie: PhraseTrie;
  threshold(label: Label): { review: number; reject: number };
}

/** Pattern text to trie tokens; "#" stays a number slot. Throws with a readable message. */
export function phraseTokens(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/\s+/)) {
    if (part === NUMBER_SLOT) out.push(NUMBER_SLOT);
    else if (part) for (const t of normaliseText(part).tokens) out.push(t.raw); // literal: "4x4" stays "4x4"
  }
  return out;
}

export function compilePolicy(spec: PolicySpec, source: string): Policy {
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  const trie = new PhraseTrie();
  const entries: PhraseEntry[] = [];
  spec.rules.forEach((rule, r) => {
    if (seen.has(rule.id)) problems.push({ path: `rules[${r}] (id: ${rule.id}).id`, message: 'duplicate rule id' });
    seen.add(rule.id);
    const lists: [PhraseRole, string[]][] = [
      ['pattern', rule.patterns],
      ['near', rule.near?.phrases ?? []],
      ['unless', rule.unless_near?.phrases ?? []],
    ];
    for (const [role, phrases] of lists) {
      phrases.forEach((p, k) => {
        const key = role === 'pattern' ? 'patterns' : role === 'near' ? 'near.phrases' : 'unless_near.phrases';
        const tokens = phraseTokens(p);
        if (tokens.length === 0 || tokens.length > 8) {
          problems.push({ path: `rules[${r}] (id: ${rule.id}).${key}[${k}]`, message: `"${p}" must normalise to 1-8 words, got ${tokens.length}` });
          return;
        }
        entries.push({ rule: r, role, phrase: k });
        trie.add(tokens, entries.length - 1);
      });
    }
  });
  if (problems.length) {
    throw new PolicyError(`${source}: invalid policy\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`, problems);
  }
  return {
    version: spec.version,
    source,
    spec,
    rules: spec.rules,
    entries,
    trie,
    threshold: (label) => spec.thresholds[label] ?? spec.thresholds.default,
  };
}
