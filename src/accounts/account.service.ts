/**
 * Account commands: sign up and confirm, sign in (password or one-time link), sessions, password
 * reset, phone verification, API tokens, deletion. Secrets leave this module once (in a mail, a
 * cookie or a page shown once) and are stored only as hashes.
 */
import type { Config } from '../config.ts';
import type { AdState } from '../db/schema.ts';
import type { AdRepository } from '../listings/ad.repository.ts';
import type { Mailer } from '../mail/mailer.ts';
import { AppError, validationError } from '../platform/errors.ts';
import type { RateLimiter } from '../platform/rate-limiter.ts';
import { accountDeletedMail, alreadyRegisteredMail, confirmEmailMail, resetPasswordMail, signInLinkMail } from './account-mails.ts';
import { ApiTokenNameSchema, EmailOnlySchema, NewPasswordSchema, parseForm, parsePhone, PhoneCodeSchema, SignInSchema, SignUpSchema } from './account-input.ts';
import type { AccountRepository, AccountUser, UserRow } from './account.repository.ts';
import { delayAfterFailures, minutesText, SIGN_IN_ATTEMPTS_PER_IP, SIGN_IN_IP_WINDOW_SECONDS } from './lockout.ts';
import { burnVerification, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import { accountRestriction, restrictionMessage } from './restriction.ts';
import { isStaffRole } from './staff-roles.ts';
import { hashPhoneCode, hashSecret, newPhoneCode, newSecret } from './secrets.ts';
import type { SmsSender } from './sms.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const SESSION_DAYS = 30;
/** Last-seen (and the sliding expiry) is written at most this often per session. */
export const SESSION_TOUCH_MS = 5 * MINUTE;
export const CONFIRM_HOURS = 48;
export const SIGN_IN_LINK_MINUTES = 20;
export const RESET_MINUTES = 30;
export const PHONE_CODE_MINUTES = 10;
export const PHONE_CODE_ATTEMPTS = 5;
export const MAX_API_TOKENS = 20;
export const API_TOKEN_PREFIX = 'cb_';

export interface AccountsContext {
  config: Pick<Config, 'publicUrl' | 'retentionDays'>;
  accounts: AccountRepository;
  ads: AdRepository;
  mailer: Mailer;
  sms: SmsSender;
  limiter: RateLimiter;
  now: () => Date;
  /** How many people replied to each ad, from the relay; zero for all when no relay is wired. */
  replyCounts?: (adIds: number[]) => Promise<Map<number, number>>;
}

export interface NewSession {
  token: string;
  expiresAt: Date;
  user: AccountUser;
}

const WRONG_CREDENTIALS = 'The e-mail address or password is not right.';

export function tooManyAttempts(seconds: number): AppError {
  return new AppError('rate_limited', `Too many attempts; try again in ${minutesText(seconds)} or sign in with a link by e-mail.`, undefined, seconds);
}

export class AccountService {
  constructor(private ctx: AccountsContext) {}

  // --- sign up -------------------------------------------------------------------------------

  /**
   * Opens an account waiting for e-mail confirmation. The answer is the same whether or not the
   * address is registered (the mail differs), so the form does not reveal who has an account.
   */
  async signUp(raw: Record<string, unknown>, ip: string | null): Promise<void> {
    const input = parseForm(SignUpSchema, raw);
    await this.limit(`signup:ip:${ip ?? 'unknown'}`, 20, 3600);
    await this.limit(`signup:email:${input.email}`, 5, 3600);
    const now = this.ctx.now();
    const passwordHash = await hashPassword(input.password);
    let user = await this.ctx.accounts.findUserByEmail(input.email);
    if (!user) {
      const id = await this.ctx.accounts.insertUser({ email: input.email, passwordHash, createdAt: now });
      user = id === undefined ? await this.ctx.accounts.findUserByEmail(input.email) : await this.ctx.accounts.findUserById(id);
      if (!user) throw new AppError('conflict', 'Please try again.');
      if (id !== undefined) return this.sendConfirmation(user);
    }
    if (user.emailVerifiedAt) {
      const base = this.ctx.config.publicUrl;
      await this.ctx.mailer.send(alreadyRegisteredMail(input.email, `${base}/signin`, `${base}/password/forgot`));
      return;
    }
    // Not confirmed yet: whoever can read the mailbox decides, so the newest sign-up's password wins.
    await this.ctx.accounts.updateUser(user.id, { passwordHash });
    await this.sendConfirmation(user);
  }

  private async sendConfirmation(user: UserRow) {
    const token = await this.issueToken(user.id, 'confirm_email', CONFIRM_HOURS * HOUR);
    await this.ctx.mailer.send(confirmEmailMail(user.email!, `${this.ctx.config.publicUrl}/account/confirm/${token}`, CONFIRM_HOURS));
  }

  /** Opens the mailed confirmation link: the account becomes active, claims its ads, and is signed in. */
  async confirmEmail(token: string, userAgent: string | null): Promise<NewSession & { claimed: number }> {
    const userId = await this.ctx.accounts.consumeAccountToken(hashSecret(token), 'confirm_email', this.ctx.now());
    const user = userId === undefined ? undefined : await this.ctx.accounts.findUserById(userId);
    if (!user || user.deletedAt || !user.email) throw expiredLink();
    if (!user.emailVerifiedAt) await this.ctx.accounts.updateUser(user.id, { emailVerifiedAt: this.ctx.now() });
    const claimed = await this.ctx.accounts.claimAds(user.id, user.email);
    return { ...(await this.startSession(user.id, userAgent)), claimed };
  }

  // --- sign in -------------------------------------------------------------------------------

  async signInWithPassword(raw: Record<string, unknown>, ip: string | null, userAgent: string | null): Promise<NewSession> {
    const input = parseForm(SignInSchema, raw);
    const perIp = await this.ctx.limiter.hit(`signin:ip:${ip ?? 'unknown'}`, SIGN_IN_ATTEMPTS_PER_IP, SIGN_IN_IP_WINDOW_SECONDS);
    if (!perIp.allowed) throw tooManyAttempts(perIp.retryAfterSeconds);
    const now = this.ctx.now();
    const user = await this.ctx.accounts.findUserByEmail(input.email);
    if (!user || !user.passwordHash || user.deletedAt) {
      await burnVerification(input.password);
      throw new AppError('forbidden', WRONG_CREDENTIALS, { password: WRONG_CREDENTIALS });
    }
    if (user.signInBlockedUntil && user.signInBlockedUntil > now) {
      // Refused without checking the password: guesses during the pause tell the attacker nothing.
      throw tooManyAttempts(Math.ceil((user.signInBlockedUntil.getTime() - now.getTime()) / 1000));
    }
    if (!(await verifyPassword(user.passwordHash, input.password))) {
      const failures = await this.ctx.accounts.countFailedSignIn(user.id);
      const delay = delayAfterFailures(failures);
      if (delay > 0) {
        await this.ctx.accounts.updateUser(user.id, { signInBlockedUntil: new Date(now.getTime() + delay * 1000) });
        const e = tooManyAttempts(delay);
        throw new AppError('rate_limited', `${WRONG_CREDENTIALS} ${e.message}`, { password: WRONG_CREDENTIALS }, delay);
      }
      throw new AppError('forbidden', WRONG_CREDENTIALS, { password: WRONG_CREDENTIALS });
    }
    if (!user.emailVerifiedAt) {
      await this.limit(`confirm-resend:${user.id}`, 3, 3600);
      await this.sendConfirmation(user);
      throw new AppError('forbidden', 'Confirm your e-mail address first: we sent you a new link.', { email: 'This address is not confirmed yet; open the link we just mailed you.' });
    }
    const patch: Parameters<AccountRepository['updateUser']>[1] = { failedSignIns: 0, signInBlockedUntil: null };
    if (needsRehash(user.passwordHash)) patch.passwordHash = await hashPassword(input.password);
    await this.ctx.accounts.updateUser(user.id, patch);
    await this.ctx.accounts.claimAds(user.id, user.email!);
    return this.startSession(user.id, userAgent);
  }

  /** Mails a one-time sign-in link if the address has an account; says the same either way. */
  async requestSignInLink(raw: Record<string, unknown>, ip: string | null): Promise<void> {
    const { email } = parseForm(EmailOnlySchema, raw);
    await this.limit(`signin-link:ip:${ip ?? 'unknown'}`, 20, 3600);
    await this.limit(`signin-link:email:${email}`, 5, 3600);
    const user = await this.ctx.accounts.findUserByEmail(email);
    if (!user || user.deletedAt) return;
    const token = await this.issueToken(user.id, 'sign_in', SIGN_IN_LINK_MINUTES * MINUTE);
    await this.ctx.mailer.send(signInLinkMail(email, `${this.ctx.config.publicUrl}/signin/link/${token}`, SIGN_IN_LINK_MINUTES));
  }

  /**
   * Signs in with a mailed link. It always works, even while password sign-in is paused, and it
   * lifts the pause: whoever reads the mailbox is the owner.
   */
  async signInWithLink(token: string, userAgent: string | null): Promise<NewSession> {
    const now = this.ctx.now();
    const userId = await this.ctx.accounts.consumeAccountToken(hashSecret(token), 'sign_in', now);
    const user = userId === undefined ? undefined : await this.ctx.accounts.findUserById(userId);
    if (!user || user.deletedAt || !user.email) throw expiredLink();
    const patch: Parameters<AccountRepository['updateUser']>[1] = { failedSignIns: 0, signInBlockedUntil: null };
    if (!user.emailVerifiedAt) {
      // An unconfirmed account may have been opened by someone else with this address: the mailbox
      // owner takes it over, and the password that person chose stops working.
      patch.emailVerifiedAt = now;
      patch.passwordHash = null;
    }
    await this.ctx.accounts.updateUser(user.id, patch);
    await this.ctx.accounts.claimAds(user.id, user.email);
    return this.startSession(user.id, userAgent);
  }

  async checkLink(token: string, purpose: 'confirm_email' | 'sign_in' | 'reset_password'): Promise<void> {
    if ((await this.ctx.accounts.peekAccountToken(hashSecret(token), purpose, this.ctx.now())) === undefined) throw expiredLink();
  }

  // --- password reset ------------------------------------------------------------------------

  async requestPasswordReset(raw: Record<string, unknown>, ip: string | null): Promise<void> {
    const { email } = parseForm(EmailOnlySchema, raw);
    await this.limit(`reset:ip:${ip ?? 'unknown'}`, 20, 3600);
    await this.limit(`reset:email:${email}`, 5, 3600);
    const user = await this.ctx.accounts.findUserByEmail(email);
    if (!user || user.deletedAt) return;
    const token = await this.issueToken(user.id, 'reset_password', RESET_MINUTES * MINUTE);
    await this.ctx.mailer.send(resetPasswordMail(email, `${this.ctx.config.publicUrl}/password/reset/${token}`, RESET_MINUTES));
  }

  /** Sets a new password from a reset link: every other session ends, and this browser is signed in. */
  async resetPassword(token: string, raw: Record<string, unknown>, userAgent: string | null): Promise<NewSession> {
    const { password } = parseForm(NewPasswordSchema, raw);
    const now = this.ctx.now();
    const userId = await this.ctx.accounts.consumeAccountToken(hashSecret(token), 'reset_password', now);
    const user = userId === undefined ? undefined : await this.ctx.accounts.findUserById(userId);
    if (!user || user.deletedAt || !user.email) throw expiredLink();
    await this.ctx.accounts.updateUser(user.id, {
      passwordHash: await hashPassword(password),
      emailVerifiedAt: user.emailVerifiedAt ?? now,
      failedSignIns: 0,
      signInBlockedUntil: null,
    });
    await this.ctx.accounts.expireAccountTokens(user.id, 'reset_password', now);
    // A new password cancels a pending address change: the mail to the old address says so.
    await this.ctx.accounts.expireAccountTokens(user.id, 'change_email', now);
    await this.ctx.accounts.deleteSessionsOf(user.id);
    await this.ctx.accounts.claimAds(user.id, user.email);
    return this.startSession(user.id, userAgent);
  }

  // --- sessions ------------------------------------------------------------------------------

  /** Every way of signing in ends here, so a suspended or banned account gets no session, whichever way it tries. */
  async startSession(userId: number, userAgent: string | null): Promise<NewSession> {
    const token = newSecret();
    const now = this.ctx.now();
    const user = await this.ctx.accounts.findUserById(userId);
    if (!user || user.deletedAt) throw new AppError('not_found', 'This account no longer exists.');
    const restriction = accountRestriction(user, now);
    if (restriction) throw new AppError('forbidden', restrictionMessage(restriction));
    const expiresAt = new Date(now.getTime() + SESSION_DAYS * 24 * HOUR);
    await this.ctx.accounts.insertSession({ userId, tokenHash: hashSecret(token), userAgent: userAgent?.slice(0, 300) ?? null, createdAt: now, expiresAt });
    return { token, expiresAt, user: toUser(user) };
  }

  /** The account behind a session cookie: one indexed query, plus a write at most every few minutes. */
  async resolveSession(token: string): Promise<{ user: AccountUser; sessionId: number; secondFactorAt: Date | null } | null> {
    if (!/^[\w-]{43}$/.test(token)) return null;
    const now = this.ctx.now();
    const found = await this.ctx.accounts.sessionByTokenHash(hashSecret(token), now);
    if (!found) return null;
    if (now.getTime() - found.lastSeenAt.getTime() > SESSION_TOUCH_MS) {
      await this.ctx.accounts.touchSession(found.sessionId, now, new Date(now.getTime() + SESSION_DAYS * 24 * HOUR));
    }
    return { user: found.user, sessionId: found.sessionId, secondFactorAt: found.secondFactorAt };
  }

  async signOut(token: string): Promise<void> {
    await this.ctx.accounts.deleteSessionByTokenHash(hashSecret(token));
  }

  sessionsOf(userId: number) {
    return this.ctx.accounts.sessionsOf(userId, this.ctx.now());
  }

  async endSession(userId: number, sessionId: number): Promise<void> {
    if (!(await this.ctx.accounts.deleteSession(userId, sessionId))) throw new AppError('not_found', 'This session has already ended.');
  }

  async account(userId: number): Promise<UserRow> {
    const user = await this.ctx.accounts.findUserById(userId);
    if (!user || user.deletedAt) throw new AppError('not_found', 'This account no longer exists.');
    return user;
  }

  // --- phone ---------------------------------------------------------------------------------

  /** Texts a 6-digit code to the number; the number is saved only once the code comes back. */
  async startPhoneVerification(userId: number, raw: Record<string, unknown>): Promise<string> {
    const phone = parsePhone(raw.phone);
    await this.limit(`phone:user:${userId}`, 5, 3600);
    const now = this.ctx.now();
    await this.ctx.accounts.expireAccountTokens(userId, 'verify_phone', now);
    const code = newPhoneCode();
    await this.ctx.accounts.insertAccountToken({
      userId,
      purpose: 'verify_phone',
      tokenHash: hashPhoneCode(userId, code),
      detail: phone,
      createdAt: now,
      expiresAt: new Date(now.getTime() + PHONE_CODE_MINUTES * MINUTE),
    });
    await this.ctx.sms.send(phone, `Your Corkboard code is ${code}. It expires in ${PHONE_CODE_MINUTES} minutes.`);
    return phone;
  }

  async pendingPhone(userId: number): Promise<string | undefined> {
    return (await this.ctx.accounts.latestPhoneCode(userId, this.ctx.now()))?.detail ?? undefined;
  }

  async verifyPhone(userId: number, raw: Record<string, unknown>): Promise<string> {
    const { code } = parseForm(PhoneCodeSchema, raw);
    const now = this.ctx.now();
    const pending = await this.ctx.accounts.latestPhoneCode(userId, now);
    if (!pending || pending.attempts >= PHONE_CODE_ATTEMPTS) {
      throw validationError({ code: 'This code has expired or was tried too often. Ask for a new code.' });
    }
    if (pending.tokenHash !== hashPhoneCode(userId, code)) {
      const attempts = await this.ctx.accounts.countCodeAttempt(pending.id);
      const left = PHONE_CODE_ATTEMPTS - attempts;
      throw validationError({ code: left > 0 ? `The code is not right; ${left} ${left === 1 ? 'try' : 'tries'} left.` : 'The code is not right. Ask for a new code.' });
    }
    if (!(await this.ctx.accounts.markAccountTokenUsed(pending.id, now))) throw validationError({ code: 'This code was already used. Ask for a new code.' });
    await this.ctx.accounts.updateUser(userId, { phone: pending.detail, phoneVerifiedAt: now });
    return pending.detail!;
  }

  // --- API tokens ----------------------------------------------------------------------------

  /** Creates a token and returns it: the only time it is ever shown. */
  async createApiToken(userId: number, raw: Record<string, unknown>): Promise<{ id: number; token: string; name: string; scope: 'ads' | 'staff' }> {
    const { name, scope } = parseForm(ApiTokenNameSchema, { ...raw, scope: raw.scope || undefined });
    if (scope === 'staff') {
      const account = await this.ctx.accounts.findUserById(userId);
      if (!account || !isStaffRole(account.role)) throw validationError({ scope: 'Only staff accounts can create tokens for the moderation API.' });
    }
    if ((await this.ctx.accounts.apiTokensOf(userId)).length >= MAX_API_TOKENS) {
      throw validationError({ name: `You can have up to ${MAX_API_TOKENS} tokens; revoke one you no longer use.` });
    }
    const token = `${API_TOKEN_PREFIX}${newSecret()}`;
    const id = await this.ctx.accounts.insertApiToken({ userId, name, tokenHash: hashSecret(token), scope, createdAt: this.ctx.now() });
    return { id, token, name, scope };
  }

  apiTokensOf(userId: number) {
    return this.ctx.accounts.apiTokensOf(userId);
  }

  async revokeApiToken(userId: number, id: number): Promise<void> {
    if (!(await this.ctx.accounts.revokeApiToken(userId, id, this.ctx.now()))) throw new AppError('not_found', 'There is no such token.');
  }

  /** The account an `Authorization: Bearer` token belongs to, or null; last use is written at most once a minute. */
  async authenticateApiToken(token: string): Promise<AccountUser | null> {
    return (await this.apiTokenHolder(token))?.user ?? null;
  }

  /**
   * The account and scope of a live token. `staff` is true only for a staff-scope token whose owner
   * is staff now (the role is read with the token, so a demoted owner's token stops working at once).
   */
  async apiTokenHolder(token: string): Promise<{ user: AccountUser; scope: 'ads' | 'staff'; staff: boolean } | null> {
    if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 100) return null;
    const now = this.ctx.now();
    const found = await this.ctx.accounts.userByApiTokenHash(hashSecret(token), now);
    if (!found || !found.user.emailVerified) return null;
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > MINUTE) await this.ctx.accounts.touchApiToken(found.tokenId, now);
    return { user: found.user, scope: found.scope, staff: found.scope === 'staff' && isStaffRole(found.user.role) };
  }

  // --- my ads and deletion -------------------------------------------------------------------

  async adsOf(userId: number) {
    const rows = await this.ctx.accounts.adsOf(userId);
    const replies = this.ctx.replyCounts ? await this.ctx.replyCounts(rows.map((r) => r.id)) : new Map<number, number>();
    return rows.map((ad) => ({ ad, replies: replies.get(ad.id) ?? 0 }));
  }

  /**
   * Deletes the account: ads are taken down, then e-mail, password, phone, sessions and tokens are
   * erased. The ads' own records (with the address they were posted under) stay for the retention
   * period, as moderation and legal requests need, and the lifecycle purge removes them after.
   */
  async deleteAccount(userId: number, raw: Record<string, unknown>): Promise<{ retentionDays: number; adsTakenDown: number }> {
    const user = await this.account(userId);
    if (raw.confirm !== 'yes') throw validationError({ confirm: 'Tick the box to confirm that you want to delete your account.' });
    if (user.passwordHash) {
      const password = typeof raw.password === 'string' ? raw.password : '';
      if (!password) throw validationError({ password: 'Enter your password to confirm.' });
      if (!(await verifyPassword(user.passwordHash, password))) throw validationError({ password: 'The password is not right.' });
    }
    const now = this.ctx.now();
    const from: AdState[] = ['unconfirmed', 'pending', 'published', 'held', 'rejected', 'expired', 'removed'];
    let adsTakenDown = 0;
    for (const id of await this.ctx.accounts.liveAdIdsOf(userId)) {
      if (await this.ctx.ads.transition(id, from, 'deleted', { kind: 'deleted', reason: 'account deleted', automated: false }, { deletedAt: now })) adsTakenDown++;
    }
    if (user.email) await this.ctx.mailer.send(accountDeletedMail(user.email, this.ctx.config.retentionDays));
    await this.ctx.accounts.erasePersonalData(userId, now);
    return { retentionDays: this.ctx.config.retentionDays, adsTakenDown };
  }

  // --- helpers -------------------------------------------------------------------------------

  private async issueToken(userId: number, purpose: 'confirm_email' | 'sign_in' | 'reset_password', ttlMs: number): Promise<string> {
    const token = newSecret();
    const now = this.ctx.now();
    await this.ctx.accounts.insertAccountToken({ userId, purpose, tokenHash: hashSecret(token), createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) });
    return token;
  }

  private async limit(key: string, max: number, windowSeconds: number) {
    const r = await this.ctx.limiter.hit(key, max, windowSeconds);
    if (!r.allowed) {
      throw new AppError('rate_limited', `Too many attempts. Please try again in ${minutesText(r.retryAfterSeconds)}.`, undefined, r.retryAfterSeconds);
    }
  }
}

function toUser(u: UserRow): AccountUser {
  return { id: u.id, email: u.email ?? '', emailVerified: u.emailVerifiedAt !== null, phoneVerified: u.phoneVerifiedAt !== null, createdAt: u.createdAt, role: u.role };
}

function expiredLink(): AppError {
  return new AppError('not_found', 'This link has expired or was already used. Ask for a new one.');
}
