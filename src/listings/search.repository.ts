/**
 * Listing and full-text search over published ads, with keyset pagination.
 *
 * Relevance ranking is bounded by design: ranking every match of a common word across a million ads
 * is what makes naive search slow, so we rank the newest RELEVANCE_WINDOW matches (found by walking
 * the recency index) and order those by ts_rank. For a classifieds site, where fresh ads matter most,
 * that is also the better answer.
 */
import type { Database } from '../db/client.ts';
import type { FieldFilter } from '../catalog/field-def.ts';
import { adChanges } from './ad-changes.ts';

export type SearchSort = 'newest' | 'price_asc' | 'price_desc' | 'relevance';

export interface SearchQuery {
  q?: string;
  cityIds?: number[];
  categoryIds?: number[];
  minPrice?: number;
  maxPrice?: number;
  hasPhotos?: boolean;
  withinDays?: number;
  fieldFilters?: FieldFilter[];
  sort: SearchSort;
  cursor?: string;
  limit: number;
}

export interface ListedAd {
  id: number;
  title: string;
  price: number | null;
  currency: string | null;
  cityId: number;
  categoryId: number;
  neighbourhood: string | null;
  bumpedAt: Date;
  thumbKey: string | null;
  photoCount: number;
}

export interface SearchPage {
  items: ListedAd[];
  next: string | null;
  /** Matches counted up to COUNT_CAP; `countCapped` says there are more. */
  count: number;
  countCapped: boolean;
}

/** One more than COUNT_CAP, so a full window also says "more than COUNT_CAP matches". */
export const RELEVANCE_WINDOW = 1001;
export const COUNT_CAP = 1000;
const NO_PRICE_HIGH = 1e15;

export class InvalidCursorError extends Error {}

type Cursor = { k: (string | number)[] } | { o: number };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const NUMBER_TEXT = /^-?\d{1,16}(\.\d{1,6})?$/;

/** Cursors come back from clients, so every value is checked before it reaches SQL. */
function decodeCursor(s: string, sort: SearchSort): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    c = null;
  }
  const obj = (c ?? {}) as { o?: unknown; k?: unknown };
  if (sort === 'relevance') {
    if (typeof obj.o === 'number' && Number.isInteger(obj.o) && obj.o >= 0 && obj.o <= RELEVANCE_WINDOW) return { o: obj.o };
  } else if (Array.isArray(obj.k) && obj.k.length === 2) {
    const [key, id] = obj.k as unknown[];
    const keyOk = typeof key === 'string' && (sort === 'newest' ? TIMESTAMP_TEXT : NUMBER_TEXT).test(key);
    if (keyOk && typeof id === 'number' && Number.isSafeInteger(id) && id > 0) return { k: [key as string, id] };
  }
  throw new InvalidCursorError('The page cursor is not valid for this search; start again from the first page.');
}

// The recency indexes are DESC NULLS LAST (Drizzle's .desc()); ORDER BY must say the same to use them.
const NULLS = { asc: '', desc: ' nulls last' } as const;

const COLUMNS = `id, title, price, currency, city_id, category_id, neighbourhood, bumped_at, thumb_key, photo_count`;

export class SearchRepository {
  constructor(private database: Database) {}

  async search(query: SearchQuery): Promise<SearchPage> {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where: string[] = [`state = 'published'`];
    const q = query.q?.trim();
    let tsq: string | null = null;
    const oneCity = query.cityIds?.length === 1 ? query.cityIds[0] : undefined;
    const oneCategory = query.categoryIds?.length === 1 ? query.categoryIds[0] : undefined;
    if (q) {
      tsq = `websearch_to_tsquery('english', ${p(q)})`;
      // A single city or category goes into the text query as its lexeme, so the GIN index
      // intersects "common word AND this city" itself instead of scanning every match of the word.
      const scope = [oneCity !== undefined ? `city_${oneCity}` : null, oneCategory !== undefined ? `cat_${oneCategory}` : null].filter(Boolean);
      where.push(scope.length > 0 ? `search @@ (${tsq} && ${p(scope.join(' & '))}::tsquery)` : `search @@ ${tsq}`);
    }
    // With words, a single city or category is already in the text query; repeating it as a column
    // predicate only tempts the planner into a slower bitmap AND with the btree index.
    if (query.cityIds && !(q && oneCity !== undefined)) where.push(oneCity !== undefined ? `city_id = ${p(oneCity)}` : `city_id = any(${p(query.cityIds)}::int[])`);
    if (query.categoryIds && !(q && oneCategory !== undefined)) where.push(oneCategory !== undefined ? `category_id = ${p(oneCategory)}` : `category_id = any(${p(query.categoryIds)}::int[])`);
    if (query.minPrice !== undefined) where.push(`price >= ${p(query.minPrice)}`);
    if (query.maxPrice !== undefined) where.push(`price <= ${p(query.maxPrice)}`);
    if (query.hasPhotos) where.push(`photo_count > 0`);
    if (query.withinDays) where.push(`bumped_at > now() - make_interval(days => ${p(query.withinDays)})`);
    for (const f of query.fieldFilters ?? []) {
      if (f.kind === 'range') {
        const expr = `(fields->>${p(f.key)})::numeric`;
        if (f.min !== undefined) where.push(`${expr} >= ${p(f.min)}`);
        if (f.max !== undefined) where.push(`${expr} <= ${p(f.max)}`);
      } else {
        where.push(`fields @> ${p(JSON.stringify({ [f.key]: f.value }))}::jsonb`);
      }
    }
    const filter = where.join(' and ');
    const countSql = `select count(*)::int as n from (select 1 from ads where ${filter} limit ${COUNT_CAP + 1}) s`;
    const countParams = [...params];

    const sort = query.sort === 'relevance' && !tsq ? 'newest' : query.sort;
    const cursor = query.cursor ? decodeCursor(query.cursor, sort) : undefined;
    const limit = query.limit;
    let listSql: string;
    if (sort === 'relevance') {
      const offset = cursor && 'o' in cursor ? cursor.o : 0;
      listSql = `with candidates as (
          select ${COLUMNS}, search from ads where ${filter}
          order by bumped_at desc nulls last, id desc nulls last limit ${RELEVANCE_WINDOW}
        )
        select ${COLUMNS}, ts_rank_cd(search, ${tsq}) as rank, count(*) over () as total from candidates
        order by rank desc, bumped_at desc, id desc offset ${p(offset)} limit ${p(limit + 1)}`;
    } else {
      const { key, dir } = sortKey(sort);
      const cmp = dir === 'desc' ? '<' : '>';
      const keyset = cursor && 'k' in cursor ? [`(${key}, id) ${cmp} (${p(cursor.k[0])}, ${p(cursor.k[1])})`] : [];
      // The key travels as text so the cursor keeps PostgreSQL's microseconds exactly.
      listSql = `select ${COLUMNS}, (${key})::text as sort_key from ads where ${[filter, ...keyset].join(' and ')}
        order by ${key} ${dir}${NULLS[dir]}, id ${dir}${NULLS[dir]} limit ${p(limit + 1)}`;
    }
    // Relevance counts its candidate window in the same query; the other orders need a count of their own.
    const [rows, countRows] = await Promise.all([
      this.database.query<Record<string, unknown>>(listSql, params),
      sort === 'relevance' ? Promise.resolve(null) : this.database.query<{ n: number }>(countSql, countParams),
    ]);
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    let next: string | null = null;
    if (more) {
      const last = page[page.length - 1]!;
      if (sort === 'relevance') next = encodeCursor({ o: ((cursor && 'o' in cursor ? cursor.o : 0) as number) + limit });
      else next = encodeCursor({ k: [String(last.sort_key), Number(last.id)] });
    }
    const n = countRows ? Number(countRows[0]?.n ?? 0) : rows.length > 0 ? Number(rows[0]!.total) : await this.countWhenPastWindow(countSql, countParams);
    return { items: page.map(toListedAd), next, count: Math.min(n, COUNT_CAP), countCapped: n > COUNT_CAP };
  }

  /** A relevance page past the end of the window has no rows to read the total from. */
  private async countWhenPastWindow(countSql: string, params: unknown[]): Promise<number> {
    const rows = await this.database.query<{ n: number }>(countSql, params);
    return Number(rows[0]?.n ?? 0);
  }
}

function sortKey(sort: Exclude<SearchSort, 'relevance'>): { key: string; dir: 'asc' | 'desc' } {
  switch (sort) {
    case 'price_asc':
      return { key: `coalesce(price, ${NO_PRICE_HIGH})`, dir: 'asc' };
    case 'price_desc':
      return { key: `coalesce(price, -1)`, dir: 'desc' };
    default:
      return { key: 'bumped_at', dir: 'desc' };
  }
}

/** A listing row from raw SQL (snake_case columns) as the app uses it. */
export function toListedAd(r: Record<string, unknown>): ListedAd {
  return {
    id: Number(r.id),
    title: String(r.title),
    price: r.price === null ? null : Number(r.price),
    currency: (r.currency as string | null) ?? null,
    cityId: Number(r.city_id),
    categoryId: Number(r.category_id),
    neighbourhood: (r.neighbourhood as string | null) ?? null,
    bumpedAt: r.bumped_at instanceof Date ? r.bumped_at : new Date(String(r.bumped_at)),
    thumbKey: (r.thumb_key as string | null) ?? null,
    photoCount: Number(r.photo_count),
  };
}

/**
 * Live ad counts per category in one city, kept briefly: the city page shows them on every view.
 * An ad changing in the city on this node drops its counts at once (ad-changes.ts).
 */
export class CategoryCounts {
  private cache = new Map<number, { at: number; epoch: number; counts: Map<number, number> }>();

  constructor(
    private database: Database,
    private ttlMs = 30_000,
  ) {}

  async forCity(cityId: number): Promise<Map<number, number>> {
    const epoch = adChanges.epochFor(cityId);
    const hit = this.cache.get(cityId);
    if (hit && hit.epoch === epoch && performance.now() - hit.at < this.ttlMs) return hit.counts;
    const rows = await this.database.query<{ category_id: number; n: number }>(
      `select category_id, count(*)::int as n from ads where state = 'published' and city_id = $1 group by category_id`,
      [cityId],
    );
    const counts = new Map(rows.map((r) => [Number(r.category_id), Number(r.n)]));
    this.cache.set(cityId, { at: performance.now(), epoch, counts });
    if (this.cache.size > 5000) this.cache.clear();
    return counts;
  }
}
