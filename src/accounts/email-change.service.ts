/**
 * Changing an account's e-mail address. The request needs the current password; the change happens
 * only when the link mailed to the NEW address is used (so a typo cannot lock anyone out), and the
 * OLD address is told at once, with what to do if it was not its owner.
 */
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Mailer } from '../mail/mailer.ts';
import { AppError, validationError } from '../platform/errors.ts';
import type { RateLimiter } from '../platform/rate-limiter.ts';
import { EmailOnlySchema, parseForm } from './account-input.ts';
import type { AccountRepository } from './account.repository.ts';
import type { NewSession } from './account.service.ts';
import { confirmNewEmailMail, emailChangedMail, emailChangeRequestedMail } from './email-change-mails.ts';
import type { EmailChangeRepository } from './email-change.repository.ts';
import { minutesText } from './lockout.ts';
import { verifyPassword } from './passwords.ts';
import { hashSecret, newSecret } from './secrets.ts';

export const CHANGE_EMAIL_HOURS = 24;
/** Requests per account and hour: each one checks the password, so this also caps guessing it. */
export const CHANGE_EMAIL_PER_HOUR = 5;

const ChangeEmailSchema = z.object({
  email: EmailOnlySchema.shape.email,
  password: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(200, 'The password is not right.'),
});

export interface EmailChangeContext {
  config: Pick<Config, 'publicUrl'>;
  accounts: AccountRepository;
  changes: EmailChangeRepository;
  mailer: Mailer;
  limiter: RateLimiter;
  now: () => Date;
  startSession: (userId: number, userAgent: string | null) => Promise<NewSession>;
}

export class EmailChangeService {
  constructor(private ctx: EmailChangeContext) {}

  /** Checks the password and the new address, then mails the link to the new address and a notice to the old one. */
  async requestChange(userId: number, raw: Record<string, unknown>): Promise<{ newEmail: string }> {
    const input = parseForm(ChangeEmailSchema, raw);
    const user = await this.ctx.accounts.findUserById(userId);
    if (!user || user.deletedAt || !user.email) throw new AppError('not_found', 'This account no longer exists.');
    if (!user.passwordHash) {
      throw validationError({ password: 'Your account has no password yet. Choose one first (we mail you a link), then change the address.' });
    }
    if (input.email === user.email) throw validationError({ email: 'This is already your address. Enter the new one.' });
    const r = await this.ctx.limiter.hit(`change-email:user:${userId}`, CHANGE_EMAIL_PER_HOUR, 3600);
    if (!r.allowed) throw new AppError('rate_limited', `Too many attempts. Please try again in ${minutesText(r.retryAfterSeconds)}.`, undefined, r.retryAfterSeconds);
    if (!(await verifyPassword(user.passwordHash, input.password))) throw validationError({ password: 'The password is not right.' });
    const other = await this.ctx.accounts.findUserByEmail(input.email);
    if (other && other.id !== userId) throw validationError({ email: 'Another account uses this address. Sign in to that account instead, or choose another address.' });

    const now = this.ctx.now();
    // Only the newest link works: asking again (say, after a typo) revokes the earlier one.
    await this.ctx.accounts.expireAccountTokens(userId, 'change_email', now);
    const token = newSecret();
    await this.ctx.accounts.insertAccountToken({
      userId,
      purpose: 'change_email',
      tokenHash: hashSecret(token),
      detail: input.email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CHANGE_EMAIL_HOURS * 3600_000),
    });
    const base = this.ctx.config.publicUrl;
    await this.ctx.mailer.send(confirmNewEmailMail(input.email, `${base}/account/email/confirm/${token}`, CHANGE_EMAIL_HOURS));
    await this.ctx.mailer.send(emailChangeRequestedMail(user.email, input.email, `${base}/password/forgot`, CHANGE_EMAIL_HOURS));
    return { newEmail: input.email };
  }

  pendingChange(userId: number) {
    return this.ctx.changes.pendingChange(userId, this.ctx.now());
  }

  async checkLink(token: string): Promise<void> {
    if ((await this.ctx.accounts.peekAccountToken(hashSecret(token), 'change_email', this.ctx.now())) === undefined) throw expiredLink();
  }

  /**
   * Uses the link from the new address. The browser that opens it stays (or becomes) signed in;
   * every other session of the account ends.
   */
  async confirmChange(token: string, current: { userId: number; sessionId: number } | null, userAgent: string | null): Promise<{ newEmail: string; session?: NewSession }> {
    const result = await this.ctx.changes.applyChange(hashSecret(token), this.ctx.now(), current);
    if (result.outcome === 'expired') throw expiredLink();
    if (result.outcome === 'taken') {
      throw new AppError('conflict', `Another account started using ${result.newEmail} meanwhile, so your address was not changed. Choose another address on your account page.`);
    }
    await this.ctx.mailer.send(emailChangedMail(result.oldEmail, result.newEmail, `${this.ctx.config.publicUrl}/password/forgot`));
    const signedInHere = current !== null && current.userId === result.userId;
    return { newEmail: result.newEmail, session: signedInHere ? undefined : await this.ctx.startSession(result.userId, userAgent) };
  }
}

function expiredLink(): AppError {
  return new AppError('not_found', 'This link has expired or was already used. Ask for a new one on your account page.');
}
