/**
 * The ceiling for each benchmarked page: a bare Fastify server that, for the same URL, runs exactly the
 * SQL the app runs and returns the rows as JSON. No templates, no cookies/CSRF/multipart plugins, no
 * response hooks. Each figure of the app then reads as a fraction of its raw query's throughput.
 *
 * How the SQL is captured: search-like URLs (/search, /:city/:category, /api/v1/ads) go once through the
 * app's own parseSearchParams and SearchRepository over a recording wrapper of the database; the
 * statements and parameters it ran are cached per URL and replayed on every later request (the list
 * and count queries concurrently, as the repository does). Ad pages replay the Drizzle statements of
 * AdRepository.findById and photosOf (taken from Drizzle's toSQL) with the id from the slug.
 *
 * On PostgreSQL the statements go through the node-postgres pg.Pool that src/db/client.ts opens
 * (same PG_POOL_SIZE, jit=off); on PGlite through the PGlite instance.
 *
 * Environment: DATABASE_URL (or DATA_DIR for PGlite), PORT, PG_POOL_SIZE.
 */
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import Fastify from 'fastify';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { adPhotos, ads } from '../../src/db/schema.ts';
import { DEFAULT_AD_LIMIT } from '../../src/http/api/openapi.ts';
import { idFromAdSegment } from '../../src/listings/ad-slug.ts';
import { parseSearchParams } from '../../src/listings/search-params.ts';
import { SearchRepository } from '../../src/listings/search.repository.ts';
import { loadPlaces } from '../../src/places/places.ts';

interface Statement {
  text: string;
  params: unknown[];
}

const url = process.env.DATABASE_URL;
const database = await openDatabase(url ? { url } : { dataDir: path.join(path.resolve(process.env.DATA_DIR ?? './data'), 'pglite') });
const places = await loadPlaces(database.db);

/** The one path every replayed statement takes: pg.Pool#query, or PGlite#query. */
const run = async (s: Statement): Promise<unknown[]> =>
  database.pool ? (await database.pool.query(s.text, s.params)).rows : (await database.raw!.query(s.text, s.params)).rows;

/** Runs the app's search once for this URL, recording its statements. */
async function capture(raw: Record<string, unknown>, limit: number): Promise<{ statements: Statement[]; sequential: boolean } | null> {
  const parsed = parseSearchParams(raw, places, { limit });
  if (Object.keys(parsed.errors).length > 0) return null;
  const statements: Statement[] = [];
  const recording: Database = {
    ...database,
    query: async <T,>(text: string, params: unknown[] = []) => {
      statements.push({ text, params: [...params] });
      return database.query<T>(text, params);
    },
  };
  await new SearchRepository(recording).search(parsed.query);
  // Relevance runs one statement (a second, sequential one only past the end of its window).
  return { statements, sequential: parsed.query.sort === 'relevance' };
}

const captured = new Map<string, { statements: Statement[]; sequential: boolean } | null>();

async function replaySearch(key: string, raw: Record<string, unknown>, limit: number) {
  let plan = captured.get(key);
  if (plan === undefined) {
    plan = await capture(raw, limit);
    captured.set(key, plan);
  }
  if (!plan) return { error: 'bad parameters' };
  if (plan.sequential) {
    const results: unknown[][] = [];
    for (const s of plan.statements) results.push(await run(s));
    return { results };
  }
  return { results: await Promise.all(plan.statements.map(run)) };
}

const adSql = database.db.select().from(ads).where(eq(ads.id, 1)).toSQL();
const photosSql = database.db.select().from(adPhotos).where(eq(adPhotos.adId, 1)).orderBy(asc(adPhotos.position)).toSQL();

const app = Fastify({ logger: false, routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true } });

app.get('/healthz', async () => ({ status: 'ok' }));
/** The statements captured so far, for checking what the ceiling runs. */
app.get('/raw/statements', async () => Object.fromEntries(captured));
app.get('/raw/ad-statements', async () => ({ ad: adSql.sql, photos: photosSql.sql }));

app.get('/search', async (request) => replaySearch(request.url, request.query as Record<string, unknown>, 25));
app.get('/api/v1/ads', async (request) => replaySearch(request.url, request.query as Record<string, unknown>, DEFAULT_AD_LIMIT));
app.get<{ Params: { city: string; category: string } }>('/:city/:category', async (request) =>
  replaySearch(request.url, { ...(request.query as Record<string, unknown>), city: request.params.city, category: request.params.category }, 25),
);
app.get<{ Params: { city: string; category: string; slug: string } }>('/:city/:category/:slug', async (request, reply) => {
  const id = idFromAdSegment(request.params.slug);
  if (id === null) return reply.status(404).send({ error: 'no id' });
  const [ad] = await run({ text: adSql.sql, params: [id] });
  if (!ad) return reply.status(404).send({ error: 'no ad' });
  const photos = await run({ text: photosSql.sql, params: [id] });
  return { ad, photos };
});

const port = Number(process.env.PORT ?? 3102);
await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' });
process.stdout.write(`raw-server ready on ${port} (${database.kind})\n`);

const stop = async () => {
  await app.close();
  await database.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
