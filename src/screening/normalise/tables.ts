/**
 * Lookup tables for the normaliser. Kept as plain data so reviewers can see exactly what is folded.
 * Confusables: letters from other scripts that render like Latin letters (after lower-casing).
 */

export const CONFUSABLES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // Cyrillic
    а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
    і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l', ь: 'b', г: 'r', п: 'n', и: 'u',
    // Greek
    α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
    ω: 'w', ς: 's', σ: 'o', μ: 'u', ζ: 'z', ϲ: 'c',
    // Latin small capitals and other Latin look-alikes that NFKC leaves alone
    ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm',
    ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ʀ: 'r', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z', ı: 'i', ø: 'o',
    ß: 'ss', ɑ: 'a', ɡ: 'g', ℓ: 'l',
  }),
);

/** Leetspeak digits and symbols inside words. `1` is ambiguous (i or l); the tokeniser tries both. */
export const LEET: ReadonlyMap<string, string> = new Map(
  Object.entries({ '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's', '!': 'i', '|': 'l' }),
);

/**
 * Emoji with a conventional meaning in classified ads. Mapped to words so that policy phrases written
 * in words also catch their emoji spelling. Deliberately small; unknown emoji become separators.
 */
export const EMOJI_WORDS: ReadonlyMap<number, string> = new Map<number, string>([
  [0x1f339, 'roses'], // rose: coded price
  [0x1f4b5, 'money'], [0x1f4b0, 'money'], [0x1f4b8, 'money'], [0x1f4b2, 'money'],
  [0x1f48b, 'kiss'],
  [0x1f352, 'cherry'],
  [0x1f36d, 'candy'], [0x1f36c, 'candy'],
  [0x1f37c, 'baby'], [0x1f476, 'baby'],
  [0x1f467, 'girl'], [0x1f469, 'woman'],
  [0x1f195, 'new'],
  [0x2708, 'travel'], [0x1f697, 'car'], [0x1f3e0, 'house'], [0x1f3e1, 'house'],
  [0x1f52b, 'gun'], [0x1f4a3, 'bomb'],
  [0x1f48a, 'pills'], [0x1f489, 'needle'],
  [0x2744, 'snow'], [0x1f343, 'leaf'], [0x1f341, 'leaf'], [0x1f33f, 'leaf'], [0x1f966, 'tree'],
  [0x1f50c, 'plug'],
  [0x1f381, 'gift'], [0x1f4b3, 'card'], [0x1fa99, 'coin'],
  [0x1f4de, 'call'], [0x1f4f1, 'phone'], [0x260e, 'phone'],
  [0x1f51e, 'adults only'],
]);

const FORMAT = /\p{Cf}/u;

/**
 * Code points removed outright: every format character (Unicode category Cf: zero-width spaces and
 * joiners, word joiner, soft hyphen, bidi controls, tags, interlinear annotation marks, …), plus
 * the combining grapheme joiner, Mongolian vowel separator and Hangul fillers, which render as nothing.
 */
export function isInvisible(cp: number): boolean {
  if (cp === 0x034f || cp === 0x180e || cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0) return true;
  return FORMAT.test(String.fromCodePoint(cp));
}

const SPACE_SEPARATOR = /\p{Zs}/u;

/** Any Unicode space (thin, hair, no-break, ideographic, …) reads as an ordinary space. */
export function isSpaceSeparator(cp: number): boolean {
  return SPACE_SEPARATOR.test(String.fromCodePoint(cp));
}

/** Parts of emoji sequences that carry no meaning for us: variation selectors, skin tones, keycap. */
export function isEmojiModifier(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x1f3fb && cp <= 0x1f3ff) || cp === 0x20e3;
}
