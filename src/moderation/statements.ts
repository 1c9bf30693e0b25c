/**
 * Statements of reasons (DSA Art. 17) built in the DSA Transparency Database's own field names, so
 * submitting them is a mapping of `statements_of_reasons` rows; and the poster-facing text of each.
 */
import { randomUUID } from 'node:crypto';
import { statementsOfReasons } from '../db/schema.ts';
import { POLICY_REASONS, type PolicyReasonKey } from './policy.ts';

export type StatementRow = typeof statementsOfReasons.$inferInsert;

export type SourceType = 'SOURCE_ARTICLE_16' | 'SOURCE_TRUSTED_FLAGGER' | 'SOURCE_TYPE_OTHER_NOTIFICATION' | 'SOURCE_VOLUNTARY';
export type Visibility = 'DECISION_VISIBILITY_CONTENT_REMOVED' | 'DECISION_VISIBILITY_CONTENT_DISABLED' | 'DECISION_VISIBILITY_OTHER';
export type AccountDecision = 'DECISION_ACCOUNT_SUSPENDED' | 'DECISION_ACCOUNT_TERMINATED';
/** A restriction of the service itself (here: the relay), not of a piece of content or an account. */
export type Provision = 'DECISION_PROVISION_PARTIAL_SUSPENSION' | 'DECISION_PROVISION_TOTAL_SUSPENSION' | 'DECISION_PROVISION_PARTIAL_TERMINATION' | 'DECISION_PROVISION_TOTAL_TERMINATION';
export type Automation = 'AUTOMATED_DECISION_FULLY' | 'AUTOMATED_DECISION_PARTIALLY' | 'AUTOMATED_DECISION_NOT_AUTOMATED';

export interface StatementInput {
  adId: number;
  reviewItemId?: number | null;
  reason: PolicyReasonKey;
  visibility: Visibility | null;
  account?: AccountDecision | null;
  provision?: Provision | null;
  source: SourceType;
  automatedDetection: boolean;
  automatedDecision: Automation;
  contentDate: Date;
  applicationDate: Date;
  /** What happened, in plain words, without quoting the ad or naming anyone who reported it. */
  facts: string;
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

export function buildStatement(input: StatementInput): StatementRow {
  const reason = POLICY_REASONS[input.reason];
  const explanation = `${reason.text}. ${input.facts}`.slice(0, 2000);
  return {
    puid: `corkboard-ad${input.adId}-${randomUUID()}`,
    adId: input.adId,
    reviewItemId: input.reviewItemId ?? null,
    decisionGround: reason.illegal ? 'DECISION_GROUND_ILLEGAL_CONTENT' : 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
    illegalContentLegalGround: reason.illegal ? (reason as { legalGround: string }).legalGround : null,
    illegalContentExplanation: reason.illegal ? explanation : null,
    incompatibleContentGround: reason.illegal ? null : `Corkboard posting rules: ${reason.text}`,
    incompatibleContentExplanation: reason.illegal ? null : explanation,
    contentType: ['CONTENT_TYPE_PRODUCT', 'CONTENT_TYPE_TEXT'],
    category: reason.category,
    categorySpecification: 'keywords' in reason ? [...reason.keywords] : null,
    decisionVisibility: input.visibility,
    decisionAccount: input.account ?? null,
    decisionProvision: input.provision ?? null,
    sourceType: input.source,
    automatedDetection: input.automatedDetection,
    automatedDecision: input.automatedDecision,
    contentDate: ymd(input.contentDate),
    applicationDate: ymd(input.applicationDate),
    decisionFacts: input.facts.slice(0, 5000),
    createdAt: input.applicationDate,
  };
}

/** The row as the Transparency Database API's statement (POST /api/v1/statement). */
export function toTransparencyDatabase(row: typeof statementsOfReasons.$inferSelect): Record<string, unknown> {
  const out: Record<string, unknown> = {
    decision_ground: row.decisionGround,
    content_type: row.contentType,
    category: row.category,
    content_date: row.contentDate,
    application_date: row.applicationDate,
    decision_facts: row.decisionFacts,
    source_type: row.sourceType,
    automated_detection: row.automatedDetection ? 'Yes' : 'No',
    automated_decision: row.automatedDecision,
    puid: row.puid,
  };
  if (row.illegalContentLegalGround) out.illegal_content_legal_ground = row.illegalContentLegalGround;
  if (row.illegalContentExplanation) out.illegal_content_explanation = row.illegalContentExplanation;
  if (row.incompatibleContentGround) out.incompatible_content_ground = row.incompatibleContentGround;
  if (row.incompatibleContentExplanation) out.incompatible_content_explanation = row.incompatibleContentExplanation;
  if (row.categorySpecification?.length) out.category_specification = row.categorySpecification;
  if (row.decisionVisibility) out.decision_visibility = [row.decisionVisibility];
  if (row.decisionAccount) out.decision_account = row.decisionAccount;
  if (row.decisionProvision) out.decision_provision = row.decisionProvision;
  return out;
}

const VISIBILITY_TEXT: Record<Visibility, string> = {
  DECISION_VISIBILITY_CONTENT_REMOVED: 'Your ad was removed.',
  DECISION_VISIBILITY_CONTENT_DISABLED: 'Your ad is hidden while a moderator checks it.',
  DECISION_VISIBILITY_OTHER: 'Your ad was changed by a moderator.',
};
const ACCOUNT_TEXT: Record<AccountDecision, string> = {
  DECISION_ACCOUNT_SUSPENDED: 'You cannot post with this e-mail address or phone number for a while.',
  DECISION_ACCOUNT_TERMINATED: 'You can no longer post on Corkboard with this e-mail address or phone number.',
};
const AUTOMATION_TEXT: Record<Automation, string> = {
  AUTOMATED_DECISION_FULLY: 'This decision was taken automatically; no moderator has looked at the ad yet.',
  AUTOMATED_DECISION_PARTIALLY: 'Automated tools found the ad; a moderator took the decision.',
  AUTOMATED_DECISION_NOT_AUTOMATED: 'A moderator took this decision.',
};
const SOURCE_TEXT: Record<SourceType, string> = {
  SOURCE_ARTICLE_16: 'We acted on a report (notice) about the ad.',
  SOURCE_TRUSTED_FLAGGER: 'We acted on a report from a trusted flagger.',
  SOURCE_TYPE_OTHER_NOTIFICATION: 'We acted on reports from visitors.',
  SOURCE_VOLUNTARY: 'We found the ad through our own checks.',
};

/** The statement of reasons as the poster reads it. */
export function statementText(row: StatementRow, adTitle: string): string {
  const lines = [
    `About your ad "${adTitle}".`,
    '',
    row.decisionVisibility ? VISIBILITY_TEXT[row.decisionVisibility as Visibility] : null,
    row.decisionAccount ? ACCOUNT_TEXT[row.decisionAccount as AccountDecision] : null,
    '',
    `Ground: ${row.illegalContentExplanation ?? row.incompatibleContentExplanation}`,
    row.illegalContentLegalGround ? `We consider the ad illegal under: ${row.illegalContentLegalGround}.` : `This is against our posting rules (${row.incompatibleContentGround}).`,
    SOURCE_TEXT[row.sourceType as SourceType],
    AUTOMATION_TEXT[row.automatedDecision as Automation],
    '',
    `How to appeal: you can contest this decision free of charge for six months, with the appeal link in the message we sent you about it, from your ad's private page, or under My ads if you have an account (reference ${row.puid}). A moderator who did not take the decision will review it.`,
  ];
  return lines.filter((l) => l !== null).join('\n');
}

/** The parts of a statement a poster needs to recognise the decision: what was done, on what ground, how. */
export function statementSummary(
  row: Pick<StatementRow, 'decisionVisibility' | 'decisionAccount' | 'illegalContentExplanation' | 'incompatibleContentExplanation' | 'illegalContentLegalGround' | 'incompatibleContentGround' | 'automatedDecision' | 'sourceType'> &
    Partial<Pick<StatementRow, 'puid' | 'decisionProvision'>>,
): {
  what: string;
  ground: string;
  basis: string;
  how: string;
} {
  if (row.puid && isReplierStatement(row.puid)) return replierStatementSummary(row);
  const what = [row.decisionVisibility ? VISIBILITY_TEXT[row.decisionVisibility as Visibility] : null, row.decisionAccount ? ACCOUNT_TEXT[row.decisionAccount as AccountDecision] : null]
    .filter((x) => x !== null)
    .join(' ');
  return {
    what: what || 'A restriction on your ad.',
    ground: row.illegalContentExplanation ?? row.incompatibleContentExplanation ?? '',
    basis: row.illegalContentLegalGround ? `Illegal under: ${row.illegalContentLegalGround}.` : `Against our posting rules (${row.incompatibleContentGround ?? 'Corkboard posting rules'}).`,
    how: `${SOURCE_TEXT[row.sourceType as SourceType] ?? ''} ${AUTOMATION_TEXT[row.automatedDecision as Automation] ?? ''}`.trim(),
  };
}

// --- statements to repliers (src/moderation/replier-decisions.ts) ---------------------------------

/** Decisions aimed at the replier who sent a reported relay message. */
export const REPLIER_ACTIONS = ['warn', 'relay_block', 'suspend', 'ban'] as const;
export type ReplierAction = (typeof REPLIER_ACTIONS)[number];

/**
 * Statements about a relay message rather than an ad carry this puid prefix: they are filed under
 * the ad the conversation was about (`ad_id` is required) but are not decisions about the ad, so the
 * poster never sees them and they never keep the ad down (src/moderation/appeal.repository.ts).
 */
export const REPLIER_PUID_PREFIX = 'corkboard-msg';
export const isReplierStatement = (puid: string) => puid.startsWith(REPLIER_PUID_PREFIX);

export function buildReplierStatement(input: {
  adId: number;
  threadId: number;
  reviewItemId: number;
  action: ReplierAction;
  reason: PolicyReasonKey;
  until: Date | null;
  contentDate: Date;
  applicationDate: Date;
  facts: string;
  /** The replier: their address at the time (stored lower-case) and their account if they have one. */
  recipient: { email: string; userId: number | null };
}): StatementRow {
  const what = {
    warn: 'A moderator warned you; nothing is restricted this time.',
    relay_block: 'Your e-mail address can no longer send messages through the relay.',
    suspend: `Your account is suspended until ${input.until?.toISOString().slice(0, 10) ?? '?'}.`,
    ban: 'Your account is closed.',
  }[input.action];
  const row = buildStatement({
    adId: input.adId,
    reviewItemId: input.reviewItemId,
    reason: input.reason,
    // A warning restricts nothing (the Transparency Database has no field for it: "other"); a relay
    // block restricts part of the service (decision_provision), not the message; a suspension or
    // ban restricts the account (decision_account), as for posters (decision.service.ts).
    visibility: input.action === 'warn' ? 'DECISION_VISIBILITY_OTHER' : null,
    account: input.action === 'suspend' ? 'DECISION_ACCOUNT_SUSPENDED' : input.action === 'ban' ? 'DECISION_ACCOUNT_TERMINATED' : null,
    provision: input.action === 'relay_block' ? 'DECISION_PROVISION_PARTIAL_SUSPENSION' : null,
    source: 'SOURCE_TYPE_OTHER_NOTIFICATION',
    automatedDetection: false,
    automatedDecision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
    contentDate: input.contentDate,
    applicationDate: input.applicationDate,
    facts: `${what} ${input.facts}`,
  });
  return {
    ...row,
    puid: `${REPLIER_PUID_PREFIX}${input.threadId}-${randomUUID()}`,
    contentType: ['CONTENT_TYPE_TEXT'],
    recipientEmail: input.recipient.email.trim().toLowerCase(),
    recipientUserId: input.recipient.userId,
  };
}

const REPLIER_ACCOUNT_TEXT: Record<AccountDecision, string> = {
  DECISION_ACCOUNT_SUSPENDED: 'You cannot sign in, post or send messages with your Corkboard account for a while.',
  DECISION_ACCOUNT_TERMINATED: 'Your Corkboard account is closed: you can no longer sign in, post or send messages with it.',
};

/** The statement of reasons as the replier reads it. */
export function replierStatementText(row: StatementRow, adTitle: string): string {
  const lines = [
    `About a message you sent through Corkboard's relay about the ad "${adTitle}".`,
    '',
    row.decisionAccount ? REPLIER_ACCOUNT_TEXT[row.decisionAccount as AccountDecision] : null,
    '',
    `Ground: ${row.illegalContentExplanation ?? row.incompatibleContentExplanation}`,
    row.illegalContentLegalGround ? `We consider the message illegal under: ${row.illegalContentLegalGround}.` : `This is against our rules (${row.incompatibleContentGround}).`,
    'We acted on a report from the person you wrote to.',
    AUTOMATION_TEXT[row.automatedDecision as Automation],
    '',
    `How to appeal: you can contest this decision free of charge for six months with the appeal link in this message (reference ${row.puid}). A moderator who did not take the decision will review it.`,
  ];
  return lines.filter((l) => l !== null).join('\n');
}

/** What a statement to a replier decided, in the replier's words (warned, blocked from the relay, account suspended or closed). */
export function replierDecisionText(row: Pick<StatementRow, 'decisionAccount' | 'decisionProvision'>): string {
  if (row.decisionAccount) return REPLIER_ACCOUNT_TEXT[row.decisionAccount as AccountDecision];
  if (row.decisionProvision) return 'Your e-mail address can no longer send messages through the relay.';
  return 'A moderator warned you about a message you sent; nothing was restricted.';
}

function replierStatementSummary(
  row: Pick<StatementRow, 'decisionAccount' | 'decisionProvision' | 'illegalContentExplanation' | 'incompatibleContentExplanation' | 'illegalContentLegalGround' | 'incompatibleContentGround' | 'automatedDecision'>,
) {
  return {
    what: replierDecisionText({ decisionAccount: row.decisionAccount, decisionProvision: row.decisionProvision ?? null }),
    ground: row.illegalContentExplanation ?? row.incompatibleContentExplanation ?? '',
    basis: row.illegalContentLegalGround ? `Illegal under: ${row.illegalContentLegalGround}.` : `Against our rules (${row.incompatibleContentGround ?? 'Corkboard rules'}).`,
    how: `We acted on a report from the person the message was sent to. ${AUTOMATION_TEXT[row.automatedDecision as Automation] ?? ''}`.trim(),
  };
}
