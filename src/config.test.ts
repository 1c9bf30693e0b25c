import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('starts with defaults on a fresh machine', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.dataDir).toMatch(/data$/);
  });

  it('names every bad variable and what is wrong with it', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SMTP_URL: 'http://mail', LOG_LEVEL: 'loud', COOKIE_SECRET: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'SMTP_URL', 'LOG_LEVEL', 'COOKIE_SECRET']) expect(problems).toContain(name);
    expect(problems).toContain('postgres://');
  });

  it('keeps 20,000 ads per node for the ad page unless told otherwise, and refuses a negative size', () => {
    expect(loadConfig({}).adPageCacheSize).toBe(20_000);
    expect(loadConfig({ AD_PAGE_CACHE_SIZE: '0' }).adPageCacheSize).toBe(0);
    expect(() => loadConfig({ AD_PAGE_CACHE_SIZE: '-5' })).toThrow(/AD_PAGE_CACHE_SIZE/);
  });

  it('reads how long a two-factor code stays fresh for admin pages, and says what a bad value should be', () => {
    expect(loadConfig({}).staffTwoFactorFreshHours).toBe(12);
    expect(loadConfig({ STAFF_2FA_FRESH_HOURS: '4' }).staffTwoFactorFreshHours).toBe(4);
    const problems = (bad: string) => {
      try {
        loadConfig({ STAFF_2FA_FRESH_HOURS: bad });
      } catch (err) {
        return (err as ConfigError).problems.join('\n');
      }
      return '';
    };
    expect(problems('0')).toBe('STAFF_2FA_FRESH_HOURS: must be at least 1 (hour)');
    expect(problems('1.5')).toBe('STAFF_2FA_FRESH_HOURS: must be a whole number of hours, such as 12');
    expect(problems('500')).toContain('STAFF_2FA_FRESH_HOURS: must be at most 168 (a week)');
    expect(problems('soon')).toBe('STAFF_2FA_FRESH_HOURS: must be a number of hours, such as 12');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });
});
