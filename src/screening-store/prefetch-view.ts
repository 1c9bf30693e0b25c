/**
 * A per-ad, in-memory view of the persisted stores that satisfies the engine's synchronous
 * `EntityIndex` and `TemplateStore` interfaces.
 *
 * The engine asks for what it needs while it screens. The view answers from what has been loaded
 * and writes down every question it could not answer (a "miss"). The caller then loads the missing
 * data from the database in one batch and screens again, until nothing is missing (two rounds for
 * most ads, three when the ad joins a template group). `screen()` is cheap (about 0.1 ms) and the
 * database trips are batched, so repeating `screen()` is the cheap part.
 *
 * Writes made by `record()` (`link`, `addToBucket`, `setSignature`, `setGroup`) are kept in
 * `pending` and applied to the local maps, to be flushed to the database in one transaction.
 */
import type { AdFacts, EntityIndex, EntityRef, EntityStats, TemplateStore } from '../screening/index.ts';

export const entityKey = (e: EntityRef): string => `${e.kind}:${e.value}`;

export interface AdInfo {
  facts: AdFacts;
  entities: readonly EntityRef[];
}

export interface Misses {
  stats: Map<string, { entity: EntityRef; facts: AdFacts; windowDays: number }>;
  adsWith: Map<string, EntityRef>;
  adInfo: Set<string>;
  buckets: Map<string, number>;
  signatures: Set<string>;
  groups: Set<string>;
  groupMembers: Map<string, number>;
}

export interface PendingWrites {
  links: { facts: AdFacts; entities: EntityRef[] }[];
  buckets: { bandKey: string; adId: string }[];
  signatures: Map<string, Uint32Array>;
  groups: Map<string, string>;
}

const emptyMisses = (): Misses => ({
  stats: new Map(),
  adsWith: new Map(),
  adInfo: new Set(),
  buckets: new Map(),
  signatures: new Set(),
  groups: new Set(),
  groupMembers: new Map(),
});

export class PrefetchView implements EntityIndex, TemplateStore {
  /** Answers loaded from the database; `null` means "loaded, and there is none". */
  readonly statsByKey = new Map<string, EntityStats>();
  readonly adsWithByEntity = new Map<string, string[]>();
  readonly adInfoById = new Map<string, AdInfo | null>();
  readonly bucketByKey = new Map<string, { ids: string[]; limit: number }>();
  readonly signatureById = new Map<string, Uint32Array | null>();
  readonly groupById = new Map<string, string | null>();
  readonly membersByGroup = new Map<string, { ids: string[]; size: number; limit: number }>();

  misses: Misses = emptyMisses();
  readonly pending: PendingWrites = { links: [], buckets: [], signatures: new Map(), groups: new Map() };

  hasMisses(): boolean {
    const m = this.misses;
    return m.stats.size + m.adsWith.size + m.adInfo.size + m.buckets.size + m.signatures.size + m.groups.size + m.groupMembers.size > 0;
  }

  /** Hands the misses to the loader and starts a fresh list. */
  takeMisses(): Misses {
    const m = this.misses;
    this.misses = emptyMisses();
    return m;
  }

  // ---- EntityIndex -------------------------------------------------------------------------------

  link(ad: AdFacts, entities: readonly EntityRef[]): void {
    this.pending.links.push({ facts: ad, entities: [...entities] });
    const info = this.adInfoById.get(ad.adId);
    this.adInfoById.set(ad.adId, { facts: info?.facts ?? ad, entities: [...(info?.entities ?? []), ...entities] });
  }

  stats(entity: EntityRef, ad: AdFacts, windowDays: number): EntityStats {
    const key = `${entityKey(entity)}|${windowDays}`;
    const hit = this.statsByKey.get(key);
    if (hit) return hit;
    this.misses.stats.set(key, { entity, facts: ad, windowDays });
    return { ads: 0, cities: ad.city ? 1 : 0 };
  }

  adsWith(entity: EntityRef): string[] {
    const key = entityKey(entity);
    const hit = this.adsWithByEntity.get(key);
    if (hit) return hit;
    this.misses.adsWith.set(key, entity);
    return [];
  }

  adInfo(adId: string): AdInfo | undefined {
    const hit = this.adInfoById.get(adId);
    if (hit !== undefined) return hit ?? undefined;
    this.misses.adInfo.add(adId);
    return undefined;
  }

  // ---- TemplateStore -----------------------------------------------------------------------------

  getBucket(bandKey: string, limit: number): readonly string[] {
    const hit = this.bucketByKey.get(bandKey);
    if (hit && hit.limit >= limit) return hit.ids.length <= limit ? hit.ids : hit.ids.slice(hit.ids.length - limit);
    this.misses.buckets.set(bandKey, Math.max(limit, this.misses.buckets.get(bandKey) ?? 0));
    return [];
  }

  addToBucket(bandKey: string, adId: string): void {
    this.pending.buckets.push({ bandKey, adId });
    this.bucketByKey.get(bandKey)?.ids.push(adId);
  }

  getSignature(adId: string): Uint32Array | undefined {
    const hit = this.signatureById.get(adId);
    if (hit !== undefined) return hit ?? undefined;
    this.misses.signatures.add(adId);
    return undefined;
  }

  setSignature(adId: string, signature: Uint32Array): void {
    this.pending.signatures.set(adId, signature);
    this.signatureById.set(adId, signature);
  }

  getGroup(adId: string): string | undefined {
    const hit = this.groupById.get(adId);
    if (hit !== undefined) return hit ?? undefined;
    this.misses.groups.add(adId);
    return undefined;
  }

  setGroup(adId: string, groupId: string): void {
    this.pending.groups.set(adId, groupId);
    this.groupById.set(adId, groupId);
  }

  groupMembers(groupId: string, limit: number): readonly string[] {
    const hit = this.membersByGroup.get(groupId);
    if (hit && hit.limit >= limit) return hit.ids.slice(0, limit);
    this.misses.groupMembers.set(groupId, Math.max(limit, this.misses.groupMembers.get(groupId) ?? 0));
    return [];
  }

  groupSize(groupId: string): number {
    const hit = this.membersByGroup.get(groupId);
    if (hit) return hit.size;
    // groupMembers is always asked first for the same group; the miss is recorded there.
    if (!this.misses.groupMembers.has(groupId)) this.misses.groupMembers.set(groupId, 200);
    return 0;
  }
}
