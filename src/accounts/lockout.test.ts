import { describe, expect, it } from 'vitest';
import { delayAfterFailures, minutesText, SIGN_IN_DELAY_CAP_SECONDS } from './lockout.ts';

describe('sign-in delay', () => {
  it('lets the first failures through, then doubles up to the cap', () => {
    expect([1, 2].map(delayAfterFailures)).toEqual([0, 0]);
    expect([3, 4, 5, 6, 7].map(delayAfterFailures)).toEqual([30, 60, 120, 240, 480]);
    expect(delayAfterFailures(8)).toBe(SIGN_IN_DELAY_CAP_SECONDS);
    expect(delayAfterFailures(1000)).toBe(SIGN_IN_DELAY_CAP_SECONDS);
  });
  it('says minutes, rounded up', () => {
    expect(minutesText(30)).toBe('1 minute');
    expect(minutesText(61)).toBe('2 minutes');
  });
});
