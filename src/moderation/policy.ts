import { ROLE_NAMES, STAFF_ROLES, type StaffRole } from '../accounts/staff-roles.ts';

/**
 * The moderation rules as data: flag reasons, queue priorities and their SLA targets, claim length,
 * flag weights and hold thresholds, and the policy reasons a moderator picks from, each mapped to the
 * DSA Transparency Database fields of its statement of reasons.
 */

export const FLAG_REASONS = ['prohibited', 'scam', 'spam', 'wrong_category', 'child_safety'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

export const FLAG_REASON_TEXT: Record<FlagReason, string> = {
  prohibited: 'Prohibited item or service',
  scam: 'Scam or fraud',
  spam: 'Spam or overposting',
  wrong_category: 'Wrong category',
  child_safety: 'Someone in this ad may be underage or exploited',
};

/** Queue priorities: lower is more urgent. */
export const PRIORITY = { child_safety: 0, trafficking: 1, illegal: 2, terms: 3 } as const;
export const PRIORITY_NAMES = ['Child safety', 'Trafficking', 'Other illegal content', 'Terms of service'] as const;
/** SLA target per priority, in hours from the item's creation. */
export const SLA_HOURS = [1, 4, 24, 72] as const;
export const CLAIM_MINUTES = 15;

export const FLAG_PRIORITY: Record<FlagReason, number> = {
  child_safety: PRIORITY.child_safety,
  prohibited: PRIORITY.illegal,
  scam: PRIORITY.illegal,
  spam: PRIORITY.terms,
  wrong_category: PRIORITY.terms,
};

export function slaDue(priority: number, from: Date): Date {
  const hours = SLA_HOURS[Math.min(Math.max(priority, 0), SLA_HOURS.length - 1)]!;
  return new Date(from.getTime() + hours * 3600_000);
}

/** Screening labels (src/screening) to queue priorities. */
export function priorityForLabels(labels: readonly string[]): number {
  if (labels.includes('child_safety')) return PRIORITY.child_safety;
  if (labels.includes('trafficking')) return PRIORITY.trafficking;
  if (labels.some((l) => l === 'sexual_services' || l === 'prohibited_goods' || l === 'scam')) return PRIORITY.illegal;
  return PRIORITY.terms;
}

// --- flag weights --------------------------------------------------------------------------------

/** Weighted flags needed to hold a published ad automatically. */
export const HOLD_THRESHOLD = 1.0;
/** Child-safety flags hold sooner: half the weight. */
export const CHILD_SAFETY_HOLD_THRESHOLD = 0.5;
/** Flaggers with fewer decided flags than this are newcomers… */
export const NEWCOMER_HISTORY = 3;
/** …and all newcomers together contribute at most this much, below both thresholds: a burst of new accounts or visitors never holds an ad on its own. */
export const NEWCOMER_CAP = 0.4;
/** One flagger, however accurate, cannot hold an ad alone (trusted flaggers excepted). */
export const MAX_FLAG_WEIGHT = 0.8;

export interface FlaggerHistory {
  upheld: number;
  rejected: number;
}

/**
 * A flag's weight from the flagger's record: accuracy with a sceptical prior (a newcomer counts as
 * one upheld flag in three), times a confidence that grows with the number of decided flags.
 * An established account (verified e-mail, 30 days old) counts half as much again.
 */
export function flagWeight(history: FlaggerHistory | undefined, opts: { trusted: boolean; establishedAccount: boolean }): number {
  if (opts.trusted) return 1;
  const upheld = history?.upheld ?? 0;
  const decided = upheld + (history?.rejected ?? 0);
  const accuracy = (upheld + 1) / (decided + 3);
  const confidence = Math.min(1, 0.3 + 0.07 * decided);
  const w = accuracy * confidence * (opts.establishedAccount ? 1.5 : 1);
  return Math.round(Math.min(MAX_FLAG_WEIGHT, w) * 1000) / 1000;
}

export interface WeightedFlag {
  reason: string;
  weight: number;
  /** Decided flags in the flagger's record now. */
  decided: number;
  trusted: boolean;
}

/** Sums weights with the newcomer cap applied; `childSafety` counts only child-safety flags. */
export function holdScore(flags: readonly WeightedFlag[]): { total: number; childSafety: number } {
  const sum = (list: readonly WeightedFlag[]) => {
    let proven = 0;
    let newcomers = 0;
    for (const f of list) {
      if (f.trusted || f.decided >= NEWCOMER_HISTORY) proven += f.weight;
      else newcomers += f.weight;
    }
    return proven + Math.min(NEWCOMER_CAP, newcomers);
  };
  return { total: sum(flags), childSafety: sum(flags.filter((f) => f.reason === 'child_safety')) };
}

export function shouldHold(score: { total: number; childSafety: number }): boolean {
  return score.total >= HOLD_THRESHOLD || score.childSafety >= CHILD_SAFETY_HOLD_THRESHOLD;
}

// --- notices -------------------------------------------------------------------------------------

export const NOTICE_CATEGORIES = ['child_safety', 'trafficking', 'illegal', 'terms'] as const;
export type NoticeCategory = (typeof NOTICE_CATEGORIES)[number];
export const NOTICE_CATEGORY_TEXT: Record<NoticeCategory, string> = {
  child_safety: 'Child sexual abuse or exploitation of a minor',
  trafficking: 'Human trafficking or forced labour',
  illegal: 'Other illegal content (illegal goods, fraud, …)',
  terms: 'Breaks the site rules but may not be illegal',
};

// --- policy reasons for decisions ----------------------------------------------------------------

export interface PolicyReason {
  text: string;
  /** Illegal under the law named in `legalGround`, or only against the site rules. */
  illegal: boolean;
  legalGround?: string;
  category: string;
  keywords?: string[];
}

export const POLICY_REASONS = {
  child_safety: {
    text: 'Sexual exploitation or endangerment of a minor',
    illegal: true,
    legalGround: 'Laws against child sexual abuse and exploitation (e.g. Directive 2011/93/EU; 18 U.S.C. 2251 ff.)',
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    keywords: ['KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL'],
  },
  trafficking: {
    text: 'Indicators of human trafficking',
    illegal: true,
    legalGround: 'Laws against trafficking in human beings (e.g. Directive 2011/36/EU; 18 U.S.C. 1591)',
    category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
    keywords: ['KEYWORD_HUMAN_TRAFFICKING'],
  },
  sexual_services: { text: 'Offers of sexual services', illegal: false, category: 'STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE' },
  prohibited_goods: {
    text: 'Prohibited or unsafe goods',
    illegal: false,
    category: 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
    keywords: ['KEYWORD_PROHIBITED_PRODUCTS'],
  },
  scam: {
    text: 'Fraud or a scam aimed at buyers, renters or job seekers',
    illegal: true,
    legalGround: 'Laws against fraud',
    category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
    keywords: ['KEYWORD_INAUTHENTIC_LISTINGS'],
  },
  spam: { text: 'Spam, duplicate or overposted ads', illegal: false, category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' },
  wrong_category: { text: 'Ad posted in the wrong category', illegal: false, category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' },
} as const satisfies Record<string, PolicyReason>;
export type PolicyReasonKey = keyof typeof POLICY_REASONS;
export const POLICY_REASON_KEYS = Object.keys(POLICY_REASONS) as PolicyReasonKey[];

export const FLAG_TO_POLICY: Record<FlagReason, PolicyReasonKey> = {
  prohibited: 'prohibited_goods',
  scam: 'scam',
  spam: 'spam',
  wrong_category: 'wrong_category',
  child_safety: 'child_safety',
};

// --- appeals (DSA Art. 20) -----------------------------------------------------------------------

/** A poster can appeal a statement of reasons for this many calendar months after it. */
export const APPEAL_MONTHS = 6;
/** An appeal's explanation: long enough to say why, short enough to read. */
export const APPEAL_EXPLANATION_MIN = 20;
export const APPEAL_EXPLANATION_MAX = 5000;
/** A reversed removal is republished for at least this many days, however little was left of its period. */
export const REVERSAL_MIN_DAYS = 7;

/** The last moment an appeal against a statement made at `decidedAt` is accepted. */
export function appealDeadline(decidedAt: Date): Date {
  const d = new Date(decidedAt.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + APPEAL_MONTHS);
  // 31 August + 6 months is the last day of February, not 3 March.
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/**
 * The expiry of an ad republished after a reversed appeal: its original expiry moved on by the time
 * it was offline (since the appealed decision), and never less than REVERSAL_MIN_DAYS from now.
 */
export function reinstatedExpiry(originalExpiry: Date, offlineSince: Date, now: Date): Date {
  const offline = Math.max(0, now.getTime() - offlineSince.getTime());
  const extended = originalExpiry.getTime() + offline;
  return new Date(Math.max(extended, now.getTime() + REVERSAL_MIN_DAYS * 86_400_000));
}

/** The policy reason a statement of reasons was built from (its explanation starts with the reason's text). */
export function policyReasonOfStatement(s: { illegalContentExplanation: string | null; incompatibleContentExplanation: string | null; category: string }): PolicyReasonKey {
  const explanation = s.illegalContentExplanation ?? s.incompatibleContentExplanation ?? '';
  const byText = POLICY_REASON_KEYS.find((k) => explanation.startsWith(`${POLICY_REASONS[k].text}.`));
  if (byText) return byText;
  return POLICY_REASON_KEYS.find((k) => POLICY_REASONS[k].category === s.category) ?? 'spam';
}

// --- who may decide on whose ads -----------------------------------------------------------------

/** Ranks: user < moderator < senior moderator < admin. Unknown roles count as 'user'. */
export const ROLE_RANK: Record<'user' | StaffRole, number> = { user: 0, moderator: 1, senior_moderator: 2, admin: 3 };
export function rankOf(role: string | null | undefined): number {
  return ROLE_RANK[(role ?? 'user') as keyof typeof ROLE_RANK] ?? 0;
}

/** The staff member about to claim or decide. */
export interface Decider {
  id: number;
  email: string | null;
  role: string;
}

/** An account behind an ad: the one it was posted from (`ads.user_id`), or one with the ad's address. */
export interface PosterAccount {
  id: number;
  email: string | null;
  role: string;
}

/**
 * Whether a decider of `deciderRole` may decide on an ad posted by an account of `posterRole`:
 * ordinary accounts' ads by any staff; staff ads only by strictly higher rank, except that admins'
 * ads are decided by another admin (there is nobody higher).
 */
export function mayDecideOnRole(deciderRole: string, posterRole: string): boolean {
  const poster = rankOf(posterRole);
  const decider = rankOf(deciderRole);
  if (poster === 0) return decider > 0;
  if (poster === ROLE_RANK.admin) return decider === ROLE_RANK.admin;
  return decider > poster;
}

/** The staff roles whose ads a decider of this role may not decide (the SQL of "claim the next item" skips them). */
export function rolesOutOfReach(deciderRole: string): StaffRole[] {
  return STAFF_ROLES.filter((r) => !mayDecideOnRole(deciderRole, r));
}

const sameAddress = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Why this decider may not claim or decide an item about this ad, or null if they may: their own ad
 * (posted from their account or with their account's address), or an ad of a staff account of their
 * rank or above. One rule for the review page, the decision service, bulk decisions and the staff API.
 */
export function decisionConflict(
  decider: Decider,
  ad: { userId: number | null; email: string },
  posterAccounts: readonly PosterAccount[],
  /** 'message': a relay message's replier (src/moderation/replier-decisions.ts), by the same rule. */
  subject: 'ad' | 'message' = 'ad',
): string | null {
  if (ad.userId === decider.id || sameAddress(ad.email, decider.email) || posterAccounts.some((a) => a.id === decider.id)) {
    return subject === 'ad'
      ? 'This is your own ad (posted from your account or with your address): another moderator has to decide it.'
      : 'You sent this message yourself (from your account or your address): another moderator has to decide it.';
  }
  const blocking = posterAccounts.filter((a) => rankOf(a.role) > 0 && !mayDecideOnRole(decider.role, a.role));
  if (blocking.length === 0) return null;
  const top = blocking.reduce((m, a) => (rankOf(a.role) > rankOf(m) ? a.role : m), blocking[0]!.role) as StaffRole;
  const who = top === 'admin' ? 'another admin' : top === 'senior_moderator' ? 'an admin' : 'a senior moderator or an admin';
  return `This ${subject === 'ad' ? 'ad was posted' : 'message was sent'} by a staff account (${ROLE_NAMES[top].toLowerCase()}): only ${who} can decide it.`;
}
