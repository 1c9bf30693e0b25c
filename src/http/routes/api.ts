/**
 * The read-only JSON API under /api/v1 and its OpenAPI document at /api/openapi.json.
 * Search parameters are the HTML search page's (parseSearchParams); output goes through the
 * whitelisting presenters in src/http/api/presenters.ts. Writes arrive with accounts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getCategory, type CategoryDef } from '../../catalog/categories.ts';
import { fieldsCategorySlug } from '../../listings/ad-input.ts';
import type { AppContext } from '../../composition.ts';
import { parseSearchParams, type ParsedSearch } from '../../listings/search-params.ts';
import { InvalidCursorError, type SearchPage } from '../../listings/search.repository.ts';
import type { City, Places } from '../../places/places.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { DEFAULT_AD_LIMIT, DEFAULT_CITY_LIMIT, MAX_CITY_LIMIT, openApiDocument } from '../api/openapi.ts';
import { presentAd, presentAdListItem, presentCategory, presentCity } from '../api/presenters.ts';
import type { ApiAdList, ApiCategory, ApiCityList } from '../api/schemas.ts';
import { sendError } from '../errors.ts';
import { registerAccountApiRoutes } from './account-api.ts';
import { registerStaffApiRoutes } from './staff-api.ts';
import { routedPath } from '../routed-path.ts';

/** Requests per minute one client IP may make to /api/v1: far above any honest client's needs. */
export const API_REQUESTS_PER_MINUTE = 600;

const NOT_FOUND_MESSAGE = 'There is no published ad with this id. It may have expired or been deleted.';

export function registerApiRoutes(app: FastifyInstance, ctx: AppContext) {
  // Public, read-only data: any site may fetch it from a browser.
  app.addHook('onSend', async (request, reply) => {
    if (routedPath(request).startsWith('/api/')) reply.header('access-control-allow-origin', '*');
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!routedPath(request).startsWith('/api/v1/')) return;
    const r = await ctx.limiter.hit(`api:ip:${request.ip}`, API_REQUESTS_PER_MINUTE, 60);
    if (!r.allowed) {
      return sendError(request, reply, new AppError('rate_limited', `Too many requests. Please wait ${r.retryAfterSeconds} seconds and try again.`, undefined, r.retryAfterSeconds));
    }
  });

  app.get('/api/openapi.json', async (_request, reply) => {
    return reply.header('cache-control', 'public, max-age=3600').send(openApiDocument(ctx.config.publicUrl));
  });

  app.get('/api/v1/ads', async (request, reply) => {
    const parsed = parseSearchParams(request.query as Record<string, unknown>, ctx.places, { limit: DEFAULT_AD_LIMIT });
    if (Object.keys(parsed.errors).length > 0) {
      return sendError(request, reply, validationError(parsed.errors, 'Some search parameters are not valid.'));
    }
    const page = await searchOrBadCursor(ctx, parsed);
    const body: ApiAdList = {
      items: page.items.map((ad) => presentAdListItem(ad, ctx.places)),
      next: page.next,
      count: page.count,
      count_capped: page.countCapped,
    };
    return reply.header('cache-control', 'public, max-age=60').send(body);
  });

  app.get('/api/v1/ads/:id', async (request, reply) => {
    const raw = (request.params as { id: string }).id;
    const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
    // The same in-memory copy as the ad page: one read per ad change, not per request.
    const found = Number.isSafeInteger(id) ? await ctx.adPages.get(id) : undefined;
    // Every ad that is not live answers exactly like a missing one, so ids reveal nothing.
    if (!found || found.ad.state !== 'published') return notFound(request, reply);
    return reply.header('cache-control', 'public, max-age=60').send(presentAd(found.ad, found.photos, ctx.places));
  });

  app.get('/api/v1/cities', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const result = listCities(ctx.places, query);
    if ('errors' in result) return sendError(request, reply, validationError(result.errors, 'Some parameters are not valid.'));
    return reply.header('cache-control', 'public, max-age=3600').send(result);
  });

  // Rebuilt when the places are reloaded (an admin renamed, added or archived a category).
  let categories: { places: Places; body: { items: ApiCategory[] } } | undefined;
  app.get('/api/v1/categories', async (_request, reply) => {
    if (categories?.places !== ctx.places) categories = { places: ctx.places, body: categoryTree(ctx.places) };
    return reply.header('cache-control', 'public, max-age=300').send(categories.body);
  });

  // Writes with an API token (src/accounts).
  registerAccountApiRoutes(app, ctx);
  // The moderation API, for staff-scope tokens.
  registerStaffApiRoutes(app, ctx);
}

function notFound(request: FastifyRequest, reply: FastifyReply) {
  return sendError(request, reply, new AppError('not_found', NOT_FOUND_MESSAGE));
}

/**
 * Runs the search; a cursor that cannot be decoded, or that decodes to values the database rejects
 * (a hand-edited one), is the client's error, not the server's.
 */
export async function searchOrBadCursor(ctx: AppContext, parsed: ParsedSearch): Promise<SearchPage> {
  try {
    return await ctx.search.search(parsed.query);
  } catch (err) {
    const badCursor = err instanceof InvalidCursorError || (parsed.query.cursor !== undefined && isDataException(err));
    if (!badCursor) throw err;
    const message = err instanceof InvalidCursorError ? err.message : 'The page cursor is not valid for this search; start again from the first page.';
    throw new AppError('validation_failed', message, { cursor: message });
  }
}

/** PostgreSQL's class 22 errors: a value of the wrong type or range, such as a malformed timestamp. */
function isDataException(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

let citiesByPopulation: { places: Places; list: { city: City; folded: string }[] } | undefined;

function sortedCities(places: Places) {
  if (citiesByPopulation?.places !== places) {
    const list = [...places.cities].sort((a, b) => b.population - a.population || a.slug.localeCompare(b.slug)).map((city) => ({ city, folded: fold(city.name) }));
    citiesByPopulation = { places, list };
  }
  return citiesByPopulation.list;
}

function firstString(v: unknown): string | undefined {
  const value = Array.isArray(v) ? v[0] : v;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function listCities(places: Places, query: Record<string, unknown>): ApiCityList | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const countryParam = firstString(query.country);
  const q = firstString(query.q);
  const limitParam = firstString(query.limit);
  const cursorParam = firstString(query.cursor);
  const country = countryParam ? (places.countryBySlug.get(countryParam) ?? places.countryByCode.get(countryParam.toUpperCase())) : undefined;
  if (countryParam && !country) errors.country = `There is no country "${countryParam}" on Corkboard.`;
  if (q && q.length > 100) errors.q = 'The name must be at most 100 characters.';
  const limit = limitParam === undefined ? DEFAULT_CITY_LIMIT : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CITY_LIMIT) errors.limit = `Limit must be a whole number from 1 to ${MAX_CITY_LIMIT}.`;
  const offset = cursorParam === undefined ? 0 : /^\d{1,6}$/.test(cursorParam) ? Number(cursorParam) : NaN;
  if (!Number.isInteger(offset)) errors.cursor = 'The page cursor is not valid; start again from the first page.';
  if (Object.keys(errors).length > 0) return { errors };

  const needle = q ? fold(q) : undefined;
  const matches = sortedCities(places).filter(({ city, folded }) => (!country || city.countryCode === country.code) && (!needle || folded.includes(needle)));
  const page = matches.slice(offset, offset + limit);
  return {
    items: page.map(({ city }) => presentCity(city, places)),
    next: offset + limit < matches.length ? String(offset + limit) : null,
  };
}

/**
 * The category tree as the site offers it (archived categories left out, names and expiry as an
 * admin set them), each with the catalog's fields: its own, or its parent's for an added subcategory.
 */
export function categoryTree(places: Places): { items: ApiCategory[] } {
  const defs: CategoryDef[] = [];
  for (const top of places.topCategories()) {
    for (const c of [top, ...places.childCategories(top.id)]) {
      const catalog = getCategory(fieldsCategorySlug(c, places)) ?? getCategory(top.slug);
      defs.push({
        slug: c.slug,
        name: c.name,
        parent: c.parentId === null ? null : top.slug,
        expiryDays: c.expiryDays,
        schemaType: catalog?.schemaType ?? 'Thing',
        priceLabel: catalog ? catalog.priceLabel : 'Price',
        fields: catalog?.fields ?? [],
      });
    }
  }
  return { items: defs.filter((c) => c.parent === null).map((c) => presentCategory(c, defs)) };
}
