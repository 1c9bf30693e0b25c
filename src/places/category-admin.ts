/**
 * Admins' edits of the category tree: rename, expiry days, add a subcategory, reorder, archive and
 * unarchive. Each change and its audit entry commit together; then this node reloads its `Places`
 * (other nodes notice within PLACES_REFRESH_MS, 15 s, see src/cli/serve.ts).
 */
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.ts';
import { slugify } from '../catalog/slug.ts';
import type { Database, Db } from '../db/client.ts';
import { AppError, validationError } from '../platform/errors.ts';
import { CategoryRepository, type CategoryRow } from './category.repository.ts';

export const EXPIRY_DAYS_MIN = 1;
export const EXPIRY_DAYS_MAX = 365;

const expiryDays = z.coerce
  .number({ error: `Enter a number of days from ${EXPIRY_DAYS_MIN} to ${EXPIRY_DAYS_MAX}.` })
  .int(`Enter a whole number of days from ${EXPIRY_DAYS_MIN} to ${EXPIRY_DAYS_MAX}.`)
  .min(EXPIRY_DAYS_MIN, `Enter a number of days from ${EXPIRY_DAYS_MIN} to ${EXPIRY_DAYS_MAX}.`)
  .max(EXPIRY_DAYS_MAX, `Enter a number of days from ${EXPIRY_DAYS_MIN} to ${EXPIRY_DAYS_MAX}.`);
const name = z.string({ error: 'Enter a name.' }).trim().min(2, 'Enter a name of at least 2 characters.').max(60, 'Keep the name to 60 characters.');

export const CategoryEditSchema = z.object({ name, expiry_days: expiryDays });
export const SubcategorySchema = z.object({
  name,
  slug: z
    .string()
    .trim()
    .max(60, 'Keep the address part to 60 characters.')
    .regex(/^([a-z0-9]+(-[a-z0-9]+)*)?$/, 'Use lower-case letters, digits and single hyphens, such as "garden-tools".')
    .optional(),
  expiry_days: expiryDays,
});

function parse<T extends z.ZodType>(schema: T, raw: Record<string, unknown>): z.infer<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) fields[String(issue.path[0] ?? 'form')] ??= issue.message;
  throw validationError(fields);
}

export class CategoryAdmin {
  constructor(
    private deps: {
      database: Database;
      audit: AuditLog;
      /** Re-reads places on this node after a change. */
      reload: () => Promise<void>;
    },
  ) {}

  private async change<T>(actorId: number, action: string, categoryId: number, work: (repo: CategoryRepository) => Promise<{ result: T; details: Record<string, unknown> } | null>): Promise<T | null> {
    const done = await this.deps.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const outcome = await work(new CategoryRepository(tx));
      if (!outcome) return null;
      await this.deps.audit.append({ actor: `user:${actorId}`, action, subjectType: 'category', subjectId: categoryId, details: outcome.details }, tx);
      return outcome;
    });
    if (done) await this.deps.reload();
    return done?.result ?? null;
  }

  private static async existing(repo: CategoryRepository, id: number): Promise<CategoryRow> {
    const row = Number.isSafeInteger(id) ? await repo.lock(id) : undefined;
    if (!row) throw new AppError('not_found', 'There is no such category.');
    return row;
  }

  /** Renames and/or sets the expiry days; records what changed (nothing changed: no entry). */
  async edit(actorId: number, id: number, raw: Record<string, unknown>): Promise<void> {
    const input = parse(CategoryEditSchema, raw);
    await this.change(actorId, 'category.edit', id, async (repo) => {
      const row = await CategoryAdmin.existing(repo, id);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (row.name !== input.name) changes.name = { from: row.name, to: input.name };
      if (row.expiryDays !== input.expiry_days) changes.expiryDays = { from: row.expiryDays, to: input.expiry_days };
      if (Object.keys(changes).length === 0) return null;
      await repo.update(id, { name: input.name, expiryDays: input.expiry_days });
      return { result: undefined, details: { slug: row.slug, changes } };
    });
  }

  /** Adds a subcategory, last among its siblings. Subcategories sit under a top-level category (two levels). */
  async addSubcategory(actorId: number, parentId: number, raw: Record<string, unknown>): Promise<CategoryRow> {
    const input = parse(SubcategorySchema, raw);
    const slug = input.slug || slugify(input.name);
    const created = await this.deps.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const repo = new CategoryRepository(tx);
      const parent = await CategoryAdmin.existing(repo, parentId);
      if (parent.parentId !== null) throw validationError({ parent: 'Add subcategories to a top-level category.' });
      if (slug.length < 2) throw validationError({ slug: 'Enter an address part of at least 2 letters or digits.' });
      if (await repo.bySlug(slug)) throw validationError({ slug: `The address part "${slug}" is taken by another category; choose another.` });
      const row = await repo.insert({ slug, name: input.name, parentId, position: await repo.nextPosition(parentId), expiryDays: input.expiry_days });
      await this.deps.audit.append(
        { actor: `user:${actorId}`, action: 'category.add', subjectType: 'category', subjectId: row.id, details: { slug, name: input.name, parent: parent.slug, expiryDays: input.expiry_days } },
        tx,
      );
      return row;
    });
    await this.deps.reload();
    return created;
  }

  /** Swaps the category with its neighbour among its siblings (`up` = earlier in menus). */
  async move(actorId: number, id: number, direction: 'up' | 'down'): Promise<void> {
    await this.change(actorId, 'category.move', id, async (repo) => {
      const row = await CategoryAdmin.existing(repo, id);
      const siblings = (await repo.all()).filter((c) => c.parentId === row.parentId).sort((a, b) => a.position - b.position || a.id - b.id);
      const at = siblings.findIndex((c) => c.id === id);
      const to = direction === 'up' ? at - 1 : at + 1;
      const other = siblings[to];
      if (!other) return null;
      // Renumber the siblings 0..n-1 in the new order, so equal or gapped positions cannot stall a move.
      siblings[to] = siblings[at]!;
      siblings[at] = other;
      for (const [position, c] of siblings.entries()) if (c.position !== position) await repo.update(c.id, { position });
      return { result: undefined, details: { slug: row.slug, direction, order: siblings.map((c) => c.slug) } };
    });
  }

  async setArchived(actorId: number, id: number, archived: boolean, now: Date): Promise<void> {
    await this.change(actorId, archived ? 'category.archive' : 'category.unarchive', id, async (repo) => {
      const row = await CategoryAdmin.existing(repo, id);
      if (!!row.archivedAt === archived) return null;
      await repo.update(id, { archivedAt: archived ? now : null });
      return { result: undefined, details: { slug: row.slug } };
    });
  }
}
