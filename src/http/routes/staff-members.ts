/**
 * /staff/admin/staff: admins manage who is staff (StaffService, src/accounts/staff.service.ts).
 * Behind `adminOnly` before CSRF: strangers get the staff 404, moderators the "admins only" page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import type { Html } from '../html.ts';
import { staffMembersPage } from '../views/staff-members-views.ts';
import { adminOnly, freshTwoFactor, notFound, staffUser } from './staff-policy.ts';

type IdParams = { Params: { id: string } };
type Failed = { form: string; values: Record<string, string>; errors: Record<string, string> };

const FLASH: Record<string, string> = {
  added: 'Added to staff. They were told by mail.',
  invited: 'Added to staff. A new account was created and mailed a link to choose a password.',
  role: 'Role changed. They were told by mail.',
  removed: 'Removed from staff. The account stays open as an ordinary one.',
  reset: 'Two-factor sign-in reset: they set it up again at their next visit to the staff pages.',
};

export function registerStaffMemberRoutes(app: FastifyInstance, ctx: AppContext) {
  // Admin pages need a fresh two-factor code (STAFF_2FA_FRESH_HOURS), checked after CSRF for POSTs.
  const fresh = freshTwoFactor(ctx);
  const guard = { preHandler: [adminOnly, fresh] };
  const guardPost = { preHandler: [adminOnly, app.csrfProtection, fresh] };
  const send = (reply: FastifyReply, body: Html, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);
  const me = (request: FastifyRequest) => staffUser(request)!;
  const actor = (request: FastifyRequest) => `user:${me(request).id}`;
  const idOf = (raw: string) => (/^\d{1,15}$/.test(raw) ? Number(raw) : NaN);

  const render = async (request: FastifyRequest, reply: FastifyReply, flash: string | null, failed: Failed | null, status = 200) =>
    send(reply, staffMembersPage({ members: await ctx.staff.list(), me: me(request).id, csrf: reply.generateCsrf(), flash, failed }), status);

  /** Runs a command; a refused one re-renders the page with the form's values and messages. */
  const attempt = async (request: FastifyRequest, reply: FastifyReply, form: string, values: Record<string, string>, fn: () => Promise<string>) => {
    try {
      return reply.redirect(await fn(), 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      if (e.code === 'not_found') return sendError(request, reply, notFound());
      return render(request, reply, null, { form, values, errors: e.fields ?? { form: e.message } }, e.status);
    }
  };

  app.get<{ Querystring: { done?: string } }>('/staff/admin/staff', guard, async (request, reply) => render(request, reply, FLASH[request.query.done ?? ''] ?? null, null));

  app.post('/staff/admin/staff', guardPost, async (request, reply) => {
    const values = textFields(request.body);
    delete values._csrf;
    return attempt(request, reply, 'add', values, async () => {
      const r = await ctx.staff.add({ email: values.email, role: values.role }, actor(request));
      return `/staff/admin/staff?done=${r.invitationUrl ? 'invited' : r.previousRole && r.previousRole !== 'user' ? 'role' : 'added'}`;
    });
  });

  app.post<IdParams>('/staff/admin/staff/:id/role', guardPost, async (request, reply) => {
    const id = idOf(request.params.id);
    const values = textFields(request.body);
    delete values._csrf;
    return attempt(request, reply, `role-${id}`, values, async () => {
      if (!Number.isSafeInteger(id)) throw new AppError('not_found', 'No such staff member.');
      const r = await ctx.staff.changeRole(id, values.role, actor(request));
      // An admin who gave up the role can no longer see this page.
      if (id === me(request).id && r.to !== 'admin') return '/staff/queue';
      return r.from === r.to ? `/staff/admin/staff` : `/staff/admin/staff?done=role`;
    });
  });

  app.post<IdParams>('/staff/admin/staff/:id/remove', guardPost, async (request, reply) => {
    const id = idOf(request.params.id);
    return attempt(request, reply, `remove-${id}`, {}, async () => {
      if (!Number.isSafeInteger(id)) throw new AppError('not_found', 'No such staff member.');
      await ctx.staff.remove(id, actor(request));
      return id === me(request).id ? '/account' : '/staff/admin/staff?done=removed';
    });
  });

  app.post<IdParams>('/staff/admin/staff/:id/reset-2fa', guardPost, async (request, reply) => {
    const id = idOf(request.params.id);
    return attempt(request, reply, `reset-${id}`, {}, async () => {
      if (!Number.isSafeInteger(id)) throw new AppError('not_found', 'No such staff member.');
      await ctx.staff.resetTwoFactor(id, actor(request));
      return id === me(request).id ? '/account/two-factor' : '/staff/admin/staff?done=reset';
    });
  });
}
