/**
 * Latency the screening step adds to a post request: `EngineScreener.screen(ad)` (what
 * AdService.screenAndApply awaits) with stores persisted in the database, against a corpus of prior
 * ads already recorded in the entity index and template store.
 *
 *   npx tsx bench/screening-hook.bench.ts                      # PGlite in memory
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/screening-hook.bench.ts
 *   PRIOR=10000 MEASURED=1000 ... (defaults)
 *
 * Corpus: the demo seeder's ads (every category, population-weighted cities, property-manager
 * batches), recorded through the same adapter. A hash bank of 10,000 random PDQ hashes is loaded
 * and every measured ad carries one photo hash, so the bank lookup is part of the timing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemoAds } from '../src/listings/demo-seeder.ts';
import { EngineScreener } from '../src/listings/engine-screener.ts';
import type { AdForScreening } from '../src/listings/screening-hook.ts';
import { LocalPhotoStore } from '../src/photos/photo-store.ts';
import { loadPlaces } from '../src/places/places.ts';
import { seedPlaces } from '../src/places/seed-places.ts';
import { parseHashBankFile } from '../src/screening/images/index.ts';
import { openTestDatabase } from '../test/helpers/test-database.ts';

const PRIOR = Number(process.env.PRIOR ?? 10_000);
const MEASURED = Number(process.env.MEASURED ?? 1000);

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (x: number): string => `${x.toFixed(2)} ms`;

const database = await openTestDatabase();
const photoDir = mkdtempSync(path.join(tmpdir(), 'bench-photos-'));
try {
  await database.migrate();
  await seedPlaces(database.db);
  const places = await loadPlaces(database.db);
  let t0 = performance.now();
  await seedDemoAds(database, places, new LocalPhotoStore(photoDir), { count: PRIOR + MEASURED, seed: 7, withPhotosUpTo: 0 });
  console.log(`db: ${database.kind}; seeded ${PRIOR + MEASURED} ads in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const screener = new EngineScreener({ database });
  const bank = Array.from({ length: 10_000 }, () => randomBytes(32).toString('hex')).join('\n');
  await screener.banks.importBank(parseHashBankFile(bank, { name: 'bench-bank', label: 'prohibited_goods', action: 'review' }));

  const rows = await database.query<{
    id: number; title: string; body: string; price: number | null; phone: string | null; email: string; poster_ip: string | null;
    created_at: Date; city_slug: string; country_code: string; category_slug: string;
  }>(
    `select a.id, a.title, a.body, a.price, a.phone, a.email, a.poster_ip, a.created_at, c.slug as city_slug, c.country_code, k.slug as category_slug
       from ads a join cities c on c.id = a.city_id join categories k on k.id = a.category_id order by a.id`,
  );
  const ads: AdForScreening[] = rows.map((r) => ({
    id: r.id, title: r.title, body: r.body, categorySlug: r.category_slug, categoryGroup: r.category_slug, citySlug: r.city_slug, countryCode: r.country_code,
    price: r.price === null ? null : Number(r.price), phone: r.phone, email: r.email, imageHashes: [], ip: r.poster_ip, postedAt: new Date(r.created_at),
  }));
  database.pool?.on('error', () => {}); // the test helper force-drops the database at the end
  await screener.banks.matcher(); // a server loads the banks once, on the first ad with photos
  const prior = ads.slice(0, PRIOR);
  const measured = ads.slice(PRIOR).map((a) => ({ ...a, imageHashes: [{ sha256: '', pdq: randomBytes(32).toString('hex'), pdqQuality: 100 }] }));

  t0 = performance.now();
  const decisions = { publish: 0, review: 0, reject: 0 };
  const heldBy = new Map<string, number>();
  for (const ad of prior) {
    const v = await screener.screen(ad);
    decisions[v.decision]++;
    if (v.decision !== 'publish') for (const r of new Set(v.reasons.map((x) => x.rule))) heldBy.set(r, (heldBy.get(r) ?? 0) + 1);
  }
  const recordSecs = (performance.now() - t0) / 1000;
  const [counts] = await database.query<{ links: number; templates: number; buckets: number; groups: number }>(
    `select (select count(*)::int from screening_entity_links) as links, (select count(*)::int from screening_templates) as templates,
            (select count(*)::int from screening_template_buckets) as buckets, (select count(distinct group_id)::int from screening_templates) as groups`,
  );
  console.log(`recorded ${PRIOR} prior ads in ${recordSecs.toFixed(1)} s (${(PRIOR / recordSecs).toFixed(0)} ads/s): ${JSON.stringify(decisions)}; stores: ${JSON.stringify(counts)}`);
  console.log(`rules behind non-publish decisions: ${JSON.stringify(Object.fromEntries([...heldBy].sort((a, b) => b[1] - a[1]).slice(0, 6)))}`);

  const prof = new Map<string, number[]>();
  if (process.env.PROFILE) {
    const orig = database.query.bind(database);
    database.query = (async (text: string, params?: unknown[]) => {
      const t = performance.now();
      try { return await orig(text, params); } finally {
        const k = text.replace(/\s+/g, ' ').slice(0, 60);
        if (!prof.has(k)) prof.set(k, []);
        prof.get(k)!.push(performance.now() - t);
      }
    }) as typeof database.query;
  }
  const lat: number[] = [];
  let grouped = 0;
  for (const ad of measured) {
    const t = performance.now();
    const v = await screener.screen(ad);
    lat.push(performance.now() - t);
    if (v.group) grouped++;
  }
  const mean = lat.reduce((a, b) => a + b, 0) / lat.length;
  console.log(
    `screening step over ${MEASURED} new ads (${grouped} joined a template group): median ${ms(pct(lat, 50))}, p90 ${ms(pct(lat, 90))}, p99 ${ms(pct(lat, 99))}, max ${ms(Math.max(...lat))}, mean ${ms(mean)}`,
  );
  for (const [k, xs] of prof) console.log(`  ${xs.length}x median ${ms(pct(xs, 50))} p99 ${ms(pct(xs, 99))} ${k}`);
} finally {
  await database.drop();
  rmSync(photoDir, { recursive: true, force: true });
}
