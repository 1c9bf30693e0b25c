// The gazetteer: every city of 100,000+ people with country, region and currency.
// Data is precomputed by build-cities.ts (see there for how to regenerate), so
// loading is a single JSON.parse instead of joining 135k GeoNames rows.
import { readFileSync } from 'node:fs';
import type { CityRecord, GazetteerFile } from './city-record.ts';

export type { CityRecord, GazetteerFile } from './city-record.ts';

let gazetteer: GazetteerFile | undefined;

export function loadGazetteer(): GazetteerFile {
  gazetteer ??= JSON.parse(readFileSync(new URL('./data/cities.json', import.meta.url), 'utf8')) as GazetteerFile;
  return gazetteer;
}

/** Sorted by country name, region name, then population (largest first). Memoised: callers must not mutate. */
export function loadCities(): CityRecord[] {
  return loadGazetteer().cities;
}
