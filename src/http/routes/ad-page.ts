import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import type { AdWithPhotos } from '../../listings/ad-page-cache.ts';
import { adPath, idFromAdSegment } from '../../listings/ad-slug.ts';
import { networkOf } from '../../moderation/flagger-identity.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError } from '../errors.ts';
import { jsonForScript, html } from '../html.ts';
import { adJsonLd } from '../views/json-ld.ts';
import { adPage, expiredAdPage } from '../views/ad-view.ts';
import { replyForm } from '../views/reply-views.ts';
import { relayUserOf } from './replies.ts';
import { favouriteButtonState } from './favourites.ts';

/**
 * "Show phone number" requests one network may make per hour: plenty for someone comparing a few
 * ads, and it keeps a scraper to a trickle per address (IPv6 counts by /64, as flags do).
 */
export const PHONE_REVEALS_PER_HOUR_PER_IP = 30;

export function registerAdPageRoutes(app: FastifyInstance, ctx: AppContext) {
  // Built only when needed: an error captures a stack trace, which is not free on every view.
  const missing = () => new AppError('not_found', 'This ad does not exist, or it was deleted by its poster.');

  app.get<{ Params: { city: string; category: string; slug: string } }>('/:city/:category/:slug', async (request, reply) => {
    const id = idFromAdSegment(request.params.slug);
    // The cached copy has no phone number (src/listings/ad-page-cache.ts): nothing served here can carry it.
    const found = id === null ? undefined : await ctx.adPages.get(id);
    const ad = found?.ad;
    if (!ad || ad.state === 'deleted' || ad.state === 'removed') return sendError(request, reply, missing());
    const city = ctx.places.cityById.get(ad.cityId)!;
    const category = ctx.places.categoryById.get(ad.categoryId)!;
    if (ad.state === 'expired') return reply.status(410).type('text/html; charset=utf-8').send(expiredAdPage(ad, city, category).value);
    if (ad.state !== 'published') return sendError(request, reply, missing());
    const canonical = adPath(ad, city.slug, category.slug);
    // Old or hand-typed slugs still work, but search engines and shares see one address per ad.
    if (request.url.split('?')[0] !== canonical) return reply.redirect(canonical, 301);
    const body = await renderAdPage(ctx, request, reply, found!, canonical);
    // Revalidate every time: a deleted or edited ad must not linger in a browser's cache.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(body.value);
  });

  // The answer to "Show phone number": the ad page again, with the number where the button was. A
  // POST with the page's CSRF token, so a link, a crawler or another site cannot fetch it, and
  // counted per network before anything is read, so probing ids costs the same as revealing.
  app.post<{ Params: { adId: string } }>('/ads/:adId/phone', { preHandler: app.csrfProtection }, async (request, reply) => {
    const r = await ctx.limiter.hit(`phone:ip:${networkOf(request.ip)}`, PHONE_REVEALS_PER_HOUR_PER_IP, 3600);
    if (!r.allowed) {
      const minutes = Math.max(1, Math.ceil(r.retryAfterSeconds / 60));
      const message = `You have asked for many phone numbers in a short time. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or reply to the ad through the relay meanwhile.`;
      return sendError(request, reply, new AppError('rate_limited', message, undefined, r.retryAfterSeconds));
    }
    const raw = request.params.adId;
    // Read from the database, not the page cache: the number is not in the cache, and the ad's state is current.
    const found = /^[1-9]\d{0,15}$/.test(raw) ? await ctx.ads.findWithPhotos(Number(raw)) : undefined;
    const ad = found?.ad;
    // Only a live ad reveals: held, pending, expired or deleted ads answer like a missing one.
    if (!ad || !ctx.relay.isOpen(ad) || ad.contactMode !== 'phone' || !ad.phone) return sendError(request, reply, missing());
    const city = ctx.places.cityById.get(ad.cityId)!;
    const category = ctx.places.categoryById.get(ad.categoryId)!;
    const body = await renderAdPage(ctx, request, reply, found!, adPath(ad, city.slug, category.slug), ad.phone);
    // One reader's answer: never stored by a browser or a shared cache, never indexed.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-robots-tag', 'noindex').send(body.value);
  });
}

/** The page of a published ad; `revealedPhone` only in the answer to "Show phone number". */
async function renderAdPage(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, found: AdWithPhotos, canonical: string, revealedPhone?: string) {
  const { ad, photos } = found;
  const city = ctx.places.cityById.get(ad.cityId)!;
  const category = ctx.places.categoryById.get(ad.categoryId)!;
  const region = ctx.places.regionById.get(city.regionId);
  const country = ctx.places.countryByCode.get(city.countryCode);
  // One CSRF token serves every form on the page (favourite, phone, reply): each one costs an HMAC.
  // The favourite button returns to the ad's own address, also from the answer to "Show phone number".
  const favourite = { ...(await favouriteButtonState(ctx, request, reply, ad.id)), returnTo: canonical };
  // JSON-LD from a copy without the number, whichever row this is: the revealed page is not for machines either.
  const ld = adJsonLd({ ad: { ...ad, phone: null }, photos, city, region, country, category, publicUrl: ctx.config.publicUrl, url: `${ctx.config.publicUrl}${canonical}` });
  return adPage({
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
    phone: ad.contactMode === 'phone' ? { csrfToken: favourite.csrfToken, revealed: revealedPhone } : undefined,
    // Both contact modes take replies through the relay ("Relay, and show a phone number").
    replyForm: replyForm({ adId: ad.id, csrfToken: favourite.csrfToken, signedInEmail: relayUserOf(request)?.email }),
  });
}
