/**
 * The step every new, edited or renewed ad passes before it is public. The listings code depends
 * only on this interface; the screening engine (src/screening) is plugged in at the composition root.
 */
export type ScreeningDecision = 'publish' | 'review' | 'reject';

export interface AdForScreening {
  id: number;
  title: string;
  body: string;
  categorySlug: string;
  citySlug: string;
  countryCode: string;
  price: number | null;
  phone: string | null;
  email: string;
  imageHashes: { sha256: string; pdq: string | null; pdqQuality: number | null }[];
  ip: string | null;
  postedAt: Date;
}

export interface ScreeningVerdict {
  decision: ScreeningDecision;
  score: number;
  labels: string[];
  reasons: { rule: string; label: string; evidence: string }[];
  /** What the poster reads: explains the decision without teaching how to evade it. */
  statement: string;
  group: string | null;
  /** Anything else the engine reports (linked-entity counts, DSA category), kept with the ad for moderators. */
  details?: Record<string, unknown>;
}

export interface AdScreener {
  screen(ad: AdForScreening): Promise<ScreeningVerdict>;
}
