/**
 * Indicator families (policy/families.yaml): groups of short phrases that mean one thing ("someone
 * else controls the work", "a debt repaid from wages"), and combinations of families that carry
 * weight only together. Compiled into one phrase trie like the policy's patterns, so finding every
 * family in an ad is one linear pass; validated with zod, errors naming the path.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { phraseTokens } from '../policy/compile.ts';
import { PhraseTrie, MAX_PHRASE_TOKENS } from '../matching/phrase-trie.ts';
import { LABELS, type Label } from '../types.ts';

export const DEFAULT_FAMILIES_PATH = fileURLToPath(new URL('../../../policy/families.yaml', import.meta.url));

const familyId = z.string().regex(/^[a-z_]+$/, 'use lower-case letters and "_"');

const familiesSchema = z.strictObject({
  version: z.union([z.string().min(1), z.number()]).transform(String),
  families: z.record(familyId, z.array(z.string().trim().min(1).max(120)).min(1)),
  combinations: z.array(
    z.strictObject({
      id: familyId,
      label: z.enum(LABELS),
      all: z.array(familyId).min(1),
      weight: z.number().min(0).max(1),
    }),
  ),
});

export interface Combination {
  id: string;
  label: Label;
  all: readonly number[];
  weight: number;
}

export interface Families {
  version: string;
  /** Family names in a fixed order: the model's family features follow it. */
  names: readonly string[];
  combinations: readonly Combination[];
  trie: PhraseTrie;
  /** Trie payload → family index. */
  phraseFamily: readonly number[];
}

export function compileFamilies(yamlText: string, source = 'families'): Families {
  const parsed = familiesSchema.safeParse(parse(yamlText));
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`${source}: ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  const spec = parsed.data;
  const names = Object.keys(spec.families);
  const trie = new PhraseTrie();
  const phraseFamily: number[] = [];
  names.forEach((name, f) => {
    for (const phrase of spec.families[name]!) {
      const tokens = phraseTokens(phrase);
      if (tokens.length === 0 || tokens.length > MAX_PHRASE_TOKENS) throw new Error(`${source}: families.${name}: "${phrase}" must have 1 to ${MAX_PHRASE_TOKENS} words`);
      phraseFamily.push(f);
      trie.add(tokens, phraseFamily.length - 1);
    }
  });
  const combinations = spec.combinations.map((c, i) => {
    const all = c.all.map((n) => {
      const f = names.indexOf(n);
      if (f < 0) throw new Error(`${source}: combinations[${i}] (id: ${c.id}).all: no family named ${n}`);
      return f;
    });
    return { id: c.id, label: c.label, all, weight: c.weight };
  });
  return { version: spec.version, names, combinations, trie, phraseFamily };
}

let shipped: Families | null = null;

/** The shipped families file, compiled once per process. */
export function defaultFamilies(): Families {
  shipped ??= compileFamilies(readFileSync(DEFAULT_FAMILIES_PATH, 'utf8'), 'policy/families.yaml');
  return shipped;
}
