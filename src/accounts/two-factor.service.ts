/**
 * Two-factor sign-in for staff (TOTP, RFC 6238). A session made by password or mailed link has no
 * `second_factor_at`; the staff pages require it. Enrolment stores a new secret (encrypted) and
 * turns it on only when a code from the app comes back; it hands out single-use recovery codes.
 * Every attempt, right or wrong, is counted before the code is checked (lockout.ts), so codes
 * cannot be guessed in parallel, and a code's time step is never accepted twice.
 */
import QRCode from 'qrcode';
import { AppError, validationError } from '../platform/errors.ts';
import type { RateLimiter } from '../platform/rate-limiter.ts';
import type { AccountRepository } from './account.repository.ts';
import type { TwoFactorRepository } from './two-factor.repository.ts';
import { minutesText, SIGN_IN_ATTEMPTS_PER_IP, SIGN_IN_IP_WINDOW_SECONDS, TOTP_FAILURE_WINDOW_MS, twoFactorBlockSeconds } from './lockout.ts';
import {
  decryptTotpSecret,
  encryptTotpSecret,
  groupSecret,
  hashRecoveryCode,
  matchTotp,
  newRecoveryCode,
  newTotpSecret,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
  totpUri,
} from './totp.ts';

const RECOVERY_CODE_YEARS = 100; // recovery codes do not expire; they are replaced by a new enrolment

export interface TwoFactorContext {
  accounts: AccountRepository;
  twoFactor: TwoFactorRepository;
  limiter: RateLimiter;
  /** AES-256-GCM key for the stored secrets (totpKeyFrom(site key)). */
  key: Buffer;
  now: () => Date;
}

export interface Enrolment {
  secret: string;
  grouped: string;
  uri: string;
  /** An inline SVG of the otpauth:// URI as a QR code. */
  qrSvg: string;
}

const WRONG_CODE = 'This code is not right. Use the 6-digit code your authenticator app shows now, or one of your recovery codes.';

export class TwoFactorService {
  constructor(private ctx: TwoFactorContext) {}

  async isEnrolled(userId: number): Promise<boolean> {
    return (await this.user(userId)).totpEnabledAt !== null;
  }

  /** The secret to add to an authenticator app: created on first view, the same on reload until confirmed. */
  async enrolment(userId: number): Promise<Enrolment> {
    const user = await this.user(userId);
    if (user.totpEnabledAt) throw new AppError('conflict', 'Two-factor sign-in is already set up for this account.');
    let secret: string;
    if (user.totpSecret) {
      secret = decryptTotpSecret(this.ctx.key, userId, user.totpSecret);
    } else {
      secret = newTotpSecret();
      await this.ctx.twoFactor.setTotpSecret(userId, encryptTotpSecret(this.ctx.key, userId, secret));
    }
    const uri = totpUri(secret, user.email ?? `user ${userId}`);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return { secret, grouped: groupSecret(secret), uri, qrSvg };
  }

  /** Confirms enrolment with a code from the app; returns the recovery codes, shown once. */
  async confirmEnrolment(userId: number, sessionId: number, raw: Record<string, unknown>, ip: string | null): Promise<string[]> {
    const code = codeOf(raw);
    const user = await this.user(userId);
    if (user.totpEnabledAt) throw new AppError('conflict', 'Two-factor sign-in is already set up for this account.');
    if (!user.totpSecret) throw validationError({ code: 'Reload the page to get a secret first.' });
    await this.guard(userId, ip);
    const now = this.ctx.now();
    const step = await matchTotp(decryptTotpSecret(this.ctx.key, userId, user.totpSecret), code.replace(/\s/g, ''), now, null);
    if (step === null) throw validationError({ code: 'This code is not right. Check that the app shows Corkboard with this account, and type the code it shows now.' });
    if (!(await this.ctx.twoFactor.enableTotp(userId, step, now))) throw new AppError('conflict', 'Two-factor sign-in is already set up for this account.');
    const codes = await this.newRecoveryCodes(userId);
    await this.passed(userId, sessionId, now);
    return codes;
  }

  /** Checks a code (or a recovery code) and marks the session as having passed the second factor. */
  async verify(userId: number, sessionId: number, raw: Record<string, unknown>, ip: string | null): Promise<{ recoveryCodeUsed: boolean; recoveryCodesLeft: number }> {
    const code = codeOf(raw);
    const user = await this.user(userId);
    if (!user.totpEnabledAt || !user.totpSecret) throw new AppError('conflict', 'Set up two-factor sign-in first.');
    await this.guard(userId, ip);
    const now = this.ctx.now();
    const digits = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(digits)) {
      const step = await matchTotp(decryptTotpSecret(this.ctx.key, userId, user.totpSecret), digits, now, user.totpLastStep);
      if (step === null || !(await this.ctx.twoFactor.acceptTotpStep(userId, step))) {
        throw validationError({ code: user.totpLastStep !== null && (await matchTotp(decryptTotpSecret(this.ctx.key, userId, user.totpSecret), digits, now, null)) !== null ? 'This code was already used. Wait for the next one.' : WRONG_CODE });
      }
      await this.passed(userId, sessionId, now);
      return { recoveryCodeUsed: false, recoveryCodesLeft: await this.ctx.twoFactor.unusedRecoveryCodes(userId, now) };
    }
    const recovery = normaliseRecoveryCode(code);
    if (!recovery || (await this.ctx.accounts.consumeAccountToken(hashRecoveryCode(userId, recovery), 'totp_recovery', now)) !== userId) {
      throw validationError({ code: WRONG_CODE });
    }
    await this.passed(userId, sessionId, now);
    return { recoveryCodeUsed: true, recoveryCodesLeft: await this.ctx.twoFactor.unusedRecoveryCodes(userId, now) };
  }

  /** Enrolment date and how many recovery codes are left, for the settings page. */
  async status(userId: number): Promise<{ enabledAt: Date | null; recoveryCodesLeft: number }> {
    const user = await this.user(userId);
    return { enabledAt: user.totpEnabledAt, recoveryCodesLeft: user.totpEnabledAt ? await this.ctx.twoFactor.unusedRecoveryCodes(userId, this.ctx.now()) : 0 };
  }

  /** Ten new recovery codes; the old ones stop working. The caller checks that the session passed the step. */
  async newRecoveryCodes(userId: number): Promise<string[]> {
    const user = await this.user(userId);
    if (!user.totpEnabledAt) throw new AppError('conflict', 'Set up two-factor sign-in first.');
    const now = this.ctx.now();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const expires = new Date(now.getTime() + RECOVERY_CODE_YEARS * 365 * 86_400_000);
    await this.ctx.twoFactor.replaceRecoveryCodes(userId, codes.map((c) => hashRecoveryCode(userId, normaliseRecoveryCode(c)!)), now, expires);
    return codes;
  }

  /** Counts the attempt before checking it; refuses while the account's wrong codes say wait. */
  private async guard(userId: number, ip: string | null) {
    const perIp = await this.ctx.limiter.hit(`totp:ip:${ip ?? 'unknown'}`, SIGN_IN_ATTEMPTS_PER_IP, SIGN_IN_IP_WINDOW_SECONDS);
    if (!perIp.allowed) throw tooManyCodes(perIp.retryAfterSeconds);
    const now = this.ctx.now();
    const blocked = await this.ctx.twoFactor.twoFactorAttempt(userId, now, TOTP_FAILURE_WINDOW_MS, (f) => twoFactorBlockSeconds(f, now));
    if (blocked > 0) throw tooManyCodes(blocked);
  }

  private async passed(userId: number, sessionId: number, now: Date) {
    await this.ctx.twoFactor.clearTwoFactorFailures(userId, now);
    await this.ctx.accounts.markSecondFactor(userId, sessionId, now);
  }

  private async user(userId: number) {
    const user = await this.ctx.accounts.findUserById(userId);
    if (!user || user.deletedAt) throw new AppError('not_found', 'This account no longer exists.');
    return user;
  }
}

function codeOf(raw: Record<string, unknown>): string {
  const code = typeof raw.code === 'string' ? raw.code.trim() : '';
  if (!code) throw validationError({ code: 'Enter the 6-digit code from your authenticator app.' });
  if (code.length > 40) throw validationError({ code: WRONG_CODE });
  return code;
}

function tooManyCodes(seconds: number): AppError {
  const wait = seconds > 90 * 60 ? `${Math.ceil(seconds / 3600)} hours` : minutesText(seconds);
  const message = `Too many wrong codes; try again in ${wait}. If you lost your phone, use a recovery code or ask an admin to reset your two-factor sign-in.`;
  return new AppError('rate_limited', message, { code: message }, seconds);
}
