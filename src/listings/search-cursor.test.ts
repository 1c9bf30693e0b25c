import { describe, expect, it } from 'vitest';
import { InvalidCursorError, SearchRepository } from './search.repository.ts';
import type { Database } from '../db/client.ts';

const noDb = { query: async () => [] } as unknown as Database;
const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('search cursors', () => {
  const repo = new SearchRepository(noDb);
  it.each([
    ['newest', cursor({ k: ['abc', 1] })],
    ['newest', cursor({ k: ['2026-01-01 00:00:00+00', -3] })],
    ['price_asc', cursor({ k: ['1; drop table ads', 4] })],
    ['relevance', cursor({ o: -5 })],
    ['relevance', cursor({ o: 1.5 })],
    ['newest', 'not base64 json at all'],
  ] as const)('refuses a forged %s cursor before it reaches the database', async (sort, c) => {
    await expect(repo.search({ sort, cursor: c, limit: 10 })).rejects.toBeInstanceOf(InvalidCursorError);
  });
  it('accepts a cursor of the shape it hands out', async () => {
    const page = await repo.search({ sort: 'newest', cursor: cursor({ k: ['2026-11-22 16:15:06.123456+00', 12] }), limit: 10 });
    expect(page.items).toEqual([]);
  });
});
