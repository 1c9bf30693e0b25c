/**
 * What the HTTP benchmarks share: starting and stopping the app (or the raw-query ceiling) in a
 * child process, how busy the machine is without us, and CPU time per request from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * How busy the machine is without us: CPU use over `ms` while our servers sit idle. The load average
 * cannot say this during a run, as our own server, PostgreSQL backends and autocannon count in it.
 */
export async function backgroundBusy(ms = 2000): Promise<number> {
  const sample = () => {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const n = f.map(Number);
    const idle = n[3]! + (n[4] ?? 0);
    return { idle, total: n.reduce((a, b) => a + b, 0) };
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}
// ---------- CPU accounting ----------

const CLK_TCK = 100;
/** utime + stime of a process in ms, from /proc (0 when it is gone). */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** The PostgreSQL backends of one of our servers, found by the application_name it connects with (PGAPPNAME). */
export async function backendPids(url: string | undefined, appName: string): Promise<number[]> {
  if (!url) return [];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(`select pid from pg_stat_activity where application_name = $1`, [appName]);
    return r.rows.map((x) => Number(x.pid));
  } finally {
    await client.end();
  }
}

export interface CpuSnapshot {
  server: number;
  backends: Map<number, number>;
  client: number;
}
export function cpuSnapshot(serverPid: number, pids: number[]): CpuSnapshot {
  const u = process.cpuUsage();
  return { server: procCpuMs(serverPid), backends: new Map(pids.map((p) => [p, procCpuMs(p)])), client: (u.user + u.system) / 1000 };
}

/** CPU ms per request between two snapshots; a backend that went away during the run is left out. */
export function cpuPerRequest(a: CpuSnapshot, b: CpuSnapshot, n: number): CpuPerRequest {
  let backends = 0;
  for (const [pid, before] of a.backends) {
    const after = b.backends.get(pid) ?? 0;
    if (after >= before) backends += after - before;
  }
  return { server: (b.server - a.server) / n, backends: backends / n, client: (b.client - a.client) / n };
}

export interface CpuPerRequest {
  server: number;
  backends: number;
  client: number;
}

// ---------- servers ----------

export async function startServer(kind: 'app' | 'raw', port: number, env: Record<string, string>, opts: { pool: number; cpuProf?: string }): Promise<ChildProcess> {
  const script = path.join(ROOT, 'bench/http', kind === 'app' ? 'app-server.ts' : 'raw-server.ts');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...(process.argv.includes('--no-migrate') ? { BENCH_NO_MIGRATE: '1' } : {}), ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', PG_POOL_SIZE: String(opts.pool), TRUST_PROXY: 'true', PGAPPNAME: `cb-bench-${kind}` };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const prof = opts.cpuProf && kind === 'app' ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', script], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${kind} server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) {
        if (kind === 'app') console.log(`  app /readyz: ${await (await fetch(`http://127.0.0.1:${port}/readyz`)).text()}`);
        return child;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error(`${kind} server did not start on ${port}`);
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---------- load ----------

/** Checks the last 50 paths once (status 200 expected: a 301 or 404 would be measuring the wrong page). */
