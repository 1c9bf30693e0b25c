/**
 * What a saved search is: the search page's own parameters, normalised, and compiled once into the
 * scope (cities, categories) and filters the alert matcher evaluates. Compilation goes through
 * `parseSearchParams`, the parser of the search page, so a saved search means what the page means.
 */
import type { FieldFilter } from '../catalog/field-def.ts';
import type { Places } from '../places/places.ts';
import { parseSearchParams } from '../listings/search-params.ts';

/** Parameters that shape the result set; sort, paging and "posted within" do not (alerts only carry new ads). */
const KEPT = ['q', 'city', 'region', 'country', 'category', 'min_price', 'max_price', 'has_photos'] as const;
const IGNORED_ERRORS = new Set(['cursor', 'limit', 'sort', 'within_days']);

export interface AlertFilters {
  q?: string;
  minPrice?: number;
  maxPrice?: number;
  hasPhotos?: boolean;
  fieldFilters?: FieldFilter[];
}

export interface CompiledSearch {
  /** The normalised parameters: what is stored, shown, and turned back into a /search link. */
  params: Record<string, string>;
  cityIds: number[] | null;
  categoryIds: number[] | null;
  filters: AlertFilters;
  errors: Record<string, string>;
}

export function compileSearch(raw: Record<string, unknown>, places: Places): CompiledSearch {
  const parsed = parseSearchParams(raw, places);
  const errors = Object.fromEntries(Object.entries(parsed.errors).filter(([k]) => !IGNORED_ERRORS.has(k)));
  const q = parsed.query;
  const params: Record<string, string> = {};
  for (const k of KEPT) if (parsed.params[k] !== undefined) params[k] = parsed.params[k]!;
  // Only the scope the parser used: a city wins over a region, a region over a country.
  if (params.city) delete params.region;
  if (params.city || params.region) delete params.country;
  if (q.q) params.q = q.q;
  else delete params.q;
  if (q.minPrice !== undefined) params.min_price = String(q.minPrice);
  if (q.maxPrice !== undefined) params.max_price = String(q.maxPrice);
  if (q.hasPhotos) params.has_photos = 'on';
  else delete params.has_photos;
  if (parsed.scope.category) {
    for (const [k, v] of Object.entries(parsed.params)) if (k.startsWith('f_') && v.trim() !== '') params[k] = v.trim();
  }
  const filters: AlertFilters = {};
  if (q.q) filters.q = q.q;
  if (q.minPrice !== undefined) filters.minPrice = q.minPrice;
  if (q.maxPrice !== undefined) filters.maxPrice = q.maxPrice;
  if (q.hasPhotos) filters.hasPhotos = true;
  if (q.fieldFilters && q.fieldFilters.length > 0) filters.fieldFilters = q.fieldFilters;
  return { params, cityIds: q.cityIds ?? null, categoryIds: q.categoryIds ?? null, filters, errors };
}

/** "bike in Chicago", "Furniture in Illinois", "All ads everywhere": the search in a few words. */
export function describeSearch(params: Record<string, string>, places: Places): string {
  const city = params.city ? places.cityBySlug.get(params.city) : undefined;
  let where = city?.name;
  if (!where && params.region) {
    const [c, r] = params.region.split('/');
    const country = c ? places.countryBySlug.get(c) : undefined;
    where = country && r ? places.regionBySlug(country.code, r)?.name : undefined;
  }
  if (!where && params.country) where = places.countryBySlug.get(params.country)?.name;
  const category = params.category ? places.categoryBySlug.get(params.category) : undefined;
  const what = params.q ? `“${params.q}”${category ? ` in ${category.name}` : ''}` : (category?.name ?? 'All ads');
  const extras: string[] = [];
  if (params.min_price || params.max_price) extras.push(`price ${params.min_price ?? '0'}–${params.max_price ?? 'any'}`);
  if (params.has_photos) extras.push('with photos');
  const fieldCount = Object.keys(params).filter((k) => k.startsWith('f_')).length;
  if (fieldCount > 0) extras.push(`${fieldCount} more filter${fieldCount > 1 ? 's' : ''}`);
  return `${what} ${where ? `in ${where}` : 'everywhere'}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

/** The columns of a published ad the matcher reads. */
export interface MatchableAd {
  id: number;
  cityId: number;
  categoryId: number;
  price: number | null;
  photoCount: number;
  fields: Record<string, string | number | boolean>;
  bumpedAt: Date;
}

export interface MatchableSearch {
  id: number;
  cityIds: number[] | null;
  categoryIds: number[] | null;
  filters: AlertFilters;
  createdAt: Date;
}

/**
 * Every filter of SearchRepository.search except the words, in memory. The SQL it mirrors:
 * `price >= min` / `<= max` (NULL price never matches), `photo_count > 0`,
 * `(fields->>key)::numeric` ranges, `fields @> {key: value}` for exact and boolean filters.
 */
export function matchesFilters(s: MatchableSearch, ad: MatchableAd): boolean {
  if (s.cityIds && !s.cityIds.includes(ad.cityId)) return false;
  return matchesFiltersInCity(s, ad);
}

/** matchesFilters for a search already known to cover the ad's city (the SearchIndex's lists). */
function matchesFiltersInCity(s: MatchableSearch, ad: MatchableAd): boolean {
  if (s.categoryIds && !s.categoryIds.includes(ad.categoryId)) return false;
  const f = s.filters;
  if (f.minPrice !== undefined && (ad.price === null || ad.price < f.minPrice)) return false;
  if (f.maxPrice !== undefined && (ad.price === null || ad.price > f.maxPrice)) return false;
  if (f.hasPhotos && !(ad.photoCount > 0)) return false;
  for (const ff of f.fieldFilters ?? []) {
    const v = ad.fields[ff.key];
    if (ff.kind === 'range') {
      if (v === undefined || v === null || typeof v === 'boolean') return false;
      const n = Number(v);
      if (!Number.isFinite(n)) return false;
      if (ff.min !== undefined && n < ff.min) return false;
      if (ff.max !== undefined && n > ff.max) return false;
    } else if (v !== ff.value) return false;
  }
  return true;
}

/**
 * Saved searches inverted by city: for each new ad, the candidates are the searches of its city plus
 * those scoped everywhere, so a run costs about (new ads × searches per city), not ads × all searches.
 */
export class SearchIndex<S extends MatchableSearch> {
  private byCity = new Map<number, S[]>();
  private everywhere: S[] = [];

  constructor(searches: Iterable<S>) {
    for (const s of searches) {
      if (!s.cityIds) {
        this.everywhere.push(s);
        continue;
      }
      for (const c of s.cityIds) {
        const list = this.byCity.get(c);
        if (list) list.push(s);
        else this.byCity.set(c, [s]);
      }
    }
  }

  /** Searches whose every filter but the words matches the ad, and that existed when the ad was bumped. */
  *matches(ad: MatchableAd): Generator<S> {
    const bumped = ad.bumpedAt.getTime();
    for (const list of [this.byCity.get(ad.cityId) ?? [], this.everywhere]) {
      // Every search in these lists covers the ad's city (by construction), so only the rest is tested.
      for (const s of list) if (s.createdAt.getTime() <= bumped && matchesFiltersInCity(s, ad)) yield s;
    }
  }
}
