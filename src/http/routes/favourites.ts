/**
 * Favourites: a POST button on each ad page (works without JavaScript) and the /favourites page.
 * Visitors' favourites live in a signed cookie; signed-in users' in the favourites table.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import {
  FAVOURITES_COOKIE,
  parseFavouritesCookie,
  serializeFavouritesCookie,
  withFavourite,
  withoutFavourite,
} from '../../favourites/favourites.service.ts';
import { AppError } from '../../platform/errors.ts';
import { currentUser } from '../current-user.ts';
import { textFields } from '../form-body.ts';
import type { FavouriteButtonState } from '../views/favourites-view.ts';
import { favouritesPage } from '../views/favourites-view.ts';

const YEAR_SECONDS = 365 * 24 * 3600;

export function cookieFavourites(request: FastifyRequest): number[] {
  const rawValue = request.cookies[FAVOURITES_COOKIE];
  if (!rawValue) return [];
  const unsigned = request.unsignCookie(rawValue);
  return unsigned.valid ? parseFavouritesCookie(unsigned.value) : [];
}

function setCookieFavourites(ctx: AppContext, reply: FastifyReply, ids: number[]) {
  const opts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.publicUrl.startsWith('https://'), signed: true };
  if (ids.length === 0) reply.clearCookie(FAVOURITES_COOKIE, opts);
  else reply.setCookie(FAVOURITES_COOKIE, serializeFavouritesCookie(ids), { ...opts, maxAge: YEAR_SECONDS });
}

async function favouriteIds(ctx: AppContext, request: FastifyRequest): Promise<number[]> {
  const user = currentUser(request);
  return user ? ctx.favourites.idsOfUser(user.id) : cookieFavourites(request);
}

/** What the ad page needs to draw its favourite button. */
export async function favouriteButtonState(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, adId: number): Promise<FavouriteButtonState> {
  const ids = await favouriteIds(ctx, request);
  return { csrfToken: reply.generateCsrf(), saved: ids.includes(adId), returnTo: request.url.split('?')[0]! };
}

/**
 * For the accounts code, right after a sign-in sets the session cookie: moves this browser's cookie
 * favourites into the account and clears the cookie.
 */
export async function mergeFavouritesOnSignIn(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, userId: number): Promise<void> {
  const ids = cookieFavourites(request);
  if (ids.length === 0) return;
  await ctx.favourites.mergeVisitorFavourites(userId, ids);
  setCookieFavourites(ctx, reply, []);
}

/** Only same-site paths: never an open redirect. */
function safeReturn(value: string | undefined): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/favourites';
}

export function registerFavouriteRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/favourites', async (request, reply) => {
    const ids = await favouriteIds(ctx, request);
    const entries = await ctx.favourites.resolve(ids);
    const body = favouritesPage(entries, ctx.places, ctx.now(), reply.generateCsrf(), currentUser(request) !== null);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'private, no-store').send(body.value);
  });

  const change = (add: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const values = textFields(request.body);
    const adId = Number(values.ad_id);
    if (!Number.isSafeInteger(adId) || adId <= 0) throw new AppError('bad_request', 'Which ad? The form did not say.');
    const user = currentUser(request);
    if (add) {
      // Only a live ad can be favourited; removing works for anything, including ads gone since.
      const ad = await ctx.ads.findById(adId);
      if (!ad || ad.state !== 'published') throw new AppError('not_found', 'This ad is no longer available.');
      if (user) await ctx.favourites.addForUser(user.id, adId);
      else setCookieFavourites(ctx, reply, withFavourite(cookieFavourites(request), adId));
    } else if (user) await ctx.favourites.removeForUser(user.id, adId);
    else setCookieFavourites(ctx, reply, withoutFavourite(cookieFavourites(request), adId));
    return reply.redirect(safeReturn(values.return), 303);
  };
  app.post('/favourites/add', { preHandler: app.csrfProtection }, change(true));
  app.post('/favourites/remove', { preHandler: app.csrfProtection }, change(false));
}
