/**
 * Moderation benchmarks (PGlite in memory; with TEST_DATABASE_URL a fresh database on that server).
 *   npx tsx bench/moderation.bench.ts            ADS=100000 FLAGS=5000 CONCURRENCY=16
 * 1. Flag submission: FlagService.submit (the whole POST /report work after CSRF: the ad row lock,
 *    flagger record, network check, insert, queue upsert, hold score) from distinct visitors over
 *    random published ads, CONCURRENCY at a time.
 * 2. The queue query (first page of 50 in queue order, with the ads joined), keyset pages after and
 *    before a cursor anywhere in the queue, the per-priority counts, the queue page's whole database
 *    and HTML work, with ADS open review items, and "claim next". FLAGS=0 skips part 1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemoAds } from '../src/listings/demo-seeder.ts';
import { createModeration } from '../src/moderation/moderation.ts';
import { LinkSigner } from '../src/platform/signed-links.ts';
import { FLAG_REASONS } from '../src/moderation/policy.ts';
import { RecordingMailer } from '../src/mail/recording-mailer.ts';
import { queuePage } from '../src/http/views/staff-views.ts';
import { LocalPhotoStore } from '../src/photos/photo-store.ts';
import { loadPlaces } from '../src/places/places.ts';
import { seedPlaces } from '../src/places/seed-places.ts';
import { openTestDatabase } from '../test/helpers/test-database.ts';

const ADS = Number(process.env.ADS ?? 100_000);
const FLAGS = Number(process.env.FLAGS ?? 5000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);

/** CPU ms used so far by this database's PostgreSQL backends (clock ticks of 10 ms), 0 on PGlite. */
async function backendCpuMs(db: { kind: string; query<T>(sql: string): Promise<T[]> }): Promise<number> {
  if (db.kind !== 'postgres') return 0;
  const pids = await db.query<{ pid: number }>(`select pid from pg_stat_activity where datname = current_database()`);
  let ticks = 0;
  for (const { pid } of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return ticks * 10;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (v: number) => `${v.toFixed(2)} ms`;

const database = await openTestDatabase();
const photoDir = mkdtempSync(path.join(tmpdir(), 'corkboard-bench-'));
try {
  await database.migrate();
  await seedPlaces(database.db);
  const places = await loadPlaces(database.db);
  let t0 = performance.now();
  await seedDemoAds(database, places, new LocalPhotoStore(photoDir), { count: ADS, seed: 11, withPhotosUpTo: 0 });
  console.log(`db: ${database.kind}; seeded ${ADS} ads in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const ids = (await database.query<{ id: number }>(`select id from ads where state = 'published' order by id`)).map((r) => Number(r.id));
  const moderation = createModeration({ config: { publicUrl: 'http://localhost', adExpiryDays: 30, retentionDays: 180 }, database, mailer: new RecordingMailer(), links: new LinkSigner(Buffer.alloc(32, 7)), places: () => places, now: () => new Date() });

  // 1. Flag throughput (FLAGS=0 skips it).
  if (FLAGS > 0) {
    let next = 0;
    let held = 0;
    const latencies: number[] = [];
    // Open every pool connection first, so the backends counted below are the ones that do the work.
    await Promise.all(Array.from({ length: CONCURRENCY }, () => database.query('select pg_sleep(0.05)')));
    const pgBefore = await backendCpuMs(database);
    const nodeBefore = process.cpuUsage();
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < FLAGS; i = next++) {
          const adId = ids[(i * 7919) % ids.length]!;
          const s = performance.now();
          try {
            const r = await moderation.flags.submit(adId, FLAG_REASONS[i % 4]!, { key: `visitor:bench${i}`, userId: null, ipHash: `net${i}`, establishedAccount: false });
            if (r.held) held++;
          } catch {
            /* an ad held by an earlier flag: not live any more */
          }
          latencies.push(performance.now() - s);
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const nodeCpu = process.cpuUsage(nodeBefore);
    const pgCpu = (await backendCpuMs(database)) - pgBefore;
    latencies.sort((a, b) => a - b);
    const perFlag = (v: number) => (v / FLAGS).toFixed(2);
    console.log(`flags: ${FLAGS} in ${secs.toFixed(2)} s = ${Math.round(FLAGS / secs)} flags/s (concurrency ${CONCURRENCY}); median ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}; held ${held}`);
    console.log(
      `flags: CPU per flag ${perFlag((nodeCpu.user + nodeCpu.system) / 1000)} ms in Node + ${perFlag(pgCpu)} ms in PostgreSQL; ` +
        `two idle cores would allow about ${Math.round(2000 / ((nodeCpu.user + nodeCpu.system) / 1000 / FLAGS + pgCpu / FLAGS))} flags/s; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    );

  }

  // 2. The queue with ADS open items: one per ad (screening), random priority, ages over 3 days, 2% trusted.
  await database.query('delete from review_items');
  t0 = performance.now();
  await database.query(
    `insert into review_items (ad_id, source, priority, trusted, label, created_at, sla_due_at)
     select id, 'screening', p, random() < 0.02, 'spam', c, c + (array[1, 4, 24, 72])[p + 1] * interval '1 hour'
       from (select id, (random() * 3)::int as p, now() - random() * interval '3 days' as c from ads) s`,
  );
  await database.query('analyze review_items');
  const [{ open }] = (await database.query<{ open: number }>(`select count(*)::int as open from review_items where state = 'open'`)) as [{ open: number }];
  console.log(`queue: ${open} open items inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const time = async (label: string, runs: number, fn: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await fn();
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await fn();
      out.push(performance.now() - s);
    }
    out.sort((a, b) => a - b);
    console.log(`${label}: median ${ms(pct(out, 50))}, p99 ${ms(pct(out, 99))}, max ${ms(out.at(-1)!)} (${runs} runs)`);
  };
  await time('queue page (50, all priorities)', 500, () => moderation.repo.queue(50));
  await time('queue page (50, priority 3)', 500, () => moderation.repo.queue(50, 3));
  await time('queue counts per priority', 100, () => moderation.repo.queueCounts(new Date()));
  // Keyset pages deep in the queue (GET /staff/queue?after=ID / ?before=ID): cursors at random positions.
  const order = (await moderation.repo.queue(1_000_000)).map((e) => e.item.id);
  const at = (i: number) => order[(i * 7919) % order.length]!;
  let k = 0;
  await time('queue page after a cursor (50, all priorities)', 500, () => moderation.repo.queuePage({ limit: 50, after: at(k++) }));
  await time('queue page before a cursor (50, all priorities)', 500, () => moderation.repo.queuePage({ limit: 50, before: at(k++) }));
  const p3 = (await moderation.repo.queue(1_000_000, 3)).map((e) => e.item.id);
  await time('queue page after a cursor (50, priority 3)', 500, () => moderation.repo.queuePage({ limit: 50, priority: 3, after: p3[(k++ * 7919) % p3.length]! }));
  // What GET /staff/queue does apart from HTTP: the page and the counts (concurrently, as the route runs them) and the HTML.
  const now = new Date();
  await time('queue page work (page after a cursor + counts + HTML)', 300, async () => {
    const [page, counts] = await Promise.all([moderation.repo.queuePage({ limit: 50, after: at(k++) }), moderation.repo.queueCounts(now)]);
    const rows = page.entries.map(({ item, ad }) => ({ itemId: item.id, adId: ad.id, title: ad.title, priority: item.priority, label: item.label, source: item.source, trusted: item.trusted, createdAt: item.createdAt, slaDueAt: item.slaDueAt, claimedBy: null, claimedByMe: false, thumbKey: ad.thumbKey }));
    return queuePage({ rows, counts, now, csrf: 'x', paging: { next: rows.at(-1)?.itemId ?? null, previous: rows[0]?.itemId ?? null } });
  });
  const mid = at(3);
  const keysetPlan = await database.query<{ 'QUERY PLAN': string }>(
    `explain analyze select id from (
       (select id, priority, trusted, created_at from review_items where state = 'open' and priority = (select priority from review_items where id = ${mid}) and trusted = (select trusted from review_items where id = ${mid}) and (created_at, id) > ((select created_at from review_items where id = ${mid}), ${mid}) order by created_at, id limit 51)
       union all
       (select id, priority, trusted, created_at from review_items where state = 'open' and priority > (select priority from review_items where id = ${mid}) order by priority, trusted desc nulls last, created_at, id limit 51)
     ) s order by priority, trusted desc nulls last, created_at, id limit 51`,
  );
  console.log(keysetPlan.map((r) => `  ${r['QUERY PLAN']}`).join('\n'));
  console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  let moderator = 1;
  await time('claim next', 500, () => moderation.repo.claimNext(moderator++, new Date()));
  const plan = await database.query<{ 'QUERY PLAN': string }>(
    `explain analyze select * from review_items r join ads a on a.id = r.ad_id where r.state = 'open' order by r.priority, r.trusted desc nulls last, r.created_at, r.id limit 50`,
  );
  console.log(plan.map((r) => `  ${r['QUERY PLAN']}`).join('\n'));
} finally {
  await database.drop();
  rmSync(photoDir, { recursive: true, force: true });
}
