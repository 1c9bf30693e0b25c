import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { adPath, idFromAdSegment } from '../../listings/ad-slug.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError } from '../errors.ts';
import { jsonForScript, html } from '../html.ts';
import { adJsonLd } from '../views/json-ld.ts';
import { adPage, expiredAdPage } from '../views/ad-view.ts';
import { replyForm } from '../views/reply-views.ts';
import { relayUserOf } from './replies.ts';
import { favouriteButtonState } from './favourites.ts';

export function registerAdPageRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Params: { city: string; category: string; slug: string } }>('/:city/:category/:slug', async (request, reply) => {
    const id = idFromAdSegment(request.params.slug);
    const found = id === null ? undefined : await ctx.adPages.get(id);
    const ad = found?.ad;
    // Built only when needed: an error captures a stack trace, which is not free on every view.
    const missing = () => new AppError('not_found', 'This ad does not exist, or it was deleted by its poster.');
    if (!ad || ad.state === 'deleted' || ad.state === 'removed') return sendError(request, reply, missing());
    const city = ctx.places.cityById.get(ad.cityId)!;
    const category = ctx.places.categoryById.get(ad.categoryId)!;
    if (ad.state === 'expired') return reply.status(410).type('text/html; charset=utf-8').send(expiredAdPage(ad, city, category).value);
    if (ad.state !== 'published') return sendError(request, reply, missing());
    const canonical = adPath(ad, city.slug, category.slug);
    // Old or hand-typed slugs still work, but search engines and shares see one address per ad.
    if (request.url.split('?')[0] !== canonical) return reply.redirect(canonical, 301);
    const photos = found!.photos;
    const region = ctx.places.regionById.get(city.regionId);
    const country = ctx.places.countryByCode.get(city.countryCode);
    // One CSRF token serves both forms on the page (favourite, reply): each one costs an HMAC.
    const favourite = await favouriteButtonState(ctx, request, reply, ad.id);
    const ld = adJsonLd({ ad, photos, city, region, country, category, publicUrl: ctx.config.publicUrl, url: `${ctx.config.publicUrl}${canonical}` });
    const body = adPage({
      ad,
      photos,
      city,
      region,
      country,
      category,
      places: ctx.places,
      canonical,
      now: ctx.now(),
      favourite,
      jsonLd: html`<script type="application/ld+json">${jsonForScript(ld)}</script>`,
      replyForm: ad.contactMode === 'relay' ? replyForm({ adId: ad.id, csrfToken: favourite.csrfToken, signedInEmail: relayUserOf(request)?.email }) : undefined,
    });
    // Revalidate every time: a deleted or edited ad must not linger in a browser's cache.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(body.value);
  });
}
