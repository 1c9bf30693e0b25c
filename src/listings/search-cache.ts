/**
 * A short-lived cache of search result pages in front of SearchRepository.
 *
 * Common words in big cities are the searches that repeat, and ranking up to RELEVANCE_WINDOW
 * matches costs PostgreSQL several milliseconds of CPU each time; a result page kept for a few
 * seconds turns hundreds of identical queries a second into one. Entries are dropped as soon as an
 * ad in their scope changes on this node (see ad-changes.ts) and refreshed after `ttlMs`: the first
 * search after that gets the old page while one refresh runs for everyone (so a popular search never
 * makes a queue of visitors wait for the database), and an entry twice its age is not used at all.
 * Searches with a time filter ("posted within N days") are keyed with the minute, so their window
 * does not drift by more than that.
 */
import { adChanges } from './ad-changes.ts';
import type { SearchPage, SearchQuery } from './search.repository.ts';

export interface AdSearch {
  search(query: SearchQuery): Promise<SearchPage>;
}

interface Entry {
  epoch: number;
  expiresAt: number;
  page: Promise<SearchPage>;
  refreshing?: boolean;
}

export class CachedSearch implements AdSearch {
  // Map keeps insertion order, which is enough for a cheap "evict the oldest" bound.
  private entries = new Map<string, Entry>();

  constructor(
    private inner: AdSearch,
    private ttlMs: number,
    private maxEntries = 10_000,
    private clock: () => number = () => performance.now(),
  ) {}

  async search(query: SearchQuery): Promise<SearchPage> {
    if (this.ttlMs <= 0) return this.inner.search(query);
    const key = keyOf(query);
    const oneCity = query.cityIds?.length === 1 ? query.cityIds[0] : undefined;
    const epoch = adChanges.epochFor(oneCity);
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && hit.epoch === epoch) {
      if (hit.expiresAt > now) return hit.page;
      if (hit.expiresAt + this.ttlMs > now) {
        if (!hit.refreshing) this.refresh(key, query, hit, epoch, now);
        return hit.page;
      }
    }
    return this.store(key, query, epoch, now);
  }

  /** Runs the search and keeps it; concurrent identical searches share one query (the promise is kept). */
  private store(key: string, query: SearchQuery, epoch: number, now: number): Promise<SearchPage> {
    const page = this.inner.search(query);
    this.entries.delete(key);
    this.entries.set(key, { epoch, expiresAt: now + this.ttlMs, page });
    page.catch(() => {
      if (this.entries.get(key)?.page === page) this.entries.delete(key);
    });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return page;
  }

  private refresh(key: string, query: SearchQuery, stale: Entry, epoch: number, now: number): void {
    stale.refreshing = true;
    this.inner.search(query).then(
      (fresh) => {
        // Replace only what is still there: a change on this node may have dropped or replaced it.
        if (this.entries.get(key) === stale) this.entries.set(key, { epoch, expiresAt: now + this.ttlMs, page: Promise.resolve(fresh) });
      },
      () => {
        if (this.entries.get(key) === stale) this.entries.delete(key);
      },
    );
  }

  get size(): number {
    return this.entries.size;
  }
}

function keyOf(query: SearchQuery): string {
  const minute = query.withinDays ? Math.floor(Date.now() / 60_000) : 0;
  return JSON.stringify([
    query.q?.trim() ?? '',
    query.cityIds ?? null,
    query.categoryIds ?? null,
    query.minPrice ?? null,
    query.maxPrice ?? null,
    query.hasPhotos ?? false,
    query.withinDays ?? null,
    query.fieldFilters ?? null,
    query.sort,
    query.cursor ?? null,
    query.limit,
    minute,
  ]);
}
