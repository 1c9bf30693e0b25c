/** `corkboard migrate`: applies pending migrations and exits. `serve` also does this at start-up. */
import path from 'node:path';
import { openDatabase } from '../db/client.ts';
import { configOrExit } from './bootstrap.ts';

export async function migrate(_args: string[]): Promise<number> {
  const config = configOrExit();
  if (!config) return 2;
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') });
  try {
    await database.migrate();
    console.log(`migrations applied (${database.kind})`);
    return 0;
  } finally {
    await database.close();
  }
}
