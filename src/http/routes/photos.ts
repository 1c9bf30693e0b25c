/**
 * Photo renditions, by who may see them:
 * - `/photos/<key>`: anyone, and only while the ad is published. Every other state (unconfirmed,
 *   pending, held, rejected, expired, removed, deleted) answers exactly like a photo that never
 *   existed: an address copied from a live ad must stop working the moment moderation takes the ad
 *   off the site, and a held or rejected ad's photos were never public.
 * - `/ad-photos/<id>/<token>/<key>`: the poster, on the manage page and through the API's own ads,
 *   with the ad's signed `photos` link (view-only: see src/platform/signed-links.ts). Any state but
 *   deleted; a new link nonce revokes it with the ad's other private links.
 * - `/staff/photos/<key>` (staff pages, behind `staffOnly`) and `/api/v1/staff/photos/<key>` (staff
 *   API tokens, src/http/routes/staff-api.ts): moderators see every photo an ad still has, whatever
 *   its state, as reviewing held, rejected and removed ads and appeals needs.
 * Private answers are `private, no-store`, so no shared cache keeps a copy that outlives access.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import type { AdRow } from '../../listings/ad.repository.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError } from '../errors.ts';
import { STAFF_PHOTOS } from '../views/format.ts';
import { staffOnly } from './staff-policy.ts';

/** A rendition as photo-uploads.ts names it; anything else (dots, NUL bytes, other files) is refused before any lookup. */
const RENDITION = /^([a-z0-9/_-]+)-(thumb|medium|large)\.webp$/;
const PUBLIC_CACHE = 'public, max-age=300';
const PRIVATE_CACHE = 'private, no-store';

/** Where the poster sees the ad's photos (pass to `photoUrl` as its base). */
export function ownPhotosBase(ctx: Pick<AppContext, 'links'>, ad: Pick<AdRow, 'id' | 'linkNonce'>): string {
  return `/ad-photos/${ad.id}/${ctx.links.sign('photos', ad.id, ad.linkNonce)}`;
}

/** The same answer for a photo that is hidden, missing, or never was: nothing hints that it exists. */
const notAvailable = (request: FastifyRequest, reply: FastifyReply) => sendError(request, reply, new AppError('not_found', 'This photo is not available.'));

/** The rendition at `key` and the ad it belongs to, or undefined for a malformed key or a photo no ad references. */
async function lookUp(ctx: AppContext, key: string) {
  const m = RENDITION.exec(key);
  const ad = m ? await ctx.ads.adOfPhoto(m[1]!) : undefined;
  return ad ? { key, ...ad } : undefined;
}

/**
 * Streams the rendition, or the not-available answer when its file is gone: a hash-bank rejection
 * deletes the files but keeps the rows (src/listings/hash-rejected-photos.ts).
 */
async function send(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, key: string, cacheControl: string) {
  const stream = await ctx.photos.open(key);
  if (!stream) return notAvailable(request, reply);
  return reply.type('image/webp').header('cache-control', cacheControl).send(stream);
}

/** A photo for staff (pages or API), whatever its ad's state; the caller has checked who asks. */
export async function sendStaffPhoto(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, key: string) {
  const found = await lookUp(ctx, key);
  if (!found) return notAvailable(request, reply);
  return send(ctx, request, reply, found.key, PRIVATE_CACHE);
}

type Wildcard = { Params: { '*': string } };
type OwnPhoto = { Params: { id: string; token: string; '*': string } };

export function registerPhotoRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get<Wildcard>('/photos/*', async (request, reply) => {
    const found = await lookUp(ctx, request.params['*']);
    if (!found || found.state !== 'published') return notAvailable(request, reply);
    return send(ctx, request, reply, found.key, PUBLIC_CACHE);
  });

  app.get<OwnPhoto>('/ad-photos/:id/:token/*', async (request, reply) => {
    const id = /^[1-9]\d{0,15}$/.test(request.params.id) ? Number(request.params.id) : NaN;
    const found = await lookUp(ctx, request.params['*']);
    // The photo must be this ad's: a valid link to one ad opens none of another's photos.
    if (!found || found.adId !== id || found.state === 'deleted' || !ctx.links.verify('photos', id, found.linkNonce, request.params.token)) {
      return notAvailable(request, reply);
    }
    return send(ctx, request, reply, found.key, PRIVATE_CACHE);
  });

  app.get<Wildcard>(`${STAFF_PHOTOS}/*`, { preHandler: staffOnly }, async (request, reply) => sendStaffPhoto(ctx, request, reply, request.params['*']));
}
