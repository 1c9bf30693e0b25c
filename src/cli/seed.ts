/** `corkboard seed [--ads N] [--photos N] [--seed S]`: places, categories, then demo ads. */
import path from 'node:path';
import { openDatabase } from '../db/client.ts';
import { seedDemoAds } from '../listings/demo-seeder.ts';
import { LocalPhotoStore } from '../photos/photo-store.ts';
import { loadPlaces } from '../places/places.ts';
import { seedPlaces } from '../places/seed-places.ts';
import { configOrExit, flagValue } from './bootstrap.ts';

export async function seed(args: string[]): Promise<number> {
  const config = configOrExit();
  if (!config) return 2;
  const count = Number(flagValue(args, '--ads') ?? 2000);
  const photosUpTo = Number(flagValue(args, '--photos') ?? 2000);
  const seedValue = Number(flagValue(args, '--seed') ?? 1);
  if (!Number.isInteger(count) || count < 0 || count > 20_000_000) {
    process.stderr.write('--ads must be a whole number from 0 to 20000000\n');
    return 2;
  }
  if (!Number.isInteger(photosUpTo) || photosUpTo < 0) {
    process.stderr.write('--photos must be a whole number of ads to give photos\n');
    return 2;
  }
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') });
  try {
    await database.migrate();
    const started = Date.now();
    const placesReport = await seedPlaces(database.db);
    console.log(`places: ${placesReport.countries} countries, ${placesReport.regions} regions, ${placesReport.cities} cities, ${placesReport.categories} categories`);
    const places = await loadPlaces(database.db);
    const result = await seedDemoAds(database, places, new LocalPhotoStore(path.join(config.dataDir, 'photos')), {
      count,
      seed: seedValue,
      withPhotosUpTo: photosUpTo,
      log: (m) => console.log(m),
    });
    console.log(`ads: ${result.ads.toLocaleString('en')} with ${result.photos} photos in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await database.close();
  }
}
