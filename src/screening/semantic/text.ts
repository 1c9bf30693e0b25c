/**
 * The text the semantic model reads: title and body after the normaliser (look-alike letters,
 * invisible characters, leetspeak, split letters and emoji words resolved), joined, so an evasive
 * spelling embeds like the plain one. Capped, because the encoder's cost grows with length and an
 * ad's meaning is in its first few hundred words.
 */
import { normaliseText } from '../normalise/index.ts';

const MAX_TOKENS = 300;

export function readingOf(text: string): string[] {
  return normaliseText(text)
    .tokens.slice(0, MAX_TOKENS)
    .map((t) => t.forms[0]!);
}

export function semanticText(ad: { title?: string; body?: string }): string {
  const title = readingOf(ad.title ?? '').join(' ');
  const body = readingOf(ad.body ?? '').join(' ');
  return title && body ? `${title}. ${body}` : title || body;
}
