/**
 * Whether a moderator's decision currently keeps an account out: banned for good, or suspended
 * until a date. One small function so sign-in, posting, replying and appeal reversals agree.
 */
export type AccountRestriction = { kind: 'banned'; since: Date } | { kind: 'suspended'; until: Date };

export function accountRestriction(user: { suspendedUntil: Date | null; bannedAt: Date | null }, now: Date): AccountRestriction | null {
  if (user.bannedAt) return { kind: 'banned', since: user.bannedAt };
  if (user.suspendedUntil && user.suspendedUntil > now) return { kind: 'suspended', until: user.suspendedUntil };
  return null;
}

/** What the account holder is told when they try to sign in, post or reply. */
export function restrictionMessage(r: AccountRestriction): string {
  if (r.kind === 'banned') return 'This account has been closed by our moderators. We mailed you a statement of reasons, which says how to appeal.';
  const until = r.until.toISOString().replace('T', ' ').slice(0, 16);
  return `This account is suspended until ${until} UTC. We mailed you a statement of reasons, which says why and how to appeal.`;
}
