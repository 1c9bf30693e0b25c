import { slugify } from './slug.ts';

export interface SlugCandidate {
  geonameId: number;
  name: string;
  regionName: string;
  countryCode: string;
  population: number;
}

/**
 * Globally unique, readable city slugs. Cities are handled from most to least
 * populous so the plain name ("chicago") goes to the biggest city of that name;
 * the rest get their region, then their country code, appended. The geonameId is
 * a last resort so the function is total even for pathological inputs.
 */
export function assignCitySlugs(cities: readonly SlugCandidate[]): Map<number, string> {
  const byPopulation = [...cities].sort((a, b) => b.population - a.population || a.geonameId - b.geonameId);
  const taken = new Set<string>();
  const slugs = new Map<number, string>();
  for (const city of byPopulation) {
    const base = slugify(city.name) || `city-${city.geonameId}`;
    const withRegion = joinSlug(base, slugify(city.regionName));
    const candidates = [base, withRegion, joinSlug(withRegion, city.countryCode.toLowerCase()), `${base}-${city.geonameId}`];
    const slug = candidates.find((candidate) => !taken.has(candidate)) ?? `city-${city.geonameId}`;
    taken.add(slug);
    slugs.set(city.geonameId, slug);
  }
  return slugs;
}

function joinSlug(left: string, right: string): string {
  // "Mexico City, Mexico City" should not become "mexico-city-mexico-city".
  if (!right || right === left) return left;
  return `${left}-${right}`;
}

/** Region slugs unique within one country: a clashing name gets its admin1 code appended. */
export function assignRegionSlugs(regions: ReadonlyArray<{ code: string; name: string }>): Map<string, string> {
  const sorted = [...regions].sort((a, b) => a.code.localeCompare(b.code));
  const taken = new Set<string>();
  const slugs = new Map<string, string>();
  for (const region of sorted) {
    const base = slugify(region.name) || `region-${slugify(region.code)}`;
    let slug = base;
    if (taken.has(slug)) slug = `${base}-${slugify(region.code)}`;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    taken.add(slug);
    slugs.set(region.code, slug);
  }
  return slugs;
}
