/** Posting without an account: the form, the "check your mail" page, and confirmation. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { adPath } from '../../listings/ad-slug.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields, uploadsFrom } from '../form-body.ts';
import { adForm } from '../views/ad-form.ts';
import { checkMailPage, confirmPage, confirmedPage, postPage } from '../views/posting-views.ts';

type IdToken = { Params: { id: string; token: string } };

export function registerPostingRoutes(app: FastifyInstance, ctx: AppContext) {
  const renderForm = (reply: FastifyReply, values: Record<string, string>, errors: Record<string, string>, status = 200) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .send(postPage(adForm({ places: ctx.places, action: '/post', csrfToken: reply.generateCsrf(), values, errors, mode: 'post', accountEmail: reply.request.user?.email })).value);

  app.get<{ Querystring: Record<string, string> }>('/post', async (request, reply) => {
    const { city, category } = request.query;
    return renderForm(reply, { city: city ?? '', category: category ?? '' }, {});
  });

  app.post('/post', { preHandler: app.csrfProtection }, async (request, reply) => {
    const values = textFields(request.body);
    delete values._csrf;
    // "Update the form" re-renders with the chosen category's own fields; nothing is posted yet.
    if (values._action === 'refresh') return renderForm(reply, values, {});
    // A signed-in poster's address is known and confirmed: no confirmation mail (src/accounts).
    const poster = request.user?.emailVerified ? { userId: request.user.id, email: request.user.email } : undefined;
    let posted: { id: number };
    try {
      posted = await ctx.adService.post(values, uploadsFrom(request.body, 'photos'), request.ip, poster);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      const errors = e.fields ?? { form: e.message };
      if (!errors.form && e.code !== 'validation_failed') errors.form = e.message;
      if (e.retryAfterSeconds) reply.header('retry-after', String(e.retryAfterSeconds));
      return renderForm(reply, values, errors, e.status);
    }
    if (poster) {
      return reply.redirect(`/account/ads?posted=${posted.id}`, 303);
    }
    return reply.redirect('/post/sent', 303);
  });

  app.get('/post/sent', async (_request, reply) => reply.type('text/html; charset=utf-8').send(checkMailPage().value));

  app.get<IdToken>('/confirm/:id/:token', async (request, reply) => {
    const ad = await linkedAd(ctx, request, reply, 'confirm');
    if (!ad) return reply;
    if (ad.state !== 'unconfirmed') return showOutcome(ctx, reply, ad.id);
    // Confirming takes a click on a button, not the GET itself: mail scanners open links on their own.
    return reply.type('text/html; charset=utf-8').send(confirmPage(ad, request.url, reply.generateCsrf()).value);
  });

  app.post<IdToken>('/confirm/:id/:token', { preHandler: app.csrfProtection }, async (request, reply) => {
    await ctx.adService.confirm(Number(request.params.id), request.params.token, request.ip);
    return showOutcome(ctx, reply, Number(request.params.id));
  });
}

async function linkedAd(ctx: AppContext, request: FastifyRequest<IdToken>, reply: FastifyReply, purpose: 'confirm' | 'manage') {
  const id = Number(request.params.id);
  try {
    return await ctx.adService.requireLink(id, request.params.token, purpose);
  } catch (err) {
    sendError(request, reply, err instanceof AppError ? err : toAppError(err));
    return undefined;
  }
}

async function showOutcome(ctx: AppContext, reply: FastifyReply, id: number) {
  const ad = (await ctx.ads.findById(id))!;
  const links = ctx.adService.linksFor(ad);
  const city = ctx.places.cityById.get(ad.cityId)!;
  const category = ctx.places.categoryById.get(ad.categoryId)!;
  return reply
    .type('text/html; charset=utf-8')
    .send(confirmedPage(ad, adPath(ad, city.slug, category.slug), new URL(links.manageUrl).pathname).value);
}

export { linkedAd };
