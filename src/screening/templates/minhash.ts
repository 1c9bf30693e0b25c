/**
 * MinHash signatures over word shingles, and the LSH band keys that find near-duplicates in
 * constant time per ad. Numbers and links are replaced by placeholders first: in organised posting
 * the phone, price, age and link are exactly the slots that vary between copies of one template.
 */
import type { Token } from '../normalise/tokens.ts';

export const NUM_HASHES = 64;
export const BANDS = 16;
export const ROWS = NUM_HASHES / BANDS;
export const SHINGLE = 2;
export const MIN_TOKENS = 6;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const SEEDS = Uint32Array.from({ length: NUM_HASHES }, (_, i) => fmix32(0x9e3779b9 + i * 0x632be5ab));

/** Words used for templates: canonical readings with slots masked. */
export function templateWords(tokens: readonly Token[]): string[] {
  return tokens.map((t) => (t.numeric ? '#' : t.special ? `<${t.special}>` : t.forms[t.forms.length - 1]));
}

/** Signature of a word list, or null when too short to say anything about templates. */
export function signature(words: readonly string[]): Uint32Array | null {
  if (words.length < MIN_TOKENS) return null;
  const sig = new Uint32Array(NUM_HASHES).fill(0xffffffff);
  const seen = new Set<number>();
  for (let i = 0; i + SHINGLE <= words.length; i++) {
    const x = fnv1a(words.slice(i, i + SHINGLE).join(' '));
    if (seen.has(x)) continue;
    seen.add(x);
    for (let k = 0; k < NUM_HASHES; k++) {
      const h = fmix32(x ^ SEEDS[k]);
      if (h < sig[k]) sig[k] = h;
    }
  }
  return sig;
}

/** One key per band: "<band>:<hex of the band's rows hashed together>". */
export function bandKeys(sig: Uint32Array): string[] {
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) h = fmix32(Math.imul(h, 0x01000193) ^ sig[b * ROWS + r]);
    keys.push(`${b}:${h.toString(36)}`);
  }
  return keys;
}

/** Estimated Jaccard similarity of the two shingle sets. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let k = 0; k < NUM_HASHES; k++) if (a[k] === b[k]) same++;
  return same / NUM_HASHES;
}
