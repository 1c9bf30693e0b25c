/**
 * HTTP benchmarks for the marketplace pages (issue "Marketplace core"). One command runs every
 * scenario that its arguments make feasible and prints a markdown table:
 *
 *   npx tsx bench/http/run.ts --pg postgres://postgres@127.0.0.1:5432/corkboard_bench --pglite /tmp/cb-pglite-100k
 *
 * The app (bench/http/app-server.ts: `serve` minus upkeep) and the raw-query ceiling
 * (bench/http/raw-server.ts) each run in a child process; autocannon runs in this process. For each
 * scenario the app and its ceiling are measured back to back with the same URL list, so a shared
 * machine's load drifts as little as possible between the two. See bench/README.md.
 *
 * Options: --duration S (10), --warmup S (2), --connections N (10), --pool N (PG_POOL_SIZE, 10),
 * --only 1,3,... (scenario numbers), --json FILE (raw results), --discover-words (run ts_stat, ~30 s),
 * --cpu-prof DIR (the app server writes a V8 CPU profile there when it stops), --no-migrate (the app
 * server skips migrations; see app-server.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { openDatabase } from '../../src/db/client.ts';
import { adPath } from '../../src/listings/ad-slug.ts';
import { backendPids, backgroundBusy, cpuPerRequest, cpuSnapshot, startServer, stopServer, type CpuPerRequest } from './harness.ts';


function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const PG_URL = arg('pg');
const PGLITE_DIR = arg('pglite');
const DURATION = Number(arg('duration') ?? 10);
const WARMUP = Number(arg('warmup') ?? 2);
const CONNECTIONS = Number(arg('connections') ?? 10);
const POOL = Number(arg('pool') ?? 10);
const ONLY = arg('only')?.split(',').map(Number);
const JSON_OUT = arg('json');
const CPU_PROF = arg('cpu-prof');
const want = (n: number) => !ONLY || ONLY.includes(n);
const serverOpts = { pool: POOL, cpuProf: CPU_PROF };

/**
 * Common words, from `select word, ndoc from ts_stat('select search from ads') order by ndoc desc`
 * on the 1M-ad dataset (stems: condit 140k ads, deposit 151k, weekend 152k, perfect 202k,
 * photo 150k, avail 174k, work 354k of 1M). --discover-words re-derives a list.
 */
let WORDS = ['condition', 'deposit', 'weekend', 'perfect', 'photo', 'available'];
const CATEGORIES = ['furniture', 'electronics', 'apartments-for-rent', 'cars-trucks', 'software-tech', 'housing'];

interface Scenario {
  n: number;
  name: string;
  db: 'PostgreSQL' | 'PGlite';
  paths: string[];
  /** Requests from many client addresses (the JSON API limits each address to 600 a minute). */
  rotateIp?: boolean;
  /** Overrides --connections (PGlite answers one query at a time, so latency there is mostly queueing). */
  connections?: number;
  target: { rps?: number; p99?: number };
  targetText: string;
  /** No raw ceiling run (it would only repeat the app's cache misses). */
  appOnly?: boolean;
  /** Where the next request continues in `paths`: warm-up and measured run share it, so a list longer than both never repeats. */
  next?: number;
}

interface Row {
  scenario: Scenario;
  server: 'app' | 'raw';
  result: Result;
  loadBefore: string;
  loadAfter: string;
  /** CPU use of the machine (both cores) just before the run, our servers idle. */
  background: number;
  /** CPU milliseconds per request: server process, its PostgreSQL backends, autocannon. */
  cpu: CpuPerRequest;
}

const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

const shuffle = <T,>(xs: T[]): T[] => {
  let s = 42;
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};

async function check(base: string, s: Scenario): Promise<void> {
  const bad: string[] = [];
  // The last paths, not the first: a list longer than the run is then never served from a cache warmed here.
  for (const p of s.paths.slice(-50)) {
    const res = await fetch(base + p, { redirect: 'manual', headers: { 'x-forwarded-for': '10.255.255.254' } });
    await res.arrayBuffer();
    if (res.status !== 200) bad.push(`${res.status} ${p}`);
  }
  if (bad.length > 0) console.warn(`  ! ${s.name} on ${base}: ${bad.length} of the last ${Math.min(50, s.paths.length)} paths did not answer 200, e.g. ${bad.slice(0, 3).join(', ')}`);
}

let ipCounter = 0;
async function load(base: string, s: Scenario, seconds: number): Promise<Result> {
  s.next ??= 0;
  return autocannon({
    url: base,
    connections: s.connections ?? CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          const p = s.paths[s.next!++ % s.paths.length]!;
          if (!s.rotateIp) return { ...req, path: p };
          const n = ipCounter++;
          return { ...req, path: p, headers: { ...req.headers, 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` } };
        },
      },
    ],
  });
}

async function measure(base: string, server: 'app' | 'raw', s: Scenario, rows: Row[], child: ChildProcess, dbUrl?: string): Promise<void> {
  if (server === 'raw' && s.appOnly) return;
  s.next = 0;
  await check(base, s);
  const background = await backgroundBusy();
  const loadBefore = loadavg();
  if (WARMUP > 0) await load(base, s, WARMUP);
  // After the warm-up every pool connection is open; the other server's connections sit idle.
  const pids = await backendPids(dbUrl, `cb-bench-${server}`);
  const before = cpuSnapshot(child.pid!, pids);
  const result = await load(base, s, DURATION);
  const cpu = cpuPerRequest(before, cpuSnapshot(child.pid!, pids), Math.max(1, result.requests.total));
  const row: Row = { scenario: s, server, result, loadBefore, loadAfter: loadavg(), background, cpu };
  rows.push(row);
  console.log(
    `  ${s.n}. ${s.name} [${s.db}] ${server}: ${result.requests.average.toFixed(0)} req/s, median ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}, ` +
      `others' CPU before ${(100 * background).toFixed(0)}%, load ${loadBefore} -> ${row.loadAfter}, ` +
      `CPU ms/request: server ${cpu.server.toFixed(2)}, PostgreSQL ${cpu.backends.toFixed(2)}, autocannon ${cpu.client.toFixed(2)}`,
  );
}

// ---------- datasets ----------

async function pgPaths(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (process.argv.includes('--discover-words')) {
      const t = Date.now();
      const r = await client.query(`select word, ndoc from ts_stat('select search from ads') order by ndoc desc limit 50`);
      console.log(`ts_stat (${((Date.now() - t) / 1000).toFixed(1)} s): ${r.rows.map((x) => `${x.word} ${x.ndoc}`).join(', ')}`);
    }
    const cities = (await client.query(`select c.slug, count(*)::int as n from ads a join cities c on c.id = a.city_id where a.state = 'published' group by c.slug order by n desc limit 6`)).rows;
    // 1,000 random published ads; TABLESAMPLE keeps this fast on a million rows.
    const adRows = (
      await client.query(
        `select a.id, a.title, c.slug as city, k.slug as category from ads a tablesample system (1) repeatable (7)
         join cities c on c.id = a.city_id join categories k on k.id = a.category_id where a.state = 'published' limit 1000`,
      )
    ).rows;
    // 50,000 more for ad pages that miss the app's in-memory copy (it keeps AD_PAGE_CACHE_SIZE, 20,000 by default).
    const manyAdRows = (
      await client.query(
        `select a.id, a.title, c.slug as city, k.slug as category from ads a tablesample system (7) repeatable (11)
         join cities c on c.id = a.city_id join categories k on k.id = a.category_id where a.state = 'published' limit 50000`,
      )
    ).rows;
    const total = (await client.query(`select count(*)::int as n from ads where state = 'published'`)).rows[0].n as number;
    // For searches that do not repeat: the 200 cities with most ads and the 30 most common words of a 1% sample.
    const manyCities = (await client.query(`select c.slug from ads a join cities c on c.id = a.city_id where a.state = 'published' group by c.slug order by count(*) desc limit 200`)).rows.map((r) => r.slug as string);
    const manyWords = (
      await client.query(`select word from ts_stat('select search from ads tablesample system (1) repeatable (3)') where word !~ '^(city|cat)_' and length(word) > 3 order by ndoc desc limit 30`)
    ).rows.map((r) => r.word as string);
    return { cities: cities.map((c) => c.slug as string), cityCounts: cities, ads: adRows.map((a) => adPath({ id: Number(a.id), title: a.title }, a.city, a.category)), manyAds: shuffle(manyAdRows.map((a) => adPath({ id: Number(a.id), title: a.title }, a.city, a.category))), total, manyCities, manyWords };
  } finally {
    await client.end();
  }
}

async function pglitePaths(dataDir: string) {
  const database = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
  try {
    const cities = await database.query<{ slug: string; n: number }>(
      `select c.slug, count(*)::int as n from ads a join cities c on c.id = a.city_id where a.state = 'published' group by c.slug order by n desc limit 6`,
    );
    const adRows = await database.query<{ id: number; title: string; city: string; category: string }>(
      `select a.id, a.title, c.slug as city, k.slug as category from ads a join cities c on c.id = a.city_id join categories k on k.id = a.category_id
       where a.state = 'published' order by md5(a.id::text) limit 1000`,
    );
    const total = (await database.query<{ n: number }>(`select count(*)::int as n from ads where state = 'published'`))[0]!.n;
    return { cities: cities.map((c) => c.slug), cityCounts: cities, ads: adRows.map((a) => adPath({ id: Number(a.id), title: a.title }, a.city, a.category)), total };
  } finally {
    await database.close();
  }
}

function scenarios(db: Scenario['db'], d: { cities: string[]; ads: string[]; manyAds?: string[]; manyCities?: string[]; manyWords?: string[] }): Scenario[] {
  const cityWords = shuffle(d.cities.flatMap((c) => WORDS.map((w) => `q=${w}&city=${c}`)));
  const list: Scenario[] = [];
  if (db === 'PostgreSQL') {
    list.push(
      { n: 1, name: 'keyword in a city (/search?q=&city=)', db, paths: cityWords.map((q) => `/search?${q}`), target: { rps: 800, p99: 50 }, targetText: '≥ 800 req/s, p99 < 50 ms' },
      { n: 2, name: 'keyword everywhere, relevance (/search?q=)', db, paths: WORDS.map((w) => `/search?q=${w}`), target: { p99: 100 }, targetText: 'p99 < 100 ms' },
      { n: 3, name: 'city + category page (/:city/:category)', db, paths: shuffle(d.cities.flatMap((c) => CATEGORIES.map((k) => `/${c}/${k}`))), target: { rps: 3000, p99: 30 }, targetText: '≥ 3,000 req/s, p99 < 30 ms' },
      { n: 4, name: 'ad page (1,000 random ads)', db, paths: d.ads, target: { rps: 5000, p99: 20 }, targetText: '≥ 5,000 req/s, p99 < 20 ms' },
      { n: 7, name: 'JSON API keyword in a city (/api/v1/ads?q=&city=)', db, paths: cityWords.map((q) => `/api/v1/ads?${q}`), rotateIp: true, target: {}, targetText: '(comparison)' },
      {
        n: 8,
        name: `keyword in a city, never repeated (${(d.manyCities?.length ?? 0) * (d.manyWords?.length ?? 0)} distinct searches: cache misses)`,
        db,
        paths: shuffle((d.manyCities ?? []).flatMap((c) => (d.manyWords ?? []).map((w) => `/search?q=${encodeURIComponent(w)}&city=${c}`))),
        appOnly: true,
        target: {},
        targetText: '(comparison: scenario 1 without the cache)',
      },
      {
        n: 9,
        name: `ad page, ${d.manyAds?.length ?? 0} random ads (more than a node keeps: mostly cache misses)`,
        db,
        paths: d.manyAds ?? [],
        appOnly: true,
        target: {},
        targetText: '(comparison: scenario 4 without the cache)',
      },
    );
  } else {
    list.push(
      { n: 6, name: 'keyword in a city (/search?q=&city=)', db, paths: cityWords.map((q) => `/search?${q}`), target: { p99: 20 }, targetText: 'p99 < 20 ms' },
      { n: 6, name: 'keyword in a city, 1 connection', db, paths: cityWords.map((q) => `/search?${q}`), connections: 1, target: { p99: 20 }, targetText: 'p99 < 20 ms' },
      { n: 6, name: 'city + category page (/:city/:category)', db, paths: shuffle(d.cities.flatMap((c) => CATEGORIES.map((k) => `/${c}/${k}`))), target: {}, targetText: '(comparison)' },
      { n: 6, name: 'ad page (1,000 random ads)', db, paths: d.ads, target: {}, targetText: '(comparison)' },
    );
  }
  return list.filter((s) => want(s.n));
}

// ---------- report ----------

function verdict(r: Row): string {
  const t = r.scenario.target;
  if (t.rps === undefined && t.p99 === undefined) return '–';
  const okRps = t.rps === undefined || r.result.requests.average >= t.rps;
  const okP99 = t.p99 === undefined || r.result.latency.p99 < t.p99;
  const clean = r.result.non2xx === 0 && r.result.errors === 0 && r.result.timeouts === 0;
  return okRps && okP99 && clean ? 'met' : `**missed**${okRps ? '' : ' (req/s)'}${okP99 ? '' : ' (p99)'}${clean ? '' : ' (errors)'}`;
}

function table(rows: Row[]): string {
  const lines = [
    '| # | scenario | DB | req/s | median ms | p99 ms | non-2xx / errors | others’ CPU before | load avg before → after | target | met? | app ÷ raw ceiling |',
    '|---|---|---|---:|---:|---:|---|---:|---|---|---|---:|',
  ];
  for (const r of rows.filter((x) => x.server === 'app')) {
    const raw = rows.find((x) => x.server === 'raw' && x.scenario === r.scenario);
    const ratio = raw ? `${((100 * r.result.requests.average) / raw.result.requests.average).toFixed(0)}% of ${raw.result.requests.average.toFixed(0)} req/s (raw p50 ${raw.result.latency.p50}, p99 ${raw.result.latency.p99} ms)` : '–';
    lines.push(
      `| ${r.scenario.n} | ${r.scenario.name} (${r.scenario.connections ?? CONNECTIONS} conn.) | ${r.scenario.db} | ${r.result.requests.average.toFixed(0)} | ${r.result.latency.p50} | ${r.result.latency.p99} | ${r.result.non2xx} / ${r.result.errors + r.result.timeouts} | ${(100 * r.background).toFixed(0)}% | ${r.loadBefore} → ${r.loadAfter} | ${r.scenario.targetText} | ${verdict(r)} | ${ratio} |`,
    );
  }
  lines.push(
    '',
    'CPU per request (ms; server process, its PostgreSQL backends, autocannon) and the throughput the two cores would allow if nothing else ran (2,000 ms ÷ the sum):',
    '',
    '| # | scenario | DB | app: server + PG + client = total | app: idle-machine estimate | raw: server + PG + client = total | raw: idle-machine estimate |',
    '|---|---|---|---|---:|---|---:|',
  );
  const cpuText = (r?: Row) => (r ? `${r.cpu.server.toFixed(2)} + ${r.cpu.backends.toFixed(2)} + ${r.cpu.client.toFixed(2)} = ${(r.cpu.server + r.cpu.backends + r.cpu.client).toFixed(2)}` : '–');
  const est = (r?: Row) => (r ? `${(2000 / (r.cpu.server + r.cpu.backends + r.cpu.client)).toFixed(0)} req/s` : '–');
  for (const r of rows.filter((x) => x.server === 'app')) {
    const raw = rows.find((x) => x.server === 'raw' && x.scenario === r.scenario);
    lines.push(`| ${r.scenario.n} | ${r.scenario.name} (${r.scenario.connections ?? CONNECTIONS} conn.) | ${r.scenario.db} | ${cpuText(r)} | ${est(r)} | ${cpuText(raw)} | ${est(raw)} |`);
  }
  return lines.join('\n');
}

// ---------- main ----------

async function main() {
  if (!PG_URL && !PGLITE_DIR) {
    console.error('usage: npx tsx bench/http/run.ts [--pg postgres://...] [--pglite DATA_DIR] [--duration 10] [--connections 10] [--pool 10] [--only 1,2,3]');
    process.exit(2);
  }
  const wordsArg = arg('words');
  if (wordsArg) WORDS = wordsArg.split(',');
  console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ${CONNECTIONS} connections, ${DURATION} s (+${WARMUP} s warm-up), PG_POOL_SIZE=${POOL}; load ${loadavg()}`);
  const rows: Row[] = [];
  const scratch = path.join(os.tmpdir(), `cb-http-bench-${process.pid}`);
  mkdirSync(scratch, { recursive: true });

  if (PG_URL && [1, 2, 3, 4, 5, 7, 8].some(want)) {
    const d = await pgPaths(PG_URL);
    console.log(`PostgreSQL: ${d.total.toLocaleString('en')} published ads; cities ${d.cityCounts.map((c) => `${c.slug} ${c.n}`).join(', ')}; ${d.ads.length} ad paths`);
    const env = { DATABASE_URL: PG_URL, DATA_DIR: scratch };
    const app = await startServer('app', 3101, env, serverOpts);
    const raw = await startServer('raw', 3102, env, serverOpts);
    try {
      for (const s of scenarios('PostgreSQL', d)) {
        await measure('http://127.0.0.1:3101', 'app', s, rows, app, PG_URL);
        await measure('http://127.0.0.1:3102', 'raw', s, rows, raw, PG_URL);
      }
      if (JSON_OUT) writeFileSync(`${JSON_OUT}.statements.json`, JSON.stringify(await (await fetch('http://127.0.0.1:3102/raw/statements')).json(), null, 2));
    } finally {
      await stopServer(app);
      await stopServer(raw);
    }
  }

  if (PGLITE_DIR && want(6)) {
    // PGlite is one process's database: the app and the ceiling take turns with the data directory.
    const d = await pglitePaths(PGLITE_DIR);
    console.log(`PGlite: ${d.total.toLocaleString('en')} published ads; cities ${d.cityCounts.map((c) => `${c.slug} ${c.n}`).join(', ')}`);
    const list = scenarios('PGlite', d);
    const env = { DATA_DIR: PGLITE_DIR };
    for (const kind of ['app', 'raw'] as const) {
      const server = await startServer(kind, kind === 'app' ? 3103 : 3104, env, serverOpts);
      try {
        for (const s of list) await measure(`http://127.0.0.1:${kind === 'app' ? 3103 : 3104}`, kind, s, rows, server);
      } finally {
        await stopServer(server);
      }
    }
  }

  console.log(`\n${table(rows)}\n`);
  if (JSON_OUT) {
    const prior = (() => {
      try {
        return JSON.parse(readFileSync(JSON_OUT, 'utf8')) as unknown[];
      } catch {
        return [];
      }
    })();
    const out = rows.map((r) => ({
      at: new Date().toISOString(),
      n: r.scenario.n,
      scenario: r.scenario.name,
      db: r.scenario.db,
      server: r.server,
      urls: r.scenario.paths.length,
      connections: CONNECTIONS,
      pool: POOL,
      rps: r.result.requests.average,
      p50: r.result.latency.p50,
      p99: r.result.latency.p99,
      max: r.result.latency.max,
      non2xx: r.result.non2xx,
      errors: r.result.errors,
      timeouts: r.result.timeouts,
      background: r.background,
      cpuMsPerRequest: r.cpu,
      loadBefore: r.loadBefore,
      loadAfter: r.loadAfter,
    }));
    writeFileSync(JSON_OUT, JSON.stringify([...prior, ...out], null, 2));
  }
}

await main();
