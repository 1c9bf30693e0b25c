/**
 * Character pass of the normaliser: removes invisible characters, folds compatibility forms and
 * diacritics, maps confusables and emoji, lower-cases. Every output UTF-16 unit remembers the span of
 * the original text it came from, so evidence can always be shown as the poster wrote it.
 */
import { CONFUSABLES, EMOJI_WORDS, isEmojiModifier, isInvisible, isSpaceSeparator } from './tables.ts';
import { UNICODE_CONFUSABLES } from './confusables.ts';
import { F } from './flags.ts';

export interface CharStream {
  text: string;
  start: number[];
  end: number[];
  flags: number[];
}

const COMBINING = /\p{M}/gu;
const HAS_MARK = /\p{M}/u;
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/**
 * Text written mostly in Cyrillic or Greek is genuine, not evasion; only map look-alikes when Latin
 * letters dominate. Sampled over the first 4,000 code points to stay cheap on huge inputs.
 */
function latinDominant(input: string): boolean {
  let latin = 0;
  let other = 0;
  let seen = 0;
  for (const ch of input) {
    if (++seen > 4000) break;
    const cp = ch.codePointAt(0)!;
    if (cp < 128) {
      if ((cp | 32) >= 97 && (cp | 32) <= 122) latin++;
      continue;
    }
    if (CYRILLIC_OR_GREEK.test(ch)) other++;
    else if (LATIN.test(ch)) latin++;
  }
  return latin >= other;
}

const foldCache = new Map<string, string>();

/** NFKD, drop combining marks, then NFKC: folds "é" to "e" and "𝐫" or "ｒ" to "r". */
function fold(ch: string): string {
  let out = foldCache.get(ch);
  if (out === undefined) {
    out = ch.normalize('NFKD').replace(COMBINING, '').normalize('NFKC');
    if (foldCache.size < 50_000) foldCache.set(ch, out);
  }
  return out;
}

export function normaliseChars(input: string): CharStream {
  const mapConfusables = latinDominant(input);
  const parts: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  const flags: number[] = [];
  let pending = 0; // flag carried onto the next emitted character (invisible chars inside words)

  const emit = (s: string, from: number, to: number, flag: number): void => {
    parts.push(s);
    for (let k = 0; k < s.length; k++) {
      start.push(from);
      end.push(to);
      flags.push(flag | pending);
    }
    pending = 0;
  };

  for (let i = 0; i < input.length; ) {
    const cp = input.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const from = i;
    i += width;
    if (cp < 128) {
      // Fast path: ASCII. Control characters other than whitespace become spaces.
      const c = cp < 32 && cp !== 10 && cp !== 9 && cp !== 13 ? ' ' : String.fromCharCode(cp).toLowerCase();
      emit(c, from, i, 0);
      continue;
    }
    if (isInvisible(cp)) {
      pending = F.INVISIBLE;
      continue;
    }
    if (isSpaceSeparator(cp)) {
      emit(' ', from, i, 0);
      continue;
    }
    if (cp === 0x20e3 && flags.length > 0) flags[flags.length - 1] |= F.EMOJI; // keycap digit "5️⃣"
    if (isEmojiModifier(cp) || cp === 0x200d) continue;
    const word = EMOJI_WORDS.get(cp);
    if (word !== undefined) {
      emit(` ${word} `, from, i, F.EMOJI);
      continue;
    }
    const ch = input.slice(from, i);
    let folded = fold(ch);
    let flag = 0;
    if (folded !== ch && !(HAS_MARK.test(ch.normalize('NFD')) && folded.length === 1 && folded < '\u0080')) {
      flag |= F.COMPAT; // not a plain accented letter: fullwidth, mathematical, enclosed, ...
    }
    folded = folded.toLowerCase();
    if (mapConfusables) {
      let mapped = '';
      for (const c of folded) {
        const m = c.charCodeAt(0) < 128 ? undefined : (CONFUSABLES.get(c) ?? UNICODE_CONFUSABLES.get(c));
        if (m !== undefined) {
          mapped += m;
          flag |= F.CONFUSABLE;
        } else mapped += c;
      }
      folded = mapped;
    }
    if (folded.length === 0) continue; // a lone combining mark ("zalgo" text)
    emit(folded, from, i, flag);
  }
  return { text: parts.join(''), start, end, flags };
}
