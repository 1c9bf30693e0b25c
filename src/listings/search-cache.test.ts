import { describe, expect, it } from 'vitest';
import { adChanges } from './ad-changes.ts';
import { CachedSearch, type AdSearch } from './search-cache.ts';
import type { SearchPage, SearchQuery } from './search.repository.ts';

const page = (title: string): SearchPage => ({ items: [{ id: 1, title, price: null, currency: null, cityId: 7, categoryId: 1, neighbourhood: null, bumpedAt: new Date(0), thumbKey: null, photoCount: 0 }], next: null, count: 1, countCapped: false });

function counting(titles: () => string): AdSearch & { calls: number } {
  const inner = {
    calls: 0,
    async search() {
      inner.calls++;
      return page(titles());
    },
  };
  return inner;
}

const inChicago: SearchQuery = { q: 'bike', cityIds: [7], sort: 'newest', limit: 25 };
const everywhere: SearchQuery = { q: 'bike', sort: 'newest', limit: 25 };

describe('CachedSearch', () => {
  it('answers a repeated search from memory until its time is up, then refreshes it once while the old page is served', async () => {
    let t = 0;
    let title = 'Blue bike';
    const inner = counting(() => title);
    const cache = new CachedSearch(inner, 15_000, 100, () => t);
    await cache.search(inChicago);
    await cache.search({ ...inChicago });
    expect(inner.calls).toBe(1);
    title = 'Red bike';
    t = 15_001;
    // Past its time: the old page at once, and one refresh for all the searches that arrive meanwhile.
    const meanwhile = await Promise.all([cache.search(inChicago), cache.search(inChicago), cache.search(inChicago)]);
    expect(meanwhile.map((p) => p.items[0]!.title)).toEqual(['Blue bike', 'Blue bike', 'Blue bike']);
    await new Promise((r) => setTimeout(r, 0));
    expect(inner.calls).toBe(2);
    expect((await cache.search(inChicago)).items[0]!.title).toBe('Red bike');
    // An entry twice its age is never served: the search waits for the database.
    title = 'Green bike';
    t = 100_000;
    expect((await cache.search(inChicago)).items[0]!.title).toBe('Green bike');
    expect(inner.calls).toBe(3);
  });

  it('keeps searches that differ in any filter, page or order apart', async () => {
    const inner = counting(() => 'x');
    const cache = new CachedSearch(inner, 15_000, 100, () => 0);
    await cache.search(inChicago);
    await cache.search({ ...inChicago, sort: 'price_asc' });
    await cache.search({ ...inChicago, maxPrice: 100 });
    await cache.search({ ...inChicago, cursor: 'abc' });
    await cache.search({ ...inChicago, categoryIds: [3] });
    expect(inner.calls).toBe(5);
  });

  it('drops a city’s results when an ad of that city changes, and wide searches when any ad does', async () => {
    let title = 'Old title';
    const inner = counting(() => title);
    const cache = new CachedSearch(inner, 60_000, 100, () => 0);
    const elsewhere: SearchQuery = { ...inChicago, cityIds: [8] };
    await cache.search(inChicago);
    await cache.search(elsewhere);
    await cache.search(everywhere);
    title = 'New title';
    adChanges.touch(7);
    expect((await cache.search(inChicago)).items[0]!.title).toBe('New title');
    expect((await cache.search(everywhere)).items[0]!.title).toBe('New title');
    // Another city's results are untouched by a change in Chicago.
    expect((await cache.search(elsewhere)).items[0]!.title).toBe('Old title');
    // A change whose city is unknown reaches every city.
    adChanges.touch(null);
    expect((await cache.search(elsewhere)).items[0]!.title).toBe('New title');
  });

  it('shares one query among identical searches in flight and does not keep a failure', async () => {
    let fail = true;
    const inner = {
      calls: 0,
      async search() {
        inner.calls++;
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('database went away');
        return page('ok');
      },
    };
    const cache = new CachedSearch(inner, 60_000, 100, () => 0);
    const results = await Promise.allSettled([cache.search(inChicago), cache.search(inChicago)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(inner.calls).toBe(1);
    fail = false;
    expect((await cache.search(inChicago)).items[0]!.title).toBe('ok');
    expect(inner.calls).toBe(2);
  });

  it('stays within its size bound and can be turned off', async () => {
    const inner = counting(() => 'x');
    const cache = new CachedSearch(inner, 60_000, 3, () => 0);
    for (let i = 0; i < 10; i++) await cache.search({ ...inChicago, minPrice: i });
    expect(cache.size).toBe(3);
    const off = new CachedSearch(inner, 0);
    const before = inner.calls;
    await off.search(inChicago);
    await off.search(inChicago);
    expect(inner.calls).toBe(before + 2);
  });
});
