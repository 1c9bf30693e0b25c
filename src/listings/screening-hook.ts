/**
 * The step every new, edited or renewed ad passes before it is public. The listings code depends
 * only on this interface; the screening engine (src/screening) is plugged in at the composition root.
 */
import type { Db } from '../db/client.ts';

export type ScreeningDecision = 'publish' | 'review' | 'reject';

export interface AdForScreening {
  id: number;
  title: string;
  body: string;
  categorySlug: string;
  /** The top-level category ("jobs", "for-sale"): what the screening model was trained on. */
  categoryGroup: string;
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
  /** Judges the ad. Writes nothing that belongs to the decision: that is `recordDecision`'s job. */
  screen(ad: AdForScreening): Promise<ScreeningVerdict>;
  /**
   * Optional: writes what else the verdict means (the review queue item of a hold, the statement of
   * reasons of a rejection) in `tx`, the transaction that moves the ad to the verdict's state and
   * writes the poster's mail to the outbox, so all of it commits or rolls back together. Returns the
   * verdict as the poster reads it and the ad keeps it (e.g. with the statement's appeal link added).
   */
  recordDecision?(tx: Db, ad: AdForScreening, verdict: ScreeningVerdict): Promise<ScreeningVerdict>;
  /**
   * Optional: called when the poster edits an ad that is `held` or `rejected`, in the transaction
   * that stores the edit's verdict. Returns true when moderation holds the ad (a review item still
   * open or escalated): the edit is attached to that review (a worse verdict raises it) and the ad
   * keeps its state, because only a moderator's decision may publish an ad that moderation holds.
   * Returns false when no review is pending, and the edit is screened and applied as usual.
   */
  attachEditUnderReview?(tx: Db, ad: AdForScreening, verdict: ScreeningVerdict): Promise<boolean>;
}
