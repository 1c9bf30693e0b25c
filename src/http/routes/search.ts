/** The search page: any combination of place, category, words and filters, as one shareable URL. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { parseSearchParams, type ParsedSearch } from '../../listings/search-params.ts';
import { InvalidCursorError, type SearchPage } from '../../listings/search.repository.ts';
import { html } from '../html.ts';
import { resultsPage } from '../views/results-view.ts';

const EMPTY: SearchPage = { items: [], next: null, count: 0, countCapped: false };

/** Runs a search from URL parameters. Bad parameters are reported and the search runs without them. */
export async function runSearch(ctx: AppContext, raw: Record<string, unknown>): Promise<{ search: ParsedSearch; results: SearchPage }> {
  const search = parseSearchParams(raw, ctx.places);
  // A scope that does not exist must not silently widen to "everywhere".
  if (search.errors.city || search.errors.region || search.errors.country || search.errors.category) return { search, results: EMPTY };
  try {
    return { search, results: await ctx.search.search(search.query) };
  } catch (err) {
    if (!(err instanceof InvalidCursorError)) throw err;
    search.errors.cursor = err.message;
    delete search.params.cursor;
    return { search, results: await ctx.search.search({ ...search.query, cursor: undefined }) };
  }
}

export function registerSearchRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Querystring: Record<string, string> }>('/search', async (request, reply) => {
    const { search, results } = await runSearch(ctx, request.query);
    const { city, region, country, category } = search.scope;
    const where = city?.name ?? region?.name ?? country?.name ?? 'everywhere';
    const what = search.query.q ? `“${search.query.q}”` : (category?.name ?? 'All ads');
    const body = resultsPage({
      places: ctx.places,
      search,
      results,
      now: ctx.now(),
      basePath: '/search',
      heading: `${what} ${where === 'everywhere' ? 'everywhere' : `in ${where}`}`,
      fixed: {},
      breadcrumbs: html`<a href="/">Home</a> › ${city ? html`<a href="/${city.slug}">${city.name}</a> › ` : null}Search`,
    });
    return reply.type('text/html; charset=utf-8').send(body.value);
  });
}
