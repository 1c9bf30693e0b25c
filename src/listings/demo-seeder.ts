/**
 * Fills the site with realistic demo ads (src/seed generates them) through the bulk writer.
 * Photos are rendered once into a small pool and each ad gets its own copies, so deleting one ad
 * never removes another's photos.
 */
import { loadCities } from '../catalog/cities.ts';
import type { Database } from '../db/client.ts';
import { PHOTO_SIZES, processPhoto, type PhotoSize, type ProcessedPhoto } from '../photos/process.ts';
import type { PhotoStore } from '../photos/photo-store.ts';
import type { Places } from '../places/places.ts';
import { newNonce } from '../platform/signed-links.ts';
import { generateDemoAds } from '../seed/demo-ads.ts';
import { demoPhoto } from '../seed/demo-photos.ts';
import { BulkAdWriter, nextAdId, type BulkAd, type BulkPhoto } from './bulk-import.ts';
import { itemFingerprint } from './fingerprint.ts';
import { newStorageKey, renditionKey } from './photo-uploads.ts';

export interface DemoSeedOptions {
  count: number;
  seed?: number;
  /** Only the first N ads get photos: photos cost disk, and benchmarks do not need them. */
  withPhotosUpTo?: number;
  log?: (msg: string) => void;
}

const BATCH = 20_000;
const PHOTO_POOL = 6;
const DAY = 86_400_000;

export async function seedDemoAds(database: Database, places: Places, photos: PhotoStore, opts: DemoSeedOptions): Promise<{ ads: number; photos: number }> {
  const log = opts.log ?? (() => {});
  const writer = new BulkAdWriter(database);
  const big = opts.count >= 50_000;
  if (big) await writer.dropIndexes();
  const pool = new Map<string, ProcessedPhoto[]>();
  const withPhotosUpTo = opts.withPhotosUpTo ?? 2000;
  let id = await nextAdId(database);
  let written = 0;
  let photoCount = 0;
  let ads: BulkAd[] = [];
  let photoRows: BulkPhoto[] = [];
  const flush = async () => {
    if (ads.length === 0) return;
    await writer.writeAds(ads, photoRows);
    written += ads.length;
    ads = [];
    photoRows = [];
    if (big) log(`  ${written.toLocaleString('en')} ads written`);
  };
  try {
    for (const demo of generateDemoAds(opts.count, loadCities(), opts.seed ?? 1)) {
      const city = places.cityBySlug.get(demo.citySlug);
      const category = places.categoryBySlug.get(demo.categorySlug);
      if (!city || !category) continue;
      const adId = id++;
      const keys: string[] = [];
      if (written + ads.length < withPhotosUpTo) {
        for (const [position, seed] of demo.photoSeeds.entries()) {
          const source = await poolPhoto(pool, category.slug, seed);
          const storageKey = newStorageKey(demo.postedAt);
          for (const size of Object.keys(PHOTO_SIZES) as PhotoSize[]) await photos.put(renditionKey(storageKey, size), source.renditions[size]);
          photoRows.push({ adId, position, storageKey, width: source.width, height: source.height, sha256: source.sha256 });
          keys.push(storageKey);
          photoCount++;
        }
      }
      ads.push({
        id: adId,
        email: demo.email,
        cityId: city.id,
        categoryId: category.id,
        neighbourhood: demo.neighbourhood,
        title: demo.title,
        body: demo.body,
        price: demo.price,
        currency: demo.price === null ? null : city.currency,
        fields: demo.fields,
        contactMode: demo.phone ? 'phone' : 'relay',
        phone: demo.phone,
        photoCount: keys.length,
        thumbKey: keys[0] ?? null,
        linkNonce: newNonce(),
        itemFingerprint: itemFingerprint(demo.title, category.id),
        postedAt: demo.postedAt,
        expiresAt: new Date(demo.postedAt.getTime() + category.expiryDays * DAY),
      });
      if (ads.length >= BATCH) await flush();
    }
    await flush();
  } finally {
    if (big) log('  rebuilding indexes');
    await writer.finish();
  }
  return { ads: written, photos: photoCount };
}

async function poolPhoto(pool: Map<string, ProcessedPhoto[]>, category: string, seed: number): Promise<ProcessedPhoto> {
  let list = pool.get(category);
  if (!list) pool.set(category, (list = []));
  const slot = seed % PHOTO_POOL;
  list[slot] ??= await processPhoto(await demoPhoto(slot, category), 'demo');
  return list[slot]!;
}
