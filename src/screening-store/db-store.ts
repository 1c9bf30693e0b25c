/**
 * The database side of the screening stores: loads what a `PrefetchView` reports missing in a few
 * batched queries, and writes what `record()` left in the view's `pending` in one transaction.
 * Works the same on PGlite and on a PostgreSQL server (plain SQL, arrays passed as parameters).
 */
import type { Database } from '../db/client.ts';
import type { EntityKind, EntityRef } from '../screening/index.ts';
import { entityKey, type AdInfo, type Misses, type PrefetchView } from './prefetch-view.ts';

const DAY = 86_400_000;
/** The engine's tolerance for small clock differences between posts (entity-index.ts). */
const CLOCK_SLACK = DAY;

/** Signatures are stored as 64 little-endian u32 (256 bytes). */
export function encodeSignature(sig: Uint32Array): Uint8Array {
  const out = new Uint8Array(sig.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < sig.length; i++) view.setUint32(i * 4, sig[i]!, true);
  return out;
}

export function decodeSignature(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(bytes.byteLength >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

const adIdNumber = (id: string): number => {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`screening store: ad id must be a positive integer, got ${JSON.stringify(id)}`);
  return n;
};

/** Ad ids the database can hold (the engine may ask about ids the caller made up, e.g. group names). */
const numericIds = (ids: Iterable<string>): number[] => [...ids].filter((id) => /^[1-9]\d{0,15}$/.test(id)).map(Number);

export class DbScreeningStore {
  constructor(readonly database: Database) {}

  /** Loads everything the view reported missing. Queries of one round run concurrently. */
  async load(view: PrefetchView, misses: Misses): Promise<void> {
    const work: Promise<void>[] = [];
    if (misses.stats.size) work.push(this.loadStats(view, misses));
    if (misses.buckets.size) work.push(this.loadBuckets(view, misses.buckets));
    if (misses.signatures.size || misses.groups.size) work.push(this.loadTemplates(view, new Set([...misses.signatures, ...misses.groups])));
    if (misses.groupMembers.size) work.push(this.loadGroups(view, misses.groupMembers));
    if (misses.adInfo.size) work.push(this.loadAdInfo(view, misses.adInfo));
    if (misses.adsWith.size) work.push(this.loadAdsWith(view, misses.adsWith));
    await Promise.all(work);
  }

  private async loadStats(view: PrefetchView, misses: Misses): Promise<void> {
    // One query per distinct (facts, window): in practice always one, since one ad is screened.
    const byWindow = new Map<string, { keys: string[]; entities: EntityRef[]; adId: string; city: string; from: Date; to: Date }>();
    for (const [key, m] of misses.stats) {
      const t = m.facts.postedAt.getTime();
      const wk = `${m.facts.adId}|${m.facts.city ?? ''}|${t}|${m.windowDays}`;
      let w = byWindow.get(wk);
      if (!w) byWindow.set(wk, (w = { keys: [], entities: [], adId: m.facts.adId, city: (m.facts.city ?? '').toLowerCase(), from: new Date(t - m.windowDays * DAY), to: new Date(t + CLOCK_SLACK) }));
      w.keys.push(key);
      w.entities.push(m.entity);
    }
    await Promise.all(
      [...byWindow.values()].map(async (w) => {
        const rows = await this.database.query<{ kind: string; value: string; ads: number; cities: number }>(
          `select l.kind, l.value, count(*)::int as ads,
                  count(distinct lower(l.city)) filter (where l.city is not null and lower(l.city) <> $4)::int as cities
             from unnest($1::text[], $2::text[]) as q(kind, value)
             join screening_entity_links l on l.kind = q.kind and l.value = q.value
            where l.ad_id <> $3 and l.seen_at >= $5 and l.seen_at <= $6
            group by l.kind, l.value`,
          [w.entities.map((e) => e.kind), w.entities.map((e) => e.value), numericIds([w.adId])[0] ?? 0, w.city, w.from, w.to],
        );
        const found = new Map(rows.map((r) => [`${r.kind}:${r.value}`, r]));
        const own = w.city ? 1 : 0;
        w.entities.forEach((e, i) => {
          const r = found.get(entityKey(e));
          view.statsByKey.set(w.keys[i]!, { ads: r?.ads ?? 0, cities: (r?.cities ?? 0) + own });
        });
      }),
    );
  }

  private async loadBuckets(view: PrefetchView, buckets: Map<string, number>): Promise<void> {
    const keys = [...buckets.keys()];
    const limit = Math.max(...buckets.values());
    // The newest `limit` ads of each bucket, with their signature and group: the engine compares
    // the ad with each of them right after reading the bucket.
    // Similar ads share most bands, so each signature is sent once, on its ad's first bucket row.
    const rows = await this.database.query<{ band_key: string; ad_id: string; signature: Uint8Array | null; group_id: string | null }>(
      `with b as (
         select k.key, b.ad_id, row_number() over (partition by b.ad_id order by k.key) as nth
           from unnest($1::text[]) as k(key)
           cross join lateral (
             select ad_id from screening_template_buckets where band_key = k.key order by ad_id desc limit $2
           ) b
       )
       select b.key as band_key, b.ad_id::text as ad_id, t.signature, t.group_id
         from b left join screening_templates t on b.nth = 1 and t.ad_id = b.ad_id`,
      [keys, limit],
    );
    const lists = new Map<string, string[]>(keys.map((k) => [k, []]));
    for (const r of rows) {
      lists.get(r.band_key)!.push(r.ad_id);
      if (r.signature && !view.signatureById.has(r.ad_id)) view.signatureById.set(r.ad_id, decodeSignature(r.signature));
      if (r.group_id && !view.groupById.has(r.ad_id)) view.groupById.set(r.ad_id, r.group_id);
    }
    for (const [k, ids] of lists) {
      ids.sort((a, b) => Number(a) - Number(b)); // most recent last, as the interface says
      view.bucketByKey.set(k, { ids, limit });
    }
  }

  private async loadTemplates(view: PrefetchView, adIds: Set<string>): Promise<void> {
    const ids = numericIds(adIds);
    const rows = ids.length
      ? await this.database.query<{ ad_id: string; signature: Uint8Array; group_id: string }>(
          `select ad_id::text as ad_id, signature, group_id from screening_templates where ad_id = any($1::bigint[])`,
          [ids],
        )
      : [];
    for (const id of adIds) {
      view.signatureById.set(id, null);
      view.groupById.set(id, null);
    }
    for (const r of rows) {
      view.signatureById.set(r.ad_id, decodeSignature(r.signature));
      view.groupById.set(r.ad_id, r.group_id);
    }
  }

  private async loadGroups(view: PrefetchView, groups: Map<string, number>): Promise<void> {
    const ids = [...groups.keys()];
    const limit = Math.max(...groups.values());
    // Members (first `limit` by id), the group size, and what each member was linked to: the
    // engine reads the members' cities and phones right after (template spread).
    const rows = await this.database.query<{ group_id: string; ad_id: string; size: number; city: string | null; kind: string | null; value: string | null; seen_at: Date | null }>(
      `select g.group_id, m.ad_id::text as ad_id, n.size, coalesce(l.city, m.city) as city, l.kind, l.value, coalesce(l.seen_at, m.recorded_at) as seen_at
         from unnest($1::text[]) as g(group_id)
         cross join lateral (select count(*)::int as size from screening_templates t where t.group_id = g.group_id) n
         cross join lateral (
           select t.ad_id, t.city, t.recorded_at from screening_templates t where t.group_id = g.group_id order by t.ad_id limit $2
         ) m
         left join screening_entity_links l on l.ad_id = m.ad_id
        order by m.ad_id`,
      [ids, limit],
    );
    const members = new Map<string, { ids: string[]; size: number }>(ids.map((g) => [g, { ids: [], size: 0 }]));
    const infos = new Map<string, { city: string | null; seenAt: Date; entities: EntityRef[] }>();
    for (const r of rows) {
      const m = members.get(r.group_id)!;
      m.size = r.size;
      let info = infos.get(r.ad_id);
      if (!info) {
        m.ids.push(r.ad_id);
        infos.set(r.ad_id, (info = { city: r.city, seenAt: r.seen_at ? new Date(r.seen_at) : new Date(0), entities: [] }));
      }
      if (r.kind && r.value !== null) info.entities.push({ kind: r.kind as EntityKind, value: r.value });
    }
    for (const [g, m] of members) view.membersByGroup.set(g, { ...m, limit });
    for (const [id, info] of infos) {
      if (!view.adInfoById.has(id)) view.adInfoById.set(id, { facts: { adId: id, city: info.city ?? undefined, postedAt: info.seenAt }, entities: info.entities });
    }
  }

  private async loadAdInfo(view: PrefetchView, adIds: Set<string>): Promise<void> {
    const ids = numericIds(adIds);
    const rows = ids.length
      ? await this.database.query<{ ad_id: string; city: string | null; kind: string; value: string; seen_at: Date }>(
          `select ad_id::text as ad_id, city, kind, value, seen_at from screening_entity_links where ad_id = any($1::bigint[])`,
          [ids],
        )
      : [];
    const infos = new Map<string, AdInfo & { entities: EntityRef[] }>();
    for (const r of rows) {
      let info = infos.get(r.ad_id);
      if (!info) infos.set(r.ad_id, (info = { facts: { adId: r.ad_id, city: r.city ?? undefined, postedAt: new Date(r.seen_at) }, entities: [] }));
      info.entities.push({ kind: r.kind as EntityKind, value: r.value });
    }
    for (const id of adIds) view.adInfoById.set(id, infos.get(id) ?? null);
  }

  private async loadAdsWith(view: PrefetchView, entities: Map<string, EntityRef>): Promise<void> {
    const list = [...entities.values()];
    const rows = await this.database.query<{ kind: string; value: string; ad_id: string }>(
      `select l.kind, l.value, l.ad_id::text as ad_id
         from unnest($1::text[], $2::text[]) as q(kind, value)
         join screening_entity_links l on l.kind = q.kind and l.value = q.value
        order by l.ad_id`,
      [list.map((e) => e.kind), list.map((e) => e.value)],
    );
    for (const key of entities.keys()) view.adsWithByEntity.set(key, []);
    for (const r of rows) view.adsWithByEntity.get(`${r.kind}:${r.value}`)?.push(r.ad_id);
  }

  /**
   * Writes what `record()` produced as one statement (so atomically: one implicit transaction, one
   * round trip). Idempotent: links and buckets are keyed, and an ad keeps its first signature and
   * group (its buckets are written only together with a new signature), as the engine's
   * `recordTemplate` intends for re-screened edits.
   *
   * The commit does not wait for the WAL flush (`synchronous_commit = off`, for this statement's
   * transaction only): these rows are derived data, a crash loses at most the last fraction of a
   * second of them, and waiting for the disk was most of the write's cost (about 5 ms).
   */
  async flush(view: PrefetchView): Promise<void> {
    const p = view.pending;
    const links = p.links.flatMap((l) =>
      [...new Map(l.entities.map((e) => [entityKey(e), e])).values()].map((e) => ({ e, adId: adIdNumber(l.facts.adId), city: l.facts.city ?? null, seenAt: l.facts.postedAt })),
    );
    const cityOf = new Map(p.links.map((l) => [l.facts.adId, l.facts.city ?? null]));
    const templates = [...p.signatures].map(([adId, sig]) => ({
      adId: adIdNumber(adId),
      signature: Buffer.from(encodeSignature(sig)),
      groupId: p.groups.get(adId) ?? `tpl-${adId}`,
      city: cityOf.get(adId) ?? null,
    }));
    const buckets = p.buckets.map((b) => ({ bandKey: b.bandKey, adId: adIdNumber(b.adId) }));
    if (!links.length && !templates.length && !buckets.length) return;
    // The engine records one ad at a time: at most one signature per flush.
    if (templates.length > 1) throw new Error('screening store: flush expects at most one template per ad');
    const tpl = templates[0];
    await this.database.query(
      `with s as (select set_config('synchronous_commit', 'off', true) as setting),
       t as (
         insert into screening_templates (ad_id, signature, group_id, city)
         select $6::bigint, $7::bytea, $8::text, $9::text from s where $6::bigint is not null
         on conflict (ad_id) do nothing
         returning ad_id
       ),
       l as (
         insert into screening_entity_links (kind, value, ad_id, city, seen_at)
         select u.* from s, unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[]) as u
         on conflict do nothing
       )
       insert into screening_template_buckets (band_key, ad_id)
       select k.key, t.ad_id from unnest($10::text[]) as k(key) cross join t
       on conflict do nothing`,
      [
        links.map((l) => l.e.kind),
        links.map((l) => l.e.value),
        links.map((l) => l.adId),
        links.map((l) => l.city),
        links.map((l) => l.seenAt.toISOString()),
        tpl?.adId ?? null,
        tpl?.signature ?? null,
        tpl?.groupId ?? null,
        tpl?.city ?? null,
        tpl ? buckets.filter((b) => b.adId === tpl.adId).map((b) => b.bandKey) : [],
      ],
    );
    p.links.length = 0;
    p.buckets.length = 0;
    p.signatures.clear();
    p.groups.clear();
  }
}
