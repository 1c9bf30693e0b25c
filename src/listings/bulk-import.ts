/**
 * Loads many published ads at once (demo content, benchmark data sets) through COPY, on PGlite and
 * on a PostgreSQL server alike. For large loads the ads indexes are dropped first and rebuilt after,
 * which is several times faster than maintaining a GIN index row by row.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../db/client.ts';

export interface BulkAd {
  id: number;
  email: string;
  cityId: number;
  categoryId: number;
  neighbourhood: string | null;
  title: string;
  body: string;
  price: number | null;
  currency: string | null;
  fields: Record<string, unknown>;
  contactMode: 'relay' | 'phone';
  phone: string | null;
  photoCount: number;
  thumbKey: string | null;
  linkNonce: string;
  itemFingerprint: string;
  postedAt: Date;
  expiresAt: Date;
}

export interface BulkPhoto {
  adId: number;
  position: number;
  storageKey: string;
  width: number;
  height: number;
  sha256: string;
}

const AD_COLUMNS =
  'id, state, email, city_id, category_id, neighbourhood, title, body, price, currency, fields, contact_mode, phone, photo_count, thumb_key, link_nonce, item_fingerprint, created_at, updated_at, confirmed_at, published_at, bumped_at, expires_at, reminder_sent_at';
const PHOTO_COLUMNS = 'ad_id, position, storage_key, width, height, sha256';

/** PostgreSQL COPY text format: tab-separated, \N for null, backslash escapes. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function adLine(a: BulkAd): string {
  const t = a.postedAt;
  // Bulk-loaded ads (demo and benchmark data) count as already reminded: their addresses are not real.
  return [a.id, 'published', a.email, a.cityId, a.categoryId, a.neighbourhood, a.title, a.body, a.price, a.currency, a.fields, a.contactMode, a.phone, a.photoCount, a.thumbKey, a.linkNonce, a.itemFingerprint, t, t, t, t, t, a.expiresAt, t]
    .map(copyValue)
    .join('\t');
}

function photoLine(p: BulkPhoto): string {
  return [p.adId, p.position, p.storageKey, p.width, p.height, p.sha256].map(copyValue).join('\t');
}

export async function nextAdId(database: Database): Promise<number> {
  const [row] = await database.query<{ n: number }>('select coalesce(max(id), 0)::bigint as n from ads');
  return Number(row?.n ?? 0) + 1;
}

export class BulkAdWriter {
  private droppedIndexes: string[] = [];

  constructor(private database: Database) {}

  /** Drops the secondary indexes of ads; `finish` recreates them exactly as they were. */
  async dropIndexes(): Promise<void> {
    const rows = await this.database.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where tablename = 'ads' and indexname <> 'ads_pkey'`,
    );
    for (const r of rows) await this.database.query(`drop index if exists "${r.indexname}"`);
    this.droppedIndexes = rows.map((r) => r.indexdef);
  }

  async writeAds(ads: BulkAd[], photos: BulkPhoto[]): Promise<void> {
    if (ads.length > 0) await this.copy('ads', AD_COLUMNS, ads.map(adLine));
    if (photos.length > 0) await this.copy('ad_photos', PHOTO_COLUMNS, photos.map(photoLine));
  }

  async finish(): Promise<void> {
    if (this.database.kind === 'postgres') await this.database.query(`set maintenance_work_mem = '512MB'`);
    for (const def of this.droppedIndexes) await this.database.query(def);
    this.droppedIndexes = [];
    await this.database.query(`select setval(pg_get_serial_sequence('ads', 'id'), (select coalesce(max(id), 1) from ads))`);
    // VACUUM as well as ANALYZE: it sets the visibility map, so counts and listings can use
    // index-only scans at once instead of waiting for autovacuum (which may be off).
    await this.database.query('vacuum (analyze) ads');
    await this.database.query('vacuum (analyze) ad_photos');
  }

  private async copy(table: string, columns: string, lines: string[]): Promise<void> {
    const text = lines.join('\n') + '\n';
    const sql = `copy ${table} (${columns}) from stdin`;
    if (this.database.pool) {
      const client = await this.database.pool.connect();
      try {
        await pipeline(Readable.from([text]), client.query(copyFrom(sql)));
      } finally {
        client.release();
      }
      return;
    }
    // PGlite reads COPY input from a blob mounted at /dev/blob.
    const pglite = this.database.raw as PGlite;
    await pglite.query(`copy ${table} (${columns}) from '/dev/blob'`, [], { blob: new Blob([text]) });
  }
}
