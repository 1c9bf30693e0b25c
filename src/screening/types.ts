/**
 * Public types of the screening engine. The engine is a pure library: everything it needs from the
 * outside world (stores, image hash banks, poster history) comes in through the interfaces below.
 */

export const LABELS = ['child_safety', 'trafficking', 'sexual_services', 'prohibited_goods', 'scam', 'spam'] as const;
export type Label = (typeof LABELS)[number];

export type Decision = 'publish' | 'review' | 'reject';

/** What the platform knows about the poster; every field is optional because anonymous posting exists. */
export interface PosterReputation {
  accountAgeDays?: number;
  emailVerified?: boolean;
  phoneVerified?: boolean;
  /** Ads of this poster removed by moderators before. */
  priorRemovals?: number;
  /** Ads posted in the last 24 hours, and in how many distinct cities. */
  postsLast24h?: number;
  citiesLast24h?: number;
}

export interface ScreeningInput {
  id: string;
  title: string;
  body: string;
  category?: string;
  city?: string;
  /** ISO 3166-1 alpha-2; the default region for phone numbers written without a country code. */
  country?: string;
  price?: number | null;
  contact?: { phone?: string; email?: string };
  /** PDQ hashes (64 hex digits) of the ad's images, computed by the caller. */
  imageHashes?: string[];
  /** Image-bank matches already computed by the caller; merged with `imageMatcher` results. */
  imageMatches?: ImageMatch[];
  poster?: string;
  ip?: string;
  postedAt?: Date;
  reputation?: PosterReputation;
  /**
   * Sentence embedding of `semanticText(ad)`, computed by the caller (embedding is asynchronous,
   * screening is not). Without it, or without a semantic model, the rules decide alone.
   */
  embedding?: Float32Array | readonly number[];
}

export interface ImageMatch {
  bank: string;
  label: string;
  action: 'reject' | 'review';
  distance: number;
}

/** Structurally compatible with `HashBankIndex` from `src/screening/images`, so it can be passed as is. */
export interface ImageMatcher {
  match(hashHex: string): ImageMatch[];
}

export type TextField = 'title' | 'body';

export interface Evidence {
  field: TextField | 'image' | 'contact' | 'entities' | 'template' | 'reputation';
  /** Substring of the original text (for text fields), so a moderator sees what the poster wrote. */
  text: string;
  start: number;
  end: number;
}

export interface Reason {
  rule: string;
  label: Label;
  weight: number;
  evidence: Evidence;
}

export type EntityKind = 'phone' | 'email' | 'url' | 'handle' | 'image' | 'ip' | 'account';

export interface ScreeningDecision {
  id: string;
  decision: Decision;
  /** 0..1, the highest label score after modifiers. */
  score: number;
  labels: Label[];
  scores: Partial<Record<Label, number>>;
  reasons: Reason[];
  /** Template group the ad belongs to, or null if no other ad shares its template. */
  group: string | null;
  groupSize: number;
  /** Other ads in the look-back window that share an entity of each kind. */
  linked: Partial<Record<EntityKind, number>>;
  /** Transformations the normaliser had to apply; evasion is a signal in itself. */
  obfuscation: string[];
  /** STATEMENT_CATEGORY_* of the highest-priority label, or null when published. */
  dsaCategory: string | null;
  /** Review queue priority (0 = child safety first), or null when published. */
  priority: number | null;
  /** Needs human escalation (reporting duties), e.g. a child-safety hash-bank match. */
  escalate: boolean;
  /** Explanation for the poster: says why, never which words matched. */
  statementOfReasons: string | null;
  policyVersion: string;
  /** The semantic model that judged the ad with the rules, or null when the rules decided alone. */
  modelVersion: string | null;
  entities: { kind: EntityKind; value: string }[];
}
