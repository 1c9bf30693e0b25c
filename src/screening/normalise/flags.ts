/** Bit flags recording which evasion-defeating transformation produced a character or token. */
export const F = {
  INVISIBLE: 1, // zero-width or bidi characters were removed inside the word
  COMPAT: 2, // NFKC folded fullwidth, mathematical or enclosed letters
  CONFUSABLE: 4, // a Cyrillic/Greek/small-capital look-alike was mapped to Latin
  EMOJI: 8, // an emoji was read as a word
  LEET: 16, // digits or symbols read as letters
  STRETCH: 32, // a run of repeated letters was collapsed
  SPACED: 64, // single letters separated by spaces/dots were joined
} as const;

const NAMES: [number, string][] = [
  [F.INVISIBLE, 'invisible_characters'],
  [F.COMPAT, 'compatibility_characters'],
  [F.CONFUSABLE, 'confusables'],
  [F.EMOJI, 'emoji'],
  [F.LEET, 'leetspeak'],
  [F.STRETCH, 'stretched_letters'],
  [F.SPACED, 'split_letters'],
];

export function flagNames(flags: number): string[] {
  return NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}
