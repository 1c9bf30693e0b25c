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
