/**
 * Published ads with their photos, kept in this process for the ad page, the busiest page of a
 * classifieds site (every search result and every shared link lands there).
 *
 * A removed ad must disappear from every node at once, so nothing here runs on a timer alone: an
 * entry is dropped when adChanges announces its ad, which happens at once for writes on this node
 * and within milliseconds for writes anywhere else (change-feed.ts, PostgreSQL NOTIFY). While the
 * notification connection is down the cache is emptied and bypassed, and an ad read while any ad
 * changed is not kept, so a read that raced a takedown can never be stored after it. Only
 * published ads are kept: every other state is rare on the page and read from the database. The
 * time limit is a backstop, not the freshness mechanism.
 *
 * What is kept has no phone number (`phone` is null; `contactMode` still says there is one): the ad
 * page and the API serve readers who have not asked for it, and the number is only ever read from
 * the database by the rate-limited "Show phone number" request (src/http/routes/ad-page.ts), so a
 * view or presenter working from this copy cannot leak it.
 */
import type { AdRow, PhotoRow } from './ad.repository.ts';

export interface AdWithPhotos {
  ad: AdRow;
  photos: PhotoRow[];
}

export class AdPageCache {
  // Map keeps insertion order, which is enough for a cheap "evict the oldest" bound.
  private entries = new Map<number, { value: AdWithPhotos; expiresAt: number }>();
  /** Moves on every invalidation: a load that saw it move may hold data older than the change. */
  private generation = 0;
  private usable = false;

  private load: (id: number) => Promise<AdWithPhotos | undefined>;

  constructor(
    load: (id: number) => Promise<AdWithPhotos | undefined>,
    private maxEntries: number,
    private ttlMs = 300_000,
    private clock: () => number = () => performance.now(),
  ) {
    this.load = async (id) => withoutPhone(await load(id));
  }

  /** The ad with its photos; shared between requests, so callers must not modify what they get. */
  async get(id: number): Promise<AdWithPhotos | undefined> {
    if (!this.usable) return this.load(id);
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > this.clock()) return hit.value;
    const generation = this.generation;
    const value = await this.load(id);
    if (value && value.ad.state === 'published' && generation === this.generation && this.usable) {
      this.entries.delete(id);
      this.entries.set(id, { value, expiresAt: this.clock() + this.ttlMs });
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }

  invalidate(adId: number): void {
    this.generation++;
    this.entries.delete(adId);
  }

  /** Whether changes are being heard; while not, nothing is served from or kept in memory. */
  setUsable(usable: boolean): void {
    this.generation++;
    this.entries.clear();
    this.usable = usable && this.maxEntries > 0;
  }

  get size(): number {
    return this.entries.size;
  }
}

function withoutPhone(found: AdWithPhotos | undefined): AdWithPhotos | undefined {
  return found && found.ad.phone !== null ? { ...found, ad: { ...found.ad, phone: null } } : found;
}
