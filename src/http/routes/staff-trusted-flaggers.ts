/**
 * /staff/admin/trusted-flaggers: admins add and remove trusted flaggers (DSA Art. 22,
 * src/moderation/trusted-flagger-admin.ts). Behind `adminOnly` before CSRF, like the other admin pages.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { TrustedFlaggerAdmin } from '../../moderation/trusted-flagger-admin.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import type { Html } from '../html.ts';
import { trustedFlaggersPage } from '../views/trusted-flaggers-views.ts';
import { adminOnly, freshTwoFactor, notFound, staffUser } from './staff-policy.ts';

type Failed = { form: string; values: Record<string, string>; errors: Record<string, string> };

const FLASH: Record<string, string> = {
  added: 'Trusted flagger added: their notices (and flags, for an account) now go to the front of their queue priority.',
  removed: 'Trusted flagger removed. Notices already received keep their place in the queue.',
};

export function registerTrustedFlaggerRoutes(app: FastifyInstance, ctx: AppContext) {
  // Admin pages need a fresh two-factor code (STAFF_2FA_FRESH_HOURS), checked after CSRF for POSTs.
  const fresh = freshTwoFactor(ctx);
  const guard = { preHandler: [adminOnly, fresh] };
  const guardPost = { preHandler: [adminOnly, app.csrfProtection, fresh] };
  const admin = new TrustedFlaggerAdmin({ database: ctx.database, audit: ctx.moderation.audit, now: () => ctx.now() });
  const send = (reply: FastifyReply, body: Html, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);
  const adminId = (request: FastifyRequest) => staffUser(request)!.id;

  const render = async (reply: FastifyReply, flash: string | null, failed: Failed | null, status = 200) =>
    send(reply, trustedFlaggersPage({ flaggers: await admin.list(), csrf: reply.generateCsrf(), flash, failed }), status);

  app.get<{ Querystring: { done?: string } }>('/staff/admin/trusted-flaggers', guard, async (request, reply) => render(reply, FLASH[request.query.done ?? ''] ?? null, null));

  app.post('/staff/admin/trusted-flaggers', guardPost, async (request, reply) => {
    const values = textFields(request.body);
    delete values._csrf;
    try {
      await admin.add(adminId(request), values);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      return render(reply, null, { form: 'add', values, errors: e.fields ?? { form: e.message } }, e.status);
    }
    return reply.redirect('/staff/admin/trusted-flaggers?done=added', 303);
  });

  app.post<{ Params: { id: string } }>('/staff/admin/trusted-flaggers/:id/remove', guardPost, async (request, reply) => {
    const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : NaN;
    const values = textFields(request.body);
    if (values.confirm !== 'yes') {
      return render(reply, null, { form: `remove-${id}`, values: {}, errors: { confirm: 'Tick the box to confirm the removal.' } }, 400);
    }
    try {
      await admin.remove(adminId(request), id);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'not_found') return sendError(request, reply, notFound());
      throw err;
    }
    return reply.redirect('/staff/admin/trusted-flaggers?done=removed', 303);
  });
}
