/**
 * Hears every committed change of an ad from PostgreSQL (the `ad_changes` channel, fed by the
 * triggers of migration 0008) and passes it to this process's caches through adChanges, so a
 * takedown on one app node drops the ad's page and its city's searches on every other node within
 * milliseconds. While the listening connection is down, `listening` is false and caches that rely on
 * these notifications must not serve (see ad-page-cache.ts); the feed reconnects by itself.
 *
 * Cost: PostgreSQL serialises the commits of transactions that sent a notification. Ad writes come
 * at tens a second on a big site, far below where that matters; flags, replies and other busy writes
 * do not touch the ads table and send nothing.
 */
import type { Database, Subscription } from '../db/client.ts';
import { adChanges } from './ad-changes.ts';

export const AD_CHANGES_CHANNEL = 'ad_changes';

export class AdChangeFeed {
  private subscription: Subscription | undefined;
  private statusListeners = new Set<(listening: boolean) => void>();
  listening = false;

  static async start(database: Database): Promise<AdChangeFeed> {
    const feed = new AdChangeFeed();
    feed.subscription = await database.listen(
      AD_CHANGES_CHANNEL,
      (payload) => {
        const change = parseAdChange(payload);
        if (change) adChanges.changedElsewhere(change.cityId, change.adId);
      },
      (listening) => {
        feed.listening = listening;
        for (const listener of feed.statusListeners) listener(listening);
      },
    );
    return feed;
  }

  /** Calls `listener` whenever the feed stops or starts listening. */
  onStatus(listener: (listening: boolean) => void): void {
    this.statusListeners.add(listener);
  }

  async close(): Promise<void> {
    this.listening = false;
    await this.subscription?.close();
  }
}

/** "<ad id>:<city id>", or ":<city id>" for ads inserted in bulk; undefined for anything else. */
export function parseAdChange(payload: string): { adId: number | null; cityId: number | null } | undefined {
  const match = /^(\d*):(\d+)$/.exec(payload);
  if (!match) return undefined;
  return { adId: match[1] ? Number(match[1]) : null, cityId: Number(match[2]) };
}
