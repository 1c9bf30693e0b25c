import { createHash } from 'node:crypto';

/**
 * Identifies "the same item" for the 48-hour repost rule: the title with case, punctuation and
 * spacing folded away, within one category. Cross-posting to other cities is the same item too.
 */
export function itemFingerprint(title: string, categoryId: number): string {
  const folded = title.normalize('NFKD').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  return createHash('sha256').update(`${categoryId}|${folded}`).digest('hex').slice(0, 32);
}
