/**
 * Links ads through shared identifiers (phones, e-mails, handles, image hashes, IPs, accounts) in
 * the DIG/Memex manner. The interface is small so a database-backed index can replace the in-memory
 * one; everything is keyed by "<kind>:<value>".
 */
import type { EntityKind } from '../types.ts';

export interface EntityRef {
  kind: EntityKind;
  value: string;
}

export interface AdFacts {
  adId: string;
  city?: string;
  postedAt: Date;
}

export interface EntityStats {
  /** Other ads with this entity in the window (the asking ad excluded). */
  ads: number;
  /** Distinct cities among those ads plus the asking ad's own city. */
  cities: number;
}

export interface EntityIndex {
  link(ad: AdFacts, entities: readonly EntityRef[]): void;
  stats(entity: EntityRef, ad: AdFacts, windowDays: number): EntityStats;
  adsWith(entity: EntityRef): string[];
  /** What was linked for one ad (for template-group spread), or undefined if never linked. */
  adInfo(adId: string): { facts: AdFacts; entities: readonly EntityRef[] } | undefined;
}

const key = (e: EntityRef): string => `${e.kind}:${e.value}`;
const DAY = 86_400_000;

export class InMemoryEntityIndex implements EntityIndex {
  private readonly byEntity = new Map<string, AdFacts[]>();
  private readonly byAd = new Map<string, { facts: AdFacts; entities: EntityRef[] }>();

  link(ad: AdFacts, entities: readonly EntityRef[]): void {
    const info = this.byAd.get(ad.adId);
    if (info) info.entities.push(...entities);
    else this.byAd.set(ad.adId, { facts: ad, entities: [...entities] });
    for (const k of new Set(entities.map(key))) {
      let list = this.byEntity.get(k);
      if (!list) this.byEntity.set(k, (list = []));
      if (!list.some((a) => a.adId === ad.adId)) list.push(ad);
    }
  }

  stats(entity: EntityRef, ad: AdFacts, windowDays: number): EntityStats {
    const list = this.byEntity.get(key(entity)) ?? [];
    const from = ad.postedAt.getTime() - windowDays * DAY;
    const to = ad.postedAt.getTime() + DAY; // tolerate small clock differences between posts
    const cities = new Set<string>();
    if (ad.city) cities.add(ad.city.toLowerCase());
    let ads = 0;
    for (const other of list) {
      const t = other.postedAt.getTime();
      if (other.adId === ad.adId || t < from || t > to) continue;
      ads++;
      if (other.city) cities.add(other.city.toLowerCase());
    }
    return { ads, cities: cities.size };
  }

  adsWith(entity: EntityRef): string[] {
    return (this.byEntity.get(key(entity)) ?? []).map((a) => a.adId);
  }

  adInfo(adId: string): { facts: AdFacts; entities: readonly EntityRef[] } | undefined {
    return this.byAd.get(adId);
  }
}
