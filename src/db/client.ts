/**
 * Opens the database: PGlite in-process (data in a folder, or in memory) by default,
 * or a PostgreSQL server when a URL is given. Both speak the same SQL and run the same migrations.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { withAfterCommit } from './after-commit.ts';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs plain SQL with positional parameters; for the few queries Drizzle's builder cannot express well. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs `task` only if no other app node holds the named lock, for periodic jobs that every node
   * schedules but one should run. Returns false when another node had it.
   */
  exclusively(lockName: string, task: () => Promise<void>): Promise<boolean>;
  /**
   * Subscribes to a NOTIFY channel. `onMessage` gets each payload after the sending transaction
   * commits; `onStatus(false)` reports that notifications may have been missed (the listening
   * connection dropped) until `onStatus(true)` says it is listening again. Resolves once listening.
   */
  listen(channel: string, onMessage: (payload: string) => void, onStatus: (listening: boolean) => void): Promise<Subscription>;
  /** The underlying node-postgres pool, when on a server: bulk COPY needs it. */
  pool?: pg.Pool;
  /** The underlying PGlite instance, when embedded. */
  raw?: PGlite;
}

export interface Subscription {
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(import.meta.dirname, 'migrations');

// Return bigint (int8) as JS numbers: ad ids and prices stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export type DatabaseLocation = { url: string } | { dataDir: string } | { memory: true };

export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if ('url' in location) return openPostgres(location.url);
  let client: PGlite;
  if ('dataDir' in location) {
    mkdirSync(location.dataDir, { recursive: true });
    client = await PGlite.create(location.dataDir);
  } else {
    client = await PGlite.create();
  }
  const db = withAfterCommit(drizzlePglite(client, { schema }) as unknown as Db);
  return {
    db,
    kind: 'pglite',
    raw: client,
    query: async <T,>(text: string, params: unknown[] = []) => (await client.query<T>(text, params)).rows,
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
    // In-process: the listener cannot lose its connection.
    listen: async (channel, onMessage, onStatus) => {
      const unlisten = await client.listen(channel, onMessage);
      onStatus(true);
      return { close: () => unlisten() };
    },
    // PGlite lives in one process: there is no other node to exclude.
    exclusively: async (_lockName, task) => {
      await task();
      return true;
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  // JIT compilation costs ~100 ms per query for our short OLTP queries and never pays back.
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_SIZE ?? 10), options: '-c jit=off' });
  // An idle connection dropped by the server (restart, failover, DROP DATABASE … WITH (FORCE)) is
  // reported here; without a listener Node would crash the process. The pool replaces it, and a
  // query that needed it fails on its own with the real error.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  // Fail fast with a clear message rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  const db = withAfterCommit(drizzlePg(pool, { schema }) as unknown as Db);
  return {
    db,
    kind: 'postgres',
    pool,
    query: async <T,>(text: string, params: unknown[] = []) =>
      (await pool.query(text, params)).rows as T[],
    migrate: () => migratePg(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => pool.end(),
    listen: (channel, onMessage, onStatus) => listenOnServer(url, channel, onMessage, onStatus),
    exclusively: async (lockName, task) => {
      // A session-level advisory lock held on one dedicated connection for the task's duration.
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [lockName]);
        if (!rows[0]?.locked) return false;
        try {
          await task();
        } finally {
          await client.query('select pg_advisory_unlock(hashtext($1))', [lockName]);
        }
        return true;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * LISTEN on a dedicated connection outside the pool (a pooled one would be handed to queries).
 * When it drops, the subscriber is told at once and a new connection is tried every few seconds,
 * so a database restart costs the caches a while of misses, never stale answers.
 */
async function listenOnServer(url: string, channel: string, onMessage: (payload: string) => void, onStatus: (listening: boolean) => void): Promise<Subscription> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, options: '-c jit=off' });
    c.on('notification', (n) => {
      if (n.channel === channel) onMessage(n.payload ?? '');
    });
    const lost = () => {
      if (client !== c) return;
      client = undefined;
      onStatus(false);
      c.end().catch(() => {});
      if (!closed) retry = setTimeout(reconnect, 2000).unref();
    };
    c.on('error', lost);
    c.on('end', lost);
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      c.end().catch(() => {});
      throw err;
    }
    if (closed) return void c.end().catch(() => {});
    client = c;
    onStatus(true);
  };
  const reconnect = () => {
    connect().catch(() => {
      if (!closed) retry = setTimeout(reconnect, 2000).unref();
    });
  };
  try {
    await connect();
  } catch {
    onStatus(false);
    retry = setTimeout(reconnect, 2000).unref();
  }
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}

/** The rows of a drizzle `db.execute(sql…)` result on either driver (both return `{ rows }`; older PGlite adapters an array). */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
