/**
 * One alert run over 100,000 confirmed saved searches and 10,000 newly published ads (design and
 * figures in docs/alerts.md). Searches: 70% one city, 20% a region, 5% a country, 5% everywhere;
 * a category (top or leaf) in 85%; words in 50% (in all country-wide and everywhere ones); price bounds in 30%; frequencies 60/30/10
 * instant/daily/weekly. Ads: the 300 largest cities of the United States, weighted by population.
 * The mailer counts instead of sending, so the figure is the pipeline's own cost.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/alerts.bench.ts [searches] [ads]
 */
import { AlertLinks } from '../src/alerts/alert-links.ts';
import { AlertService } from '../src/alerts/alert.service.ts';
import { AlertsRepository } from '../src/alerts/alerts.repository.ts';
import { compileSearch } from '../src/alerts/saved-search.ts';
import { loadPlaces } from '../src/places/places.ts';
import { seedPlaces } from '../src/places/seed-places.ts';
import { MemoryRateLimiter } from '../src/platform/rate-limiter.ts';
import { openTestDatabase } from '../test/helpers/test-database.ts';

const SEARCHES = Number(process.argv[2] ?? 100_000);
const ADS = Number(process.argv[3] ?? 10_000);
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
const WORDS = ['bike', 'sofa', 'table', 'iphone', 'laptop', 'guitar', 'stroller', 'desk', 'camera', 'tent', 'kayak', 'drill', 'lamp', 'chair', 'tv', 'piano', 'skis', 'crib', 'grill', 'mirror'];
const ADJ = ['vintage', 'new', 'used', 'large', 'small', 'red', 'oak', 'electric', 'folding', 'leather'];

const db = await openTestDatabase();
const t0 = Date.now();
try {
  await db.migrate();
  await seedPlaces(db.db);
  const places = await loadPlaces(db.db);
  const us = places.cities.filter((c) => c.countryCode === 'US').sort((a, b) => b.population - a.population).slice(0, 300);
  const weights = us.map((c) => Math.sqrt(c.population));
  const total = weights.reduce((a, b) => a + b, 0);
  const weightedCity = () => {
    let r = rand() * total;
    for (let i = 0; i < us.length; i++) if ((r -= weights[i]!) <= 0) return us[i]!;
    return us[0]!;
  };
  const leaves = places.categories.filter((c) => c.parentId !== null);
  const tops = places.topCategories();
  const now = new Date();

  // Saved searches, compiled by the same code as the save form.
  let rows: unknown[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    await db.query(
      `insert into saved_searches (email, params, city_ids, category_ids, filters, frequency, link_nonce, confirmed_at, created_at)
       select e->>'email', e->'params',
         case when jsonb_typeof(e->'cities') = 'array' then array(select x::int from jsonb_array_elements_text(e->'cities') x) end,
         case when jsonb_typeof(e->'cats') = 'array' then array(select x::int from jsonb_array_elements_text(e->'cats') x) end,
         e->'filters', e->>'f', 'n', $2, $2
       from jsonb_array_elements($1::jsonb) e`,
      [JSON.stringify(rows), new Date(now.getTime() - 86_400_000)],
    );
    rows = [];
  };
  for (let i = 0; i < SEARCHES; i++) {
    const p: Record<string, string> = {};
    const scope = rand();
    const city = weightedCity();
    if (scope < 0.7) p.city = city.slug;
    else if (scope < 0.9) {
      const region = places.regionById.get(city.regionId)!;
      p.region = `united-states/${region.slug}`;
    } else if (scope < 0.95) p.country = 'united-states';
    if (rand() < 0.85) p.category = (rand() < 0.3 ? pick(tops) : pick(leaves)).slug;
    // Country-wide and everywhere alerts without words would mail most new ads: people narrow those by words.
    if (rand() < 0.5 || scope >= 0.9) p.q = rand() < 0.3 ? `${pick(ADJ)} ${pick(WORDS)}` : pick(WORDS);
    if (rand() < 0.3) p.max_price = String(50 + Math.floor(rand() * 2000));
    const c = compileSearch(p, places);
    const f = rand();
    rows.push({ email: `s${i}@example.com`, params: c.params, cities: c.cityIds, cats: c.categoryIds, filters: c.filters, f: f < 0.6 ? 'instant' : f < 0.9 ? 'daily' : 'weekly' });
    if (rows.length === 5000) await flush();
  }
  await flush();
  const tSearches = Date.now();

  // New ads, published in the last 20 minutes.
  const ads: unknown[] = [];
  for (let i = 0; i < ADS; i++) {
    const city = weightedCity();
    ads.push({
      city: city.id,
      cat: pick(leaves).id,
      title: `${pick(ADJ)} ${pick(WORDS)} ${pick(ADJ)} ${pick(WORDS)}`,
      price: Math.floor(rand() * 2500),
      at: new Date(now.getTime() - rand() * 20 * 60_000).toISOString(),
    });
  }
  for (let i = 0; i < ads.length; i += 5000) {
    await db.query(
      `insert into ads (state, email, city_id, category_id, title, body, price, currency, link_nonce, item_fingerprint, bumped_at, published_at, expires_at)
       select 'published', 'poster@example.com', (e->>'city')::int, (e->>'cat')::int, e->>'title', 'Bench ad body text, collection only.',
         (e->>'price')::bigint, 'USD', 'n', md5(e->>'title'), (e->>'at')::timestamptz, (e->>'at')::timestamptz, (e->>'at')::timestamptz + interval '30 days'
       from jsonb_array_elements($1::jsonb) e`,
      [JSON.stringify(ads.slice(i, i + 5000))],
    );
  }
  await db.query('analyze');
  const tAds = Date.now();
  console.log(`setup: ${SEARCHES.toLocaleString('en')} saved searches in ${((tSearches - t0) / 1000).toFixed(1)} s, ${ADS.toLocaleString('en')} ads in ${((tAds - tSearches) / 1000).toFixed(1)} s (${db.kind})`);

  let mails = 0;
  const service = new AlertService({
    repo: new AlertsRepository(db),
    places: () => places,
    mailer: { send: async () => void mails++ },
    limiter: new MemoryRateLimiter(),
    links: new AlertLinks(Buffer.from('bench-key')),
    publicUrl: 'https://corkboard.example',
    now: () => now,
    concurrency: db.kind === 'postgres' ? 8 : 1,
  });
  const started = Date.now();
  const matchOnly = await service.runOnce({ maxDeliveries: 0 });
  const matched = Date.now();
  const delivered = await service.runOnce();
  const done = Date.now();
  console.log(`match:   ${((matched - started) / 1000).toFixed(1)} s — ${matchOnly.matchJobs} windows, ${matchOnly.adsScanned.toLocaleString('en')} ad-windows scanned, ${matchOnly.candidatePairs.toLocaleString('en')} candidate pairs, ${matchOnly.deliveriesQueued.toLocaleString('en')} deliveries queued`);
  console.log(`deliver: ${((done - matched) / 1000).toFixed(1)} s — ${delivered.mails.toLocaleString('en')} mails, ${delivered.adsSent.toLocaleString('en')} (search, ad) alerts, ${delivered.failures} failures`);
  console.log(`total:   ${((done - started) / 1000).toFixed(1)} s (target < 60 s); mails counted ${mails.toLocaleString('en')}`);
  const again = await service.runOnce();
  console.log(`re-run:  ${again.mails} mails (must be 0)`);
} finally {
  await db.drop();
}
