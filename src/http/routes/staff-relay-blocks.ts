/**
 * /staff/admin/relay-blocks: admins list the relay blocks and lift one by hand
 * (src/moderation/relay-block-admin.ts). Behind `adminOnly` before CSRF, and a fresh two-factor
 * code (STAFF_2FA_FRESH_HOURS), like the other admin pages.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { RelayBlockAdmin } from '../../moderation/relay-block-admin.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import { relayBlocksPage, type RelayBlocksPageInput } from '../views/relay-blocks-views.ts';
import { adminOnly, freshTwoFactor, notFound, staffUser } from './staff-policy.ts';

export function registerRelayBlockRoutes(app: FastifyInstance, ctx: AppContext) {
  const fresh = freshTwoFactor(ctx);
  const guard = { preHandler: [adminOnly, fresh] };
  const guardPost = { preHandler: [adminOnly, app.csrfProtection, fresh] };
  const admin = new RelayBlockAdmin({ database: ctx.database, audit: ctx.moderation.audit, outbox: ctx.moderation.outbox, publicUrl: ctx.config.publicUrl, now: () => ctx.now() });

  const render = async (reply: FastifyReply, flash: string | null, failed: RelayBlocksPageInput['failed'], status = 200) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(relayBlocksPage({ blocks: await admin.list(), csrf: reply.generateCsrf(), flash, failed }).value);

  app.get<{ Querystring: { lifted?: string } }>('/staff/admin/relay-blocks', guard, async (request, reply) =>
    render(reply, request.query.lifted === '1' ? 'Block lifted: the address can write through the relay again.' : null, null),
  );

  app.post<{ Params: { id: string } }>('/staff/admin/relay-blocks/:id/lift', guardPost, async (request, reply) => {
    const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : NaN;
    const values = textFields(request.body);
    delete values._csrf;
    try {
      await admin.lift(staffUser(request)!.id, id, values);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'not_found') return sendError(request, reply, notFound());
      if (e.status >= 500) throw err;
      return render(reply, null, { id, values, errors: e.fields ?? { form: e.message } }, e.status);
    }
    return reply.redirect('/staff/admin/relay-blocks?lifted=1', 303);
  });
}
