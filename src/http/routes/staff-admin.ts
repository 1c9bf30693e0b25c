/**
 * Admin pages under /staff/admin: categories, the screening policy, image hash banks, the mail outbox. Every route
 * goes through `adminOnly` (strangers: the staff 404; moderators: "admins only") before CSRF.
 * Commands live in the services (src/places/category-admin.ts, src/screening-store/*); each change
 * is written to the audit log in its own transaction.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { createHash } from 'node:crypto';
import { adPath } from '../../listings/ad-slug.ts';
import { CategoryRepository } from '../../places/category.repository.ts';
import { AppError } from '../../platform/errors.ts';
import { HashBankParseError, parseHashBankFile, type HashBankAction } from '../../screening/images/index.ts';
import { LABELS, parsePolicy, PolicyError } from '../../screening/index.ts';
import { HashBankConflictError } from '../../screening-store/hash-banks.ts';
import { previewPolicy } from '../../screening-store/policy-preview.ts';
import { PolicyVersionTakenError } from '../../screening-store/policy-store.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields, uploadsFrom } from '../form-body.ts';
import type { Html } from '../html.ts';
import { adminHomePage, categoriesPage, hashBanksPage, mailOutboxPage, policyPage, type AdminCategory, type PolicyPageInput } from '../views/admin-views.ts';
import { adminOnly, freshTwoFactor, notFound, staffUser } from './staff-policy.ts';

type IdParams = { Params: { id: string } };

const CATEGORY_FLASH: Record<string, string> = {
  edit: 'Saved.',
  add: 'Subcategory added.',
  move: 'Order changed.',
  archive: 'Archived: no longer offered when posting or in the menus.',
  unarchive: 'Unarchived: offered again.',
};

export function registerStaffAdminRoutes(app: FastifyInstance, ctx: AppContext) {
  // Admin pages need a fresh two-factor code (STAFF_2FA_FRESH_HOURS), checked after CSRF for POSTs.
  const fresh = freshTwoFactor(ctx);
  const guard = { preHandler: [adminOnly, fresh] };
  const guardPost = { preHandler: [adminOnly, app.csrfProtection, fresh] };
  const send = (reply: FastifyReply, body: Html, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);
  const adminId = (request: FastifyRequest) => staffUser(request)!.id;
  const idOf = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : NaN);

  app.get('/staff/admin', guard, async (_request, reply) =>
    send(reply, adminHomePage({ auditHead: await ctx.moderation.audit.head(), site: ctx.config.publicUrl, mail: await ctx.mailOutbox.counts() })),
  );

  // --- mail outbox -------------------------------------------------------------------------------

  const renderMail = async (reply: FastifyReply, flash: string | null, message: string | null, status = 200) => {
    const [counts, givenUp, retrying] = await Promise.all([ctx.mailOutbox.counts(), ctx.mailOutbox.failedRows('given_up', 50), ctx.mailOutbox.failedRows('retrying', 20)]);
    return send(reply, mailOutboxPage({ counts, givenUp, retrying, csrf: reply.generateCsrf(), flash, message }), status);
  };

  app.get<{ Querystring: { done?: string; n?: string } }>('/staff/admin/mail', guard, async (request, reply) => {
    const q = request.query;
    const flash =
      q.done === 'retried'
        ? 'Queued again: the delivery job tries it within 30 seconds. If it fails again it comes back here with the new error.'
        : q.done === 'retried_all' && /^\d{1,9}$/.test(q.n ?? '')
          ? `${q.n} given-up ${q.n === '1' ? 'mail' : 'mails'} queued again: the delivery job tries them within 30 seconds. Those that fail again come back here with the new error.`
          : null;
    return renderMail(reply, flash, null);
  });

  app.post('/staff/admin/mail/retry-given-up', guardPost, async (request, reply) => {
    const n = await ctx.mailOutbox.retryAllGivenUp(ctx.moderation.audit, `user:${adminId(request)}`);
    if (n === 0) return renderMail(reply, null, 'No mail is given up right now: nothing was queued.', 409);
    return reply.redirect(`/staff/admin/mail?done=retried_all&n=${n}`, 303);
  });

  app.post<IdParams>('/staff/admin/mail/:id/retry', guardPost, async (request, reply) => {
    const id = idOf(request.params.id);
    if (Number.isNaN(id)) return sendError(request, reply, notFound());
    if (await ctx.mailOutbox.retry(id, ctx.moderation.audit, `user:${adminId(request)}`)) return reply.redirect('/staff/admin/mail?done=retried', 303);
    if (!(await ctx.mailOutbox.byId(id))) return sendError(request, reply, notFound());
    return renderMail(reply, null, `Mail ${id} is no longer given up: it was sent, or retried by someone else, in the meantime.`, 409);
  });

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

  // --- screening policy --------------------------------------------------------------------------

  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const MAX_POLICY_BYTES = 200_000;

  const renderPolicy = async (reply: FastifyReply, extra: Partial<PolicyPageInput>, status = 200) => {
    const [{ info }, history] = await Promise.all([ctx.policies.current(), ctx.policies.history()]);
    return send(reply, policyPage({ current: info, history, csrf: reply.generateCsrf(), source: info.yaml, note: '', ...extra }), status);
  };

  app.get<{ Querystring: { done?: string } }>('/staff/admin/policy', guard, async (request, reply) => {
    const { info } = await ctx.policies.current();
    const flash =
      request.query.done === 'saved'
        ? `Saved: version ${info.version} is in force for new and edited ads. Run \`corkboard rescan\` to re-screen the live ads with it.`
        : null;
    return renderPolicy(reply, { flash });
  });

  /** The edited text and note from the form, with per-field errors for what cannot even be read. */
  const policyForm = (request: FastifyRequest) => {
    const values = textFields(request.body);
    const source = (values.source ?? '').replace(/\r\n/g, '\n');
    const note = (values.note ?? '').trim();
    const errors: Record<string, string> = {};
    if (!source.trim()) errors.source = 'Paste or write the policy here.';
    else if (Buffer.byteLength(source) > MAX_POLICY_BYTES) errors.source = `The policy is larger than ${MAX_POLICY_BYTES / 1000} kB.`;
    if (note.length > 500) errors.note = 'Keep the note to 500 characters.';
    return { source, note, previewed: values.previewed ?? '', errors };
  };

  /** Validates and previews; the page shows the loader's problems or the preview. */
  const preview = async (reply: FastifyReply, source: string, note: string, message: string | null) => {
    let edited;
    try {
      edited = parsePolicy(source, 'edited policy');
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      return renderPolicy(reply, { source, note, issues: err.issues }, 400);
    }
    const { policy: current } = await ctx.policies.current();
    const result = await previewPolicy(ctx.database, current, edited, {
      adUrl: (ad) => adPath(ad, ad.city, ad.category),
    });
    return renderPolicy(reply, { source, note, preview: result, previewed: sha(source), message });
  };

  app.post('/staff/admin/policy/preview', guardPost, async (request, reply) => {
    const form = policyForm(request);
    if (Object.keys(form.errors).length > 0) return renderPolicy(reply, { source: form.source, note: form.note, errors: form.errors }, 400);
    return preview(reply, form.source, form.note, null);
  });

  app.post('/staff/admin/policy', guardPost, async (request, reply) => {
    const form = policyForm(request);
    if (Object.keys(form.errors).length > 0) return renderPolicy(reply, { source: form.source, note: form.note, errors: form.errors }, 400);
    // Nothing is saved unseen: a text that was not previewed as it stands gets its preview first.
    if (form.previewed !== sha(form.source)) {
      return preview(reply, form.source, form.note, 'Check what this policy would do before saving it: here is its preview. Press "Save as the new policy" again to store it.');
    }
    try {
      await ctx.policies.save(form.source, form.note || null, adminId(request), ctx.moderation.audit);
    } catch (err) {
      if (err instanceof PolicyError) return renderPolicy(reply, { source: form.source, note: form.note, issues: err.issues }, 400);
      if (err instanceof PolicyVersionTakenError) return renderPolicy(reply, { source: form.source, note: form.note, errors: { source: err.message } }, 409);
      throw err;
    }
    return reply.redirect('/staff/admin/policy?done=saved', 303);
  });

  // --- hash banks --------------------------------------------------------------------------------

  const BANK_FLASH: Record<string, string> = {
    action: 'Action changed.',
    deleted: 'Bank deleted.',
  };

  const renderBanks = async (reply: FastifyReply, flash: string | null, failed: { form: string; values: Record<string, string>; errors: Record<string, string> } | null, status = 200) =>
    send(reply, hashBanksPage({ banks: await ctx.hashBanks.list(), labels: LABELS, csrf: reply.generateCsrf(), flash, failed }), status);

  app.get<{ Querystring: { done?: string; added?: string; present?: string; bank?: string } }>('/staff/admin/hash-banks', guard, async (request, reply) => {
    const q = request.query;
    const flash =
      q.done === 'imported' && /^\d+$/.test(q.added ?? '') && /^\d+$/.test(q.present ?? '')
        ? `Imported into ${q.bank ?? 'the bank'}: ${q.added} hashes added, ${q.present} already present. Run \`corkboard rescan\` to check live ads against it.`
        : (BANK_FLASH[q.done ?? ''] ?? null);
    return renderBanks(reply, flash, null);
  });

  app.post('/staff/admin/hash-banks/import', guardPost, async (request, reply) => {
    const values = textFields(request.body);
    const [file] = uploadsFrom(request.body, 'file');
    const name = (values.name ?? '').trim();
    const errors: Record<string, string> = {};
    if (!file || file.data.length === 0) errors.file = 'Choose a file of hashes to import.';
    if (!/^[\w.:-]{1,80}$/.test(name)) errors.name = 'Enter a bank name of 1 to 80 letters, digits, ".", ":", "_" or "-".';
    if (!(LABELS as readonly string[]).includes(values.label ?? '')) errors.label = `Choose one of ${LABELS.join(', ')}.`;
    if (values.action !== 'review' && values.action !== 'reject') errors.action = 'Choose review or reject.';
    let parsed: ReturnType<typeof parseHashBankFile> | null = null;
    if (Object.keys(errors).length === 0) {
      try {
        parsed = parseHashBankFile(file!.data.toString('utf8'), { name, label: values.label!, action: values.action as HashBankAction });
        if (parsed.entries.length === 0) errors.file = `${file!.filename || 'The file'} has no hashes in it.`;
      } catch (err) {
        if (!(err instanceof HashBankParseError)) throw err;
        errors.file = `${file!.filename || 'The file'}, ${err.message}. Nothing was imported; correct the file and choose it again.`;
      }
    } else if (file && file.data.length > 0) {
      errors.file ??= 'Choose the file again (browsers do not keep a chosen file when a form comes back).';
    }
    if (parsed && Object.keys(errors).length === 0) {
      try {
        const r = await ctx.hashBanks.importBank(parsed, { actorId: adminId(request), audit: ctx.moderation.audit });
        return reply.redirect(`/staff/admin/hash-banks?done=imported&bank=${encodeURIComponent(name)}&added=${r.added}&present=${r.alreadyPresent}`, 303);
      } catch (err) {
        if (!(err instanceof HashBankConflictError)) throw err;
        errors.name = `${err.message}: import into a new bank, or change the action of the existing bank first.`;
      }
    }
    return renderBanks(reply, null, { form: 'import', values: { name: values.name ?? '', label: values.label ?? '', action: values.action ?? '' }, errors }, 400);
  });

  app.post('/staff/admin/hash-banks/action', guardPost, async (request, reply) => {
    const values = textFields(request.body);
    if (values.action !== 'review' && values.action !== 'reject') return renderBanks(reply, null, { form: `action-${values.name}`, values, errors: { form: 'Choose review or reject.' } }, 400);
    const banks = await ctx.hashBanks.list();
    if (!banks.some((b) => b.name === values.name)) return sendError(request, reply, notFound());
    await ctx.hashBanks.setAction(values.name!, values.action, { actorId: adminId(request), audit: ctx.moderation.audit });
    return reply.redirect('/staff/admin/hash-banks?done=action', 303);
  });

  app.post('/staff/admin/hash-banks/delete', guardPost, async (request, reply) => {
    const values = textFields(request.body);
    if (values.confirm !== 'yes') {
      return renderBanks(reply, null, { form: `delete-${values.name}`, values, errors: { confirm: 'Tick the box to confirm: deleting a bank cannot be undone.' } }, 400);
    }
    if (!(await ctx.hashBanks.deleteBank(values.name ?? '', { actorId: adminId(request), audit: ctx.moderation.audit }))) return sendError(request, reply, notFound());
    return reply.redirect('/staff/admin/hash-banks?done=deleted', 303);
  });
}
