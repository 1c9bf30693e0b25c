/** All SQL for editing the category tree (the admin pages); reading it for the site is places.ts. */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';
import { categories } from '../db/schema.ts';

export type CategoryRow = typeof categories.$inferSelect;

export class CategoryRepository {
  constructor(private db: Db) {}

  async all(): Promise<CategoryRow[]> {
    return this.db.select().from(categories);
  }

  async lock(id: number): Promise<CategoryRow | undefined> {
    const [row] = await this.db.select().from(categories).where(eq(categories.id, id)).for('update');
    return row;
  }

  async bySlug(slug: string): Promise<CategoryRow | undefined> {
    const [row] = await this.db.select().from(categories).where(eq(categories.slug, slug));
    return row;
  }

  async update(id: number, set: Partial<Pick<CategoryRow, 'name' | 'expiryDays' | 'position' | 'archivedAt'>>): Promise<void> {
    await this.db.update(categories).set(set).where(eq(categories.id, id));
  }

  async insert(values: { slug: string; name: string; parentId: number; position: number; expiryDays: number }): Promise<CategoryRow> {
    const [row] = await this.db.insert(categories).values(values).returning();
    return row!;
  }

  /** The next free position among a parent's children (new subcategories go last). */
  async nextPosition(parentId: number): Promise<number> {
    const [row] = await this.db
      .select({ next: sql<number>`coalesce(max(${categories.position}), -1)::int + 1` })
      .from(categories)
      .where(and(eq(categories.parentId, parentId)));
    return Number(row?.next ?? 0);
  }

  /** Ads per category: live (published) and all that still exist (not deleted). One scan of `ads`. */
  async adCounts(): Promise<Map<number, { live: number; total: number }>> {
    const rows = await this.db.execute<{ category_id: number; live: number; total: number }>(
      sql`select category_id, count(*) filter (where state = 'published')::int as live, count(*) filter (where state <> 'deleted')::int as total from ads group by category_id`,
    );
    return new Map(rowsOf<{ category_id: number; live: number; total: number }>(rows).map((r) => [Number(r.category_id), { live: Number(r.live), total: Number(r.total) }]));
  }

  /** A cheap string that changes whenever any category changes: other nodes reload their places when it does. */
  async fingerprint(): Promise<string> {
    const rows = await this.db.execute<{ fp: string | null }>(
      sql`select md5(string_agg(concat_ws('|', id, slug, name, parent_id, position, expiry_days, archived_at), ',' order by id)) as fp from categories`,
    );
    return rowsOf<{ fp: string | null }>(rows)[0]?.fp ?? '';
  }

  async topLevelIds(): Promise<number[]> {
    const rows = await this.db.select({ id: categories.id }).from(categories).where(isNull(categories.parentId));
    return rows.map((r) => r.id);
  }
}
