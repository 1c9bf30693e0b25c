/**
 * Appeals for posters (DSA Art. 20): /appeal/<puid>/<token>, the signed link in every statement of
 * reasons (also listed on the ad's manage page and in My ads). Only whoever holds the link (the
 * poster) can see the decision or appeal it; a wrong or altered link gets the ordinary 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import type { AppealPage } from '../../moderation/appeal.service.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import { appealPage } from '../views/appeal-views.ts';

type LinkParams = { Params: { puid: string; token: string } };

export function registerAppealRoutes(app: FastifyInstance, ctx: AppContext) {
  const appeals = ctx.moderation.appeals;
  const send = (reply: FastifyReply, view: AppealPage, opts: { values?: Record<string, string>; errors?: Record<string, string>; flash?: string | null; message?: string | null; status?: number } = {}) =>
    reply
      .status(opts.status ?? 200)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(appealPage({ view, csrf: reply.generateCsrf(), values: opts.values ?? {}, errors: opts.errors ?? {}, flash: opts.flash, message: opts.message }).value);
  const viewFor = async (request: FastifyRequest<LinkParams>, reply: FastifyReply) => {
    try {
      return await appeals.forLink(request.params.puid, request.params.token);
    } catch (err) {
      sendError(request, reply, toAppError(err));
      return undefined;
    }
  };

  app.get<LinkParams & { Querystring: { done?: string } }>('/appeal/:puid/:token', async (request, reply) => {
    const view = await viewFor(request, reply);
    if (!view) return reply;
    return send(reply, view, { flash: request.query.done === 'sent' && view.appeal ? 'Your appeal is sent. We mailed you a receipt; the outcome will follow by mail and on this page.' : null });
  });

  app.post<LinkParams>('/appeal/:puid/:token', { preHandler: app.csrfProtection }, async (request, reply) => {
    const view = await viewFor(request, reply);
    if (!view) return reply;
    const values = textFields(request.body);
    delete values._csrf;
    try {
      await appeals.submit(request.params.puid, request.params.token, values, request.user ? { id: request.user.id } : null);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      const fresh = await appeals.forLink(request.params.puid, request.params.token).catch(() => view);
      if (e.fields) return send(reply, fresh, { values, errors: e.fields, status: e.status });
      return send(reply, fresh, { values, message: e.message, status: e.status });
    }
    return reply.redirect(`${view.appealPath}?done=sent`, 303);
  });
}
