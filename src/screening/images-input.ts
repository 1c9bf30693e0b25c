/**
 * Image hash-bank matches as screening input. Hashing is the caller's job (it is async and lives in
 * `./images`); here matches become reasons. A child-safety bank match rejects and escalates, always.
 */
import { LABELS, type ImageMatch, type ImageMatcher, type Label, type Reason, type ScreeningInput } from './types.ts';

export interface ImageVerdict {
  reasons: Reason[];
  forced: { reject: boolean; review: boolean; escalate: boolean };
}

export function imageReasons(ad: ScreeningInput, matcher: ImageMatcher | undefined): ImageVerdict {
  const matches: ImageMatch[] = [...(ad.imageMatches ?? [])];
  if (matcher) for (const h of ad.imageHashes ?? []) matches.push(...matcher.match(h));
  const forced = { reject: false, review: false, escalate: false };
  const reasons: Reason[] = [];
  for (const m of matches) {
    const label = (LABELS as readonly string[]).includes(m.label) ? (m.label as Label) : null;
    if (label === 'child_safety') {
      forced.reject = true;
      forced.escalate = true;
    } else if (m.action === 'reject') forced.reject = true;
    else forced.review = true;
    if (label) {
      reasons.push({
        rule: `image.${m.bank}`,
        label,
        weight: m.action === 'reject' || label === 'child_safety' ? 1 : 0.6,
        evidence: { field: 'image', text: `bank ${m.bank}, distance ${m.distance}`, start: 0, end: 0 },
      });
    }
  }
  return { reasons, forced };
}
