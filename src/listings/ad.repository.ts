/** All database access for ads and their photos. */
import { and, asc, eq, getTableColumns, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adEvents, adPhotos, ads, type AdState } from '../db/schema.ts';
import { adChanges } from './ad-changes.ts';

// The search vector is the database's business: never read back into the application.
const { search: _searchVector, ...adColumns } = getTableColumns(ads);

export type AdRow = Omit<typeof ads.$inferSelect, 'search'>;
export type NewAdRow = typeof ads.$inferInsert;
export type PhotoRow = typeof adPhotos.$inferSelect;
export type NewPhotoRow = Omit<typeof adPhotos.$inferInsert, 'adId'>;

export class AdRepository {
  // Prepared once: the ad page runs these two on every view, and building the SQL text each time
  // was a quarter of the page's CPU.
  private byId;
  private photosByAd;
  private pageById;

  constructor(private db: Db) {
    this.byId = db.select(adColumns).from(ads).where(eq(ads.id, sql.placeholder('id'))).prepare('ad_by_id');
    this.photosByAd = db.select().from(adPhotos).where(eq(adPhotos.adId, sql.placeholder('adId'))).orderBy(asc(adPhotos.position)).prepare('photos_by_ad');
    // The ad page's one round trip: the ad with its photos as JSON. The outer column is spelled out:
    // Drizzle writes ${ads.id} unqualified here, which inside the subquery would mean the photo's id.
    this.pageById = db
      .select({
        ...adColumns,
        photos: sql<PhotoRow[]>`(select coalesce(json_agg(json_build_object('id', p.id, 'adId', p.ad_id, 'position', p.position,
          'storageKey', p.storage_key, 'width', p.width, 'height', p.height, 'sha256', p.sha256, 'pdq', p.pdq,
          'pdqQuality', p.pdq_quality) order by p.position), '[]'::json) from ad_photos p where p.ad_id = "ads"."id")`,
      })
      .from(ads)
      .where(eq(ads.id, sql.placeholder('id')))
      .prepare('ad_page_by_id');
  }

  /** The ad and its photos in position order, in one statement (the ad page reads this on every view). */
  async findWithPhotos(id: number): Promise<{ ad: AdRow; photos: PhotoRow[] } | undefined> {
    if (!Number.isSafeInteger(id) || id <= 0) return undefined;
    const [row] = await this.pageById.execute({ id });
    if (!row) return undefined;
    const { photos, ...ad } = row;
    return { ad, photos: (typeof photos === 'string' ? JSON.parse(photos) : photos) as PhotoRow[] };
  }

  /** The ad and its photos in one transaction: either both are stored or neither is. */
  async insertWithPhotos(ad: NewAdRow, photos: NewPhotoRow[]): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(ads).values(ad).returning({ id: ads.id });
      const id = row!.id;
      if (photos.length > 0) await tx.insert(adPhotos).values(photos.map((p) => ({ ...p, adId: id })));
      await tx.insert(adEvents).values({ adId: id, kind: 'created', toState: ad.state, automated: false });
      adChanges.touch(ad.cityId);
      return id;
    });
  }

  async findById(id: number): Promise<AdRow | undefined> {
    if (!Number.isSafeInteger(id) || id <= 0) return undefined;
    const [row] = await this.byId.execute({ id });
    return row;
  }

  async photosOf(adId: number): Promise<PhotoRow[]> {
    return this.photosByAd.execute({ adId });
  }

  async storageKeysOf(adIds: number[]): Promise<string[]> {
    if (adIds.length === 0) return [];
    const rows = await this.db.select({ key: adPhotos.storageKey }).from(adPhotos).where(inArray(adPhotos.adId, adIds));
    return rows.map((r) => r.key);
  }

  /** The state of the ad a stored photo belongs to, or undefined for a photo no ad references. */
  async stateOfPhoto(storageKey: string): Promise<AdState | undefined> {
    const [row] = await this.db
      .select({ state: ads.state })
      .from(adPhotos)
      .innerJoin(ads, eq(ads.id, adPhotos.adId))
      .where(eq(adPhotos.storageKey, storageKey))
      .limit(1);
    return row?.state;
  }

  /**
   * The ad a stored photo belongs to: what every photo route decides on (public only while the ad is
   * published, the poster's link signed with the ad's nonce, staff whatever the state). Undefined
   * for a photo no ad references.
   */
  async adOfPhoto(storageKey: string): Promise<{ adId: number; state: AdState; linkNonce: string } | undefined> {
    const [row] = await this.db
      .select({ adId: ads.id, state: ads.state, linkNonce: ads.linkNonce })
      .from(adPhotos)
      .innerJoin(ads, eq(ads.id, adPhotos.adId))
      .where(eq(adPhotos.storageKey, storageKey))
      .limit(1);
    return row;
  }

  /** Applies field changes and, when given, a new photo set, in one transaction. */
  async update(id: number, patch: Partial<NewAdRow>, photos?: { keep: number[]; add: NewPhotoRow[] }): Promise<void> {
    await this.db.transaction(async (tx) => {
      // A move to another city changes the old city's lists too.
      if (patch.cityId !== undefined) {
        const [before] = await tx.select({ cityId: ads.cityId }).from(ads).where(eq(ads.id, id));
        if (before && before.cityId !== patch.cityId) adChanges.touch(before.cityId, id);
      }
      const [row] = await tx.update(ads).set({ ...patch, updatedAt: new Date() }).where(eq(ads.id, id)).returning({ cityId: ads.cityId });
      adChanges.touch(row?.cityId, id);
      if (!photos) return;
      const existing = await tx.select().from(adPhotos).where(eq(adPhotos.adId, id)).orderBy(asc(adPhotos.position));
      const keep = existing.filter((p) => photos.keep.includes(p.id));
      const drop = existing.filter((p) => !photos.keep.includes(p.id));
      if (drop.length > 0) await tx.delete(adPhotos).where(inArray(adPhotos.id, drop.map((p) => p.id)));
      // Renumber in two steps so the (ad, position) unique index never sees a clash mid-way.
      for (const [i, p] of keep.entries()) await tx.update(adPhotos).set({ position: 1000 + i }).where(eq(adPhotos.id, p.id));
      for (const [i, p] of keep.entries()) await tx.update(adPhotos).set({ position: i }).where(eq(adPhotos.id, p.id));
      if (photos.add.length > 0) {
        await tx.insert(adPhotos).values(photos.add.map((p, i) => ({ ...p, adId: id, position: keep.length + i })));
      }
      const all = [...keep, ...photos.add];
      await tx
        .update(ads)
        .set({ photoCount: all.length, thumbKey: all[0]?.storageKey ?? null })
        .where(eq(ads.id, id));
    });
  }

  /**
   * Runs `work` in one transaction, with an AdRepository on it: for commands that write other tables
   * (the screener's `recordDecision`, the mail outbox) together with the ad. Over a transaction, this
   * nests as a savepoint.
   */
  async inTransaction<T>(work: (tx: Db, ads: AdRepository) => Promise<T>): Promise<T> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      return work(tx, new AdRepository(tx));
    });
  }

  /** The ad if it is in one of `states`, locked until the surrounding transaction ends (call it in one). */
  async lockIfIn(id: number, states: readonly AdState[]): Promise<AdRow | undefined> {
    const [row] = await this.db
      .select(adColumns)
      .from(ads)
      .where(and(eq(ads.id, id), inArray(ads.state, [...states])))
      .for('update');
    return row;
  }

  /** Moves an ad to a new state and records why; returns false if it was no longer in an allowed state. */
  async transition(
    id: number,
    allowedFrom: readonly AdState[],
    to: AdState,
    event: { kind: string; reason?: string | null; automated: boolean },
    patch: Partial<NewAdRow> = {},
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [current] = await tx
        .select({ state: ads.state, cityId: ads.cityId })
        .from(ads)
        .where(and(eq(ads.id, id), inArray(ads.state, [...allowedFrom])))
        .for('update');
      if (!current) return false;
      await tx
        .update(ads)
        .set({ ...patch, state: to, stateReason: event.reason ?? null, updatedAt: new Date() })
        .where(eq(ads.id, id));
      adChanges.touch(current.cityId, id);
      if (patch.cityId !== undefined && patch.cityId !== current.cityId) adChanges.touch(patch.cityId, id);
      await tx.insert(adEvents).values({ adId: id, kind: event.kind, fromState: current.state, toState: to, reason: event.reason ?? null, automated: event.automated });
      return true;
    });
  }

  /** Whether this poster already has this item live or waiting, posted since `since`: the 48-hour rule. */
  async hasRecentDuplicate(email: string, fingerprint: string, since: Date, exceptId?: number): Promise<boolean> {
    const rows = await this.db
      .select({ id: ads.id })
      .from(ads)
      .where(
        and(
          eq(ads.itemFingerprint, fingerprint),
          eq(ads.email, email),
          gt(ads.createdAt, since),
          inArray(ads.state, ['unconfirmed', 'pending', 'published', 'held']),
          exceptId ? sql`${ads.id} <> ${exceptId}` : undefined,
        ),
      )
      .limit(1);
    return rows.length > 0;
  }

  async dueForExpiry(now: Date, limit: number): Promise<AdRow[]> {
    return this.db
      .select(adColumns)
      .from(ads)
      .where(and(eq(ads.state, 'published'), lt(ads.expiresAt, now)))
      .limit(limit);
  }

  /**
   * Ads left in `pending` since before `before`, with the kind of their last event (confirmed,
   * edited, renewed): screening normally moves an ad on within milliseconds, so these are ads whose
   * request died between the two steps, or whose screening failed.
   */
  async stalledInPending(before: Date, limit: number): Promise<{ id: number; lastEvent: string | null }[]> {
    return this.db
      .select({
        id: ads.id,
        lastEvent: sql<string | null>`(select e.kind from ${adEvents} e where e.ad_id = ${ads.id} order by e.at desc, e.id desc limit 1)`,
      })
      .from(ads)
      .where(and(eq(ads.state, 'pending'), lt(ads.updatedAt, before)))
      .orderBy(asc(ads.updatedAt))
      .limit(limit);
  }

  async dueForReminder(now: Date, before: Date, limit: number): Promise<AdRow[]> {
    return this.db
      .select(adColumns)
      .from(ads)
      .where(and(eq(ads.state, 'published'), gt(ads.expiresAt, now), lt(ads.expiresAt, before), isNull(ads.reminderSentAt)))
      .limit(limit);
  }

  async markReminded(id: number, at: Date): Promise<void> {
    await this.db.update(ads).set({ reminderSentAt: at }).where(eq(ads.id, id));
  }

  /** Deleted ads and stale unconfirmed drafts past the retention period: gone for good, with their photos. */
  async purgeable(deletedBefore: Date, unconfirmedBefore: Date, limit: number): Promise<number[]> {
    const rows = await this.db
      .select({ id: ads.id })
      .from(ads)
      .where(
        sql`(${ads.state} = 'deleted' and ${ads.deletedAt} < ${deletedBefore}) or (${ads.state} = 'unconfirmed' and ${ads.createdAt} < ${unconfirmedBefore})`,
      )
      .limit(limit);
    return rows.map((r) => r.id);
  }

  async deleteForever(ids: number[]): Promise<void> {
    // Only deleted ads and unconfirmed drafts are purged: never listed, never in a cache. (The
    // delete trigger announces them anyway.)
    if (ids.length > 0) await this.db.delete(ads).where(inArray(ads.id, ids));
  }
}
