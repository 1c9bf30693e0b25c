/**
 * Admin pages under /staff/admin: categories, the screening policy, image hash banks. Every route
 * goes through `adminOnly` (strangers: the staff 404; moderators: "admins only") before CSRF.
 * Commands live in the services (src/places/category-admin.ts, src/screening-store/*); each change
 * is written to the audit log in its own transaction.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { CategoryRepository } from '../../places/category.repository.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import type { Html } from '../html.ts';
import { adminHomePage, categoriesPage, type AdminCategory } from '../views/admin-views.ts';
import { adminOnly, notFound, staffUser } from './staff-policy.ts';

type IdParams = { Params: { id: string } };

const CATEGORY_FLASH: Record<string, string> = {
  edit: 'Saved.',
  add: 'Subcategory added.',
  move: 'Order changed.',
  archive: 'Archived: no longer offered when posting or in the menus.',
  unarchive: 'Unarchived: offered again.',
};

export function registerStaffAdminRoutes(app: FastifyInstance, ctx: AppContext) {
  const guard = { preHandler: adminOnly };
  const guardPost = { preHandler: [adminOnly, app.csrfProtection] };
  const send = (reply: FastifyReply, body: Html, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);
  const adminId = (request: FastifyRequest) => staffUser(request)!.id;
  const idOf = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : NaN);

  app.get('/staff/admin', guard, async (_request, reply) => send(reply, adminHomePage()));

  // --- categories --------------------------------------------------------------------------------

  const renderCategories = async (reply: FastifyReply, flash: string | null, failed: { form: string; values: Record<string, string>; errors: Record<string, string> } | null, status = 200) => {
    const repo = new CategoryRepository(ctx.database.db);
    const [rows, counts] = await Promise.all([repo.all(), repo.adCounts()]);
    const categories: AdminCategory[] = rows.map((c) => ({
      id: c.id,
      slug: c.slug,
      name: c.name,
      parentId: c.parentId,
      position: c.position,
      expiryDays: c.expiryDays,
      archived: c.archivedAt !== null,
      live: counts.get(c.id)?.live ?? 0,
      total: counts.get(c.id)?.total ?? 0,
    }));
    return send(reply, categoriesPage({ categories, csrf: reply.generateCsrf(), flash, failed }), status);
  };

  app.get<{ Querystring: { done?: string } }>('/staff/admin/categories', guard, async (request, reply) =>
    renderCategories(reply, CATEGORY_FLASH[request.query.done ?? ''] ?? null, null),
  );

  /** Runs a category command; a refused input re-renders the page with the form's values and errors. */
  const categoryCommand = async (request: FastifyRequest, reply: FastifyReply, form: string, done: string, command: (values: Record<string, string>) => Promise<unknown>) => {
    const values = textFields(request.body);
    try {
      await command(values);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      if (e.code === 'not_found') return sendError(request, reply, notFound());
      return renderCategories(reply, null, { form, values, errors: e.fields ?? { form: e.message } }, e.status);
    }
    return reply.redirect(`/staff/admin/categories?done=${done}`, 303);
  };

  app.post<IdParams>('/staff/admin/categories/:id', guardPost, async (request, reply) => {
    const id = idOf(request.params.id);
    return categoryCommand(request, reply, `edit-${id}`, 'edit', (values) => ctx.categoryAdmin.edit(adminId(request), id, values));
  });

  app.post<IdParams>('/staff/admin/categories/:id/children', guardPost, async (request, reply) => {
    const id = idOf(request.params.id);
    return categoryCommand(request, reply, `add-${id}`, 'add', (values) => ctx.categoryAdmin.addSubcategory(adminId(request), id, values));
  });

  app.post<IdParams>('/staff/admin/categories/:id/move', guardPost, async (request, reply) => {
    const id = idOf(request.params.id);
    return categoryCommand(request, reply, `move-${id}`, 'move', async (values) => {
      if (values.direction !== 'up' && values.direction !== 'down') throw new AppError('bad_request', 'Choose up or down.');
      await ctx.categoryAdmin.move(adminId(request), id, values.direction);
    });
  });

  app.post<IdParams>('/staff/admin/categories/:id/archive', guardPost, async (request, reply) => {
    const id = idOf(request.params.id);
    const archived = textFields(request.body).archived === '1';
    return categoryCommand(request, reply, `archive-${id}`, archived ? 'archive' : 'unarchive', () => ctx.categoryAdmin.setArchived(adminId(request), id, archived, ctx.now()));
  });
}
