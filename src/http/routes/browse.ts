/** Home, country, city and city+category listing pages. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { AppError } from '../../platform/errors.ts';
import { html } from '../html.ts';
import { sendError } from '../errors.ts';
import { cityPage, countryPage, homePage } from '../views/browse-views.ts';
import { resultsPage } from '../views/results-view.ts';
import { runSearch } from './search.ts';

const notFound = (what: string) => new AppError('not_found', `${what} is not on Corkboard. Check the address, or start from the home page.`);

export function registerBrowseRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(homePage(ctx.places).value));

  app.get<{ Params: { country: string } }>('/places/:country', async (request, reply) => {
    const country = ctx.places.countryBySlug.get(request.params.country);
    if (!country) return sendError(request, reply, notFound('This country'));
    return reply.type('text/html; charset=utf-8').send(countryPage(ctx.places, country).value);
  });

  app.get<{ Params: { city: string } }>('/:city', async (request, reply) => {
    const city = ctx.places.cityBySlug.get(request.params.city);
    if (!city) return sendError(request, reply, notFound('This page'));
    const counts = await ctx.categoryCounts.forCity(city.id);
    const region = ctx.places.regionById.get(city.regionId);
    const country = ctx.places.countryByCode.get(city.countryCode);
    return reply.type('text/html; charset=utf-8').send(cityPage(ctx.places, city, region, country, counts).value);
  });

  app.get<{ Params: { city: string; category: string }; Querystring: Record<string, string> }>('/:city/:category', async (request, reply) => {
    const city = ctx.places.cityBySlug.get(request.params.city);
    const category = ctx.places.categoryBySlug.get(request.params.category);
    if (!city || !category) return sendError(request, reply, notFound('This page'));
    const fixed = { city: city.slug, category: category.slug };
    const { search, results } = await runSearch(ctx, { ...request.query, ...fixed });
    const parent = ctx.places.parentOf(category);
    delete search.params.city;
    delete search.params.category;
    const body = resultsPage({
      places: ctx.places,
      search,
      results,
      now: ctx.now(),
      basePath: `/${city.slug}/${category.slug}`,
      heading: `${category.name} in ${city.name}`,
      canonical: `/${city.slug}/${category.slug}`,
      fixed,
      breadcrumbs: html`<a href="/">Home</a> › <a href="/${city.slug}">${city.name}</a> › ${parent ? html`<a href="/${city.slug}/${parent.slug}">${parent.name}</a> › ` : null}${category.name}`,
    });
    return reply.type('text/html; charset=utf-8').send(body.value);
  });
}
