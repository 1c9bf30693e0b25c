/**
 * Change epochs for published ads, so short-lived caches of search results and counts can tell
 * whether what they hold may be out of date, and a fan-out of changed ad ids for the ad page cache.
 *
 * Every write to an ad through AdRepository bumps the epoch of the ad's city and the site-wide
 * epoch: a cached result for one city is dropped when an ad of that city changes, one for a wider
 * scope (region, country, everywhere) when any ad changes. Takedowns and new ads therefore show on
 * this node at once. Every other app node hears of the change from PostgreSQL: a trigger announces
 * each committed change of an ad or its photos on the `ad_changes` channel (migration 0008), and
 * src/listings/change-feed.ts feeds it to `changedElsewhere`, milliseconds after the commit.
 *
 * Process-wide on purpose: repositories are built on transactions all over the code base
 * (`new AdRepository(tx)`), and an extra bump from a rolled-back transaction costs only a cache miss.
 */
import { afterCommit } from '../db/after-commit.ts';

let siteEpoch = 0;
const cityEpochs = new Map<number, number>();
/** Key under which a change of unknown city is recorded: it moves every city's epoch. */
const ANY_CITY = -1;
const adListeners = new Set<(adId: number) => void>();

function bump(cityId: number | null | undefined): void {
  siteEpoch++;
  if (cityId === null || cityId === undefined) {
    cityEpochs.clear();
    cityEpochs.set(ANY_CITY, siteEpoch);
  } else {
    cityEpochs.set(cityId, siteEpoch);
  }
}

function announce(adId: number | null | undefined): void {
  if (adId === null || adId === undefined) return;
  for (const listener of adListeners) listener(adId);
}

export const adChanges = {
  /**
   * Call after any write that may change what lists, searches, counts or the ad's own page show
   * (city null: unknown; ad id omitted for a new ad, which no page cache can hold yet). The epoch
   * moves and the ad is announced now and again when the surrounding transaction commits, so a
   * result read in between, from rows not yet committed, is not kept.
   */
  touch(cityId: number | null | undefined, adId?: number | null): void {
    bump(cityId);
    announce(adId);
    afterCommit(() => {
      bump(cityId);
      announce(adId);
    });
  },

  /** A change committed elsewhere (another node, raw SQL): already durable, so once is enough. */
  changedElsewhere(cityId: number | null, adId: number | null): void {
    bump(cityId);
    announce(adId);
  },

  /** Calls `listener` with the id of every changed ad; returns the function that stops it. */
  onAdChange(listener: (adId: number) => void): () => void {
    adListeners.add(listener);
    return () => adListeners.delete(listener);
  },

  /** The epoch a result scoped to one city depends on; without a city, the whole site's. */
  epochFor(cityId: number | undefined): number {
    if (cityId === undefined) return siteEpoch;
    return Math.max(cityEpochs.get(cityId) ?? 0, cityEpochs.get(ANY_CITY) ?? 0);
  },
};
