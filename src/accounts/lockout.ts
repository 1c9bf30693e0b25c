/**
 * The delay after failed password sign-ins. Per account: the first failures are free, then each
 * failure doubles the wait, capped so an attacker who knows a victim's address can keep the
 * password form closed for at most SIGN_IN_DELAY_CAP_SECONDS at a time, and the e-mailed one-time
 * link always works. Per IP: a fixed window on the rate limiter caps guessing across accounts.
 */
export const FREE_FAILURES = 3;
export const FIRST_DELAY_SECONDS = 30;
export const SIGN_IN_DELAY_CAP_SECONDS = 15 * 60;
export const SIGN_IN_ATTEMPTS_PER_IP = 60;
export const SIGN_IN_IP_WINDOW_SECONDS = 15 * 60;

/** Seconds the password form stays closed after the `failures`-th consecutive failure. */
export function delayAfterFailures(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  const doublings = Math.min(failures - FREE_FAILURES, 20);
  return Math.min(FIRST_DELAY_SECONDS * 2 ** doublings, SIGN_IN_DELAY_CAP_SECONDS);
}

export function minutesText(seconds: number): string {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/**
 * Two-factor codes (staff): wrong codes are counted for a day on the account (not per session, so a
 * new password sign-in does not reset them). The same doubling delay as passwords applies after
 * each failure, and after TOTP_FAILURES_PER_DAY wrong codes the step is closed until the oldest
 * failure is a day old. With 3 codes valid at a time out of 10^6, 20 guesses a day give an
 * attacker who already has the password about 1 chance in 16,000 per day.
 */
export const TOTP_FAILURES_PER_DAY = 20;
export const TOTP_FAILURE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Seconds the two-factor step stays closed, given the wrong codes of the last day. */
export function twoFactorBlockSeconds(failures: { count: number; newest: Date | null; firstExpiry: Date | null }, now: Date): number {
  const left = (until: Date) => Math.max(0, Math.ceil((until.getTime() - now.getTime()) / 1000));
  if (failures.count >= TOTP_FAILURES_PER_DAY && failures.firstExpiry) return Math.max(1, left(failures.firstExpiry));
  const delay = delayAfterFailures(failures.count);
  if (delay === 0 || !failures.newest) return 0;
  return left(new Date(failures.newest.getTime() + delay * 1000));
}
