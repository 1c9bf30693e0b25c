/**
 * Token pass of the normaliser: splits the character stream into word tokens, joins letters split by
 * spaces or dots ("r o s e s", "g.f.e"), and lists the alternative readings of each token (leetspeak,
 * collapsed stretching) so the matcher can try them all without any regular expression.
 */
import type { CharStream } from './chars.ts';
import { F } from './flags.ts';
import { LEET } from './tables.ts';

export interface Token {
  /** The token as folded (lower-case, confusables mapped) but before leet/stretch readings. */
  raw: string;
  /** Readings to try when matching; forms[0] is the canonical one. */
  forms: string[];
  /** Flags needed to obtain each form (parallel to `forms`). */
  formFlags: number[];
  /** Offsets in the original text. */
  start: number;
  end: number;
  numeric: boolean;
  /** Set for tokens that stand for a masked URL or e-mail address. */
  special?: 'url' | 'email';
}

export interface Mask {
  from: number; // offsets in the normalised text
  to: number;
  kind: 'url' | 'email';
}

const MAX_FORMS = 6;
const MAX_TOKEN = 64; // longer runs are cut: nothing in a policy is that long, and it bounds work

function isWordUnit(c: number, ch: string): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 64 || c === 36;
  return /[\p{L}\p{N}]/u.test(ch);
}

interface RawToken {
  text: string;
  from: number; // normalised-text offsets
  to: number;
}

function scanRaw(stream: CharStream, masks: Mask[]): (RawToken | Mask)[] {
  const out: (RawToken | Mask)[] = [];
  const t = stream.text;
  let m = 0;
  let i = 0;
  while (i < t.length) {
    if (m < masks.length && masks[m].from === i) {
      out.push(masks[m]);
      i = masks[m].to;
      m++;
      continue;
    }
    const nextMask = m < masks.length ? masks[m].from : t.length;
    if (!isWordUnit(t.charCodeAt(i), t[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < nextMask && j - i < MAX_TOKEN && isWordUnit(t.charCodeAt(j), t[j])) j++;
    let a = i;
    let b = j;
    // "@name" is a handle marker and "$150" a price: those symbols are not letters there.
    while (a < b && (t[a] === '@' || (t[a] === '$' && a + 1 < b && t.charCodeAt(a + 1) >= 48 && t.charCodeAt(a + 1) <= 57))) a++;
    while (b > a && (t[b - 1] === '@' || (t[b - 1] === '$' && (b - 1 === a || /[0-9$]/.test(t[b - 2]))))) b--;
    if (b > a) out.push({ text: t.slice(a, b), from: a, to: b });
    i = j;
  }
  return out;
}

// Any short gap on one line may split letters: an evader picks whichever separator the filter does
// not know. A gap holds only what the tokenizer did not take as word characters, whatever they are.
const SPLIT_GAP = /^[^\r\n]{1,3}$/;

/** Joins runs of 3+ single-character tokens separated by short gaps: "r o s e s" -> "roses". */
function joinSplitLetters(items: (RawToken | Mask)[], text: string): { tok: RawToken | Mask; spaced: boolean }[] {
  const out: { tok: RawToken | Mask; spaced: boolean }[] = [];
  let i = 0;
  while (i < items.length) {
    const first = items[i];
    if ('kind' in first || first.text.length !== 1) {
      out.push({ tok: first, spaced: false });
      i++;
      continue;
    }
    let j = i + 1;
    while (j < items.length) {
      const prev = items[j - 1] as RawToken;
      const cur = items[j];
      if ('kind' in cur || cur.text.length !== 1 || !SPLIT_GAP.test(text.slice(prev.to, cur.from))) break;
      j++;
    }
    if (j - i >= 3) {
      const run = items.slice(i, j) as RawToken[];
      out.push({ tok: { text: run.map((r) => r.text).join(''), from: run[0].from, to: run[run.length - 1].to }, spaced: true });
      i = j;
    } else {
      out.push({ tok: first, spaced: false });
      i++;
    }
  }
  return out;
}

function collapse(s: string, keep: number): string {
  let out = '';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    run = i > 0 && s[i] === s[i - 1] ? run + 1 : 1;
    if (run <= keep) out += s[i];
  }
  return out;
}

function hasRun3(s: string): boolean {
  for (let i = 2; i < s.length; i++) if (s[i] === s[i - 1] && s[i] === s[i - 2]) return true;
  return false;
}

/** Readings of one token with the flags each needed. */
export function readings(raw: string, baseFlags: number): { forms: string[]; formFlags: number[] } {
  const forms: string[] = [raw];
  const formFlags: number[] = [baseFlags];
  const hasLetter = /[a-z]/.test(raw);
  const hasLeet = /[0134578@$]/.test(raw);
  if (hasLetter && hasLeet && !/^\d+[a-z]{1,3}$/.test(raw)) {
    const asI = [...raw].map((c) => LEET.get(c) ?? c).join('');
    const asL = raw.includes('1') ? asI.replace(/i/g, (x, k: number) => (raw[k] === '1' ? 'l' : x)) : asI;
    // The leet reading becomes canonical; the literal stays available ("4x4", "mp3").
    forms.unshift(asI);
    formFlags.unshift(baseFlags | F.LEET);
    if (asL !== asI) {
      forms.splice(1, 0, asL);
      formFlags.splice(1, 0, baseFlags | F.LEET);
    }
  }
  const n = forms.length;
  for (let k = 0; k < n && forms.length < MAX_FORMS; k++) {
    if (!hasRun3(forms[k])) continue;
    for (const keep of [1, 2]) {
      const c = collapse(forms[k], keep);
      if (!forms.includes(c) && forms.length < MAX_FORMS) {
        forms.push(c);
        formFlags.push(formFlags[k] | F.STRETCH);
      }
    }
  }
  return { forms, formFlags };
}

export function tokenise(stream: CharStream, masks: Mask[]): Token[] {
  const joined = joinSplitLetters(scanRaw(stream, masks), stream.text);
  const tokens: Token[] = [];
  for (const { tok, spaced } of joined) {
    const start = stream.start[tok.from];
    const end = stream.end[tok.to - 1];
    if ('kind' in tok) {
      const name = `<${tok.kind}>`;
      tokens.push({ raw: name, forms: [name], formFlags: [0], start, end, numeric: false, special: tok.kind });
      continue;
    }
    let charFlags = spaced ? F.SPACED : 0;
    for (let k = tok.from; k < tok.to; k++) charFlags |= stream.flags[k];
    // "150hr", "100k": a number glued to a unit is two tokens, not leetspeak.
    const glued = /^(\d{2,})([a-z]+)$/.exec(tok.text);
    const pieces = glued ? [glued[1], glued[2]] : [tok.text];
    for (const piece of pieces) {
      const { forms, formFlags } = readings(piece, charFlags);
      tokens.push({ raw: piece, forms, formFlags, start, end, numeric: /^\d+$/.test(piece) });
    }
  }
  return tokens;
}
