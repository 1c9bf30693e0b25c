/**
 * Change epochs for published ads, so short-lived caches of search results and counts can tell
 * whether what they hold may be out of date.
 *
 * Every write to an ad through AdRepository bumps the epoch of the ad's city and the site-wide
 * epoch: a cached result for one city is dropped when an ad of that city changes, one for a wider
 * scope (region, country, everywhere) when any ad changes. Takedowns and new ads therefore show on
 * this node at once. Other app nodes learn of the change only when their entries reach their time
 * limit (at most twice SEARCH_CACHE_SECONDS, see search-cache.ts), which bounds how long a removed ad's title can linger in a list there;
 * its own page answers 404 at once everywhere, as the ad page is never cached.
 *
 * Process-wide on purpose: repositories are built on transactions all over the code base
 * (`new AdRepository(tx)`), and an extra bump from a rolled-back transaction costs only a cache miss.
 */
import { afterCommit } from '../db/after-commit.ts';

let siteEpoch = 0;
const cityEpochs = new Map<number, number>();
/** Key under which a change of unknown city is recorded: it moves every city's epoch. */
const ANY_CITY = -1;

function bump(cityId: number | null | undefined): void {
  siteEpoch++;
  if (cityId === null || cityId === undefined) {
    cityEpochs.clear();
    cityEpochs.set(ANY_CITY, siteEpoch);
  } else {
    cityEpochs.set(cityId, siteEpoch);
  }
}

export const adChanges = {
  /**
   * Call after any write that may change what lists, searches or counts show (null: city unknown).
   * The epoch moves now and again when the surrounding transaction commits, so a result read in
   * between, from rows not yet committed, is not kept.
   */
  touch(cityId: number | null | undefined): void {
    bump(cityId);
    afterCommit(() => bump(cityId));
  },

  /** The epoch a result scoped to one city depends on; without a city, the whole site's. */
  epochFor(cityId: number | undefined): number {
    if (cityId === undefined) return siteEpoch;
    return Math.max(cityEpochs.get(cityId) ?? 0, cityEpochs.get(ANY_CITY) ?? 0);
  },
};
