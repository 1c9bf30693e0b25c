/**
 * Look-alike characters from Unicode's confusables data (UTS #39 confusables.txt, as shipped by the
 * maintained `unhomoglyph` package), narrowed to what matters for reading Latin-script ads: a
 * non-ASCII character whose prototype is plain ASCII letters or digits ("Ꭺ" → "a", "ꓲ" → "l").
 * Prototypes that are themselves other scripts, punctuation or marks are left out: they would
 * not make a word readable, only change it.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const data = require('unhomoglyph/data.json') as Record<string, string>;

const ASCII_WORD = /^[a-z0-9]+$/;

export const UNICODE_CONFUSABLES: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(data)) {
    if ([...from].length !== 1 || from.codePointAt(0)! < 128) continue;
    const prototype = to.toLowerCase();
    if (ASCII_WORD.test(prototype)) map.set(from, prototype);
    // Lower-case forms too: the normaliser looks characters up after lower-casing them.
    const lower = from.toLowerCase();
    const own = data[lower]?.toLowerCase();
    if (lower !== from && [...lower].length === 1 && !(own && ASCII_WORD.test(own)) && ASCII_WORD.test(prototype)) map.set(lower, prototype);
  }
  return map;
})();
