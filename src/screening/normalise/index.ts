/** The normaliser: original text in, tokens with original offsets and link hits out. */
import { normaliseChars, type CharStream } from './chars.ts';
import { tokenise, type Token } from './tokens.ts';
import { scanLinks, type LinkHit } from '../contacts/links.ts';

export { F, flagNames } from './flags.ts';
export type { Token } from './tokens.ts';

export interface NormalisedText {
  original: string;
  stream: CharStream;
  tokens: Token[];
  links: LinkHit[];
}

export function normaliseText(original: string): NormalisedText {
  const stream = normaliseChars(original);
  const links = scanLinks(stream.text);
  const tokens = tokenise(stream, links);
  return { original, stream, tokens, links };
}

/** Canonical reading joined with spaces: handy for tests, phrase compilation and templates. */
export function canonical(text: string): string {
  return normaliseText(text)
    .tokens.map((t) => t.forms[0])
    .join(' ');
}
