// Letters that NFKD does not decompose into "base letter + combining mark",
// so stripping marks alone would drop them (e.g. "Łódź" -> "odz").
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ħ: 'h', ŧ: 't', ə: 'e', ŋ: 'ng', ĸ: 'k',
};

/** Lowercase ASCII slug: accents transliterated, everything else collapsed to single hyphens. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[ßæœøđðþłıħŧəŋĸ]/g, (ch) => SPECIAL_LETTERS[ch] ?? ch)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    // Apostrophe-like marks ("Qo‘qon", "N’dalatando") join words rather than split them.
    .replace(/['’‘ʼʻ`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
