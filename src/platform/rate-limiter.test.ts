import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter, RedisRateLimiter } from './rate-limiter.ts';

async function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(6379, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    setTimeout(() => (s.destroy(), resolve(false)), 500);
  });
}

describe('memory rate limiter', () => {
  it('allows up to max hits per window, then reopens when the window ends', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now);
    for (let i = 0; i < 3; i++) expect((await limiter.hit('k', 3, 60)).allowed).toBe(true);
    const blocked = await limiter.hit('k', 3, 60);
    expect(blocked.allowed).toBe(false);
    expect(blocked.retryAfterSeconds).toBe(60);
    expect((await limiter.hit('other', 3, 60)).allowed).toBe(true);
    now = 61_000;
    expect((await limiter.hit('k', 3, 60)).allowed).toBe(true);
  });
});

describe.skipIf(!(await redisReachable()))('redis rate limiter (shared across app nodes)', () => {
  it('counts hits from two clients against one limit', async () => {
    const key = `test:${Math.random()}`;
    const a = new RedisRateLimiter('redis://127.0.0.1:6379');
    const b = new RedisRateLimiter('redis://127.0.0.1:6379');
    try {
      expect((await a.hit(key, 2, 30)).allowed).toBe(true);
      expect((await b.hit(key, 2, 30)).allowed).toBe(true);
      const third = await a.hit(key, 2, 30);
      expect(third.allowed).toBe(false);
      expect(third.retryAfterSeconds).toBeGreaterThan(0);
      expect(third.retryAfterSeconds).toBeLessThanOrEqual(30);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
