/**
 * Fixed-window counters for rate limits (posting, confirming) keyed by IP or e-mail.
 * Redis-backed when REDIS_URL is set, so limits hold across app nodes; in-process otherwise.
 */
import { Redis } from 'ioredis';

export interface RateLimiter {
  /** Counts one hit for the key; returns whether it is still within `max` per `windowSeconds`. */
  hit(key: string, max: number, windowSeconds: number): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
  close(): Promise<void>;
}

export class MemoryRateLimiter implements RateLimiter {
  private windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private now: () => number = Date.now) {}

  async hit(key: string, max: number, windowSeconds: number) {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, w);
      if (this.windows.size > 100_000) this.sweep(now);
    }
    w.count++;
    return { allowed: w.count <= max, retryAfterSeconds: Math.ceil((w.resetAt - now) / 1000) };
  }

  private sweep(now: number) {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }

  async close() {}
}

export class RedisRateLimiter implements RateLimiter {
  private redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  }

  async hit(key: string, max: number, windowSeconds: number) {
    const k = `corkboard:rl:${key}`;
    const [[, count], [, ttl]] = (await this.redis.multi().incr(k).ttl(k).exec()) as [[null, number], [null, number]];
    if (ttl < 0) await this.redis.expire(k, windowSeconds);
    return { allowed: count <= max, retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
  }

  async close() {
    await this.redis.quit();
  }
}

export function createRateLimiter(redisUrl: string | undefined): RateLimiter {
  return redisUrl ? new RedisRateLimiter(redisUrl) : new MemoryRateLimiter();
}
