/**
 * Writes to /api/v1 for scripts: create, edit and delete one's own ads, and add or remove their
 * photos, with an API token (`Authorization: Bearer cb_…`). Only a bearer token authenticates here,
 * never a session cookie, so these routes need no CSRF token. Others' ads answer exactly like
 * missing ones. Every change goes through `AdService.edit`, as the manage page's does: the same
 * validation, photo pipeline and limits, and screening again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountUser } from '../../accounts/account.repository.ts';
import type { AppContext } from '../../composition.ts';
import type { AdRow, PhotoRow } from '../../listings/ad.repository.ts';
import { adPath } from '../../listings/ad-slug.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError } from '../errors.ts';
import { photoUrl } from '../views/format.ts';
import { formValuesOf } from '../views/manage-view.ts';
import { uploadsFrom } from '../form-body.ts';
import { ownPhotosBase } from './photos.ts';

const NOT_YOURS = 'You have no ad with this id.';
const WRITABLE = ['title', 'body', 'price', 'category', 'city', 'neighbourhood', 'contact_mode', 'phone'] as const;

function unauthorized(reply: FastifyReply, message: string) {
  return reply
    .status(401)
    .header('www-authenticate', 'Bearer realm="corkboard"')
    .send({ error: { code: 'unauthorized', message } });
}

export function presentOwnAd(ctx: AppContext, ad: AdRow, photos: PhotoRow[]) {
  const city = ctx.places.cityById.get(ad.cityId)!;
  const category = ctx.places.categoryById.get(ad.categoryId)!;
  const own = ownPhotosBase(ctx, ad);
  return {
    id: ad.id,
    state: ad.state,
    state_reason: ad.state === 'held' || ad.state === 'rejected' || ad.state === 'removed' ? ((ad.screening as { statement?: string } | null)?.statement ?? ad.stateReason) : null,
    title: ad.title,
    price: ad.price,
    currency: ad.currency,
    city: city.slug,
    category: category.slug,
    url: adPath(ad, city.slug, category.slug),
    manage_url: ctx.adService.linksFor(ad).manageUrl,
    created_at: ad.createdAt.toISOString(),
    expires_at: ad.expiresAt.toISOString(),
    // The poster's own view of the photos, in every state: the public /photos addresses answer only
    // while the ad is published. View-only links, so an image address copied elsewhere cannot edit.
    photos: photos.map((p) => ({ id: p.id, medium: photoUrl(p.storageKey, 'medium', own), large: photoUrl(p.storageKey, 'large', own), width: p.width, height: p.height })),
  };
}

/** Every file part of a multipart body, whatever its field name, in the order sent. */
function filesOf(body: unknown) {
  if (!body || typeof body !== 'object') return [];
  return Object.keys(body).flatMap((key) => uploadsFrom(body, key));
}

export function registerAccountApiRoutes(app: FastifyInstance, ctx: AppContext) {
  /** The token's account, or a 401 already sent. */
  const authenticate = async (request: FastifyRequest, reply: FastifyReply): Promise<AccountUser | undefined> => {
    const header = request.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!m) {
      unauthorized(reply, 'Send an API token as "Authorization: Bearer <token>". Create one under My account → API tokens.');
      return undefined;
    }
    const user = await ctx.accountService.authenticateApiToken(m[1]!);
    if (!user) unauthorized(reply, 'This API token is not valid or was revoked.');
    return user ?? undefined;
  };

  /** The caller's own ad, or a 404 that looks the same for missing and for others' ads. */
  const ownAd = async (request: FastifyRequest, reply: FastifyReply, user: AccountUser): Promise<AdRow | undefined> => {
    const raw = (request.params as { id: string }).id;
    const ad = /^[1-9]\d{0,15}$/.test(raw) ? await ctx.ads.findById(Number(raw)) : undefined;
    if (!ad || ad.userId !== user.id || ad.state === 'deleted') {
      sendError(request, reply, new AppError('not_found', NOT_YOURS));
      return undefined;
    }
    return ad;
  };

  const jsonObject = (body: unknown): Record<string, unknown> => {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('bad_request', 'The body must be a JSON object with the ad\'s fields.');
    return body as Record<string, unknown>;
  };

  /** The ad's fields as the edit form would show them: the base of every API edit. */
  const currentValues = (ad: AdRow): Record<string, unknown> => {
    const city = ctx.places.cityById.get(ad.cityId)!;
    const category = ctx.places.categoryById.get(ad.categoryId)!;
    return formValuesOf(ad, city.slug, category.slug);
  };

  const present = async (id: number) => presentOwnAd(ctx, (await ctx.ads.findById(id))!, await ctx.ads.photosOf(id));

  /** The ad's manage token, made server-side exactly as the mailed manage link carries it. */
  const manageToken = (ad: AdRow) => new URL(ctx.adService.linksFor(ad).manageUrl).pathname.split('/').pop()!;

  app.post('/api/v1/ads', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const raw = jsonObject(request.body);
    const { id } = await ctx.adService.post({ ...raw, email: user.email }, [], request.ip, { userId: user.id, email: user.email });
    return reply.status(201).header('location', `/api/v1/ads/${id}`).send(await present(id));
  });

  app.patch('/api/v1/ads/:id', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const ad = await ownAd(request, reply, user);
    if (!ad) return reply;
    const patch = jsonObject(request.body);
    const values: Record<string, unknown> = currentValues(ad);
    for (const key of WRITABLE) if (key in patch) values[key] = patch[key] ?? '';
    if (patch.fields && typeof patch.fields === 'object') {
      for (const [k, v] of Object.entries(patch.fields as Record<string, unknown>)) values[`f_${k}`] = v === null ? '' : String(v);
    }
    const photoIds = (await ctx.ads.photosOf(ad.id)).map((p) => p.id);
    await ctx.adService.edit(ad.id, manageToken(ad), values, [], photoIds);
    return reply.send(await present(ad.id));
  });

  // --- photos: multipart in, all or nothing, the ad screened again like a web edit --------------

  app.post('/api/v1/ads/:id/photos', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const ad = await ownAd(request, reply, user);
    if (!ad) return reply;
    if (!request.isMultipart()) {
      throw new AppError('unsupported_media_type', 'Send the photos as multipart/form-data, one file part per photo (for example curl -F photos=@front.jpg -F photos=@back.jpg).');
    }
    const uploads = filesOf(request.body);
    if (uploads.length === 0) throw new AppError('validation_failed', 'The request has no files.', { photos: 'Attach one or more image files (JPEG, PNG, WebP, GIF or HEIC).' });
    const keep = (await ctx.ads.photosOf(ad.id)).map((p) => p.id);
    await ctx.adService.edit(ad.id, manageToken(ad), currentValues(ad), uploads, keep);
    return reply.status(201).send(await present(ad.id));
  });

  app.delete('/api/v1/ads/:id/photos/:photoId', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const ad = await ownAd(request, reply, user);
    if (!ad) return reply;
    const photoId = Number((request.params as { photoId: string }).photoId);
    const photos = await ctx.ads.photosOf(ad.id);
    if (!photos.some((p) => p.id === photoId)) throw new AppError('not_found', 'This ad has no photo with this id.');
    await ctx.adService.edit(
      ad.id,
      manageToken(ad),
      currentValues(ad),
      [],
      photos.filter((p) => p.id !== photoId).map((p) => p.id),
    );
    return reply.send(await present(ad.id));
  });

  app.delete('/api/v1/ads/:id', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const ad = await ownAd(request, reply, user);
    if (!ad) return reply;
    await ctx.adService.delete(ad.id, manageToken(ad));
    return reply.status(204).send();
  });
}
