/**
 * Flag submission over HTTP (issue "Moderation operations": at least 1,000 requests/s): POST /report
 * from distinct visitors on distinct networks over random published ads, through the whole app
 * (CSRF check, visitor cookie, per-network rate limit, FlagService).
 *
 *   npx tsx bench/http/flags.ts --pg postgres://postgres@127.0.0.1:5432/postgres [--ads 20000] [--duration 10] [--connections 10]
 *
 * A fresh database (created on that server and dropped afterwards) is seeded with --ads ads, so the
 * run's flags and queue items never touch a shared dataset. --cpu-prof DIR: the app writes a V8 CPU
 * profile there when it stops.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { backendPids, backgroundBusy, cpuPerRequest, cpuSnapshot, ROOT, startServer, stopServer } from './harness.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const SERVER_URL = arg('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const ADS = Number(arg('ads', '20000'));
const DURATION = Number(arg('duration', '10'));
const CONNECTIONS = Number(arg('connections', '10'));
const CPU_PROF = process.argv.includes('--cpu-prof') ? arg('cpu-prof', '') : '';
const PORT = 3105;

const name = `corkboard_flagbench_${process.pid}`;
const admin = new pg.Client({ connectionString: SERVER_URL });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(SERVER_URL);
url.pathname = `/${name}`;
const dbUrl = url.toString();
try {
  execFileSync(process.execPath, ['bin/corkboard.mjs', 'seed', '--ads', String(ADS), '--photos', '0'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: dbUrl }, stdio: 'inherit' });
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const ids = (await db.query(`select id from ads where state = 'published' order by md5(id::text)`)).rows.map((r) => Number(r.id));
  await db.end();

  const app = await startServer('app', PORT, { DATABASE_URL: dbUrl, DATA_DIR: `${os.tmpdir()}/cb-flagbench-${process.pid}` }, { pool: 10, cpuProf: CPU_PROF || undefined });
  try {
    const base = `http://127.0.0.1:${PORT}`;
    const form = await fetch(`${base}/report?ad=${ids[0]}`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    let n = 0;
    const request = {
      method: 'POST' as const,
      path: '/report',
      setupRequest: (req: { method?: string; path?: string }) => {
        const i = n++;
        // Each request is a new visitor (no visitor cookie) on its own network, flagging the next ad.
        return {
          ...req,
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
          body: `ad=${ids[i % ids.length]}&reason=${['spam', 'scam', 'prohibited', 'wrong_category'][i % 4]}&_csrf=${encodeURIComponent(token)}`,
        };
      },
    };
    await autocannon({ url: base, connections: CONNECTIONS, duration: 2, requests: [request] });
    const background = await backgroundBusy();
    const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' ');
    const pids = await backendPids(dbUrl, 'cb-bench-app');
    const before = cpuSnapshot(app.pid!, pids);
    const result = await autocannon({ url: base, connections: CONNECTIONS, duration: DURATION, requests: [request] });
    const cpu = cpuPerRequest(before, cpuSnapshot(app.pid!, pids), Math.max(1, result.requests.total));
    const check = new pg.Client({ connectionString: dbUrl });
    await check.connect();
    const stored = (await check.query(`select count(*)::int as flags, count(distinct ad_id)::int as ads from flags`)).rows[0];
    const queued = (await check.query(`select count(*)::int as n from review_items where source = 'flag' and state = 'open'`)).rows[0].n;
    await check.end();
    const total = cpu.server + cpu.backends + cpu.client;
    console.log(
      `POST /report: ${result.requests.average.toFixed(0)} req/s, median ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ` +
        `2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; ` +
        `flags stored ${stored.flags} on ${stored.ads} ads, ${queued} open queue items; ` +
        `CPU ms/request: server ${cpu.server.toFixed(2)} + PostgreSQL ${cpu.backends.toFixed(2)} + autocannon ${cpu.client.toFixed(2)} = ${total.toFixed(2)} ` +
        `(two idle cores: about ${Math.round(2000 / total)} req/s); others' CPU before ${(100 * background).toFixed(0)}%, load ${loadBefore} -> ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ` +
        `${CONNECTIONS} connections, ${DURATION} s, ${ADS} ads`,
    );
  } finally {
    await stopServer(app);
  }
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
