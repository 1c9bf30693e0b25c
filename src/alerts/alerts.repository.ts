/** All SQL for saved searches, alert jobs and sent alerts. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { savedSearches, type AlertFrequency } from '../db/schema.ts';
import type { AlertFilters, MatchableAd, MatchableSearch } from './saved-search.ts';
import type { ListedAd } from '../listings/search.repository.ts';

export type SavedSearchRow = typeof savedSearches.$inferSelect;
export type NewSavedSearchRow = typeof savedSearches.$inferInsert;

export interface AlertJob {
  id: number;
  kind: 'match' | 'deliver';
  frequency: AlertFrequency;
  savedSearchId: number | null;
  windowStart: Date | null;
  windowEnd: Date | null;
  adIds: number[];
  attempts: number;
}

export interface Delivery {
  savedSearchId: number;
  frequency: AlertFrequency;
  adIds: number[];
}

/** One delivery job to complete: the ads it held when claimed, and those its mail listed. */
export interface DeliveryDone {
  jobId: number;
  savedSearchId: number;
  handled: number[];
  sent: number[];
}

/** What an alert mail shows of an ad: the listing row without its photo fields. */
export type AlertAd = Omit<ListedAd, 'thumbKey' | 'photoCount'>;

type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** One transaction of plain SQL on either backend. */
export async function inTransaction<T>(database: Database, fn: (q: Sql) => Promise<T>): Promise<T> {
  if (database.pool) {
    const client = await database.pool.connect();
    try {
      await client.query('begin');
      const result = await fn(async <R,>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as R[]);
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  if (!database.raw) throw new Error('database has neither a pool nor a PGlite instance');
  return database.raw.transaction(async (tx) => fn(async <R,>(text: string, params: unknown[] = []) => (await tx.query<R>(text, params)).rows));
}

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);

function toJob(r: Record<string, unknown>): AlertJob {
  return {
    id: Number(r.id),
    kind: r.kind as AlertJob['kind'],
    frequency: r.frequency as AlertFrequency,
    savedSearchId: r.saved_search_id === null ? null : Number(r.saved_search_id),
    windowStart: r.window_start === null ? null : date(r.window_start),
    windowEnd: r.window_end === null ? null : date(r.window_end),
    adIds: numbers(r.ad_ids),
    attempts: Number(r.attempts),
  };
}

export class AlertsRepository {
  constructor(private database: Database) {}

  // --- saved searches -------------------------------------------------------------------------

  async insert(row: NewSavedSearchRow): Promise<SavedSearchRow> {
    const [saved] = await this.database.db.insert(savedSearches).values(row).returning();
    return saved!;
  }

  async findById(id: number): Promise<SavedSearchRow | undefined> {
    if (!Number.isSafeInteger(id) || id <= 0) return undefined;
    const [row] = await this.database.db.select().from(savedSearches).where(eq(savedSearches.id, id));
    return row;
  }

  /** The saved searches with these ids (any order; deleted ones are simply absent). */
  async findByIds(ids: number[]): Promise<SavedSearchRow[]> {
    if (ids.length === 0) return [];
    return this.database.db.select().from(savedSearches).where(inArray(savedSearches.id, ids));
  }

  async findSame(email: string, params: Record<string, string>): Promise<SavedSearchRow | undefined> {
    const [row] = await this.database.db
      .select()
      .from(savedSearches)
      .where(and(eq(savedSearches.email, email), sql`${savedSearches.params} = ${JSON.stringify(params)}::jsonb`));
    return row;
  }

  async listByEmail(email: string): Promise<SavedSearchRow[]> {
    return this.database.db.select().from(savedSearches).where(eq(savedSearches.email, email)).orderBy(asc(savedSearches.id));
  }

  async countByEmail(email: string): Promise<number> {
    const rows = await this.database.query<{ n: number }>(`select count(*)::int as n from saved_searches where email = $1`, [email]);
    return Number(rows[0]?.n ?? 0);
  }

  async update(id: number, patch: Partial<NewSavedSearchRow>): Promise<void> {
    await this.database.db.update(savedSearches).set(patch).where(eq(savedSearches.id, id));
  }

  /** Deletes the search; its pending jobs and sent-alert history go with it (ON DELETE CASCADE). */
  async delete(id: number): Promise<boolean> {
    const rows = await this.database.db.delete(savedSearches).where(eq(savedSearches.id, id)).returning({ id: savedSearches.id });
    return rows.length > 0;
  }

  /** Unconfirmed subscriptions older than the cutoff: nobody opened the mail. */
  async purgeUnconfirmed(before: Date): Promise<number> {
    const rows = await this.database.query(`delete from saved_searches where confirmed_at is null and created_at < $1 returning id`, [before]);
    return rows.length;
  }

  // --- matching -------------------------------------------------------------------------------

  /** Published ads bumped inside the window (both ends included: windows overlap, sent_alerts de-duplicates). */
  async adsBumpedBetween(from: Date, to: Date): Promise<MatchableAd[]> {
    const rows = await this.database.query<Record<string, unknown>>(
      `select id, city_id, category_id, price, photo_count, fields, bumped_at from ads
       where state = 'published' and bumped_at >= $1 and bumped_at <= $2`,
      [from, to],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      cityId: Number(r.city_id),
      categoryId: Number(r.category_id),
      price: r.price === null ? null : Number(r.price),
      photoCount: Number(r.photo_count),
      fields: (r.fields ?? {}) as MatchableAd['fields'],
      bumpedAt: date(r.bumped_at),
    }));
  }

  /** Confirmed searches of one frequency that could match an ad in these cities (GIN on city_ids, plus the everywhere ones). */
  async confirmedSearchesFor(frequency: AlertFrequency, cityIds: number[]): Promise<MatchableSearch[]> {
    const rows = await this.database.query<Record<string, unknown>>(
      `select id, city_ids, category_ids, filters, created_at from saved_searches
       where confirmed_at is not null and frequency = $1 and city_ids && $2::int[]
       union all
       select id, city_ids, category_ids, filters, created_at from saved_searches
       where confirmed_at is not null and frequency = $1 and city_ids is null`,
      [frequency, cityIds],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      cityIds: r.city_ids === null ? null : numbers(r.city_ids),
      categoryIds: r.category_ids === null ? null : numbers(r.category_ids),
      filters: (r.filters ?? {}) as AlertFilters,
      createdAt: date(r.created_at),
    }));
  }

  /**
   * For each distinct words string, which of these ads match it by the search page's own test: the
   * ad's stored tsvector against websearch_to_tsquery('english', q). Each query is parsed once; one
   * round trip per chunk of words, whatever the number of searches sharing them.
   */
  async wordHits(qs: string[], adIds: number[]): Promise<Map<string, Set<number>>> {
    const out = new Map<string, Set<number>>(qs.map((q) => [q, new Set<number>()]));
    if (qs.length === 0 || adIds.length === 0) return out;
    const CHUNK = 500;
    for (let i = 0; i < qs.length; i += CHUNK) {
      const rows = await this.database.query<{ q: string; a: number }>(
        `with v as materialized (select q, websearch_to_tsquery('english', q) as tq from unnest($1::text[]) as q)
         select v.q, ads.id as a from v join ads on ads.search @@ v.tq where ads.id = any($2::bigint[])`,
        [qs.slice(i, i + CHUNK), adIds],
      );
      for (const r of rows) out.get(r.q)?.add(Number(r.a));
    }
    return out;
  }

  /** Which of these pairs were sent already. */
  async alreadySent(pairs: { searchId: number; adId: number }[]): Promise<Set<string>> {
    const out = new Set<string>();
    const CHUNK = 20_000;
    for (let i = 0; i < pairs.length; i += CHUNK) {
      const chunk = pairs.slice(i, i + CHUNK);
      const rows = await this.database.query<{ s: number; a: number }>(
        `select v.s, v.a from unnest($1::bigint[], $2::bigint[]) as v(s, a)
         join sent_alerts sa on sa.saved_search_id = v.s and sa.ad_id = v.a`,
        [chunk.map((p) => p.searchId), chunk.map((p) => p.adId)],
      );
      for (const r of rows) out.add(`${Number(r.s)}:${Number(r.a)}`);
    }
    return out;
  }

  async adsForMail(ids: number[]): Promise<AlertAd[]> {
    if (ids.length === 0) return [];
    const rows = await this.database.query<Record<string, unknown>>(
      `select id, title, price, currency, city_id, category_id, neighbourhood, bumped_at from ads
       where id = any($1::bigint[]) and state = 'published' order by bumped_at desc, id desc`,
      [ids],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      title: String(r.title),
      price: r.price === null ? null : Number(r.price),
      currency: (r.currency as string | null) ?? null,
      cityId: Number(r.city_id),
      categoryId: Number(r.category_id),
      neighbourhood: (r.neighbourhood as string | null) ?? null,
      bumpedAt: date(r.bumped_at),
    }));
  }

  // --- jobs -----------------------------------------------------------------------------------

  async lastWindowEnd(frequency: AlertFrequency): Promise<Date | null> {
    const rows = await this.database.query<{ e: unknown }>(`select max(window_end) as e from alert_jobs where kind = 'match' and frequency = $1`, [frequency]);
    const e = rows[0]?.e;
    return e === null || e === undefined ? null : date(e);
  }

  /** A match job for the window; a second node computing the same window start is a no-op. */
  async enqueueMatch(frequency: AlertFrequency, start: Date, end: Date, now: Date): Promise<boolean> {
    const rows = await this.database.query(
      `insert into alert_jobs (kind, frequency, window_start, window_end, run_after, created_at)
       values ('match', $1, $2, $3, $4, $4)
       on conflict (frequency, window_start) where kind = 'match' do nothing returning id`,
      [frequency, start, end, now],
    );
    return rows.length > 0;
  }

  /**
   * Claims up to `limit` runnable jobs: FOR UPDATE SKIP LOCKED so concurrent workers never take the
   * same job, and a lease so a job whose worker died becomes runnable again when the lease ends.
   */
  async claim(kind: AlertJob['kind'], now: Date, leaseUntil: Date, limit: number): Promise<AlertJob[]> {
    const rows = await this.database.query<Record<string, unknown>>(
      `update alert_jobs set lease_until = $3, attempts = attempts + 1
       where id in (
         select id from alert_jobs
         where state = 'pending' and kind = $1 and run_after <= $2 and (lease_until is null or lease_until < $2)
         order by run_after, id limit $4 for update skip locked)
       returning id, kind, frequency, saved_search_id, window_start, window_end, ad_ids, attempts`,
      [kind, now, leaseUntil, limit],
    );
    return rows.map(toJob).sort((a, b) => a.id - b.id);
  }

  /** Gives a failed job back, to be retried after `retryAt`. */
  async release(id: number, error: string, retryAt: Date): Promise<void> {
    await this.database.query(`update alert_jobs set lease_until = null, run_after = $2, last_error = $3 where id = $1`, [id, retryAt, error.slice(0, 500)]);
  }

  /**
   * Completes a match job and queues what it found, in one transaction: each search gets at most one
   * pending delivery, and new ads merge into it (ids kept unique).
   */
  async completeMatch(jobId: number, deliveries: Delivery[], now: Date): Promise<void> {
    await inTransaction(this.database, async (q) => {
      const CHUNK = 5000;
      for (let i = 0; i < deliveries.length; i += CHUNK) {
        const chunk = deliveries.slice(i, i + CHUNK);
        await q(
          `insert into alert_jobs (kind, frequency, saved_search_id, ad_ids, run_after, created_at)
           select 'deliver', e->>'f', (e->>'s')::bigint, array(select jsonb_array_elements_text(e->'a')::bigint), $2, $2
           from jsonb_array_elements($1::jsonb) e
           where exists (select 1 from saved_searches s where s.id = (e->>'s')::bigint)
           on conflict (saved_search_id) where kind = 'deliver' and state = 'pending'
           do update set ad_ids = array(select distinct x from unnest(alert_jobs.ad_ids || excluded.ad_ids) x order by x)`,
          [JSON.stringify(chunk.map((d) => ({ s: d.savedSearchId, f: d.frequency, a: d.adIds }))), now],
        );
      }
      await q(`update alert_jobs set state = 'done', done_at = $2, lease_until = null where id = $1`, [jobId, now]);
    });
  }

  /**
   * Completes (part of) a group of deliveries in one transaction: records each job's ads as sent to
   * its search (the primary key makes "at most once per search, ever" a database fact) and takes the
   * handled ads off each job; a job is done unless a match merged more ads into it meanwhile.
   * Multi-row statements over unnest arrays: two statements per group, whatever its size.
   */
  async completeDeliveries(done: DeliveryDone[], now: Date): Promise<void> {
    if (done.length === 0) return;
    const sentSearch: number[] = [];
    const sentAd: number[] = [];
    for (const d of done) {
      for (const a of d.sent) {
        sentSearch.push(d.savedSearchId);
        sentAd.push(a);
      }
    }
    await inTransaction(this.database, async (q) => {
      if (sentAd.length > 0) {
        await q(
          `insert into sent_alerts (saved_search_id, ad_id, sent_at)
           select s, a, $3 from unnest($1::bigint[], $2::bigint[]) as v(s, a)
           on conflict do nothing`,
          [sentSearch, sentAd, now],
        );
      }
      await q(
        `update alert_jobs j set ad_ids = r.rest, lease_until = null,
           state = case when cardinality(r.rest) = 0 then 'done' else 'pending' end,
           done_at = case when cardinality(r.rest) = 0 then $3::timestamptz else null end
         from (
           select j2.id, array(select x from unnest(j2.ad_ids) x except select y from unnest(v.handled::bigint[]) y) as rest
           from unnest($1::bigint[], $2::text[]) as v(id, handled) join alert_jobs j2 on j2.id = v.id) r
         where j.id = r.id`,
        [done.map((d) => d.jobId), done.map((d) => `{${d.handled.join(',')}}`), now],
      );
    });
  }

  /**
   * Completes one delivery whose mail just went out, in one statement (so one round trip and one
   * commit): records its ads as sent to the search and takes the handled ads off the job. Called
   * right after each mail, before the lane sends the next, so a crash can leave at most that one
   * mail unrecorded.
   */
  async completeDelivery(d: DeliveryDone, now: Date): Promise<void> {
    await this.database.query(
      `with recorded as (
         insert into sent_alerts (saved_search_id, ad_id, sent_at)
         select $2, a, $4 from unnest($3::bigint[]) a
         on conflict do nothing)
       update alert_jobs j set ad_ids = r.rest, lease_until = null,
         state = case when cardinality(r.rest) = 0 then 'done' else 'pending' end,
         done_at = case when cardinality(r.rest) = 0 then $4::timestamptz else null end
       from (select id, array(select x from unnest(ad_ids) x except select y from unnest($5::bigint[]) y) as rest
             from alert_jobs where id = $1) r
       where j.id = r.id`,
      [d.jobId, d.savedSearchId, d.sent, now, d.handled],
    );
  }

  async purgeDoneJobs(before: Date): Promise<number> {
    // Match jobs carry the watermark: the newest one of each frequency always stays.
    const rows = await this.database.query(
      `delete from alert_jobs j where state = 'done' and done_at < $1 and (kind = 'deliver' or
         window_end < (select max(window_end) from alert_jobs m where m.kind = 'match' and m.frequency = j.frequency))
       returning id`,
      [before],
    );
    return rows.length;
  }

  async pendingJobCount(): Promise<number> {
    const rows = await this.database.query<{ n: number }>(`select count(*)::int as n from alert_jobs where state = 'pending'`);
    return Number(rows[0]?.n ?? 0);
  }
}
