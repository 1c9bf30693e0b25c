/**
 * The two-factor step for staff under /account: enrol (first time) or enter a code, then back to
 * where they were going (same-site paths only). Ordinary accounts get the 404 any unknown address
 * gets; signed-out visitors are sent to sign in first.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import type { Html } from '../html.ts';
import { codePage, enrolPage, recoveryCodesPage, twoFactorSettingsPage } from '../views/two-factor-views.ts';
import { safeNext } from './accounts.ts';
import { notFoundFor, staffUser, TWO_FACTOR_PATH, twoFactorFresh, twoFactorPath, type StaffUser } from './staff-policy.ts';

const DEFAULT_NEXT = '/staff/queue';

export function registerTwoFactorRoutes(app: FastifyInstance, ctx: AppContext) {
  const send = (reply: FastifyReply, body: Html, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);

  /** Staff only; ordinary accounts and (for POSTs) strangers get the ordinary 404, before CSRF. */
  const staffOr404 = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!staffUser(request) || request.sessionId === null) return sendError(request, reply, notFoundFor(request));
    return undefined;
  };
  const guardPost = { preHandler: [staffOr404, app.csrfProtection] };

  const render = async (request: FastifyRequest, reply: FastifyReply, staff: StaffUser, next: string | undefined, errors: Record<string, string>, status = 200) => {
    // A session past the step whose code is no longer fresh is here for an admin page: say so.
    const staleHours = request.secondFactorAt ? ctx.config.staffTwoFactorFreshHours : undefined;
    if (await ctx.twoFactor.isEnrolled(staff.id)) return send(reply, codePage({ csrf: reply.generateCsrf(), next, errors, staleHours }), status);
    const enrolment = await ctx.twoFactor.enrolment(staff.id);
    return send(reply, enrolPage({ email: staff.email, enrolment, csrf: reply.generateCsrf(), next, errors }), status);
  };

  app.get<{ Querystring: { next?: string } }>(TWO_FACTOR_PATH, async (request, reply) => {
    const next = safeNext(request.query.next);
    if (!request.user) return reply.redirect(`/signin?next=${encodeURIComponent(request.url)}`, 303);
    const staff = staffUser(request);
    if (!staff || request.sessionId === null) return sendError(request, reply, notFoundFor(request));
    if (twoFactorFresh(ctx, request)) return reply.redirect(next ?? DEFAULT_NEXT, 303);
    return render(request, reply, staff, next, {});
  });

  /** A command's client error becomes the form's per-field message; anything else is rethrown. */
  const attempt = async <T>(reply: FastifyReply, fn: () => Promise<T>) => {
    try {
      return { ok: true as const, value: await fn() };
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      if (e.retryAfterSeconds) reply.header('retry-after', String(e.retryAfterSeconds));
      return { ok: false as const, errors: e.fields ?? { code: e.message }, status: e.status };
    }
  };

  app.post(TWO_FACTOR_PATH, guardPost, async (request, reply) => {
    const staff = staffUser(request)!;
    const values = textFields(request.body);
    const next = safeNext(values.next);
    if (!(await ctx.twoFactor.isEnrolled(staff.id))) return render(request, reply, staff, next, {});
    const r = await attempt(reply, () => ctx.twoFactor.verify(staff.id, request.sessionId!, values, request.ip));
    if (!r.ok) return render(request, reply, staff, next, r.errors, r.status);
    return reply.redirect(next ?? DEFAULT_NEXT, 303);
  });

  // --- settings: status and new recovery codes (need a fresh code: new codes outlast the session) --

  app.get(`${TWO_FACTOR_PATH}/settings`, async (request, reply) => {
    if (!request.user) return reply.redirect(`/signin?next=${encodeURIComponent(request.url)}`, 303);
    const staff = staffUser(request);
    if (!staff || request.sessionId === null) return sendError(request, reply, notFoundFor(request));
    if (!twoFactorFresh(ctx, request)) return reply.redirect(twoFactorPath(request.url), 303);
    const status = await ctx.twoFactor.status(staff.id);
    if (!status.enabledAt) return reply.redirect(TWO_FACTOR_PATH, 303);
    return send(reply, twoFactorSettingsPage({ enabledAt: status.enabledAt!, recoveryCodesLeft: status.recoveryCodesLeft, csrf: reply.generateCsrf() }));
  });

  app.post(`${TWO_FACTOR_PATH}/recovery-codes`, guardPost, async (request, reply) => {
    const staff = staffUser(request)!;
    if (!twoFactorFresh(ctx, request)) return reply.redirect(twoFactorPath(`${TWO_FACTOR_PATH}/settings`), 303);
    const codes = await ctx.twoFactor.newRecoveryCodes(staff.id);
    return send(reply, recoveryCodesPage({ codes, next: `${TWO_FACTOR_PATH}/settings`, renewed: true }));
  });

  app.post(`${TWO_FACTOR_PATH}/enrol`, guardPost, async (request, reply) => {
    const staff = staffUser(request)!;
    const values = textFields(request.body);
    const next = safeNext(values.next);
    if (await ctx.twoFactor.isEnrolled(staff.id)) return render(request, reply, staff, next, {});
    const r = await attempt(reply, () => ctx.twoFactor.confirmEnrolment(staff.id, request.sessionId!, values, request.ip));
    if (!r.ok) return render(request, reply, staff, next, r.errors, r.status);
    // Shown in this response only; the codes are stored as hashes.
    return send(reply, recoveryCodesPage({ codes: r.value, next: next ?? DEFAULT_NEXT }));
  });
}
