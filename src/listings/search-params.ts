/**
 * Turns search parameters from a URL (HTML pages, feeds and the JSON API share them) into a query.
 * Unknown places or categories and bad numbers become per-parameter errors, never a silent guess.
 */
import { z } from 'zod';
import { parseFieldFilters } from '../catalog/categories.ts';
import type { Category, City, Country, Places, Region } from '../places/places.ts';
import type { SearchQuery, SearchSort } from './search.repository.ts';

export const MAX_PAGE_SIZE = 100;

const optionalNumber = (label: string, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const n = Number(v.replace(/[,\s]/g, ''));
      if (!Number.isFinite(n) || n < 0 || n > max) {
        ctx.addIssue({ code: 'custom', message: `${label} must be a number from 0 to ${max.toLocaleString('en')}.` });
        return z.NEVER;
      }
      return n;
    });

const ParamsSchema = z.object({
  q: z.string().max(200, 'Search words must be at most 200 characters.').optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  country: z.string().optional(),
  category: z.string().optional(),
  min_price: optionalNumber('Minimum price', 1e12),
  max_price: optionalNumber('Maximum price', 1e12),
  has_photos: z.string().optional().transform((v) => v === 'on' || v === 'true' || v === '1'),
  within_days: optionalNumber('Posted within', 365),
  sort: z.enum(['newest', 'price_asc', 'price_desc', 'price', 'relevance'], { error: 'Sort must be newest, price_asc, price_desc or relevance.' }).optional(),
  cursor: z.string().max(500).optional(),
  limit: optionalNumber('Limit', MAX_PAGE_SIZE),
});

export interface SearchScope {
  city?: City;
  region?: Region;
  country?: Country;
  category?: Category;
}

export interface ParsedSearch {
  query: SearchQuery;
  scope: SearchScope;
  errors: Record<string, string>;
  /** The parameters as given, for re-rendering the form and building links. */
  params: Record<string, string>;
}

export function parseSearchParams(raw: Record<string, unknown>, places: Places, defaults: { limit: number } = { limit: 25 }): ParsedSearch {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string' && value !== '') params[k] = value;
  }
  const errors: Record<string, string> = {};
  const parsed = ParamsSchema.safeParse(params);
  if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
  const d = parsed.success ? parsed.data : ({} as Partial<z.infer<typeof ParamsSchema>>);

  const scope: SearchScope = {};
  let cityIds: number[] | undefined;
  if (params.city) {
    scope.city = places.cityBySlug.get(params.city);
    if (!scope.city) errors.city = `There is no city "${params.city}" on Corkboard.`;
    else cityIds = [scope.city.id];
  } else if (params.region) {
    // Regions are named country/region, as region slugs are unique only within a country.
    const [countrySlug, regionSlug] = params.region.split('/');
    const country = countrySlug ? places.countryBySlug.get(countrySlug) : undefined;
    scope.region = country && regionSlug ? places.regionBySlug(country.code, regionSlug) : undefined;
    if (!scope.region) errors.region = `There is no region "${params.region}" on Corkboard.`;
    else {
      scope.country = country;
      cityIds = places.citiesOfRegion(scope.region.id).map((c) => c.id);
    }
  } else if (params.country) {
    scope.country = places.countryBySlug.get(params.country) ?? places.countryByCode.get(params.country.toUpperCase());
    if (!scope.country) errors.country = `There is no country "${params.country}" on Corkboard.`;
    else cityIds = places.cities.filter((c) => c.countryCode === scope.country!.code).map((c) => c.id);
  }
  let categoryIds: number[] | undefined;
  let fieldFilters: SearchQuery['fieldFilters'] = [];
  if (params.category) {
    scope.category = places.categoryBySlug.get(params.category);
    if (!scope.category) errors.category = `There is no category "${params.category}".`;
    else {
      categoryIds = places.categoryIdsUnder(scope.category);
      const ff = parseFieldFilters(scope.category.slug, params);
      fieldFilters = ff.filters;
      Object.assign(errors, ff.errors);
    }
  }
  if (d.min_price !== undefined && d.max_price !== undefined && d.min_price > d.max_price) {
    errors.max_price = 'Maximum price must be at least the minimum price.';
  }
  const sort: SearchSort = d.sort === 'price' ? 'price_asc' : (d.sort ?? (d.q?.trim() ? 'relevance' : 'newest'));
  return {
    query: {
      q: d.q?.trim() || undefined,
      cityIds,
      categoryIds,
      minPrice: d.min_price,
      maxPrice: d.max_price,
      hasPhotos: d.has_photos || undefined,
      withinDays: d.within_days,
      fieldFilters,
      sort,
      cursor: d.cursor,
      limit: Math.max(1, Math.floor(d.limit ?? defaults.limit)),
    },
    scope,
    errors,
    params,
  };
}
