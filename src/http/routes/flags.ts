/** Reporting ads: the quick flag (any visitor, one per person per ad) and the DSA Art. 16 notice form. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { flaggerFor, newVisitorId } from '../../moderation/flagger-identity.ts';
import { AppError } from '../../platform/errors.ts';
import { adPath } from '../../listings/ad-slug.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import { flagPage, flagThanksPage, noticePage, noticeThanksPage } from '../views/moderation-report.ts';

const VISITOR_COOKIE = 'flagger';
const FLAGS_PER_HOUR_PER_NETWORK = 30;
const NOTICES_PER_HOUR_PER_NETWORK = 10;

type AdQuery = { Querystring: { ad?: string } };

export function registerFlagRoutes(app: FastifyInstance, ctx: AppContext) {
  const missing = () => new AppError('not_found', 'This ad does not exist, or it is no longer on the site.');
  const adFor = async (raw: string | undefined, states: readonly string[]) => {
    const id = raw && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
    const ad = Number.isSafeInteger(id) ? await ctx.ads.findById(id) : undefined;
    return ad && states.includes(ad.state) ? ad : undefined;
  };
  const html = (reply: FastifyReply, body: { value: string }, status = 200) => reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);

  const visitorId = (request: FastifyRequest, reply: FastifyReply): string => {
    const signed = request.cookies[VISITOR_COOKIE];
    const unsigned = signed ? request.unsignCookie(signed) : null;
    if (unsigned?.valid && unsigned.value) return unsigned.value;
    const id = newVisitorId();
    reply.setCookie(VISITOR_COOKIE, id, { signed: true, httpOnly: true, sameSite: 'lax', path: '/report', maxAge: 365 * 86_400, secure: ctx.config.publicUrl.startsWith('https://') });
    return id;
  };

  const limit = async (key: string, perHour: number) => {
    const r = await ctx.limiter.hit(key, perHour, 3600);
    if (!r.allowed) throw new AppError('rate_limited', 'Too many reports from your network. Please try again later.', undefined, r.retryAfterSeconds);
  };

  app.get<AdQuery>('/report', async (request, reply) => {
    const ad = await adFor(request.query.ad, ['published']);
    if (!ad) return sendError(request, reply, missing());
    return html(reply, flagPage({ adId: ad.id, adTitle: ad.title, csrf: reply.generateCsrf(), values: {}, errors: {} }));
  });

  app.post('/report', { preHandler: app.csrfProtection }, async (request, reply) => {
    const values = textFields(request.body);
    const adId = values.ad && /^\d{1,15}$/.test(values.ad) ? Number(values.ad) : NaN;
    if (!Number.isSafeInteger(adId)) return sendError(request, reply, missing());
    const flagger = flaggerFor({ user: request.user, visitorId: visitorId(request, reply), ip: request.ip, hashKey: ctx.siteKeyForCookies, now: ctx.now() });
    try {
      await limit(`flag:${flagger.ipHash}`, FLAGS_PER_HOUR_PER_NETWORK);
      // The flag service reads the ad under its row lock and refuses one that is not live, so the
      // busiest form of moderation does not read the ad a second time here.
      await ctx.moderation.flags.submit(adId, values.reason ?? '', flagger);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      if (e.code === 'conflict') return html(reply, flagThanksPage());
      if (e.code === 'not_found') return sendError(request, reply, missing());
      if (e.code !== 'validation_failed') return sendError(request, reply, e);
      const ad = await adFor(values.ad, ['published']);
      if (!ad) return sendError(request, reply, missing());
      return html(reply, flagPage({ adId: ad.id, adTitle: ad.title, csrf: reply.generateCsrf(), values, errors: e.fields ?? { form: e.message } }), 400);
    }
    return html(reply, flagThanksPage());
  });

  app.get<AdQuery>('/report/notice', async (request, reply) => {
    const ad = await adFor(request.query.ad, ['published', 'held', 'expired']);
    if (!ad) return sendError(request, reply, missing());
    const city = ctx.places.cityById.get(ad.cityId);
    const category = ctx.places.categoryById.get(ad.categoryId);
    const url = city && category ? `${ctx.config.publicUrl}${adPath(ad, city.slug, category.slug)}` : '';
    return html(reply, noticePage({ adId: ad.id, adTitle: ad.title, csrf: reply.generateCsrf(), values: { url }, errors: {} }));
  });

  app.post('/report/notice', { preHandler: app.csrfProtection }, async (request, reply) => {
    const values = textFields(request.body);
    delete values._csrf;
    const ad = await adFor(values.ad, ['published', 'held', 'expired', 'removed', 'rejected']);
    if (!ad) return sendError(request, reply, missing());
    const account = request.user ? { id: request.user.id, email: request.user.email } : null;
    try {
      await limit(`notice:${flaggerFor({ user: null, visitorId: '', ip: request.ip, hashKey: ctx.siteKeyForCookies, now: ctx.now() }).ipHash}`, NOTICES_PER_HOUR_PER_NETWORK);
      const notice = await ctx.moderation.notices.submit(values, account);
      return html(reply, noticeThanksPage(notice.id, notice.email !== null));
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      if (e.code !== 'validation_failed') return sendError(request, reply, e);
      return html(reply, noticePage({ adId: ad.id, adTitle: ad.title, csrf: reply.generateCsrf(), values, errors: e.fields ?? { form: e.message } }), 400);
    }
  });
}
