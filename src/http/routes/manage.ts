/** The private manage link: edit, renew and delete an ad without an account. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import type { AdRow } from '../../listings/ad.repository.ts';
import { adPath } from '../../listings/ad-slug.ts';
import { missingPhotoIds } from '../../listings/hash-rejected-photos.ts';
import { AppError } from '../../platform/errors.ts';
import { toAppError } from '../errors.ts';
import { listField, textFields, uploadsFrom } from '../form-body.ts';
import { adForm } from '../views/ad-form.ts';
import { decisionsList } from '../views/appeal-views.ts';
import { deletedPage, formValuesOf, managePage } from '../views/manage-view.ts';
import { linkedAd } from './posting.ts';
import { ownPhotosBase } from './photos.ts';

type IdToken = { Params: { id: string; token: string } };

export function registerManageRoutes(app: FastifyInstance, ctx: AppContext) {
  const render = async (
    reply: FastifyReply,
    ad: AdRow,
    basePath: string,
    opts: { values?: Record<string, string>; errors?: Record<string, string>; flash?: string; error?: string; status?: number; keep?: number[] } = {},
  ) => {
    const city = ctx.places.cityById.get(ad.cityId)!;
    const category = ctx.places.categoryById.get(ad.categoryId)!;
    const csrfToken = reply.generateCsrf();
    const photos = await ctx.ads.photosOf(ad.id);
    const form = adForm({
      places: ctx.places,
      action: `${basePath}/edit`,
      csrfToken,
      values: opts.values ?? formValuesOf(ad, city.slug, category.slug),
      errors: opts.errors ?? {},
      mode: 'edit',
      photos,
      // The public /photos addresses answer only while the ad is live; the poster sees theirs in every state.
      photoBase: ownPhotosBase(ctx, ad),
      removedPhotoIds: await missingPhotoIds(ctx.photos, photos, 'thumb'),
      keptPhotoIds: opts.keep,
    });
    const decisions = decisionsList((await ctx.moderation.appeals.decisionsFor([ad.id])).get(ad.id) ?? []);
    const body = managePage({ ad, basePath, publicPath: adPath(ad, city.slug, category.slug), csrfToken, form, flash: opts.flash, error: opts.error, decisions });
    return reply.status(opts.status ?? 200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);
  };
  const base = (r: FastifyRequest<IdToken>) => `/manage/${r.params.id}/${r.params.token}`;

  app.get<IdToken & { Querystring: { done?: string } }>('/manage/:id/:token', async (request, reply) => {
    const ad = await linkedAd(ctx, request, reply, 'manage');
    if (!ad) return reply;
    const flash = { saved: 'Your changes are saved.', renewed: 'Your ad is renewed.' }[request.query.done ?? ''];
    return render(reply, ad, base(request), { flash });
  });

  app.post<IdToken>('/manage/:id/:token/edit', { preHandler: app.csrfProtection }, async (request, reply) => {
    const ad = await linkedAd(ctx, request, reply, 'manage');
    if (!ad) return reply;
    const values = textFields(request.body);
    delete values._csrf;
    const keep = listField(request.body, 'keep_photo').map(Number);
    if (values._action === 'refresh') return render(reply, ad, base(request), { values, keep });
    try {
      await ctx.adService.edit(ad.id, request.params.token, values, uploadsFrom(request.body, 'photos'), keep);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      return render(reply, ad, base(request), { values, keep, errors: e.fields ?? { form: e.message }, error: e.message, status: e.status });
    }
    return reply.redirect(`${base(request)}?done=saved`, 303);
  });

  app.post<IdToken>('/manage/:id/:token/renew', { preHandler: app.csrfProtection }, async (request, reply) => {
    const ad = await linkedAd(ctx, request, reply, 'manage');
    if (!ad) return reply;
    try {
      await ctx.adService.renew(ad.id, request.params.token);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return render(reply, ad, base(request), { error: err.message, status: err.status });
    }
    return reply.redirect(`${base(request)}?done=renewed`, 303);
  });

  app.post<IdToken>('/manage/:id/:token/delete', { preHandler: app.csrfProtection }, async (request, reply) => {
    const ad = await linkedAd(ctx, request, reply, 'manage');
    if (!ad) return reply;
    if (textFields(request.body).confirm !== 'yes') {
      return render(reply, ad, base(request), { error: 'Tick “Yes, delete this ad” to confirm.', status: 400 });
    }
    await ctx.adService.delete(ad.id, request.params.token);
    return reply.type('text/html; charset=utf-8').send(deletedPage().value);
  });
}
