/**
 * Writes the gazetteer and the category tree into the database. Idempotent: rows are upserted by
 * their natural keys, so re-running after a data update changes names without breaking ids.
 */
import { sql } from 'drizzle-orm';
import { CATEGORIES } from '../catalog/categories.ts';
import { loadCities } from '../catalog/cities.ts';
import type { Db } from '../db/client.ts';
import { categories, cities, countries, regions } from '../db/schema.ts';

const BATCH = 500;

export async function seedPlaces(db: Db): Promise<{ countries: number; regions: number; cities: number; categories: number }> {
  const records = loadCities();
  const countryRows = new Map<string, typeof countries.$inferInsert>();
  const regionKeys = new Map<string, typeof regions.$inferInsert>();
  for (const c of records) {
    countryRows.set(c.countryCode, { code: c.countryCode, name: c.countryName, slug: c.countrySlug, currency: c.currency });
    regionKeys.set(`${c.countryCode}/${c.regionSlug}`, { countryCode: c.countryCode, code: c.regionCode, name: c.regionName, slug: c.regionSlug });
  }
  await db
    .insert(countries)
    .values([...countryRows.values()])
    .onConflictDoUpdate({ target: countries.code, set: { name: sql`excluded.name`, slug: sql`excluded.slug`, currency: sql`excluded.currency` } });
  const regionValues = [...regionKeys.values()];
  for (let i = 0; i < regionValues.length; i += BATCH) {
    await db
      .insert(regions)
      .values(regionValues.slice(i, i + BATCH))
      .onConflictDoUpdate({ target: [regions.countryCode, regions.slug], set: { name: sql`excluded.name`, code: sql`excluded.code` } });
  }
  const regionIds = new Map((await db.select().from(regions)).map((r) => [`${r.countryCode}/${r.slug}`, r.id]));
  const cityValues = records.map((c) => ({
    id: c.geonameId,
    slug: c.slug,
    name: c.name,
    regionId: regionIds.get(`${c.countryCode}/${c.regionSlug}`)!,
    countryCode: c.countryCode,
    population: c.population,
    lat: c.lat,
    lon: c.lon,
    currency: c.currency,
  }));
  for (let i = 0; i < cityValues.length; i += BATCH) {
    await db
      .insert(cities)
      .values(cityValues.slice(i, i + BATCH))
      .onConflictDoUpdate({
        target: cities.id,
        set: { slug: sql`excluded.slug`, name: sql`excluded.name`, regionId: sql`excluded.region_id`, population: sql`excluded.population`, currency: sql`excluded.currency` },
      });
  }
  // Parents first, so children can point at their ids.
  const ordered = [...CATEGORIES].sort((a, b) => Number(a.parent !== null) - Number(b.parent !== null));
  const ids = new Map<string, number>();
  for (const [position, c] of ordered.entries()) {
    const [row] = await db
      .insert(categories)
      .values({ slug: c.slug, name: c.name, parentId: c.parent ? ids.get(c.parent)! : null, position, expiryDays: c.expiryDays })
      .onConflictDoUpdate({
        target: categories.slug,
        set: { name: sql`excluded.name`, parentId: sql`excluded.parent_id`, position: sql`excluded.position`, expiryDays: sql`excluded.expiry_days` },
      })
      .returning({ id: categories.id });
    ids.set(c.slug, row!.id);
  }
  return { countries: countryRows.size, regions: regionValues.length, cities: cityValues.length, categories: ordered.length };
}
