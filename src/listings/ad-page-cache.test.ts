import { describe, expect, it } from 'vitest';
import type { AdRow } from './ad.repository.ts';
import { AdPageCache, type AdWithPhotos } from './ad-page-cache.ts';
import { parseAdChange } from './change-feed.ts';

function ad(id: number, state: AdRow['state'] = 'published', title = `Ad ${id}`): AdWithPhotos {
  return { ad: { id, state, title } as AdRow, photos: [] };
}

/** A fake database: counts reads, and can hold a read open until the test lets it finish. */
function source() {
  const rows = new Map<number, AdWithPhotos>();
  let reads = 0;
  let gate: Promise<void> | undefined;
  return {
    rows,
    reads: () => reads,
    hold() {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return () => {
        gate = undefined;
        open();
      };
    },
    load: async (id: number) => {
      reads++;
      const snapshot = rows.get(id);
      if (gate) await gate;
      return snapshot;
    },
  };
}

describe('AdPageCache', () => {
  it('answers a second view of a published ad from memory', async () => {
    const db = source();
    db.rows.set(1, ad(1));
    const cache = new AdPageCache(db.load, 100);
    cache.setUsable(true);
    expect((await cache.get(1))?.ad.title).toBe('Ad 1');
    expect((await cache.get(1))?.ad.title).toBe('Ad 1');
    expect(db.reads()).toBe(1);
  });

  it('reads the database again once the ad changed', async () => {
    const db = source();
    db.rows.set(1, ad(1));
    const cache = new AdPageCache(db.load, 100);
    cache.setUsable(true);
    await cache.get(1);
    db.rows.set(1, ad(1, 'removed'));
    cache.invalidate(1);
    expect((await cache.get(1))?.ad.state).toBe('removed');
  });

  it('never keeps a read that was under way when the ad changed', async () => {
    const db = source();
    db.rows.set(1, ad(1));
    const cache = new AdPageCache(db.load, 100);
    cache.setUsable(true);
    const release = db.hold();
    const racing = cache.get(1); // reads the published row, then waits
    db.rows.set(1, ad(1, 'removed'));
    cache.invalidate(1); // the takedown lands while the read is still out
    release();
    expect((await racing)?.ad.state).toBe('published');
    expect((await cache.get(1))?.ad.state).toBe('removed');
  });

  it('keeps only published ads: deleted, removed, held and missing ones are read every time', async () => {
    const db = source();
    db.rows.set(2, ad(2, 'deleted'));
    db.rows.set(3, ad(3, 'held'));
    const cache = new AdPageCache(db.load, 100);
    cache.setUsable(true);
    for (const id of [2, 2, 3, 3, 4, 4]) await cache.get(id);
    expect(db.reads()).toBe(6);
    expect(cache.size).toBe(0);
  });

  it('serves nothing from memory while changes cannot be heard, and starts empty when they can again', async () => {
    const db = source();
    db.rows.set(1, ad(1));
    const cache = new AdPageCache(db.load, 100);
    cache.setUsable(true);
    await cache.get(1);
    cache.setUsable(false);
    db.rows.set(1, ad(1, 'removed'));
    expect((await cache.get(1))?.ad.state).toBe('removed');
    cache.setUsable(true);
    expect(cache.size).toBe(0);
  });

  it('is off with size 0, and holds at most its size', async () => {
    const db = source();
    for (let i = 1; i <= 5; i++) db.rows.set(i, ad(i));
    const off = new AdPageCache(db.load, 0);
    off.setUsable(true);
    await off.get(1);
    expect(off.size).toBe(0);
    const small = new AdPageCache(db.load, 3);
    small.setUsable(true);
    for (let i = 1; i <= 5; i++) await small.get(i);
    expect(small.size).toBe(3);
  });

  it('reads again after its time limit, as a backstop', async () => {
    const db = source();
    db.rows.set(1, ad(1));
    let now = 0;
    const cache = new AdPageCache(db.load, 100, 1000, () => now);
    cache.setUsable(true);
    await cache.get(1);
    now = 999;
    await cache.get(1);
    now = 1001;
    await cache.get(1);
    expect(db.reads()).toBe(2);
  });
});

describe('parseAdChange', () => {
  it('reads the payloads the triggers send and ignores anything else', () => {
    expect(parseAdChange('123:45')).toEqual({ adId: 123, cityId: 45 });
    expect(parseAdChange(':45')).toEqual({ adId: null, cityId: 45 });
    expect(parseAdChange('x:1')).toBeUndefined();
    expect(parseAdChange('')).toBeUndefined();
  });
});
