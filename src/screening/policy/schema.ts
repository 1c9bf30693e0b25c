/**
 * The policy file format, validated with zod. Policies are data so that trust-and-safety staff can
 * change wording and weights without a code change; the schema keeps them from shipping a broken one.
 */
import { z } from 'zod';
import { LABELS } from '../types.ts';

export const DSA_CATEGORIES = [
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_VIOLENCE',
] as const;

const label = z.enum(LABELS);
const phrase = z.string().trim().min(1).max(120);
const weight = z.number().min(0).max(1);
const within = z.number().int().min(0).max(200);

const proximity = z.strictObject({ phrases: z.array(phrase).min(1), within: within.default(8) });

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_.-]+$/, 'use lower-case letters, digits, ".", "_" or "-"'),
  label,
  weight,
  patterns: z.array(phrase).min(1),
  /** Counts only if one of these phrases is within N tokens of the match. */
  near: proximity.optional(),
  /** Counts only if a rule of one of these labels matched (within N tokens, or anywhere if omitted). */
  near_labels: z.strictObject({ labels: z.array(label).min(1), within: within.optional() }).optional(),
  /** Does not count if one of these phrases is within N tokens ("escort" next to "funeral"). */
  unless_near: proximity.optional(),
  unless_categories: z.array(z.string()).optional(),
  /** How many different patterns of this rule must match (for individually weak cues). */
  min_distinct: z.number().int().min(1).max(10).default(1),
  reason: z.string().min(10).max(300),
  dsa_category: z.enum(DSA_CATEGORIES),
});

const threshold = z.strictObject({ review: weight, reject: weight }).refine((t) => t.reject >= t.review, {
  message: 'reject threshold must be >= review threshold',
});

const labelSignal = z.strictObject({ label, weight });

export const policySchema = z.strictObject({
  version: z.union([z.string().min(1), z.number()]).transform(String),
  thresholds: z.strictObject({ default: threshold }).catchall(threshold),
  labels: z.record(label, z.strictObject({ dsa_category: z.enum(DSA_CATEGORIES), statement: z.string().min(10) })),
  signals: z.strictObject({
    /** Added to a label when its matched text needed evasion (leet, look-alikes, split letters). */
    evasion: z.strictObject({ weight }),
    /** Phone written to dodge scrapers, next to sexual-services content (NIJ predictor). */
    obscured_phone: labelSignal.extend({ requires_label: label }),
    /** One contact across many ads and cities in the window. */
    contact_spread: labelSignal.extend({ requires_label: label, min_cities: z.number().int().min(2), window_days: z.number().positive() }),
    /** One template across many cities or several phones. */
    template_spread: labelSignal.extend({ requires_label: label, min_cities: z.number().int().min(2), min_phones: z.number().int().min(2) }),
    /** Same template or contact across many cities without any other signal: cross-posting. */
    cross_posting: labelSignal.extend({ min_cities: z.number().int().min(2) }),
    links: labelSignal.extend({ max_links: z.number().int().min(0) }),
    shouting: labelSignal.extend({ min_letters: z.number().int().min(1), upper_ratio: z.number().min(0).max(1) }),
    repetition: labelSignal.extend({ min_tokens: z.number().int().min(1), max_unique_ratio: z.number().min(0).max(1) }),
    velocity: labelSignal.extend({ min_cities_24h: z.number().int().min(2) }),
    /** Multiplies text-based label scores for posters with earlier removals or no verification. */
    reputation: z.strictObject({ per_prior_removal: weight, unverified_new_account: weight, new_account_days: z.number().min(0) }),
  }),
  rules: z.array(ruleSchema).min(1),
});

export type RuleSpec = z.infer<typeof ruleSchema>;
export type PolicySpec = z.infer<typeof policySchema>;
