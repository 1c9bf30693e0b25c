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

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });
});
