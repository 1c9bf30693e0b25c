/**
 * The Corkboard app as `corkboard serve` builds it (createAppContext + buildApp + listen), minus the
 * periodic upkeep and first-run seeding. Benchmarks run this instead of `serve` because upkeep on a
 * seeded database is not idle: ads seeded weeks ago are due for expiry and reminders, so `serve`
 * would spend the run expiring tens of thousands of ads one transaction at a time (competing for the
 * same two cores) and would change the shared benchmark dataset. The HTTP path is identical.
 *
 * Environment: as `serve` (DATABASE_URL or DATA_DIR, PORT, HOST, LOG_LEVEL, PG_POOL_SIZE, TRUST_PROXY).
 * BENCH_NO_MIGRATE=1 opens the database without running migrations (a benchmark database that other
 * people's unfinished migrations have left in a state the tree's journal cannot migrate from still
 * serves ads and searches); /readyz then says whether migrations are pending.
 */
import { configOrExit } from '../../src/cli/bootstrap.ts';
import path from 'node:path';
import { openDatabase } from '../../src/db/client.ts';
import { createAppContext } from '../../src/composition.ts';
import { buildApp } from '../../src/http/app.ts';

const config = configOrExit();
if (!config) process.exit(2);
let overrides = {};
if (process.env.BENCH_NO_MIGRATE === '1') {
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') });
  overrides = { database: { ...database, migrate: async () => {} } };
}
const ctx = await createAppContext(config, overrides);
const app = await buildApp(ctx, { logger: { level: config.logLevel } });
await app.listen({ port: config.port, host: config.host });
process.stdout.write(`app-server ready on ${config.port} (${ctx.database.kind})\n`);

const stop = async () => {
  await app.close();
  await ctx.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
