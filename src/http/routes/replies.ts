/** The anonymous reply relay on the web: reply to an ad, confirm the first message, the thread page. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import type { RelaySide } from '../../db/schema.ts';
import { adPath } from '../../listings/ad-slug.ts';
import type { RelayUser } from '../../messaging/relay.service.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import { flashFor, replyCheckMailPage, replyConfirmPage, replyForm, replyPage, threadPage } from '../views/reply-views.ts';

type ThreadParams = { Params: { id: string; side: string; token: string } };
const CONFIRMED_COOKIE = 'relay_confirmed';

/** The signed-in account, once accounts set `request.user` (src/http/account-session.ts). */
export function relayUserOf(request: FastifyRequest): RelayUser | null {
  return (request as unknown as { user?: RelayUser | null }).user ?? null;
}

/** Threads this browser confirmed: later replies from the ad page need no new confirmation mail. */
function confirmedThreads(request: FastifyRequest): number[] {
  const raw = request.cookies[CONFIRMED_COOKIE];
  if (!raw) return [];
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value.split('.').map(Number).filter(Number.isSafeInteger) : [];
}

function rememberConfirmed(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, threadId: number) {
  const ids = [threadId, ...confirmedThreads(request).filter((id) => id !== threadId)].slice(0, 20);
  reply.setCookie(CONFIRMED_COOKIE, ids.join('.'), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: 90 * 24 * 3600,
    secure: ctx.config.publicUrl.startsWith('https://'),
  });
}

function sideOf(value: string): RelaySide | null {
  return value === 'poster' || value === 'replier' ? value : null;
}

const htmlType = 'text/html; charset=utf-8';

export function registerReplyRoutes(app: FastifyInstance, ctx: AppContext) {
  const adFor = async (id: string) => {
    const ad = await ctx.ads.findById(Number(id));
    // Every contact mode takes replies through the relay ("Relay, and show a phone number" too).
    if (!ad || !ctx.relay.isOpen(ad)) {
      throw new AppError('gone', 'This ad has ended, so replies to it are closed.');
    }
    const city = ctx.places.cityById.get(ad.cityId)!;
    const category = ctx.places.categoryById.get(ad.categoryId)!;
    return { ad, path: adPath(ad, city.slug, category.slug) };
  };

  app.get<{ Params: { adId: string } }>('/reply/:adId', async (request, reply) => {
    const { ad, path } = await adFor(request.params.adId);
    const form = replyForm({ adId: ad.id, csrfToken: reply.generateCsrf(), signedInEmail: relayUserOf(request)?.email });
    return reply.type(htmlType).header('cache-control', 'no-store').send(replyPage(ad, path, form).value);
  });

  app.post<{ Params: { adId: string } }>('/reply/:adId', { preHandler: app.csrfProtection }, async (request, reply) => {
    const values = textFields(request.body);
    delete values._csrf;
    const user = relayUserOf(request);
    try {
      const result = await ctx.relay.replyFromAdPage(Number(request.params.adId), values, request.ip, user, confirmedThreads(request));
      if (result.outcome === 'confirm') return reply.type(htmlType).header('cache-control', 'no-store').send(replyCheckMailPage(result.email).value);
      const thread = (await ctx.relayRepository.findThread(result.threadId))!;
      return reply.redirect(`${ctx.relay.threadPath(thread, 'replier')}?done=sent`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500 || e.code === 'gone' || e.code === 'rate_limited') throw err;
      const { ad, path } = await adFor(request.params.adId);
      const form = replyForm({ adId: ad.id, csrfToken: reply.generateCsrf(), values, errors: e.fields ?? {}, signedInEmail: user?.email });
      return reply.status(e.status).type(htmlType).header('cache-control', 'no-store').send(replyPage(ad, path, form, e.message).value);
    }
  });

  app.get<{ Params: { messageId: string; token: string } }>('/replies/confirm/:messageId/:token', async (request, reply) => {
    const found = await ctx.relay.pendingMessage(Number(request.params.messageId), request.params.token);
    if (!found) return sendError(request, reply, new AppError('not_found', 'This confirmation link is not valid. Copy the whole link from the mail.'));
    if (found.message.state !== 'pending') return reply.redirect(ctx.relay.threadPath(found.thread, 'replier'), 303);
    const page = replyConfirmPage(found.ad.title, found.message, request.url, reply.generateCsrf());
    return reply.type(htmlType).header('cache-control', 'no-store').send(page.value);
  });

  app.post<{ Params: { messageId: string; token: string } }>('/replies/confirm/:messageId/:token', { preHandler: app.csrfProtection }, async (request, reply) => {
    const result = await ctx.relay.confirmMessage(Number(request.params.messageId), request.params.token);
    rememberConfirmed(ctx, request, reply, result.threadId);
    return reply.redirect(`${result.threadPath}?done=sent`, 303);
  });

  const base = (r: FastifyRequest<ThreadParams>) => `/replies/${r.params.id}/${r.params.side}/${r.params.token}`;
  const renderThread = async (
    request: FastifyRequest<ThreadParams>,
    reply: FastifyReply,
    opts: { flash?: string; error?: string; errors?: Record<string, string>; values?: Record<string, string>; status?: number } = {},
  ) => {
    const side = sideOf(request.params.side);
    if (!side) throw new AppError('not_found', 'This conversation link is not valid.');
    const view = await ctx.relay.threadFor(Number(request.params.id), side, request.params.token);
    const body = threadPage({ view, basePath: base(request), csrfToken: reply.generateCsrf(), ...opts });
    return reply.status(opts.status ?? 200).type(htmlType).header('cache-control', 'no-store').send(body.value);
  };
  /** Runs a thread action; a bad form comes back with its input and messages, anything else is the error page. */
  const action = async (request: FastifyRequest<ThreadParams>, reply: FastifyReply, run: (side: RelaySide, values: Record<string, string>) => Promise<string>) => {
    const side = sideOf(request.params.side);
    if (!side) throw new AppError('not_found', 'This conversation link is not valid.');
    const values = textFields(request.body);
    delete values._csrf;
    try {
      const done = await run(side, values);
      return reply.redirect(`${base(request)}?done=${done}`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'validation_failed' && e.code !== 'gone' && e.code !== 'forbidden') throw err;
      return renderThread(request, reply, { error: e.message, errors: e.fields, values, status: e.status });
    }
  };

  app.get<ThreadParams & { Querystring: { done?: string } }>('/replies/:id/:side/:token', async (request, reply) =>
    renderThread(request, reply, { flash: flashFor(request.query.done) }),
  );

  app.post<ThreadParams>('/replies/:id/:side/:token/send', { preHandler: app.csrfProtection }, async (request, reply) =>
    action(request, reply, async (side, values) => {
      await ctx.relay.answerOnSite(Number(request.params.id), side, request.params.token, values);
      return 'sent';
    }),
  );

  app.post<ThreadParams>('/replies/:id/:side/:token/block', { preHandler: app.csrfProtection }, async (request, reply) =>
    action(request, reply, async (side, values) => {
      if (side !== 'poster') throw new AppError('not_found', 'Only the poster can block a replier.');
      const unblock = values.action === 'unblock';
      if (!unblock && values.confirm !== 'yes') throw new AppError('validation_failed', 'Tick “Block this replier on all my ads” to confirm.', { confirm: 'Tick the box to confirm.' });
      await ctx.relay.block(Number(request.params.id), request.params.token, unblock);
      return unblock ? 'unblocked' : 'blocked';
    }),
  );

  app.post<ThreadParams>('/replies/:id/:side/:token/report', { preHandler: app.csrfProtection }, async (request, reply) =>
    action(request, reply, async (side, values) => {
      await ctx.relay.report(Number(request.params.id), side, request.params.token, values);
      return 'reported';
    }),
  );
}
